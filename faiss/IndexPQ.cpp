// IndexPQ: product-quantizer codes searched by asymmetric distance tables.
#include <faiss/IndexPQ.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/code_hamming.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>
#include <faiss/simd/hamming_dispatch.h>
#include <faiss/simd/pq_dispatch.h>

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

namespace faiss {

namespace {

// Codes scored per block: the scores stay in L1 and the top-k threshold test of
// topk_offer_block runs over a whole block.
constexpr size_t kScanBlock = 256;

// out[i] = sum_m tab[m][sub-code m of code i] for the n codes starting at codes.
// tab is M x ksub. SIMD kernels for the byte (8 bits) and nibble (4 bits) layouts.
void adc_scan(const ProductQuantizer& pq, const float* tab, const uint8_t* codes, size_t n,
              float* out) {
    const size_t M = pq.M, cs = pq.code_size;
    if (pq.nbits == 8) {
        simd::pq_kernels().adc_scan_u8(out, tab, codes, M, cs, n);
    } else if (pq.nbits == 4) {
        simd::pq_kernels().adc_scan_u4(out, tab, codes, M, cs, n);
    } else {
        // Generic widths: a bit accumulator refilled byte by byte, so no sub-code costs
        // more than one shift and one mask and no byte past the code is read.
        const size_t ksub = pq.ksub;
        const unsigned nbits = unsigned(pq.nbits);
        const uint64_t mask = (uint64_t(1) << nbits) - 1;
        for (size_t i = 0; i < n; i++) {
            const uint8_t* p = codes + i * cs;
            uint64_t acc = 0;
            unsigned nacc = 0;
            float s = 0;
            for (size_t m = 0; m < M; m++) {
                while (nacc < nbits) {
                    acc |= uint64_t(*p++) << nacc;
                    nacc += 8;
                }
                s += tab[m * ksub + (acc & mask)];
                acc >>= nbits;
                nacc -= nbits;
            }
            out[i] = s;
        }
    }
}

// The per-query ADC table in the engine's "smaller is better" form: L2 distances, or
// negated inner products (negation is exact, so similarities come back bit-identical).
void query_table(const IndexPQ& index, const float* q, float* tab) {
    const ProductQuantizer& pq = index.pq;
    if (index.metric_type == METRIC_INNER_PRODUCT) {
        pq.compute_inner_prod_table(q, tab);
        for (size_t j = 0; j < pq.M * pq.ksub; j++)
            tab[j] = -tab[j];
    } else {
        pq.compute_distance_table(q, tab);
    }
}

// Scores of codes [i0, i0 + n) with filtered-out ids set to NaN (never selected).
void score_block(const IndexPQ& index, const float* tab, size_t i0, size_t n, const IDSelector* sel,
                 float* scores) {
    adc_scan(index.pq, tab, index.codes.data() + i0 * index.code_size, n, scores);
    if (!sel) return;
    for (size_t j = 0; j < n; j++) {
        if (!sel->is_member(idx_t(i0 + j))) scores[j] = std::numeric_limits<float>::quiet_NaN();
    }
}

// Scan of codes [b, e) into a k-heap (unsorted; padding where fewer than k).
void scan_range(const IndexPQ& index, const float* tab, size_t b, size_t e, size_t k,
                const IDSelector* sel, float* D, idx_t* I) {
    float scores[kScanBlock];
    internal::topk_heap_init(k, D, I);
    for (size_t i0 = b; i0 < e; i0 += kScanBlock) {
        const size_t ni = std::min(kScanBlock, e - i0);
        score_block(index, tab, i0, ni, sel, scores);
        if (k == 1) {
            internal::top1_offer_block(D, I, scores, ni, int64_t(i0));
        } else {
            internal::topk_offer_block(k, D, I, scores, ni, int64_t(i0));
        }
    }
}

void finish_query(const IndexPQ& index, size_t k, float* D, idx_t* I) {
    internal::topk_heap_sort(k, D, I);
    if (index.metric_type == METRIC_INNER_PRODUCT) internal::negate_block(D, k);
}

void knn_one_query(const IndexPQ& index, const float* q, size_t k, const IDSelector* sel,
                   float* tab, float* D, idx_t* I) {
    query_table(index, q, tab);
    scan_range(index, tab, 0, size_t(index.ntotal), k, sel, D, I);
    finish_query(index, k, D, I);
}

// Codes per thread below which splitting one query's scan does not pay for the team: a
// team waits for its slowest thread, and on a busy machine a thread can wait for a core
// for milliseconds (measured: 24k codes of 32 bytes split in two took 8 ms instead of
// 1.8 ms at load 14 on 2 cores; 500k codes broke even).
constexpr size_t kSplitMinCodesPerThread = 65536;

// One query, the codes split into nt contiguous parts scanned in parallel, the partial
// heaps merged by (score, id): the same result as one sequential scan.
void knn_one_query_split(const IndexPQ& index, const float* q, size_t k, const IDSelector* sel,
                         int nt, float* D, idx_t* I) {
    std::vector<float> tab(index.pq.M * index.pq.ksub);
    query_table(index, q, tab.data());
    const size_t nb = size_t(index.ntotal);
    std::vector<float> pd(size_t(nt) * k);
    std::vector<idx_t> pi(size_t(nt) * k);
    internal::ExceptionCollector errors;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int p = 0; p < nt; p++) {
        errors.run([&] {
            // Part bounds on whole scan blocks, so blocks are those of the sequential scan.
            const size_t nblocks = (nb + kScanBlock - 1) / kScanBlock;
            const size_t b = std::min(nb, nblocks * size_t(p) / size_t(nt) * kScanBlock);
            const size_t e = std::min(nb, nblocks * size_t(p + 1) / size_t(nt) * kScanBlock);
            scan_range(index, tab.data(), b, e, k, sel, pd.data() + size_t(p) * k,
                       pi.data() + size_t(p) * k);
        });
    }
    errors.rethrow();
    internal::topk_heap_init(k, D, I);
    for (size_t j = 0; j < size_t(nt) * k; j++) {
        if (pi[j] >= 0) internal::topk_heap_offer(k, D, I, pd[j], pi[j]);
    }
    finish_query(index, k, D, I);
}

// Number of differing bytes (sub-codes of 8 bits) between two codes of n bytes.
inline int code_generalized_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
    int h = 0;
    for (size_t i = 0; i < n; i++)
        h += a[i] != b[i];
    return h;
}

