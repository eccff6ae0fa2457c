// Communication cost of the MPI component on this machine, with the computation taken
// out: one k-means iteration's exchanges (reduce-scatter of k x (d + 1) doubles,
// allgather of k x d floats, allreduce of 2k counts) and a ShardedSearch over shards of k
// vectors (query broadcast, near-empty search, top-k reduction), for the sizes given.
//
//   mpirun -n 2 build/benchs/bench_mpi_overhead [--d 128] [--nlist 1024] [--k 10]
//          [--nq 1,100,1000] [--reps 20]
#include <faiss/IndexFlat.h>
#include <faiss/mpi/ShardedSearch.h>
#include <faiss/mpi/mpi_utils.h>

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

long arg(int argc, char** argv, const char* name, long def) {
    for (int i = 1; i + 1 < argc; i++) {
        if (!std::strcmp(argv[i], name)) return std::atol(argv[i + 1]);
    }
    return def;
}

std::vector<long> list_arg(int argc, char** argv, const char* name, const char* def) {
    std::string s = def;
    for (int i = 1; i + 1 < argc; i++) {
        if (!std::strcmp(argv[i], name)) s = argv[i + 1];
    }
    std::vector<long> out;
    for (size_t p = 0; p < s.size();) {
        out.push_back(std::atol(s.c_str() + p));
        p = s.find(',', p);
        if (p == std::string::npos) break;
        p++;
    }
    return out;
}

/// Median seconds of reps runs of fn, each started together on all ranks.
template <class F>
double timed(int reps, F fn) {
    std::vector<double> t;
    for (int r = 0; r < reps; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        fn();
        double dt = MPI_Wtime() - t0, worst = 0;
        MPI_Allreduce(&dt, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        t.push_back(worst);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    const int rank = faiss::mpi::comm_rank(MPI_COMM_WORLD);
    const int size = faiss::mpi::comm_size(MPI_COMM_WORLD);
    const int d = int(arg(argc, argv, "--d", 128));
    const size_t nlist = size_t(arg(argc, argv, "--nlist", 1024));
    const int k = int(arg(argc, argv, "--k", 10));
    const int reps = int(arg(argc, argv, "--reps", 20));

    // One k-means iteration's exchanges (DistributedClustering::train).
    const size_t nranks = size_t(size);
    std::vector<int> sum_counts(nranks), cent_counts(nranks), displs(nranks);
    for (int r = 0; r < size; r++) {
        const size_t lo = nlist * size_t(r) / size_t(size),
                     hi = nlist * size_t(r + 1) / size_t(size);
        sum_counts[size_t(r)] = int((hi - lo) * size_t(d + 1));
        cent_counts[size_t(r)] = int((hi - lo) * size_t(d));
        displs[size_t(r)] = int(lo * size_t(d));
    }
    const size_t my_count = size_t(sum_counts[size_t(rank)]);
    std::vector<double> sums(nlist * size_t(d + 1), 1.0), mine(my_count);
    std::vector<float> cent(nlist * size_t(d), 1.0f);
    std::vector<int64_t> counts(2 * nlist, 1);
    const double t_iter = timed(reps, [&] {
        MPI_Reduce_scatter(sums.data(), mine.data(), sum_counts.data(), MPI_DOUBLE, MPI_SUM,
                           MPI_COMM_WORLD);
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_FLOAT, cent.data(), cent_counts.data(), displs.data(),
                       MPI_FLOAT, MPI_COMM_WORLD);
        MPI_Allreduce(MPI_IN_PLACE, counts.data(), int(2 * nlist), MPI_INT64_T, MPI_SUM,
                      MPI_COMM_WORLD);
    });
    if (rank == 0)
        std::printf(
            "ranks %d: k-means iteration exchanges, nlist=%zu d=%d (%.2f MB of sums): "
            "%.3f ms\n",
            size, nlist, d, 8.0 * double(nlist) * (d + 1) / 1e6, 1e3 * t_iter);

    // ShardedSearch over shards of k vectors: broadcast + reduction, no real scan.
    std::vector<float> xb(size_t(k) * size_t(d));
    for (size_t i = 0; i < xb.size(); i++)
        xb[i] = float((i * 2654435761u + size_t(rank)) % 1000) / 1000.0f;
    faiss::IndexFlatL2 shard(d);
    shard.add(k, xb.data());
    faiss::mpi::ShardedSearch search(MPI_COMM_WORLD, &shard);
    for (long nq : list_arg(argc, argv, "--nq", "1,100,1000")) {
        std::vector<float> xq(size_t(nq) * size_t(d), 0.5f), D(size_t(nq) * size_t(k));
        std::vector<faiss::idx_t> I(D.size());
        const double t_local =
            timed(reps, [&] { shard.search(nq, xq.data(), k, D.data(), I.data()); });
        const double t = timed(
            reps, [&] { search.search(rank == 0 ? nq : 0, xq.data(), k, D.data(), I.data()); });
        const double t_bcast = timed(
            reps, [&] { MPI_Bcast(xq.data(), int(xq.size()), MPI_FLOAT, 0, MPI_COMM_WORLD); });
        if (rank == 0)
            std::printf(
                "ranks %d: sharded search nq=%ld k=%d d=%d: %.3f ms (local search of "
                "the %d-vector shard alone %.3f ms, query broadcast alone %.3f ms)\n",
                size, nq, k, d, 1e3 * t, k, 1e3 * t_local, 1e3 * t_bcast);
    }
    MPI_Finalize();
    return 0;
}
