// IndexScalarQuantizer: flat storage of ScalarQuantizer codes, searched by scanning
// the codes with the code-domain kernels and the engine's top-k selection.
#include <faiss/IndexScalarQuantizer.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/sq_scanner.h>
#include <faiss/internal/topk.h>

#include <omp.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace faiss {

namespace {

// Codes scored per kernel call: the scores stay in L1.
constexpr size_t kBlock = 256;
// A single query splits the database over threads only from this many codes per thread.
constexpr size_t kMinCodesPerThread = 32768;
// Below this much work (queries x codes) a batch runs on the calling thread.
constexpr size_t kMinParallelWork = 65536;

void check_metric(MetricType metric) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "IndexScalarQuantizer supports L2 and inner product, not %s",
                  is_known_metric(int(metric)) ? metric_name(metric) : "an unknown metric");
}

// Scores codes [i0, i1) against the scanner's current query as "smaller is better"
// (inner products negated), with filtered-out ids set to NaN, and hands each block to
// sink(scores, n, first_id).
template <class Sink>
void scan_codes(const IndexScalarQuantizer& index, internal::SQQueryScanner& scanner, size_t i0,
                size_t i1, const IDSelector* sel, Sink&& sink) {
    float scores[kBlock];
    uint8_t mask[kBlock];
    const bool negate = index.metric_type == METRIC_INNER_PRODUCT;
    for (size_t b = i0; b < i1; b += kBlock) {
        const size_t nb = std::min(kBlock, i1 - b);
        scanner.scan(index.codes.data() + b * index.code_size, nb, scores);
        if (negate) internal::negate_block(scores, nb);
        if (sel) {
            for (size_t j = 0; j < nb; j++)
                mask[j] = sel->is_member(idx_t(b + j)) ? 1 : 0;
            internal::mask_block(scores, nb, mask);
        }
        sink(scores, nb, int64_t(b));
    }
}

// Offers codes [i0, i1) to a heap of k entries (initialised by the caller).
void knn_range(const IndexScalarQuantizer& index, internal::SQQueryScanner& scanner, size_t i0,
               size_t i1, const IDSelector* sel, size_t k, float* hs, int64_t* hi) {
    scan_codes(index, scanner, i0, i1, sel, [&](const float* s, size_t n, int64_t id0) {
        if (k == 1) {
            internal::top1_offer_block(hs, hi, s, n, id0);
        } else {
            internal::topk_offer_block(k, hs, hi, s, n, id0);
        }
    });
}

// One query over a large database: each thread keeps the top-k of its own range of
// codes, then the partial heaps are merged into the result row.
void knn_one_query_split(const IndexScalarQuantizer& index, const float* x, size_t k,
                         const IDSelector* sel, size_t parts, float* hs, int64_t* hi) {
    const size_t nb = size_t(index.ntotal);
    std::vector<float> part_scores(parts * k);
    std::vector<int64_t> part_ids(parts * k);
    internal::ExceptionCollector errors;
#pragma omp parallel for num_threads(int(parts))
    for (int64_t p = 0; p < int64_t(parts); p++) {
        errors.run([&] {
            float* ps = part_scores.data() + size_t(p) * k;
            int64_t* pi = part_ids.data() + size_t(p) * k;
            internal::topk_heap_init(k, ps, pi);
            internal::SQQueryScanner scanner(index.sq, index.metric_type);
            scanner.set_query(x);
            knn_range(index, scanner, nb * size_t(p) / parts, nb * size_t(p + 1) / parts, sel, k,
                      ps, pi);
        });
    }
    errors.rethrow();
    internal::topk_heap_init(k, hs, hi);
    for (size_t j = 0; j < parts * k; j++)
        internal::topk_heap_offer(k, hs, hi, part_scores[j], part_ids[j]);
}

// Sort a result heap best first; inner products get their sign back.
void finish_row(MetricType metric, size_t k, float* hs, int64_t* hi) {
    internal::topk_heap_sort(k, hs, hi);
    if (metric == METRIC_INNER_PRODUCT) internal::negate_block(hs, k);
}

}  // namespace

IndexScalarQuantizer::IndexScalarQuantizer(int d, ScalarQuantizer::QuantizerType qtype,
                                           MetricType metric)
    : IndexFlatCodes(0, d, metric), sq(size_t(std::max(d, 0)), qtype) {
    check_metric(metric);
    code_size = sq.code_size;
    is_trained = !sq.needs_training();
}

IndexScalarQuantizer::IndexScalarQuantizer() : IndexFlatCodes() {}