// Per-call state of the Hamming-family search types (nbits == 8, L2).
struct HammingScan {
    const IndexPQ& index;
    IndexPQ::Search_type_t type;
    int ht;
    const float* sdc;  // M x 256 x 256, for ST_SDC only
    const simd::HammingKernels& ham;

    // Scores of codes [i0, i0 + n) for the types that score every code (ST_SDC,
    // ST_HE, ST_generalized_HE); codes the selector rejects become NaN.
    void score_block(const uint8_t* qc, const float* tab, size_t i0, size_t n,
                     const IDSelector* sel, float* scores) const {
        const size_t cs = index.code_size;
        const uint8_t* codes = index.codes.data() + i0 * cs;
        if (type == IndexPQ::ST_SDC) {
            adc_scan(index.pq, tab, codes, n, scores);
        } else if (type == IndexPQ::ST_HE) {
            int32_t hd[kScanBlock];
            ham.distances(qc, codes, cs, n, hd);
            for (size_t j = 0; j < n; j++)
                scores[j] = float(hd[j]);
        } else {
            for (size_t j = 0; j < n; j++)
                scores[j] = float(code_generalized_hamming(qc, codes + j * cs, cs));
        }
        if (sel) {
            for (size_t j = 0; j < n; j++)
                if (!sel->is_member(idx_t(i0 + j)))
                    scores[j] = std::numeric_limits<float>::quiet_NaN();
        }
    }

    // Polysemous types: the codes of [i0, i0 + n) within the Hamming threshold get their
    // ADC distance and are offered to the heap in id order (as a block scan would).
    // Returns how many passed the threshold.
    size_t polysemous_block(const uint8_t* qc, const float* tab, size_t i0, size_t n,
                            const IDSelector* sel, size_t k, float* D, idx_t* I) const {
        const size_t cs = index.code_size;
        const uint8_t* codes = index.codes.data() + i0 * cs;
        uint32_t ids[kScanBlock];
        size_t pass;
        if (type == IndexPQ::ST_polysemous) {
            pass = ham.filter(qc, codes, cs, n, ht, ids);
        } else {
            pass = 0;
            for (size_t j = 0; j < n; j++) {
                ids[pass] = uint32_t(j);
                pass += size_t(code_generalized_hamming(qc, codes + j * cs, cs) < ht);
            }
        }
        float dis[kScanBlock];
        internal::adc_u8_by_ids(tab, 0.0f, codes, cs, index.pq.M, ids, pass, dis);
        for (size_t t = 0; t < pass; t++) {
            const idx_t id = idx_t(i0 + ids[t]);
            if (dis[t] < D[0] && (!sel || sel->is_member(id)))
                internal::topk_heap_replace_top(k, D, I, dis[t], id);
        }
        return pass;
    }

