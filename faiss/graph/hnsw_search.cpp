// HNSW queries: k-NN and range search over the graph.
#include <faiss/graph/HNSW.h>

#include <faiss/IDSelector.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>

#include <algorithm>

namespace faiss {

namespace internal {

namespace {

// Descend to level 0 and run the level-0 beam search; results stay in s.results.
bool descend_and_search(const HNSW& hnsw, GraphDistance& dist, ThreadSearchContext& ctx,
                        LayerSearch& opt) {
    SearchScratch& s = ctx.scratch();
    hnsw_id_t cur = hnsw.entry_point;
    float dcur = dist.one(cur);
    greedy_descend(hnsw, dist, hnsw.max_level, 0, cur, dcur, nullptr, s);
    ctx.visited().start(hnsw.size());
    const HNSWCandidate entry{dcur, cur};
    opt.level = 0;
    return search_layer(hnsw, dist, ctx.visited(), opt, &entry, 1, s);
}

}  // namespace

size_t hnsw_knn(const HNSW& hnsw, DistanceComputer& dc, size_t k, float* distances, idx_t* labels,
                size_t ef, const IDSelector* sel, size_t max_distances, bool* complete) {
    if (complete) *complete = true;
    ThreadSearchContext ctx;
    SearchScratch& s = ctx.scratch();
    GraphDistance dist(dc, hnsw.is_similarity, s.ids64);
    if (hnsw.entry_point < 0) {
        s.results.clear();
        return heap_to_results(s.results, k, hnsw.is_similarity, distances, labels);
    }
    LayerSearch opt;
    opt.ef = std::max(ef, k);
    opt.sel = sel;
    opt.max_distances = max_distances;
    const bool done = descend_and_search(hnsw, dist, ctx, opt);
    if (complete) *complete = done;
    return heap_to_results(s.results, k, hnsw.is_similarity, distances, labels);
}

}  // namespace internal

namespace {

int effective_ef_search(const HNSW& hnsw, const SearchParameters* params) {
    if (const auto* p = dynamic_cast<const SearchParametersHNSW*>(params)) {
        FAISS_REQUIRE(p->efSearch > 0, invalid_argument, "efSearch must be > 0, got %d",
                      p->efSearch);
        return p->efSearch;
    }
    FAISS_REQUIRE(hnsw.efSearch > 0, invalid_argument, "hnsw.efSearch must be > 0, got %d",
                  hnsw.efSearch);
    return hnsw.efSearch;
}

}  // namespace

size_t HNSW::search(DistanceComputer& qdis, idx_t k, float* distances, idx_t* labels,
                    const SearchParameters* params) const {
    FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %lld", (long long)k);
    const int ef = effective_ef_search(*this, params);
    return internal::hnsw_knn(*this, qdis, size_t(k), distances, labels, size_t(ef),
                              params ? params->sel : nullptr, 0, nullptr);
}

void HNSW::range_search(DistanceComputer& qdis, float radius,
                        std::vector<std::pair<idx_t, float>>& hits,
                        const SearchParameters* params) const {
    const int ef = effective_ef_search(*this, params);
    hits.clear();
    if (entry_point < 0) return;
    internal::ThreadSearchContext ctx;
    internal::GraphDistance dist(qdis, is_similarity, ctx.scratch().ids64);
    internal::LayerSearch opt;
    opt.ef = size_t(ef);
    opt.sel = params ? params->sel : nullptr;
    opt.range_hits = &hits;
    opt.radius = is_similarity ? -radius : radius;
    internal::descend_and_search(*this, dist, ctx, opt);
}

}  // namespace faiss
