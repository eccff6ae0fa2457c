// HNSW level table, neighbour layout and the search loops.
#include <faiss/graph/HNSW.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>

#include <cmath>
#include <limits>

namespace faiss {

HNSW::HNSW(int M) : rng(12345) {
    FAISS_REQUIRE(M > 0, invalid_argument, "HNSW M must be > 0, got %d", M);
    set_default_probas(M, float(1.0 / std::log(double(M))));
    offsets.push_back(0);
}

void HNSW::set_default_probas(int M, float levelMult) {
    assign_probas.clear();
    cum_nneighbor_per_level.clear();
    int nn = 0;
    cum_nneighbor_per_level.push_back(0);
    for (int level = 0;; level++) {
        // Faiss's rounding: float exponents, double exp and product, rounded to float
        // (gives its assign_probas bit for bit).
        const float proba = float(std::exp(double(-float(level) / levelMult)) *
                                  (1.0 - std::exp(double(-1.0f / levelMult))));
        if (proba < 1e-9f) break;
        assign_probas.push_back(proba);
        nn += level == 0 ? 2 * M : M;
        cum_nneighbor_per_level.push_back(nn);
    }
}

void HNSW::set_nb_neighbors(int level_no, int n) {
    FAISS_REQUIRE(levels.empty(), invalid_argument,
                  "list sizes can only change while the graph is empty (%zu nodes)", levels.size());
    FAISS_REQUIRE(level_no >= 0 && level_no + 1 < int(cum_nneighbor_per_level.size()),
                  invalid_argument, "level %d outside [0, %zu)", level_no,
                  cum_nneighbor_per_level.size() - 1);
    FAISS_REQUIRE(n >= 0, invalid_argument, "list size must be >= 0, got %d", n);
    const int cur_n = nb_neighbors(level_no);
    for (size_t i = size_t(level_no) + 1; i < cum_nneighbor_per_level.size(); i++)
        cum_nneighbor_per_level[i] += n - cur_n;
}

int HNSW::nb_neighbors(int layer_no) const {
    return cum_nneighbor_per_level[size_t(layer_no) + 1] -
           cum_nneighbor_per_level[size_t(layer_no)];
}

int HNSW::cum_nb_neighbors(int layer_no) const {
    return cum_nneighbor_per_level[size_t(layer_no)];
}

void HNSW::neighbor_range(idx_t no, int layer_no, size_t* begin, size_t* end) const {
    const size_t o = offsets[size_t(no)];
    *begin = o + size_t(cum_nb_neighbors(layer_no));
    *end = o + size_t(cum_nb_neighbors(layer_no + 1));
}

int HNSW::random_level() {
    double f = rng.rand_double();
    for (size_t level = 0; level < assign_probas.size(); level++) {
        if (f < assign_probas[level]) return int(level);
        f -= assign_probas[level];
    }
    return int(assign_probas.size()) - 1;
}

int HNSW::prepare_level_tab(size_t n, bool preset_levels) {
    const size_t n0 = offsets.size() - 1;
    if (preset_levels) {
        FAISS_REQUIRE(levels.size() == n0 + n, invalid_argument,
                      "preset levels: %zu entries, expected %zu", levels.size(), n0 + n);
    } else {
        FAISS_REQUIRE(levels.size() == n0, internal, "level table out of sync (%zu vs %zu)",
                      levels.size(), n0);
        for (size_t i = 0; i < n; i++)
            levels.push_back(random_level() + 1);
    }
    const int top = int(cum_nneighbor_per_level.size()) - 1;
    int max_new = -1;
    for (size_t i = 0; i < n; i++) {
        int& lv = levels[n0 + i];
        FAISS_REQUIRE(lv >= 1 && lv <= top, invalid_argument, "level %d outside [1, %d]", lv, top);
        max_new = std::max(max_new, lv - 1);
        offsets.push_back(offsets.back() + size_t(cum_nb_neighbors(lv)));
    }
    neighbors.resize(offsets.back(), -1);
    if (!deleted.empty()) deleted.resize(levels.size(), 0);
    return max_new;
}

void HNSW::detach_mapped_arrays() {
    // Non-const data() copies a copy-on-write view (or throws for a read-only one).
    (void)levels.data();
    (void)offsets.data();
    (void)neighbors.data();
}

void HNSW::reset() {
    levels.clear();
    offsets.assign(1, 0);
    neighbors.clear();
    entry_point = -1;
    max_level = -1;
    deleted.clear();
    free_slots.clear();
}

namespace internal {

namespace {
// Depth of this thread's context use; the shared context is used only at depth 0.
thread_local int context_depth = 0;
thread_local VisitedTable thread_visited;
thread_local SearchScratch thread_scratch;
}  // namespace

ThreadSearchContext::ThreadSearchContext() {
    const bool shared = context_depth == 0;
    visited_ = shared ? &thread_visited : &own_visited_;
    scratch_ = shared ? &thread_scratch : &own_scratch_;
    context_depth++;
}

ThreadSearchContext::~ThreadSearchContext() {
    context_depth--;
}

size_t heap_to_results(std::vector<HNSWCandidate>& heap, size_t k, bool negated, float* distances,
                       idx_t* labels) {
    // Only the k best of the ef candidates are returned: sort just those.
    const size_t nres = std::min(k, heap.size());
    std::partial_sort(heap.begin(), heap.begin() + ptrdiff_t(nres), heap.end(),
                      [](const HNSWCandidate& a, const HNSWCandidate& b) {
                          return a.d < b.d || (a.d == b.d && a.id < b.id);
                      });
    for (size_t j = 0; j < nres; j++) {
        distances[j] = negated ? -heap[j].d : heap[j].d;
        labels[j] = heap[j].id;
    }
    const float pad =
        negated ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    for (size_t j = nres; j < k; j++) {
        distances[j] = pad;
        labels[j] = -1;
    }
    return nres;
}

size_t read_list(const HNSW& hnsw, hnsw_id_t no, int level, NodeLocks* locks,
                 std::vector<hnsw_id_t>& out) {
    size_t begin, end;
    hnsw.neighbor_range(no, level, &begin, &end);
    out.resize(end - begin);
    const hnsw_id_t* src = hnsw.neighbors.data() + begin;
    size_t n = 0;
    if (locks && locks->enabled()) {
        std::lock_guard<std::mutex> guard((*locks)[size_t(no)]);
        for (; n < end - begin && src[n] >= 0; n++)
            out[n] = src[n];
    } else {
        for (; n < end - begin && src[n] >= 0; n++)
            out[n] = src[n];
    }
    return n;
}

void greedy_descend(const HNSW& hnsw, GraphDistance& dist, int from, int to, hnsw_id_t& cur,
                    float& dcur, NodeLocks* locks, SearchScratch& s) {
    for (int level = from; level > to; level--) {
        for (bool moved = true; moved;) {
            moved = false;
            const size_t n = read_list(hnsw, cur, level, locks, s.list);
            if (s.dis.size() < n) s.dis.resize(n);
            dist.batch(n, s.list.data(), s.dis.data());
            for (size_t j = 0; j < n; j++) {
                if (s.dis[j] < dcur) {
                    dcur = s.dis[j];
                    cur = s.list[j];
                    moved = true;
                }
            }
        }
    }
}

namespace {

// Keep the ef closest frontier candidates (ties by id, so the result is deterministic).
void trim_frontier(std::vector<HNSWCandidate>& frontier, size_t ef) {
    if (frontier.size() <= ef) return;
    std::nth_element(frontier.begin(), frontier.begin() + ptrdiff_t(ef), frontier.end(),
                     [](const HNSWCandidate& a, const HNSWCandidate& b) {
                         return a.d < b.d || (a.d == b.d && a.id < b.id);
                     });
    frontier.resize(ef);
    std::make_heap(frontier.begin(), frontier.end(), CloserFirst());
}

}  // namespace

namespace {

// One beam search on one level: a frontier of candidates to expand (CloserFirst heap)
// and the best nodes met (FartherFirst heap of at most ef), one expansion at a time.
class LayerSearcher {
  public:
    LayerSearcher(const HNSW& hnsw, GraphDistance& dist, VisitedTable& vt, const LayerSearch& opt,
                  SearchScratch& s)
        : hnsw_(hnsw),
          dist_(dist),
          vt_(vt),
          opt_(opt),
          s_(s),
          neighbors_(hnsw.neighbors.data()),
          offsets_(hnsw.offsets.data()),
          sel_(opt.sel),
          ef_(opt.ef),
          relative_(opt.relative_stop),
          max_list_(size_t(hnsw.nb_neighbors(opt.level))),
          level_off_(size_t(hnsw.cum_nb_neighbors(opt.level))),
          locked_(opt.locks && opt.locks->enabled()) {
        s.frontier.clear();
        s.results.clear();
        if (s.ids.size() < max_list_) s.ids.resize(max_list_);
        if (s.dis.size() < max_list_) s.dis.resize(max_list_);
    }

