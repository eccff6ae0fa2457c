#pragma once

// Building blocks of the HNSW search and build loops. Private: never installed.
//
// Inside the graph code every distance is "smaller is closer": similarities (inner
// product) are negated by GraphDistance, and flipped back when results leave.

#include <faiss/DistanceComputer.h>
#include <faiss/IDSelector.h>
#include <faiss/graph/HNSW.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace faiss::internal {

using hnsw_id_t = HNSW::storage_idx_t;

struct HNSWCandidate {
    float d;
    hnsw_id_t id;
};

/// Orders a std heap so the front is the farthest candidate (results).
struct FartherFirst {
    bool operator()(const HNSWCandidate& a, const HNSWCandidate& b) const { return a.d < b.d; }
};
/// Orders a std heap so the front is the closest candidate (frontier).
struct CloserFirst {
    bool operator()(const HNSWCandidate& a, const HNSWCandidate& b) const { return a.d > b.d; }
};

/// Visited marks with an epoch counter: a new search only bumps the epoch, and the
/// array is cleared once every 255 searches. One table per thread.
class VisitedTable {
  public:
    /// Start a new search over n nodes.
    void start(size_t n) {
        if (marks_.size() < n) marks_.resize(n, 0);
        if (++epoch_ == 0) {
            std::fill(marks_.begin(), marks_.end(), uint8_t(0));
            epoch_ = 1;
        }
    }
    /// Mark i; returns whether it was already marked in this search.
    bool test_and_set(size_t i) {
        if (marks_[i] == epoch_) return true;
        marks_[i] = epoch_;
        return false;
    }
    void prefetch(size_t i) const { __builtin_prefetch(marks_.data() + i); }

  private:
    std::vector<uint8_t> marks_;
    uint8_t epoch_ = 0;
};

/// "Smaller is closer" distances over a DistanceComputer, batched by id.
class GraphDistance {
  public:
    GraphDistance(DistanceComputer& dc, bool negate, std::vector<idx_t>& ids64)
        : dc_(dc), negate_(negate), ids64_(ids64) {}

    float one(hnsw_id_t id) {
        const float v = dc_(id);
        return negate_ ? -v : v;
    }
    /// out[j] = distance to ids[j], j < n (n <= capacity of the scratch, grown here).
    void batch(size_t n, const hnsw_id_t* ids, float* out) {
        if (ids64_.size() < n) ids64_.resize(n);
        for (size_t j = 0; j < n; j++)
            ids64_[j] = ids[j];
        dc_.distances_by_ids(n, ids64_.data(), out);
        if (negate_) {
            for (size_t j = 0; j < n; j++)
                out[j] = -out[j];
        }
    }
    float symmetric(hnsw_id_t a, hnsw_id_t b) {
        const float v = dc_.symmetric_dis(a, b);
        return negate_ ? -v : v;
    }
    DistanceComputer& computer() { return dc_; }
    bool negated() const { return negate_; }

  private:
    DistanceComputer& dc_;
    bool negate_;
    std::vector<idx_t>& ids64_;
};

/// One lock per node while a build runs in parallel; no locks when it runs on one
/// thread (then every method is a plain read or write).
class NodeLocks {
  public:
    NodeLocks(size_t n, bool enabled) : locks_(enabled ? n : 0) {}
    bool enabled() const { return !locks_.empty(); }
    std::mutex& operator[](size_t i) { return locks_[i]; }

  private:
    std::vector<std::mutex> locks_;
};

/// Scratch of one search or one insertion.
struct SearchScratch {
    std::vector<HNSWCandidate> frontier;  // CloserFirst heap
    std::vector<HNSWCandidate> results;   // FartherFirst heap
    std::vector<hnsw_id_t> ids;           // unvisited neighbours of one node
    std::vector<float> dis;               // their distances
    std::vector<hnsw_id_t> list;          // a copied neighbour list (locked reads)
    std::vector<idx_t> ids64;             // GraphDistance's id scratch
    std::vector<HNSWCandidate> sorted, selected;
};

/// A visited table and scratch for one search: the calling thread's own (reused across
/// searches and indexes, so a search allocates nothing), or private ones when the
/// thread's are already in use further up the stack.
class ThreadSearchContext {
  public:
    ThreadSearchContext();
    ~ThreadSearchContext();
    ThreadSearchContext(const ThreadSearchContext&) = delete;
    ThreadSearchContext& operator=(const ThreadSearchContext&) = delete;
    VisitedTable& visited() { return *visited_; }
    SearchScratch& scratch() { return *scratch_; }

  private:
    VisitedTable* visited_;
    SearchScratch* scratch_;
    VisitedTable own_visited_;
    SearchScratch own_scratch_;
};

/// Options of one beam search on one level.
struct LayerSearch {
    int level = 0;
    size_t ef = 16;
    const IDSelector* sel = nullptr;  // only members enter results
    NodeLocks* locks = nullptr;       // lock each list while reading it (parallel build)
    /// Range search: every member met with distance < radius goes here.
    std::vector<std::pair<idx_t, float>>* range_hits = nullptr;
    float radius = 0;
    /// Stop (and report incomplete) after this many distance computations; 0 = none.
    size_t max_distances = 0;
    /// SearchParametersHNSW::check_relative_distance and bounded_queue.
    bool relative_stop = true;
    bool bounded = true;
};

