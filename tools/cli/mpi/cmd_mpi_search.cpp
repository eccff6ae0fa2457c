// faiss-cli mpi-search: k nearest neighbours over shard files, one per rank of an MPI job
// (faiss::mpi::ShardedSearch): rank r loads <prefix>.r (memory-mapped with --mmap), rank
// 0 reads the queries and receives the merged top-k, written and scored as by search.
#include "../index_util.h"
#include "../output.h"
#include "mpi_common.h"

#include <faiss/index_io.h>
#include <faiss/mpi/ShardedSearch.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace faiss_cli {

namespace {

namespace fm = faiss::mpi;

struct SearchInputs {
    std::unique_ptr<Args> args;
    std::unique_ptr<faiss::Index> shard;
    std::unique_ptr<VectorFile> queries, gt_file;
    std::vector<float> xq;
    std::vector<int64_t> gt;
    size_t k = 10, batch = 0;
};

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

void read_inputs(MPI_Comm comm, int argc, char** argv, SearchInputs& in) {
    const int rank = fm::comm_rank(comm), size = fm::comm_size(comm);
    std::set<std::string> vopts = {"shards", "queries", "k",       "params",
                                   "output", "gt",      "threads", "batch"};
    std::set<std::string> flags = {"mmap"};
    add_input_options(vopts, flags);
    in.args.reset(new Args(argc, argv, vopts, flags));
    const Args& a = *in.args;
    apply_threads(a);
    in.k = size_t(a.get_int("k", 10, 1, 1 << 20));
    const std::string prefix = a.required("shards");
    if (rank == 0 && file_exists(shard_path(prefix, size)))
        throw CliError(shard_path(prefix, size) + " exists: there are more shard files than the " +
                       std::to_string(size) + " ranks (mpirun -np <number of shards>)");
    const int io_flags = a.has("mmap") ? faiss::IO_FLAG_MMAP : 0;
    in.shard = load_index(shard_path(prefix, rank), io_flags);
    apply_search_params(*in.shard, a.get("params"));
    if (rank != 0) return;
    if (a.has("output")) check_result_path(a.get("output"));
    in.queries.reset(new VectorFile(a.required("queries"), input_options(a)));
    in.xq = read_queries(*in.queries, size_t(in.shard->d));
    in.batch = size_t(a.get_int("batch", int64_t(in.queries->n()), 1, int64_t(1) << 30));
    if (a.has("gt")) {
        in.gt_file.reset(new VectorFile(a.get("gt"), input_options(a)));
        in.gt = read_groundtruth(*in.gt_file, in.queries->n());
    }
}

int search_body(MPI_Comm comm, int argc, char** argv) {
    const int rank = fm::comm_rank(comm), size = fm::comm_size(comm);
    SearchInputs in;
    fm::run_collectively(comm, [&] { read_inputs(comm, argc, argv, in); });
    fm::ShardedSearch searcher(comm, in.shard.get());
    say(comm, "%d shards of %s, ntotal=%lld, d=%d%s\n", size, type_name(*in.shard).c_str(),
        (long long)searcher.ntotal(), in.shard->d,
        searcher.routed() ? ", queries routed by IVF list" : "");
    const size_t d = size_t(in.shard->d), nq = rank == 0 ? in.queries->n() : 0;
    uint64_t shape[3] = {nq, in.k, in.batch};
    MPI_Bcast(shape, 3, MPI_UINT64_T, 0, comm);
    const size_t k = size_t(shape[1]), batch = std::max<size_t>(1, size_t(shape[2]));
    std::vector<float> D(nq * k);
    std::vector<faiss::idx_t> I(nq * k);
    double search_s = 0;
    int64_t scanned = 0;
    for (size_t i = 0; i < size_t(shape[0]); i += batch) {
        const size_t m = std::min(batch, size_t(shape[0]) - i);
        MPI_Barrier(comm);  // latency of a batch from its broadcast to the merged result
        const double t0 = now_s();
        searcher.search(faiss::idx_t(m), rank == 0 ? in.xq.data() + i * d : nullptr,
                        faiss::idx_t(k), rank == 0 ? D.data() + i * k : nullptr,
                        rank == 0 ? I.data() + i * k : nullptr);
        search_s += now_s() - t0;
        scanned += searcher.last_local_queries();
    }
    report_cpu_time(comm, "load + search");
    int64_t scanned_all = 0;
    MPI_Reduce(&scanned, &scanned_all, 1, MPI_INT64_T, MPI_SUM, 0, comm);
    const size_t nbatch = (size_t(shape[0]) + batch - 1) / batch;
    say(comm,
        "QPS = %.1f (%zu queries in %.4f s, %zu batches, %.3f ms per batch); %.2f ranks "
        "scanned each query\n",
        search_s > 0 ? double(shape[0]) / search_s : 0.0, size_t(shape[0]), search_s, nbatch,
        nbatch ? 1e3 * search_s / double(nbatch) : 0.0,
        shape[0] ? double(scanned_all) / double(shape[0]) : 0.0);
    fm::run_collectively(comm, [&] {
        if (rank != 0) return;
        if (!in.gt.empty()) {
            for (size_t r : {1, 10, 100}) {
                if (r > k) break;
                std::printf("1-recall@%zu = %.4f\n", r,
                            one_recall_at(in.gt, in.gt_file->d(), I.data(), nq, k, r));
            }
        }
        if (in.args->has("output")) {
            write_results(in.args->get("output"), nq, k, D.data(), I.data());
            std::printf("wrote %s\n", in.args->get("output").c_str());
        }
    });
    return 0;
}

}  // namespace

int cmd_mpi_search(int argc, char** argv) {
    return run_mpi_command("mpi-search", argc, argv, search_body);
}

}  // namespace faiss_cli
