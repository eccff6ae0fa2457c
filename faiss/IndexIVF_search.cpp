// Search paths of IndexIVF: coarse assignment, then the per-list scanners, in parallel
// over queries (batches) or over the probed lists (one large query).

#include <faiss/IDSelector.h>
#include <faiss/IndexIVF.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

namespace faiss {

namespace {

/// A single query spreads over threads only when it scans at least this many codes;
/// below, the thread team costs more than it saves.
constexpr size_t kParallelProbeMinCodes = size_t(1) << 16;

/// The options of one call, resolved from params and the index fields.
SearchParametersIVF resolve_params(const IndexIVF& ivf, const SearchParameters* params) {
    SearchParametersIVF out;
    out.nprobe = ivf.nprobe;
    out.max_codes = ivf.max_codes;
    if (params) {
        out.sel = params->sel;
        if (auto* p = dynamic_cast<const SearchParametersIVF*>(params)) {
            out.nprobe = p->nprobe;
            out.max_codes = p->max_codes;
            out.quantizer_params = p->quantizer_params;
        }
    }
    FAISS_REQUIRE(out.nprobe > 0, invalid_argument, "nprobe must be > 0, got 0");
    out.nprobe = std::min(out.nprobe, ivf.nlist);
    return out;
}

/// Scan the probed lists of one query into the heap (k entries, internal sign).
void scan_query(const IndexIVF& ivf, InvertedListScanner& scanner, const float* xi,
                const idx_t* assign, const float* cdis, size_t nprobe, size_t max_codes,
                float* heap_s, idx_t* heap_i, size_t k, IndexIVFStats& st) {
    scanner.set_query(xi);
    size_t nscan = 0;
    for (size_t j = 0; j < nprobe; j++) {
        idx_t l = assign[j];
        if (l < 0) continue;
        FAISS_REQUIRE(size_t(l) < ivf.nlist, invalid_argument,
                      "probed list %lld out of range [0, %zu)", (long long)l, ivf.nlist);
        size_t sz = ivf.invlists->list_size(l);
        if (sz == 0) continue;
        scanner.set_list(l, cdis ? cdis[j] : 0.0f);
        st.nheap_updates += scanner.scan_codes(sz, ivf.invlists->get_codes(l),
                                               ivf.invlists->get_ids(l), heap_s, heap_i, k);
        st.nlist++;
        st.ndis += sz;
        nscan += sz;
        if (max_codes && nscan >= max_codes) break;
    }
}

/// Sorted results from a heap; similarities get their sign back.
void finish_heap(bool keep_max, size_t k, float* heap_s, idx_t* heap_i) {
    internal::topk_heap_sort(k, heap_s, heap_i);
    if (keep_max) {
        for (size_t j = 0; j < k; j++)
            heap_s[j] = -heap_s[j];
    }
}

/// Bytes of a list scanned by all of its queries before the next part is read: they stay
/// in the core's L2 cache meanwhile.
constexpr size_t kListMajorChunkBytes = size_t(256) << 10;

/// List-major scanning needs the queries of a group to visit each list at least this
/// many times on average. Even half a visit pays: queries crowd onto the popular lists
/// (clustered d=128, IVF1024, nprobe 1, 1000 queries: 1.5x faster than query by query);
/// far below, most lists are read once either way and the O(nlist) grouping is pure cost.
constexpr double kListMajorMinVisits = 0.5;

/// The entries q * nprobe + j of queries [q0, q1) grouped by probed list (counting sort,
/// so each list's entries keep the query order): list l owns
/// entries[start[l] .. start[l + 1]).
void bucket_by_list(const IndexIVF& ivf, size_t q0, size_t q1, const idx_t* assign, size_t nprobe,
                    std::vector<size_t>& start, std::vector<size_t>& entries) {
    start.assign(ivf.nlist + 1, 0);
    for (size_t e = q0 * nprobe; e < q1 * nprobe; e++) {
        const idx_t l = assign[e];
        if (l < 0) continue;
        FAISS_REQUIRE(size_t(l) < ivf.nlist, invalid_argument,
                      "probed list %lld out of range [0, %zu)", (long long)l, ivf.nlist);
        start[size_t(l) + 1]++;
    }
    for (size_t l = 0; l < ivf.nlist; l++)
        start[l + 1] += start[l];
    entries.resize(start[ivf.nlist]);
    std::vector<size_t> cursor(start.begin(), start.end() - 1);
    for (size_t e = q0 * nprobe; e < q1 * nprobe; e++) {
        if (assign[e] >= 0) entries[cursor[size_t(assign[e])]++] = e;
    }
}

/// List-major scan of queries [q0, q1) into their result rows (already initialised as
/// heaps). Each list is cut into parts of about kListMajorChunkBytes, every part scanned
/// by all the queries that probe the list. Parts are whole multiples of the scanner's
/// score block, so every code gets the same kernel call as in a per-query scan and the
/// same score to the bit.
void scan_group_list_major(const IndexIVF& ivf, InvertedListScanner& scanner, size_t q0, size_t q1,
                           const float* x, size_t k, const idx_t* assign, const float* cdis,
                           size_t nprobe, float* distances, idx_t* labels, IndexIVFStats& st) {
    std::vector<size_t> start, entries;
    bucket_by_list(ivf, q0, q1, assign, nprobe, start, entries);
    const size_t block = InvertedListScanner::kScoreBlock;
    const size_t chunk =
        std::max(block, kListMajorChunkBytes / std::max<size_t>(ivf.code_size, 1) / block * block);
    for (size_t l = 0; l < ivf.nlist; l++) {
        const size_t e0 = start[l], e1 = start[l + 1];
        const size_t sz = e0 < e1 ? ivf.invlists->list_size(l) : 0;
        if (sz == 0) continue;
        const uint8_t* codes = ivf.invlists->get_codes(l);
        const idx_t* ids = ivf.invlists->get_ids(l);
        st.nlist += e1 - e0;
        st.ndis += (e1 - e0) * sz;
        for (size_t c0 = 0; c0 < sz; c0 += chunk) {
            const size_t m = std::min(chunk, sz - c0);
            for (size_t e = e0; e < e1; e++) {
                const size_t q = entries[e] / nprobe;
                scanner.set_query(x + q * size_t(ivf.d));
                scanner.set_list(idx_t(l), cdis ? cdis[entries[e]] : 0.0f);
                st.nheap_updates += scanner.scan_codes(m, codes + c0 * ivf.code_size, ids + c0,
                                                       distances + q * k, labels + q * k, k);
            }
        }
    }
}

double elapsed_ms(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::mutex global_stats_mutex;

void add_to_global_stats(const IndexIVFStats& st) {
    std::lock_guard<std::mutex> lock(global_stats_mutex);
    indexIVF_stats.add(st);
}

/// Batch search list by list: the queries are split into ngroups contiguous groups, one
/// per thread, and each group is scanned list-major.
void search_list_major(const IndexIVF& ivf, idx_t n, const float* x, idx_t k, const idx_t* assign,
                       const float* cdis, size_t nprobe, const IDSelector* sel, size_t ngroups,
                       float* distances, idx_t* labels, IndexIVFStats& stats) {
    const size_t kk = size_t(k), nn = size_t(n);
    internal::ExceptionCollector errors;
#pragma omp parallel for schedule(static) num_threads(int(ngroups)) if (ngroups > 1)
    for (int64_t g = 0; g < int64_t(ngroups); g++) {
        IndexIVFStats local;
        errors.run([&] {
            const size_t q0 = nn * size_t(g) / ngroups, q1 = nn * size_t(g + 1) / ngroups;
            std::unique_ptr<InvertedListScanner> scanner(ivf.get_InvertedListScanner(false, sel));
            for (size_t q = q0; q < q1; q++)
                internal::topk_heap_init(kk, distances + q * kk, labels + q * kk);
            scan_group_list_major(ivf, *scanner, q0, q1, x, kk, assign, cdis, nprobe, distances,
                                  labels, local);
            for (size_t q = q0; q < q1; q++)
                finish_heap(scanner->keep_max, kk, distances + q * kk, labels + q * kk);
        });
#pragma omp critical(faiss_ivf_stats)
        stats.add(local);
    }
    errors.rethrow();
}

}  // namespace

IndexIVFStats indexIVF_stats;

void IndexIVFStats::reset() {
    *this = IndexIVFStats();
}

void IndexIVFStats::add(const IndexIVFStats& o) {
    nq += o.nq;
    nlist += o.nlist;
    ndis += o.ndis;
    nheap_updates += o.nheap_updates;
    quantization_time += o.quantization_time;
    search_time += o.search_time;
}

size_t IndexIVF::effective_nprobe(const SearchParameters* params) const {
    return resolve_params(*this, params).nprobe;
}

void IndexIVF::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                      const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_ready();
    if (n == 0) return;
    SearchParametersIVF p = resolve_params(*this, params);
    const int mode = parallel_mode & ~PARALLEL_MODE_NO_HEAP_INIT;
    // A batch on several threads is cut into one slice of queries per thread, each
    // assigned and scanned by its thread alone (the quantizer and the scan then run
    // single-threaded inside it): no thread team and barrier per step, which on a busy
    // machine cost more than the coarse assignment itself.
    const size_t nslices = (mode == 0 || mode == 3) && n > 1 && !omp_in_parallel()
                               ? size_t(std::min<idx_t>(omp_get_max_threads(), n))
                               : 1;
    IndexIVFStats st;
    internal::ExceptionCollector errors;
#pragma omp parallel for schedule(static) num_threads(int(nslices)) if (nslices > 1)
    for (int64_t s = 0; s < int64_t(nslices); s++) {
        IndexIVFStats local;
        errors.run([&] {
            const idx_t i0 = n * s / idx_t(nslices), ns = n * (s + 1) / idx_t(nslices) - i0;
            std::vector<idx_t> assign(size_t(ns) * p.nprobe);
            std::vector<float> cdis(size_t(ns) * p.nprobe);
            auto t0 = std::chrono::steady_clock::now();
            quantizer->search(ns, x + i0 * d, idx_t(p.nprobe), cdis.data(), assign.data(),
                              p.quantizer_params);
            local.quantization_time = elapsed_ms(t0);
            search_preassigned(ns, x + i0 * d, k, assign.data(), cdis.data(), distances + i0 * k,
                               labels + i0 * k, false, &p, &local);
        });
#pragma omp critical(faiss_ivf_stats)
        st.add(local);
    }
    errors.rethrow();
    add_to_global_stats(st);
}

void IndexIVF::search_one_parallel(const float* x, idx_t k, const idx_t* assign, const float* cdis,
                                   size_t np, float* heap_s, idx_t* heap_i, bool store_pairs,
                                   const IDSelector* sel, IndexIVFStats& stats) const {
    internal::ExceptionCollector errors;
#pragma omp parallel
    {
        std::unique_ptr<InvertedListScanner> scanner;
        std::vector<float> ls(k);
        std::vector<idx_t> li(k);
        IndexIVFStats local;
        internal::topk_heap_init(k, ls.data(), li.data());
        errors.run([&] { scanner.reset(get_InvertedListScanner(store_pairs, sel)); });
#pragma omp for schedule(dynamic)
        for (int64_t j = 0; j < int64_t(np); j++) {
            errors.run([&] {
                scan_query(*this, *scanner, x, assign + j, cdis ? cdis + j : nullptr, 1, 0,
                           ls.data(), li.data(), k, local);
            });
        }
#pragma omp critical(faiss_ivf_merge)
        {
            for (idx_t j = 0; j < k; j++)
                internal::topk_heap_offer(k, heap_s, heap_i, ls[j], li[j]);
            stats.add(local);
        }
    }
    errors.rethrow();
}

void IndexIVF::search_preassigned(idx_t n, const float* x, idx_t k, const idx_t* assign,
                                  const float* centroid_dis, float* distances, idx_t* labels,
                                  bool store_pairs, const SearchParametersIVF* params,
                                  IndexIVFStats* stats) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_ready();
    FAISS_REQUIRE(n == 0 || assign != nullptr, invalid_argument,
                  "search_preassigned: assign is null");
    if (n == 0) return;
    SearchParametersIVF p = resolve_params(*this, params);
    const bool keep_max = is_similarity_metric(metric_type);
    const int mode = parallel_mode & ~PARALLEL_MODE_NO_HEAP_INIT;
    FAISS_REQUIRE(mode >= 0 && mode <= 3, invalid_argument,
                  "parallel_mode must be 0..3 (plus flag 1024), got %d", parallel_mode);
    const size_t kk = size_t(k);
    auto t0 = std::chrono::steady_clock::now();
    IndexIVFStats st;
    st.nq = size_t(n);