    // One query: its code, the table the type scores with, then a blocked scan.
    size_t knn(const float* q, size_t k, const IDSelector* sel, float* tab, uint8_t* qc, float* D,
               idx_t* I) const {
        const ProductQuantizer& pq = index.pq;
        pq.compute_distance_table(q, tab);
        pq.compute_code_from_distance_table(tab, qc);
        if (type == IndexPQ::ST_SDC) {
            // Row qc[m] of each sub-quantizer's SDC table: the ADC kernels then apply.
            for (size_t m = 0; m < pq.M; m++)
                std::memcpy(tab + m * 256, sdc + (m * 256 + qc[m]) * 256, 256 * sizeof(float));
        }
        const bool poly =
            type == IndexPQ::ST_polysemous || type == IndexPQ::ST_polysemous_generalize;
        float scores[kScanBlock];
        size_t pass = 0;
        internal::topk_heap_init(k, D, I);
        for (size_t i0 = 0; i0 < size_t(index.ntotal); i0 += kScanBlock) {
            const size_t ni = std::min(kScanBlock, size_t(index.ntotal) - i0);
            if (poly) {
                pass += polysemous_block(qc, tab, i0, ni, sel, k, D, I);
            } else {
                score_block(qc, tab, i0, ni, sel, scores);
                internal::topk_offer_block(k, D, I, scores, ni, int64_t(i0));
            }
        }
        internal::topk_heap_sort(k, D, I);
        return pass;
    }
};

void search_hamming_family(const IndexPQ& index, IndexPQ::Search_type_t type, int ht, idx_t n,
                           const float* x, size_t k, const IDSelector* sel, float* distances,
                           idx_t* labels) {
    const ProductQuantizer& pq = index.pq;
    ProductQuantizer with_sdc;  // a copy with the table, when the index has none
    const float* sdc = pq.sdc_table.data();
    if (type == IndexPQ::ST_SDC && pq.sdc_table.size() != pq.M * pq.ksub * pq.ksub) {
        with_sdc = pq;
        with_sdc.compute_sdc_table();
        sdc = with_sdc.sdc_table.data();
    }
    const HammingScan scan{index, type, ht, sdc, simd::hamming_kernels()};
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::vector<float> tab;
        std::vector<uint8_t> qc;
        errors.run([&] {
            tab.resize(pq.M * pq.ksub);
            qc.resize(pq.code_size);
        });
        size_t pass = 0, nq = 0;
#pragma omp for schedule(dynamic, 4)
        for (idx_t q = 0; q < n; q++) {
            errors.run([&] {
                pass += scan.knn(x + size_t(q) * size_t(index.d), k, sel, tab.data(), qc.data(),
                                 distances + size_t(q) * k, labels + size_t(q) * k);
                nq++;
            });
        }
#pragma omp atomic
        indexPQ_stats.nq += nq;
#pragma omp atomic
        indexPQ_stats.ncode += nq * size_t(index.ntotal);
#pragma omp atomic
        indexPQ_stats.n_hamming_pass += pass;
    }
    errors.rethrow();
}

// The search type and Hamming threshold of one call.
struct SearchMode {
    IndexPQ::Search_type_t type;
    int ht;
};

SearchMode search_mode(const IndexPQ& index, const SearchParameters* params) {
    SearchMode mode{index.search_type, index.polysemous_ht};
    if (const auto* p = dynamic_cast<const SearchParametersPQ*>(params)) {
        mode.type = p->search_type;
        if (p->polysemous_ht > 0) mode.ht = p->polysemous_ht;
    }
    FAISS_REQUIRE(mode.type >= IndexPQ::ST_PQ && mode.type <= IndexPQ::ST_polysemous_generalize,
                  invalid_argument, "IndexPQ search_type must be 0 .. 5, got %d", int(mode.type));
    FAISS_REQUIRE(index.metric_type == METRIC_L2 || index.metric_type == METRIC_INNER_PRODUCT,
                  unsupported, "IndexPQ supports METRIC_L2 and METRIC_INNER_PRODUCT, got %s",
                  metric_name(index.metric_type));
    if (mode.type != IndexPQ::ST_PQ) {
        FAISS_REQUIRE(index.pq.nbits == 8, unsupported,
                      "IndexPQ search_type %d (Hamming / symmetric) needs nbits == 8, got "
                      "nbits = %zu; use ST_PQ",
                      int(mode.type), index.pq.nbits);
        FAISS_REQUIRE(index.metric_type == METRIC_L2, unsupported,
                      "IndexPQ search_type %d needs METRIC_L2, got %s; use ST_PQ", int(mode.type),
                      metric_name(index.metric_type));
    }
    return mode;
}

}  // namespace

IndexPQStats indexPQ_stats;

void IndexPQStats::reset() {
    nq = ncode = n_hamming_pass = 0;
}

IndexPQ::IndexPQ() {
    is_trained = false;
}

IndexPQ::IndexPQ(int d, size_t M, size_t nbits, MetricType metric) : IndexFlatCodes(0, d, metric) {
    FAISS_REQUIRE(d > 0, invalid_argument, "dimension d must be > 0, got %d", d);
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "IndexPQ supports METRIC_L2 and METRIC_INNER_PRODUCT, got %s",
                  metric_name(metric));
    pq = ProductQuantizer(size_t(d), M, nbits);
    code_size = pq.code_size;
    polysemous_ht = int(M * nbits + 1);
    is_trained = false;
}

