// HNSW construction: insertion of new nodes (in parallel, one lock per node) and the
// neighbour-selection heuristic.
#include <faiss/graph/HNSW.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/utils/progress.h>

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>

namespace faiss {

namespace internal {

void select_neighbors(GraphDistance& dist, const std::vector<HNSWCandidate>& sorted,
                      size_t max_size, std::vector<HNSWCandidate>& out) {
    out.clear();
    // As Faiss and hnswlib: fewer candidates than slots are all kept, which gives the
    // dense level-0 lists (up to efConstruction links) searches rely on.
    if (sorted.size() < max_size) {
        out = sorted;
        return;
    }
    for (const HNSWCandidate& c : sorted) {
        if (out.size() >= max_size) break;
        bool keep = true;
        for (const HNSWCandidate& r : out) {
            if (dist.symmetric(c.id, r.id) < c.d) {
                keep = false;
                break;
            }
        }
        if (keep) out.push_back(c);
    }
}

namespace {

bool closer(const HNSWCandidate& a, const HNSWCandidate& b) {
    return a.d < b.d || (a.d == b.d && a.id < b.id);
}

// State shared by the threads of one add_nodes call.
struct BuildContext {
    HNSW& hnsw;
    NodeLocks locks;
    std::mutex entry_mutex;  // guards entry_point / max_level
    bool keep_max_size_level0;

    BuildContext(HNSW& h, bool parallel, bool keep_max0)
        : hnsw(h), locks(h.size(), parallel), keep_max_size_level0(keep_max0) {}
};

// One thread's tools.
struct Builder {
    BuildContext& ctx;
    std::unique_ptr<DistanceComputer> dc;
    SearchScratch s;
    GraphDistance dist;
    VisitedTable vt;
    std::vector<HNSWCandidate> pruned;

    Builder(BuildContext& c, const Index& storage)
        : ctx(c), dc(storage.get_distance_computer()), dist(*dc, c.hnsw.is_similarity, s.ids64) {}

    // Add dst to the level list of src; a full list is pruned by the heuristic.
    void add_link(hnsw_id_t src, hnsw_id_t dst, int level) {
        HNSW& h = ctx.hnsw;
        std::unique_lock<std::mutex> guard;
        if (ctx.locks.enabled()) guard = std::unique_lock<std::mutex>(ctx.locks[size_t(src)]);
        size_t begin, end;
        h.neighbor_range(src, level, &begin, &end);
        hnsw_id_t* list = h.neighbors.data() + begin;
        const size_t cap = end - begin;
        size_t n = 0;
        for (; n < cap && list[n] >= 0; n++) {
            if (list[n] == dst) return;
        }
        if (n < cap) {
            list[n] = dst;
            return;
        }
        pruned.clear();
        for (size_t j = 0; j < cap; j++)
            pruned.push_back({dist.symmetric(src, list[j]), list[j]});
        pruned.push_back({dist.symmetric(src, dst), dst});
        std::sort(pruned.begin(), pruned.end(), closer);
        const float headroom = std::min(std::max(h.prune_headroom, 0.f), 0.5f);
        const size_t target = cap - size_t(float(cap) * headroom);
        select_neighbors(dist, pruned, target, s.selected);
        if (level == 0 && ctx.keep_max_size_level0) refill(cap);
        for (size_t j = 0; j < cap; j++)
            list[j] = j < s.selected.size() ? s.selected[j].id : -1;
    }

    // Top s.selected up to cap with the closest pruned candidates it lacks.
    void refill(size_t cap) {
        for (const HNSWCandidate& c : pruned) {
            if (s.selected.size() >= cap) break;
            bool have = false;
            for (const HNSWCandidate& k : s.selected)
                have = have || k.id == c.id;
            if (!have) s.selected.push_back(c);
        }
    }