    bool over_probes = (mode == 1 || mode == 2) && p.max_codes == 0;
    if (mode == 0 && n == 1 && p.max_codes == 0 && p.nprobe > 1 && omp_get_max_threads() > 1) {
        size_t ncodes = 0;
        for (size_t j = 0; j < p.nprobe; j++) {
            if (assign[j] >= 0 && size_t(assign[j]) < nlist)
                ncodes += invlists->list_size(assign[j]);
        }
        over_probes = ncodes >= kParallelProbeMinCodes;
    }
    const int max_threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    const size_t nthreads = size_t(std::max(1, std::min(max_threads, int(n))));
    bool list_major = false;
    if (!over_probes && mode == 0 && n > 1 && p.max_codes == 0 && !store_pairs &&
        double(size_t(n) / nthreads * p.nprobe) >= kListMajorMinVisits * double(nlist)) {
        std::unique_ptr<InvertedListScanner> probe(get_InvertedListScanner(false, p.sel));
        list_major = probe->cheap_query_switch();
    }
    if (list_major) {
        search_list_major(*this, n, x, k, assign, centroid_dis, p.nprobe, p.sel, nthreads,
                          distances, labels, st);
    } else if (over_probes) {
        for (idx_t i = 0; i < n; i++) {
            float* hs = distances + i * k;
            idx_t* hi = labels + i * k;
            internal::topk_heap_init(kk, hs, hi);
            search_one_parallel(x + i * d, k, assign + i * p.nprobe,
                                centroid_dis ? centroid_dis + i * p.nprobe : nullptr, p.nprobe, hs,
                                hi, store_pairs, p.sel, st);
            finish_heap(keep_max, kk, hs, hi);
        }
    } else {
        internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
        {
            std::unique_ptr<InvertedListScanner> scanner;
            IndexIVFStats local;
            errors.run([&] { scanner.reset(get_InvertedListScanner(store_pairs, p.sel)); });
#pragma omp for schedule(dynamic)
            for (idx_t i = 0; i < n; i++) {
                errors.run([&] {
                    float* hs = distances + i * k;
                    idx_t* hi = labels + i * k;
                    internal::topk_heap_init(kk, hs, hi);
                    scan_query(*this, *scanner, x + i * d, assign + i * p.nprobe,
                               centroid_dis ? centroid_dis + i * p.nprobe : nullptr, p.nprobe,
                               p.max_codes, hs, hi, kk, local);
                    finish_heap(keep_max, kk, hs, hi);
                });
            }
#pragma omp critical(faiss_ivf_stats)
            st.add(local);
        }
        errors.rethrow();
    }
    st.search_time = elapsed_ms(t0);
    if (stats) stats->add(st);
}

