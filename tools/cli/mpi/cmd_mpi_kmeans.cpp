// faiss-cli mpi-kmeans: k-means of a vector file over the ranks of an MPI job
// (faiss::mpi::DistributedClustering): each rank reads its share of the rows, rank 0
// writes the centroids.
#include "mpi_common.h"

#include <faiss/IndexFlat.h>
#include <faiss/mpi/DistributedClustering.h>

#include <cstdio>
#include <memory>

namespace faiss_cli {

namespace {

/// centroids (k x d) as .fvecs or float32 .npy.
void write_centroids(const std::string& path, const std::vector<float>& c, size_t d) {
    const size_t k = c.size() / d;
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!f) throw CliError(path + ": cannot open for writing");
    bool ok = true;
    if (ends_with(path, ".npy")) {
        std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                             std::to_string(k) + ", " + std::to_string(d) + "), }";
        while ((10 + header.size() + 1) % 64 != 0)
            header += ' ';
        header += '\n';
        const uint16_t hlen = uint16_t(header.size());
        ok = std::fwrite("\x93NUMPY\x01\x00", 1, 8, f.get()) == 8 &&
             std::fwrite(&hlen, 2, 1, f.get()) == 1 &&
             std::fwrite(header.data(), 1, header.size(), f.get()) == header.size() &&
             std::fwrite(c.data(), sizeof(float), c.size(), f.get()) == c.size();
    } else if (ends_with(path, ".fvecs")) {
        const int32_t di = int32_t(d);
        for (size_t i = 0; i < k && ok; i++) {
            ok = std::fwrite(&di, 4, 1, f.get()) == 1 &&
                 std::fwrite(c.data() + i * d, sizeof(float), d, f.get()) == d;
        }
    } else {
        throw CliError(path + ": unknown extension (expected .fvecs or .npy)");
    }
    if (!ok || std::fflush(f.get()) != 0) throw CliError(path + ": write failed");
}

int kmeans_body(MPI_Comm comm, int argc, char** argv) {
    const int size = faiss::mpi::comm_size(comm);
    std::unique_ptr<Args> args;
    std::unique_ptr<VectorFile> input;
    std::vector<float> x;
    faiss::ClusteringParameters cp;
    int k = 0;
    faiss::MetricType metric = faiss::METRIC_L2;
    faiss::mpi::run_collectively(comm, [&] {
        std::set<std::string> vopts = {
            "input",  "k",       "niter", "seed", "max-points-per-centroid",
            "output", "threads", "metric"};
        std::set<std::string> flags = {"verbose"};
        add_input_options(vopts, flags);
        args.reset(new Args(argc, argv, vopts, flags));
        apply_threads(*args);
        k = int(args->get_int("k", 0, 1, int64_t(1) << 30));
        if (k == 0) throw CliError("--k is required");
        cp.niter = int(args->get_int("niter", 25, 0, 1 << 20));
        cp.seed = int(args->get_int("seed", 1234, 0, (int64_t(1) << 31) - 1));
        cp.max_points_per_centroid =
            int(args->get_int("max-points-per-centroid", 256, 1, int64_t(1) << 30));
        cp.verbose = args->has("verbose");
        metric = parse_metric(args->get("metric", "l2"));
        cp.spherical = metric == faiss::METRIC_INNER_PRODUCT;
        input.reset(new VectorFile(args->required("input"), input_options(*args)));
        x = read_my_rows(*input, comm);
    });
    const size_t d = input->d();
    say(comm, "input: %s: %s; %d ranks, k=%d, niter=%d\n", input->path().c_str(),
        input->describe().c_str(), size, k, cp.niter);
    faiss::mpi::DistributedClustering clus(comm, int(d), k, cp);
    faiss::IndexFlat assigner(int(d), metric);
    const double t0 = now_s();
    clus.train(faiss::idx_t(x.size() / d), x.data(), assigner);
    const double t = now_s() - t0;
    say(comm, "k-means: %.3f s, final objective %g\n", t,
        clus.iteration_stats.empty() ? 0.0 : double(clus.iteration_stats.back().obj));
    faiss::mpi::run_collectively(comm, [&] {
        if (faiss::mpi::comm_rank(comm) != 0 || !args->has("output")) return;
        write_centroids(args->get("output"), clus.centroids, d);
        std::printf("wrote %s (%d x %zu)\n", args->get("output").c_str(), k, d);
    });
    return 0;
}

}  // namespace

int cmd_mpi_kmeans(int argc, char** argv) {
    return run_mpi_command("mpi-kmeans", argc, argv, kmeans_body);
}

}  // namespace faiss_cli