    // Link node pt (vector x) into every level it lives on.
    void insert(hnsw_id_t pt, const float* x) {
        HNSW& h = ctx.hnsw;
        const int pt_level = h.levels[size_t(pt)] - 1;
        dc->set_query(x);
        // A vector at NaN distance from itself (NaN components) can never be matched;
        // linking it, or worse making it the entry point, would only block searches.
        const float self = dist.one(pt);
        if (!(self == self)) return;
        hnsw_id_t cur;
        int top;
        {
            std::lock_guard<std::mutex> guard(ctx.entry_mutex);
            cur = h.entry_point;
            top = h.max_level;
            if (cur < 0) {
                h.entry_point = pt;
                h.max_level = pt_level;
                return;
            }
        }
        float dcur = dist.one(cur);
        greedy_descend(h, dist, top, pt_level, cur, dcur, &ctx.locks, s);
        std::vector<HNSWCandidate> entries{{dcur, cur}};
        LayerSearch opt;
        opt.ef = size_t(std::max(h.efConstruction, 1));
        opt.locks = &ctx.locks;
        for (int level = std::min(pt_level, top); level >= 0; level--) {
            vt.start(h.size());
            opt.level = level;
            search_layer(h, dist, vt, opt, entries.data(), entries.size(), s);
            s.sorted.clear();
            for (const HNSWCandidate& c : s.results) {
                if (c.id != pt) s.sorted.push_back(c);
            }
            std::sort(s.sorted.begin(), s.sorted.end(), closer);
            select_neighbors(dist, s.sorted, size_t(h.nb_neighbors(level)), s.selected);
            const std::vector<HNSWCandidate> links = s.selected;
            for (const HNSWCandidate& c : links)
                add_link(pt, c.id, level);
            for (const HNSWCandidate& c : links)
                add_link(c.id, pt, level);
            if (!s.sorted.empty()) entries = s.sorted;
        }
        if (pt_level > top) {
            std::lock_guard<std::mutex> guard(ctx.entry_mutex);
            if (pt_level > h.max_level) {
                h.max_level = pt_level;
                h.entry_point = pt;
            }
        }
    }
};

}  // namespace

}  // namespace internal

void HNSW::add_nodes(const Index& storage, size_t n, const storage_idx_t* ids, const float* x,
                     bool verbose, bool keep_max_size_level0) {
    if (n == 0) return;
    FAISS_REQUIRE(ids && x, invalid_argument, "ids or vectors are null for n=%zu", n);
    for (size_t j = 0; j < n; j++) {
        FAISS_REQUIRE(ids[j] >= 0 && size_t(ids[j]) < size(), invalid_argument,
                      "node id %d outside [0, %zu)", int(ids[j]), size());
    }
    const size_t d = size_t(storage.d);
    // Highest levels first: the entry point exists before the nodes that descend from it.
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return levels[size_t(ids[a])] > levels[size_t(ids[b])];
    });
    const int nthreads = n < 1000 ? 1 : omp_get_max_threads();
    internal::BuildContext ctx(*this, nthreads > 1, keep_max_size_level0);
    size_t i0 = 0;
    if (entry_point < 0) {
        internal::Builder first(ctx, storage);
        first.insert(ids[order[0]], x + order[0] * d);
        i0 = 1;
    }
    if (verbose) {
        std::printf("HNSW: adding %zu nodes on %d threads, max level %d\n", n, nthreads,
                    levels[size_t(ids[order[0]])] - 1);
    }
    internal::ExceptionCollector errors;
    ProgressScope progress("HNSW::add_nodes", n - i0);
#pragma omp parallel num_threads(nthreads)
    {
        std::unique_ptr<internal::Builder> builder;
        errors.run([&] { builder.reset(new internal::Builder(ctx, storage)); });
#pragma omp for schedule(dynamic, 16)
        for (size_t i = i0; i < n; i++) {
            if (!builder) continue;
            errors.run([&] {
                builder->insert(ids[order[i]], x + order[i] * d);
                progress.advance();
            });
        }
    }
    errors.rethrow();
    progress.update(n - i0);
}

}  // namespace faiss