void IndexIVF::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                            const SearchParameters* params) const {
    internal::check_vectors(*this, n, x, "query");
    FAISS_REQUIRE(is_trained, not_trained, "the IVF index is not trained");
    FAISS_REQUIRE(result != nullptr, invalid_argument, "range_search: result is null");
    check_ready();
    SearchParametersIVF p = resolve_params(*this, params);
    std::vector<idx_t> assign(size_t(n) * p.nprobe);
    std::vector<float> cdis(size_t(n) * p.nprobe);
    IndexIVFStats st;
    auto t0 = std::chrono::steady_clock::now();
    if (n > 0) {
        quantizer->search(n, x, idx_t(p.nprobe), cdis.data(), assign.data(), p.quantizer_params);
    }
    st.quantization_time = elapsed_ms(t0);
    range_search_preassigned(n, x, radius, assign.data(), cdis.data(), result, false, &p, &st);
    add_to_global_stats(st);
}

void IndexIVF::range_search_preassigned(idx_t n, const float* x, float radius, const idx_t* assign,
                                        const float* centroid_dis, RangeSearchResult* result,
                                        bool store_pairs, const SearchParametersIVF* params,
                                        IndexIVFStats* stats) const {
    internal::check_range_search(*this, n, x, result);
    FAISS_REQUIRE(n == 0 || assign != nullptr, invalid_argument,
                  "range_search_preassigned: assign is null");
    check_ready();
    SearchParametersIVF p = resolve_params(*this, params);
    std::vector<std::vector<std::pair<idx_t, float>>> hits(n);
    auto t0 = std::chrono::steady_clock::now();
    IndexIVFStats st;
    st.nq = size_t(n);
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::unique_ptr<InvertedListScanner> scanner;
        IndexIVFStats local;
        errors.run([&] { scanner.reset(get_InvertedListScanner(store_pairs, p.sel)); });
#pragma omp for schedule(dynamic)
        for (idx_t i = 0; i < n; i++) {
            errors.run([&] {
                scanner->set_query(x + i * d);
                size_t nscan = 0;
                for (size_t j = 0; j < p.nprobe; j++) {
                    idx_t l = assign[i * p.nprobe + j];
                    if (l < 0) continue;
                    FAISS_REQUIRE(size_t(l) < nlist, invalid_argument,
                                  "probed list %lld out of range [0, %zu)", (long long)l, nlist);
                    size_t sz = invlists->list_size(l);
                    if (sz == 0) continue;
                    scanner->set_list(l, centroid_dis ? centroid_dis[i * p.nprobe + j] : 0.0f);
                    scanner->scan_codes_range(sz, invlists->get_codes(l), invlists->get_ids(l),
                                              radius, hits[i]);
                    local.nlist++;
                    local.ndis += sz;
                    nscan += sz;
                    if (p.max_codes && nscan >= p.max_codes) break;
                }
            });
        }
#pragma omp critical(faiss_ivf_stats)
        st.add(local);
    }
    errors.rethrow();
    result->set_results(hits);
    st.search_time = elapsed_ms(t0);
    if (stats) stats->add(st);
}