    void seed(const HNSWCandidate* entries, size_t n) {
        for (size_t e = 0; e < n; e++) {
            if (vt_.test_and_set(size_t(entries[e].id))) continue;
            if (!(entries[e].d < kInf)) continue;  // NaN or +inf: never a result
            push_frontier(entries[e]);
            offer(entries[e].d, entries[e].id);
        }
    }

    // Expand until the stopping rule; false when max_distances cut the search short.
    bool run() {
        auto& frontier = s_.frontier;
        const size_t ef = ef_;
        size_t ndis = 0, nexpanded = 0;
        while (!frontier.empty()) {
            const HNSWCandidate c = frontier.front();
            if (relative_ ? s_.results.size() >= ef && c.d > s_.results.front().d
                          : nexpanded >= ef) {
                break;
            }
            nexpanded++;
            std::pop_heap(frontier.begin(), frontier.end(), CloserFirst());
            frontier.pop_back();
            if (!frontier.empty() && max_list_ > 0) {
                prefetch_list(frontier.front().id);
            }
            const size_t m = unvisited_neighbours(c.id);
            if (m == 0) continue;
            dist_.batch(m, s_.ids.data(), s_.dis.data());
            ndis += m;
            admit(m);
            if (!relative_ && opt_.bounded) trim_frontier(frontier, ef);
            if (opt_.max_distances && ndis > opt_.max_distances) return false;
        }
        return true;
    }