/// The level-0 options of a query: ef = max(efSearch, k), the stopping rule and the
/// selector, from params (a SearchParametersHNSW overrides the graph's defaults).
/// @throws invalid_argument if the effective efSearch is <= 0.
LayerSearch query_options(const HNSW& hnsw, const SearchParameters* params, size_t k);

/// Beam search on one level from the entries (whose distances are known and which the
/// caller has not marked visited). On return s.results is a FartherFirst heap of at
/// most ef members. Returns false when max_distances stopped the search early.
bool search_layer(const HNSW& hnsw, GraphDistance& dist, VisitedTable& vt, const LayerSearch& opt,
                  const HNSWCandidate* entries, size_t n_entries, SearchScratch& s);

/// Walk down from level `from` to level `to` + 1, moving to the closest neighbour
/// until no neighbour is closer. cur / dcur are updated in place.
void greedy_descend(const HNSW& hnsw, GraphDistance& dist, int from, int to, hnsw_id_t& cur,
                    float& dcur, NodeLocks* locks, SearchScratch& s);

/// The neighbour-selection heuristic: from candidates sorted by increasing distance to
/// the base node, keep a candidate only if no kept one is closer to it than the base
/// node is, up to max_size. Fewer than max_size candidates are all kept (as Faiss).
/// Writes the kept ones to out (in order).
void select_neighbors(GraphDistance& dist, const std::vector<HNSWCandidate>& sorted,
                      size_t max_size, std::vector<HNSWCandidate>& out);

/// k best of a FartherFirst heap into distances / labels, best first (ties by id),
/// flipping the sign back when negated, padded. Returns the number written.
size_t heap_to_results(std::vector<HNSWCandidate>& heap, size_t k, bool negated, float* distances,
                       idx_t* labels);

/// Greedy descent then level-0 beam search (opt: ef, sel, stopping rule) for the query
/// set in dc; k best members of sel into distances / labels (metric values, padded).
/// With opt.max_distances > 0 the beam search gives up after about that many distance
/// computations and *complete is set to false. Returns the number of results.
size_t hnsw_knn(const HNSW& hnsw, DistanceComputer& dc, size_t k, float* distances, idx_t* labels,
                LayerSearch opt, bool* complete);

/// Estimated fraction of the ids 0 .. ntotal - 1 that sel accepts: exact for range,
/// array and batch selectors, from a fixed sample of ids for the others.
double estimate_selectivity(const IDSelector& sel, idx_t ntotal);

/// Exact k-NN of the query set in dc over the ids sel accepts (every id when null)
/// that are not removed from the graph; metric values, best first, padded. Returns the
/// number of results.
size_t exact_knn_by_ids(const HNSW& hnsw, DistanceComputer& dc, idx_t ntotal, const IDSelector* sel,
                        size_t k, float* distances, idx_t* labels);

/// Exact range search over the same ids: (id, value) of every one within radius.
void exact_range_by_ids(const HNSW& hnsw, DistanceComputer& dc, idx_t ntotal, const IDSelector* sel,
                        float radius, std::vector<std::pair<idx_t, float>>& hits);

/// Drop the removed nodes: renumber the others in order (old_to_new gets each old
/// id's new id, -1 for removed ones), rebuild levels / offsets / neighbors.
void compact_graph(HNSW& hnsw, std::vector<idx_t>& old_to_new);

/// Copy the level list of node no into out (under its lock when locks are on);
/// returns the number of valid entries.
size_t read_list(const HNSW& hnsw, hnsw_id_t no, int level, NodeLocks* locks,
                 std::vector<hnsw_id_t>& out);

/// Level-0 lists from a k-NN graph: for each live node i, the candidates
/// I[i * k .. i * k + k) at distances D (metric values), without padding, self links,
/// removed nodes and NaN distances, pruned by select_neighbors to nb_neighbors(0).
/// Inputs are not checked here. Parallel over nodes.
void init_level0_from_knn(HNSW& hnsw, const Index& storage, size_t k, const float* D,
                          const idx_t* I);

/// Prune every level-0 list longer than size with select_neighbors (closest first).
void shrink_level0(HNSW& hnsw, const Index& storage, size_t size);

/// Sort every level-0 list by distance to its node, closest first.
void reorder_level0(HNSW& hnsw, const Index& storage);

/// Ask the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge
/// pages, now (MADV_COLLAPSE) and on later faults (MADV_HUGEPAGE). Arrays under 8 MiB,
/// non-Linux systems and FAISS_HNSW_HUGE_PAGES=0 in the environment: nothing is done.
/// Advice only: a refusal by the kernel is ignored.
void advise_huge_pages(const void* data, size_t bytes);

/// advise_huge_pages on the neighbour lists and, for an IndexFlatCodes storage, on its
/// codes: the two arrays a search reads at random.
void advise_hnsw_memory(const HNSW& hnsw, const Index* storage);

}  // namespace faiss::internal