/*** InvertedListScanner ***/

InvertedListScanner::InvertedListScanner(bool store_pairs, const IDSelector* sel)
    : store_pairs(store_pairs), sel(sel) {}

void InvertedListScanner::score_codes(const uint8_t* codes, size_t n, size_t, float* out) const {
    for (size_t j = 0; j < n; j++)
        out[j] = distance_to_code(codes + j * code_size);
}

size_t InvertedListScanner::scan_codes(size_t n, const uint8_t* codes, const idx_t* ids,
                                       float* heap_scores, idx_t* heap_ids, size_t k) const {
    float dis[kScoreBlock];
    size_t nup = 0;
    for (size_t b = 0; b < n; b += kScoreBlock) {
        const size_t nb = std::min(kScoreBlock, n - b);
        score_codes(codes + b * code_size, nb, n, dis);
        for (size_t j = 0; j < nb; j++) {
            const float s = keep_max ? -dis[j] : dis[j];
            // Most codes lose to the current worst result: reject them (and NaN) before
            // the label and the tie-break are looked at.
            if (!(s <= heap_scores[0])) continue;
            const idx_t label = label_of(ids, b + j);
            if (!internal::topk_ranks_after(heap_scores[0], heap_ids[0], s, label)) continue;
            if (sel && !sel->is_member(ids[b + j])) continue;
            internal::topk_heap_replace_top(k, heap_scores, heap_ids, s, label);
            nup++;
        }
    }
    return nup;
}

void InvertedListScanner::scan_codes_range(size_t n, const uint8_t* codes, const idx_t* ids,
                                           float radius,
                                           std::vector<std::pair<idx_t, float>>& hits) const {
    float dis[kScoreBlock];
    for (size_t b = 0; b < n; b += kScoreBlock) {
        const size_t nb = std::min(kScoreBlock, n - b);
        score_codes(codes + b * code_size, nb, n, dis);
        for (size_t j = 0; j < nb; j++) {
            const bool in = keep_max ? dis[j] > radius : dis[j] < radius;
            if (!in || (sel && !sel->is_member(ids[b + j]))) continue;
            hits.emplace_back(label_of(ids, b + j), dis[j]);
        }
    }
}

}  // namespace faiss
