// faiss-cli mpi-build: an index_factory index built by the ranks of an MPI job (see
// faiss/mpi/distributed_build.h): trained once (IVF coarse quantizer by distributed
// k-means), each rank adding its share of the base file, written as one index file
// (merged on rank 0) and/or as one shard file per rank.
#include "../write_index.h"
#include "mpi_common.h"

#include <faiss/IndexIVF.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/mpi/distributed_build.h>

#include <omp.h>

#include <cstdio>
#include <memory>

namespace faiss_cli {

namespace {

namespace fm = faiss::mpi;

struct BuildInputs {
    std::unique_ptr<Args> args;
    std::unique_ptr<VectorFile> base, train;
    std::vector<float> xb, xt;
    std::string output, shards;
};

/// Options, files and this rank's rows; every check runs before any work.
void read_inputs(MPI_Comm comm, int argc, char** argv, BuildInputs& in) {
    std::set<std::string> vopts = {"base",    "train",  "factory",       "metric",
                                   "threads", "output", "output-shards", "max-root-train"};
    std::set<std::string> flags = {"by-list", "verbose"};
    add_input_options(vopts, flags);
    in.args.reset(new Args(argc, argv, vopts, flags));
    const Args& a = *in.args;
    apply_threads(a);
    in.output = a.get("output");
    in.shards = a.get("output-shards");
    if (in.output.empty() && in.shards.empty())
        throw CliError("give --output INDEX (one merged file) and/or --output-shards PREFIX");
    if (fm::comm_rank(comm) == 0 && !in.output.empty()) check_index_path(in.output);
    if (!in.shards.empty()) check_index_path(shard_path(in.shards, fm::comm_rank(comm)));
    const InputOptions io = input_options(a);
    in.base.reset(new VectorFile(a.required("base"), io));
    if (a.has("train")) {
        in.train.reset(new VectorFile(a.get("train"), io));
        if (in.train->d() != in.base->d())
            throw CliError(in.train->path() + ": dimension " + std::to_string(in.train->d()) +
                           " does not match the base (d=" + std::to_string(in.base->d()) + ")");
        in.xt = read_my_rows(*in.train, comm);
    }
    in.xb = read_my_rows(*in.base, comm);
}

int build_body(MPI_Comm comm, int argc, char** argv) {
    const int rank = fm::comm_rank(comm), size = fm::comm_size(comm);
    BuildInputs in;
    fm::run_collectively(comm, [&] { read_inputs(comm, argc, argv, in); });
    const Args& a = *in.args;
    const size_t d = in.base->d();
    const std::string factory = a.get("factory", "Flat");
    std::unique_ptr<faiss::Index> index;
    fm::run_collectively(comm, [&] {
        index.reset(
            faiss::index_factory(int(d), factory.c_str(), parse_metric(a.get("metric", "l2"))));
        if (a.has("by-list") && !dynamic_cast<faiss::IndexIVF*>(index.get()))
            throw CliError("--by-list needs an IVF index (factory \"IVF...\"), got \"" + factory +
                           "\"");
    });
    say(comm, "base: %s: %s; index \"%s\", %d ranks x %d threads\n", in.base->path().c_str(),
        in.base->describe().c_str(), factory.c_str(), size, omp_get_max_threads());

    const double t0 = now_s();
    const std::vector<float>& xt = in.train ? in.xt : in.xb;
    fm::DistributedTrainOptions topts;
    topts.verbose = a.has("verbose");
    topts.max_root_train = a.get_int("max-root-train", topts.max_root_train, 1, int64_t(1) << 40);
    fm::train_index_distributed(comm, index, faiss::idx_t(xt.size() / d), xt.data(), topts);
    in.xt = std::vector<float>();
    const double t1 = now_s();
    fm::add_distributed(comm, *index, faiss::idx_t(in.xb.size() / d), in.xb.data());
    in.xb = std::vector<float>();
    MPI_Barrier(comm);
    const double t2 = now_s();
    say(comm, "train %.3f s, add %.3f s\n", t1 - t0, t2 - t1);

    if (!in.shards.empty()) {
        if (a.has("by-list")) fm::shard_ivf_by_list(comm, dynamic_cast<faiss::IndexIVF&>(*index));
        fm::run_collectively(
            comm, [&] { faiss::write_index(index.get(), shard_path(in.shards, rank).c_str()); });
        say(comm, "wrote %s.0 .. %s.%d (%s)\n", in.shards.c_str(), in.shards.c_str(), size - 1,
            a.has("by-list") ? "inverted lists sharded by list" : "vectors sharded by rank");
    }
    if (!in.output.empty()) {
        fm::merge_index_to_root(comm, *index);
        fm::run_collectively(comm, [&] {
            if (rank != 0) return;
            std::printf("writing %s (%lld vectors)\n", in.output.c_str(), (long long)index->ntotal);
            write_index_file(*index, in.output);
        });
    }
    MPI_Barrier(comm);
    say(comm, "build total %.3f s (train %.3f, add %.3f, write %.3f)\n", now_s() - t0, t1 - t0,
        t2 - t1, now_s() - t2);
    report_cpu_time(comm, "build");
    return 0;
}

}  // namespace

int cmd_mpi_build(int argc, char** argv) {
    return run_mpi_command("mpi-build", argc, argv, build_body);
}

}  // namespace faiss_cli