  private:
    static constexpr float kInf = std::numeric_limits<float>::infinity();

    // Start the loads of the level list of node id (the node the search will probably
    // expand next), so they overlap with the distances of the current one.
    void prefetch_list(hnsw_id_t id) const {
        const char* p =
            reinterpret_cast<const char*>(neighbors_ + offsets_[size_t(id)] + level_off_);
        const size_t nbytes = max_list_ * sizeof(hnsw_id_t);
        for (size_t o = 0; o < nbytes; o += 64)
            __builtin_prefetch(p + o);
        __builtin_prefetch(p + nbytes - 1);
    }

    void push_frontier(const HNSWCandidate& c) {
        s_.frontier.push_back(c);
        std::push_heap(s_.frontier.begin(), s_.frontier.end(), CloserFirst());
    }

    void offer(float d, hnsw_id_t id) {
        if (sel_ && !sel_->is_member(id)) return;
        if (opt_.range_hits && d < opt_.radius) {
            opt_.range_hits->emplace_back(idx_t(id), dist_.negated() ? -d : d);
        }
        auto& results = s_.results;
        results.push_back({d, id});
        std::push_heap(results.begin(), results.end(), FartherFirst());
        if (results.size() > ef_) {
            std::pop_heap(results.begin(), results.end(), FartherFirst());
            results.pop_back();
        }
    }

    // The neighbours of node id not visited yet (now marked) into s_.ids; returns
    // their number. The visited marks are all prefetched before the first test.
    size_t unvisited_neighbours(hnsw_id_t id) {
        const hnsw_id_t* nb;
        size_t nn = 0;
        if (locked_) {
            nn = read_list(hnsw_, id, opt_.level, opt_.locks, s_.list);
            nb = s_.list.data();
        } else {
            nb = neighbors_ + offsets_[size_t(id)] + level_off_;
            while (nn < max_list_ && nb[nn] >= 0)
                vt_.prefetch(size_t(nb[nn++]));
        }
        size_t m = 0;
        for (size_t j = 0; j < nn; j++) {
            if (!vt_.test_and_set(size_t(nb[j]))) s_.ids[m++] = nb[j];
        }
        return m;
    }

    // Queue and offer the m scored neighbours that can still matter.
    void admit(size_t m) {
        for (size_t j = 0; j < m; j++) {
            const float d = s_.dis[j];
            if (!(d < kInf)) continue;
            if (!relative_ || s_.results.size() < ef_ || d < s_.results.front().d) {
                // Its list address is read when it is expanded: fetch it now.
                __builtin_prefetch(offsets_ + s_.ids[j]);
                push_frontier({d, s_.ids[j]});
                offer(d, s_.ids[j]);
            }
        }
    }

    const HNSW& hnsw_;
    GraphDistance& dist_;
    VisitedTable& vt_;
    const LayerSearch& opt_;
    SearchScratch& s_;
    const hnsw_id_t* const neighbors_;
    const uint64_t* const offsets_;
    const IDSelector* const sel_;
    const size_t ef_;
    const bool relative_;
    const size_t max_list_;
    const size_t level_off_;
    const bool locked_;
};

}  // namespace

bool search_layer(const HNSW& hnsw, GraphDistance& dist, VisitedTable& vt, const LayerSearch& opt,
                  const HNSWCandidate* entries, size_t n_entries, SearchScratch& s) {
    LayerSearcher searcher(hnsw, dist, vt, opt, s);
    searcher.seed(entries, n_entries);
    return searcher.run();
}

}  // namespace internal

}  // namespace faiss
