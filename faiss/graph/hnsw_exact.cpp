// Exact scans over the allowed ids of a graph index: the fallback of filtered searches
// whose selector lets few ids through.
#include <faiss/IDSelector.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/internal/topk.h>

#include <algorithm>
#include <limits>

namespace faiss::internal {

namespace {

constexpr size_t kBlock = 256;
constexpr idx_t kSample = 1024;

// Calls fn(ids, n) with blocks of allowed, live ids. Range and array selectors are
// enumerated directly; other selectors are asked about every id.
template <class Fn>
void for_each_allowed_block(const HNSW& hnsw, idx_t ntotal, const IDSelector* sel, Fn&& fn) {
    idx_t buf[kBlock];
    size_t n = 0;
    auto push = [&](idx_t id) {
        if (hnsw.is_deleted(id)) return;
        buf[n++] = id;
        if (n == kBlock) {
            fn(buf, n);
            n = 0;
        }
    };
    if (const auto* r = dynamic_cast<const IDSelectorRange*>(sel)) {
        for (idx_t id = std::max<idx_t>(r->imin, 0); id < std::min(r->imax, ntotal); id++)
            push(id);
    } else if (const auto* a = dynamic_cast<const IDSelectorArray*>(sel)) {
        std::vector<idx_t> ids(a->ids, a->ids + a->n);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        for (idx_t id : ids) {
            if (id >= 0 && id < ntotal) push(id);
        }
    } else {
        for (idx_t id = 0; id < ntotal; id++) {
            if (!sel || sel->is_member(id)) push(id);
        }
    }
    if (n) fn(buf, n);
}

}  // namespace

double estimate_selectivity(const IDSelector& sel, idx_t ntotal) {
    if (ntotal <= 0) return 1.0;
    const double nt = double(ntotal);
    if (const auto* r = dynamic_cast<const IDSelectorRange*>(&sel)) {
        const idx_t lo = std::max<idx_t>(r->imin, 0), hi = std::min(r->imax, ntotal);
        return hi > lo ? double(hi - lo) / nt : 0.0;
    }
    if (const auto* a = dynamic_cast<const IDSelectorArray*>(&sel)) {
        return std::min(1.0, double(a->n) / nt);
    }
    if (const auto* b = dynamic_cast<const IDSelectorBatch*>(&sel)) {
        return std::min(1.0, double(b->set.size()) / nt);
    }
    // Evenly spaced sample: deterministic, and exact for small indexes.
    const idx_t ns = std::min(ntotal, kSample);
    idx_t hits = 0;
    for (idx_t j = 0; j < ns; j++) {
        if (sel.is_member(idx_t(double(j) * nt / double(ns)))) hits++;
    }
    return double(hits) / double(ns);
}

size_t exact_knn_by_ids(const HNSW& hnsw, DistanceComputer& dc, idx_t ntotal, const IDSelector* sel,
                        size_t k, float* distances, idx_t* labels) {
    topk_heap_init(k, distances, labels);
    const bool negate = hnsw.is_similarity;
    float dis[kBlock];
    for_each_allowed_block(hnsw, ntotal, sel, [&](const idx_t* ids, size_t n) {
        dc.distances_by_ids(n, ids, dis);
        for (size_t j = 0; j < n; j++)
            topk_heap_offer(k, distances, labels, negate ? -dis[j] : dis[j], ids[j]);
    });
    topk_heap_sort(k, distances, labels);
    size_t found = 0;
    for (size_t j = 0; j < k; j++) {
        if (labels[j] >= 0) found++;
        if (negate) distances[j] = -distances[j];
    }
    return found;
}

void exact_range_by_ids(const HNSW& hnsw, DistanceComputer& dc, idx_t ntotal, const IDSelector* sel,
                        float radius, std::vector<std::pair<idx_t, float>>& hits) {
    hits.clear();
    const bool sim = hnsw.is_similarity;
    float dis[kBlock];
    for_each_allowed_block(hnsw, ntotal, sel, [&](const idx_t* ids, size_t n) {
        dc.distances_by_ids(n, ids, dis);
        for (size_t j = 0; j < n; j++) {
            if (sim ? dis[j] > radius : dis[j] < radius) hits.emplace_back(ids[j], dis[j]);
        }
    });
}

}  // namespace faiss::internal
