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

LayerSearch query_options(const HNSW& hnsw, const SearchParameters* params, size_t k) {
    LayerSearch opt;
    int ef = hnsw.efSearch;
    opt.relative_stop = hnsw.check_relative_distance;
    opt.bounded = hnsw.search_bounded_queue;
    if (const auto* p = dynamic_cast<const SearchParametersHNSW*>(params)) {
        FAISS_REQUIRE(p->efSearch > 0, invalid_argument, "efSearch must be > 0, got %d",
                      p->efSearch);
        ef = p->efSearch;
        opt.relative_stop = p->check_relative_distance;
        opt.bounded = p->bounded_queue;
    }
    FAISS_REQUIRE(ef > 0, invalid_argument, "hnsw.efSearch must be > 0, got %d", ef);
    opt.ef = std::max(size_t(ef), k);
    opt.sel = params ? params->sel : nullptr;
    return opt;
}

size_t hnsw_knn(const HNSW& hnsw, DistanceComputer& dc, size_t k, float* distances, idx_t* labels,
                LayerSearch opt, bool* complete) {
    if (complete) *complete = true;
    ThreadSearchContext ctx;
    SearchScratch& s = ctx.scratch();
    GraphDistance dist(dc, hnsw.is_similarity, s.ids64);
    if (hnsw.entry_point < 0) {
        s.results.clear();
        return heap_to_results(s.results, k, hnsw.is_similarity, distances, labels);
    }
    const bool done = descend_and_search(hnsw, dist, ctx, opt);
    if (complete) *complete = done;
    return heap_to_results(s.results, k, hnsw.is_similarity, distances, labels);
}

}  // namespace internal

size_t HNSW::search(DistanceComputer& qdis, idx_t k, float* distances, idx_t* labels,
                    const SearchParameters* params) const {
    FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %lld", (long long)k);
    FAISS_REQUIRE(distances && labels, invalid_argument, "distances or labels is null");
    return internal::hnsw_knn(*this, qdis, size_t(k), distances, labels,
                              internal::query_options(*this, params, size_t(k)), nullptr);
}

void HNSW::range_search(DistanceComputer& qdis, float radius,
                        std::vector<std::pair<idx_t, float>>& hits,
                        const SearchParameters* params) const {
    internal::LayerSearch opt = internal::query_options(*this, params, 1);
    hits.clear();
    if (entry_point < 0) return;
    internal::ThreadSearchContext ctx;
    internal::GraphDistance dist(qdis, is_similarity, ctx.scratch().ids64);
    opt.range_hits = &hits;
    opt.radius = is_similarity ? -radius : radius;
    internal::descend_and_search(*this, dist, ctx, opt);
}

}  // namespace faiss
