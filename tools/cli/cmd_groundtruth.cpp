// faiss-cli groundtruth: exact k nearest neighbours of queries in a base file, reading the
// base block by block (so it may exceed memory) and merging the per-block results.
#include "cli.h"
#include "index_util.h"
#include "output.h"
#include "progress.h"

#include <faiss/IndexFlat.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

namespace faiss_cli {

namespace {

/// Running top-k of every query: merges each block's sorted results into it.
struct TopK {
    size_t nq, k;
    bool similarity;
    std::vector<float> D;
    std::vector<int64_t> I;

    TopK(size_t nq_, size_t k_, bool sim)
        : nq(nq_),
          k(k_),
          similarity(sim),
          D(nq_ * k_,
            sim ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity()),
          I(nq_ * k_, -1) {}

    bool better(float a, float b) const { return similarity ? a > b : a < b; }

    /// bD, bI: nq x bk sorted results of one block, ids already offset.
    void merge(const float* bD, const int64_t* bI, size_t bk) {
#pragma omp parallel for
        for (int64_t q = 0; q < int64_t(nq); q++) {
            std::vector<float> nd(k);
            std::vector<int64_t> ni(k);
            const float* d0 = D.data() + q * k;
            const int64_t* i0 = I.data() + q * k;
            const float* d1 = bD + q * bk;
            const int64_t* i1 = bI + q * bk;
            size_t a = 0, b = 0;
            for (size_t j = 0; j < k; j++) {
                // Earlier blocks win ties, so equal distances keep increasing ids.
                const bool take_b =
                    b < bk && i1[b] >= 0 && (a >= k || i0[a] < 0 || better(d1[b], d0[a]));
                if (take_b) {
                    nd[j] = d1[b];
                    ni[j] = i1[b++];
                } else {
                    nd[j] = d0[a];
                    ni[j] = i0[a++];
                }
            }
            std::copy(nd.begin(), nd.end(), D.begin() + q * k);
            std::copy(ni.begin(), ni.end(), I.begin() + q * k);
        }
    }
};

}  // namespace

int cmd_groundtruth(int argc, char** argv) {
    std::set<std::string> vopts = {"base", "queries", "k", "metric", "output", "threads", "block"};
    std::set<std::string> flags;
    add_input_options(vopts, flags);
    Args args(argc, argv, vopts, flags);
    const InputOptions in = input_options(args);
    apply_threads(args);
    const std::string out = args.required("output");
    check_result_path(out);
    const size_t k = size_t(args.get_int("k", 100, 1, 1 << 20));
    const faiss::MetricType metric = parse_metric(args.get("metric", "l2"));

    VectorFile base(args.required("base"), in);
    VectorFile qf(args.required("queries"), in);
    const size_t d = base.d();
    if (qf.d() != d) {
        throw CliError(qf.path() + ": dimension " + std::to_string(qf.d()) +
                       " does not match the base (d=" + std::to_string(d) + ")");
    }
    const std::vector<float> xq = read_queries(qf, d);
    const size_t nq = qf.n();
    const size_t block = size_t(args.get_int(
        "block", int64_t(std::max<size_t>(1, (size_t(1) << 24) / d)), 1, int64_t(1) << 40));
    std::printf("exact %zu-NN (%s) of %zu queries in %s (%s), %d threads\n", k,
                metric == faiss::METRIC_L2 ? "l2" : "ip", nq, base.path().c_str(),
                base.describe().c_str(), omp_get_max_threads());

    TopK top(nq, k, metric == faiss::METRIC_INNER_PRODUCT);
    std::vector<float> xb, bD;
    std::vector<faiss::idx_t> bI;
    Progress p("scanning base", base.n());
    for (size_t i0 = 0; i0 < base.n(); i0 += block) {
        const size_t m = std::min(block, base.n() - i0);
        xb.resize(m * d);
        base.read_floats(i0, m, xb.data());
        faiss::IndexFlat flat(int(d), metric);
        flat.add(faiss::idx_t(m), xb.data());
        const size_t bk = std::min(k, m);
        bD.resize(nq * bk);
        bI.resize(nq * bk);
        flat.search(faiss::idx_t(nq), xq.data(), faiss::idx_t(bk), bD.data(), bI.data());
        for (auto& id : bI)
            if (id >= 0) id += faiss::idx_t(i0);
        top.merge(bD.data(), bI.data(), bk);
        p.update(i0 + m);
    }
    p.finish();
    write_results(out, nq, k, top.D.data(), top.I.data());
    std::printf("wrote %s (%zu x %zu ids)\n", out.c_str(), nq, k);
    return 0;
}

}  // namespace faiss_cli