void IndexScalarQuantizer::train(idx_t n, const float* x) {
    // Retraining would leave the stored codes, which cannot change, in another codec.
    check_codes_writable("train");
    internal::check_vectors(*this, n, x, "training");
    FAISS_REQUIRE(size_t(d) == sq.d, invalid_argument,
                  "index d=%d does not match the quantizer's d=%zu", d, sq.d);
    sq.train(size_t(n), x);
    is_trained = true;
}

void IndexScalarQuantizer::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(is_trained && sq.is_ready(), not_trained,
                  "IndexScalarQuantizer must be trained before encoding");
    FAISS_REQUIRE(n == 0 || bytes, invalid_argument, "output codes are null");
    sq.compute_codes(x, bytes, size_t(n));
}

void IndexScalarQuantizer::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "codes or output is null");
    FAISS_REQUIRE(is_trained && sq.is_ready(), not_trained,
                  "IndexScalarQuantizer must be trained before decoding");
    sq.decode(bytes, x, size_t(n));
}

void IndexScalarQuantizer::check_compatible_for_merge(const Index& other) const {
    IndexFlatCodes::check_compatible_for_merge(other);
    const auto& o = static_cast<const IndexScalarQuantizer&>(other);
    FAISS_REQUIRE(o.sq.qtype == sq.qtype && o.sq.trained == sq.trained, invalid_argument,
                  "cannot merge: the scalar quantizers differ (qtype %d vs %d, or trained "
                  "ranges)",
                  int(o.sq.qtype), int(sq.qtype));
}

void IndexScalarQuantizer::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                                  const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_metric(metric_type);
    FAISS_REQUIRE(sq.is_ready(), not_trained, "IndexScalarQuantizer: quantizer is not trained");
    const IDSelector* sel = params ? params->sel : nullptr;
    const size_t nb = size_t(ntotal), kk = size_t(k);
    const size_t nthreads = size_t(omp_get_max_threads());
    if (n == 1 && nthreads > 1 && nb >= 2 * kMinCodesPerThread) {
        const size_t parts = std::min(nthreads, nb / kMinCodesPerThread);
        knn_one_query_split(*this, x, kk, sel, parts, distances, labels);
        finish_row(metric_type, kk, distances, labels);
    } else {
        internal::ExceptionCollector errors;
        const bool parallel = n > 1 && size_t(n) * nb >= kMinParallelWork;
#pragma omp parallel if (parallel)
        {
            std::unique_ptr<internal::SQQueryScanner> scanner;
            errors.run([&] { scanner.reset(new internal::SQQueryScanner(sq, metric_type)); });
#pragma omp for schedule(dynamic)
            for (idx_t q = 0; q < n; q++) {
                errors.run([&] {
                    if (!scanner) return;
                    float* hs = distances + size_t(q) * kk;
                    int64_t* hi = labels + size_t(q) * kk;
                    internal::topk_heap_init(kk, hs, hi);
                    scanner->set_query(x + size_t(q) * size_t(d));
                    knn_range(*this, *scanner, 0, nb, sel, kk, hs, hi);
                    finish_row(metric_type, kk, hs, hi);
                });
            }
        }
        errors.rethrow();
    }
}

void IndexScalarQuantizer::range_search(idx_t n, const float* x, float radius,
                                        RangeSearchResult* result,
                                        const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    FAISS_REQUIRE(is_trained && sq.is_ready(), not_trained,
                  "IndexScalarQuantizer must be trained before searching");
    check_metric(metric_type);
    const IDSelector* sel = params ? params->sel : nullptr;
    const bool ip = metric_type == METRIC_INNER_PRODUCT;
    const float limit = ip ? -radius : radius;
    const size_t nb = size_t(ntotal);
    std::vector<std::vector<std::pair<idx_t, float>>> hits(static_cast<size_t>(n));
    internal::ExceptionCollector errors;
    const bool parallel = n > 1 && size_t(n) * nb >= kMinParallelWork;
#pragma omp parallel if (parallel)
    {
        std::unique_ptr<internal::SQQueryScanner> scanner;
        errors.run([&] { scanner.reset(new internal::SQQueryScanner(sq, metric_type)); });
#pragma omp for schedule(dynamic)
        for (idx_t q = 0; q < n; q++) {
            errors.run([&] {
                if (!scanner) return;
                auto& h = hits[size_t(q)];
                scanner->set_query(x + size_t(q) * size_t(d));
                scan_codes(*this, *scanner, 0, nb, sel, [&](const float* s, size_t m, int64_t id0) {
                    internal::range_collect_block(s, m, id0, limit, h);
                });
                if (ip) {
                    for (auto& e : h)
                        e.second = -e.second;
                }
            });
        }
    }
    errors.rethrow();
    result->set_results(hits);
}

}  // namespace faiss