void IndexPQ::train(idx_t n, const float* x) {
    // Retraining would leave the stored codes, which cannot change, in another codec.
    check_codes_writable("train");
    internal::check_vectors(*this, n, x, "training");
    pq.train(size_t(n), x);
    pq.sdc_table.clear();  // stale: belonged to the previous centroids
    if (do_polysemous_training) {
        const size_t nperm =
            polysemous_training.ntrain_permutation > 0
                ? std::min(size_t(n), size_t(polysemous_training.ntrain_permutation))
                : size_t(n);
        polysemous_training.optimize_pq_for_hamming(pq, nperm, x);
    }
    is_trained = true;
}

void IndexPQ::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(is_trained, not_trained, "index is not trained: call train() first");
    FAISS_REQUIRE(n == 0 || bytes, invalid_argument, "output code buffer is null");
    pq.compute_codes(x, bytes, size_t(n));
}

void IndexPQ::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "null pointer passed to sa_decode");
    pq.decode(bytes, x, size_t(n));
}

void IndexPQ::check_compatible_for_merge(const Index& other) const {
    IndexFlatCodes::check_compatible_for_merge(other);
    const auto& o = static_cast<const IndexPQ&>(other);
    FAISS_REQUIRE(o.pq.M == pq.M && o.pq.nbits == pq.nbits && o.pq.centroids == pq.centroids,
                  invalid_argument,
                  "cannot merge IndexPQ with different product quantizers (M=%zu nbits=%zu vs "
                  "M=%zu nbits=%zu, or different centroids)",
                  o.pq.M, o.pq.nbits, pq.M, pq.nbits);
}

void IndexPQ::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                     const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    const SearchMode mode = search_mode(*this, params);
    const IDSelector* sel = params ? params->sel : nullptr;
    if (mode.type != ST_PQ) {
        FAISS_REQUIRE(is_trained, not_trained, "index is not trained: call train() first");
        search_hamming_family(*this, mode.type, mode.ht, n, x, size_t(k), sel, distances, labels);
        return;
    }
    // Fewer queries than threads: each query's scan is split over the threads instead.
    const int max_threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    const int split =
        int(std::min<size_t>(size_t(max_threads), size_t(ntotal) / kSplitMinCodesPerThread));
    if (n < max_threads && split > 1) {
        for (idx_t q = 0; q < n; q++) {
            knn_one_query_split(*this, x + size_t(q) * size_t(d), size_t(k), sel, split,
                                distances + size_t(q) * size_t(k), labels + size_t(q) * size_t(k));
        }
        return;
    }
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::vector<float> tab;  // allocated inside the collector: no throw escapes
        errors.run([&] { tab.resize(pq.M * pq.ksub); });
#pragma omp for schedule(dynamic, 4)
        for (idx_t q = 0; q < n; q++) {
            errors.run([&] {
                knn_one_query(*this, x + size_t(q) * size_t(d), size_t(k), sel, tab.data(),
                              distances + size_t(q) * size_t(k), labels + size_t(q) * size_t(k));
            });
        }
    }
    errors.rethrow();
}

void IndexPQ::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                           const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    FAISS_REQUIRE(is_trained, not_trained, "index is not trained: call train() first");
    FAISS_REQUIRE(search_mode(*this, params).type == ST_PQ, unsupported,
                  "IndexPQ::range_search supports search_type ST_PQ only");
    const IDSelector* sel = params ? params->sel : nullptr;
    const bool ip = metric_type == METRIC_INNER_PRODUCT;
    const float threshold = ip ? -radius : radius;
    std::vector<std::vector<std::pair<idx_t, float>>> hits(static_cast<size_t>(n));
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::vector<float> tab;  // allocated inside the collector: no throw escapes
        errors.run([&] { tab.resize(pq.M * pq.ksub); });
        float scores[kScanBlock];
#pragma omp for schedule(dynamic, 4)
        for (idx_t q = 0; q < n; q++) {
            errors.run([&] {
                query_table(*this, x + size_t(q) * size_t(d), tab.data());
                auto& h = hits[size_t(q)];
                for (size_t i0 = 0; i0 < size_t(ntotal); i0 += kScanBlock) {
                    const size_t ni = std::min(kScanBlock, size_t(ntotal) - i0);
                    score_block(*this, tab.data(), i0, ni, sel, scores);
                    internal::range_collect_block(scores, ni, int64_t(i0), threshold, h);
                }
                if (ip) {
                    for (auto& p : h)
                        p.second = -p.second;
                }
            });
        }
    }
    errors.rethrow();
    result->set_results(hits);
}

}  // namespace faiss
