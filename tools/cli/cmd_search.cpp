// faiss-cli search: k nearest neighbours of a query file in an index file, with search
// parameters per call, results to .ivecs / .npy / JSON lines, recall against a ground
// truth and queries per second.
#include "cli.h"
#include "index_util.h"
#include "output.h"
#include "progress.h"

#include <faiss/index_io.h>
#include <faiss/simd/simd_level.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace faiss_cli {

namespace {

/// Searches all rows of qf in batches, reading each batch just before its search (only
/// the results stay in memory); returns the time spent in search calls, in seconds.
double search_batches(faiss::Index& index, VectorFile& qf, size_t k, size_t batch, float* D,
                      faiss::idx_t* I) {
    const size_t nq = qf.n(), d = qf.d();
    std::vector<float> xq;
    Progress p("searching", nq);
    double search_s = 0;
    for (size_t i = 0; i < nq; i += batch) {
        const size_t m = std::min(batch, nq - i);
        xq.resize(m * d);
        qf.read_floats(i, m, xq.data());
        const auto t0 = std::chrono::steady_clock::now();
        index.search(faiss::idx_t(m), xq.data(), faiss::idx_t(k), D + i * k, I + i * k);
        search_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        p.update(i + m);
    }
    p.finish();
    return search_s;
}

}  // namespace

int cmd_search(int argc, char** argv) {
    std::set<std::string> vopts = {"index",  "queries", "k",       "params",
                                   "output", "gt",      "threads", "batch"};
    std::set<std::string> flags = {"mmap"};
    add_input_options(vopts, flags);
    Args args(argc, argv, vopts, flags);
    const InputOptions in = input_options(args);
    apply_threads(args);
    const size_t k = size_t(args.get_int("k", 10, 1, 1 << 20));
    const size_t batch = size_t(args.get_int("batch", 4096, 1, int64_t(1) << 30));
    const std::string out = args.get("output");
    if (!out.empty()) check_result_path(out);

    // --mmap maps the codes, graph and inverted lists in place (copy-on-write): searching
    // starts at once and the pages are shared with other processes mapping the file.
    const int io_flags = args.has("mmap") ? faiss::IO_FLAG_MMAP : 0;
    const std::string index_path = args.required("index");
    auto index = load_index(index_path, io_flags);
    std::printf("index: %s: %s, d=%d, ntotal=%lld\n", index_path.c_str(), type_name(*index).c_str(),
                index->d, (long long)index->ntotal);
    apply_search_params(*index, args.get("params"));

    VectorFile qf(args.required("queries"), in);
    const size_t d = size_t(index->d), nq = qf.n();
    if (qf.d() != d) {
        throw CliError(qf.path() + ": dimension " + std::to_string(qf.d()) +
                       " does not match the index (d=" + std::to_string(d) + ")");
    }
    std::unique_ptr<VectorFile> gt_file;
    std::vector<int64_t> gt;
    if (args.has("gt")) {
        gt_file.reset(new VectorFile(args.get("gt"), in));
        gt = read_groundtruth(*gt_file, nq);
    }
    std::printf("queries: %s: %s, k=%zu, %d threads, SIMD %s\n", qf.path().c_str(),
                qf.describe().c_str(), k, omp_get_max_threads(), faiss::simd_level_name());

    std::vector<float> D(nq * k);
    std::vector<faiss::idx_t> I(nq * k);
    const double search_s = search_batches(*index, qf, k, batch, D.data(), I.data());
    std::printf("QPS = %.1f (%zu queries in %.4f s)\n", search_s > 0 ? nq / search_s : 0.0, nq,
                search_s);
    if (!gt.empty()) {
        const size_t gt_k = gt_file->d();
        for (size_t r : {1, 10, 100}) {
            if (r > k) break;
            std::printf("1-recall@%zu = %.4f\n", r, one_recall_at(gt, gt_k, I.data(), nq, k, r));
        }
    }
    if (!out.empty()) {
        write_results(out, nq, k, D.data(), I.data());
        std::printf("wrote %s\n", out.c_str());
    }
    return 0;
}

}  // namespace faiss_cli
