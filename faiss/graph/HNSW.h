#pragma once

// Hierarchical Navigable Small World graph (Malkov and Yashunin, "Efficient and robust
// approximate nearest neighbor search using Hierarchical Navigable Small World graphs",
// IEEE TPAMI 2018). The graph only stores ids; distances come from a DistanceComputer
// over a separate storage index (IndexHNSW is the adapter that pairs the two).
//
// Levels: node i lives on levels 0 .. levels[i] - 1. Levels are drawn from the
// exponential distribution of the paper: P(top level = l) = assign_probas[l], with
// levelMult = 1 / ln(M). Level 0 keeps up to 2M neighbours per node, upper levels M.
//
// Memory layout (the fields of the Faiss file record, FAISS_FORMAT.md section 11.2):
// the neighbours of node i are neighbors[offsets[i] .. offsets[i + 1]), level 0 first;
// level l occupies [offsets[i] + cum_nneighbor_per_level[l], offsets[i] +
// cum_nneighbor_per_level[l + 1]). Valid neighbours come first, unused slots hold -1.
//
// Search: greedy descent on the upper levels, then a beam search of width efSearch on
// level 0, with a visited set that costs nothing to reset between queries (an epoch
// counter per thread). Build: each new node is linked to the nodes found by a beam
// search of width efConstruction, pruned by the neighbour-selection heuristic of the
// paper (keep a candidate only if it is closer to the new node than to every neighbour
// kept so far); the reverse links are pruned the same way when a list is full.
//
// Removal (beyond Faiss): mark_deleted() takes nodes out of the graph, reconnects their
// neighbours through the removed nodes' own lists, and frees their slots for reuse.
//
// Thread safety: search() may run concurrently from many threads. add_nodes(),
// remove_nodes(), reset() and field changes need exclusive access; add_nodes() itself
// runs in parallel over OpenMP threads with one lock per node, and gives the same graph
// for the same seed when run with one thread.

#include <faiss/Index.h>
#include <faiss/impl/maybe_owned_vector.h>
#include <faiss/utils/random.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct DistanceComputer;
struct RangeSearchResult;

/// Per-call options of HNSW searches.
struct SearchParametersHNSW : SearchParameters {
    /// Beam width on level 0 (max(efSearch, k) is used). Must be > 0.
    int efSearch = 16;
    /// Stop the level-0 search once the closest candidate left to expand is farther
    /// than the efSearch-th best result found (the stopping rule of the paper). false:
    /// no such test; the search then expands at most efSearch nodes, taking every
    /// neighbour met as a candidate (a fixed budget, as Faiss).
    bool check_relative_distance = true;
    /// Keep at most efSearch candidates waiting for expansion (the farthest are
    /// dropped). Matters only without check_relative_distance: with it, a candidate
    /// beyond the efSearch-th best result is never expanded either way.
    bool bounded_queue = true;
};

struct HNSW {
    /// Node ids inside the graph (int32, as in the Faiss file format).
    using storage_idx_t = int32_t;

    /// assign_probas[l]: probability that a node's top level is l.
    std::vector<double> assign_probas;
    /// Prefix sums of the per-level list sizes: [0, 2M, 3M, 4M, ...].
    std::vector<int> cum_nneighbor_per_level;
    /// levels[i] = top level of node i + 1 (so 1 for a node only on level 0).
    MaybeOwnedVector<int> levels;
    /// ntotal + 1 entries; the neighbour block of node i starts at offsets[i].
    MaybeOwnedVector<uint64_t> offsets;
    /// All neighbour lists, -1 for unused slots.
    /// levels, offsets and neighbors are owned, or views of the index file when read
    /// with IO_FLAG_MMAP (faiss/impl/maybe_owned_vector.h: read-only views throw on
    /// modification, copy-on-write views are copied into memory by the first one).
    MaybeOwnedVector<storage_idx_t> neighbors;

    /// Node where searches start (on level max_level); -1 when the graph is empty.
    storage_idx_t entry_point = -1;
    /// Draws the levels of new nodes; seeded with 12345 as in Faiss.
    RandomGenerator rng;
    /// Top level of the entry point; -1 when the graph is empty.
    int max_level = -1;
    /// Beam width while building. Larger gives a better graph and a slower build.
    int efConstruction = 40;
    /// Default beam width of searches (SearchParametersHNSW overrides it per call).
    int efSearch = 16;
    /// Defaults of SearchParametersHNSW::check_relative_distance and bounded_queue for
    /// searches without a SearchParametersHNSW (Faiss's names).
    bool check_relative_distance = true;
    bool search_bounded_queue = true;
    /// When a full neighbour list must take a new link, it is pruned to
    /// (1 - prune_headroom) of its size (prune_headroom clamped to [0, 0.5]), so the next
    /// links append without pruning again (as Faiss 1.10+). Not stored in files.
    float prune_headroom = 0.2f;
    /// True for inner-product storages: the graph then works on negated similarities.
    /// Derived from the metric, not stored in files.
    bool is_similarity = false;

    /// Beyond Faiss: deleted[i] != 0 for nodes removed by remove_nodes (empty when no
    /// node was ever removed). Not stored in Faiss files.
    std::vector<uint8_t> deleted;
    /// Removed node ids whose slots are free for reuse, in increasing order.
    std::vector<storage_idx_t> free_slots;

    /// A graph with M neighbours per node on the upper levels and 2M on level 0.
    /// @throws FaissException (invalid_argument) if M <= 0.
    explicit HNSW(int M = 32);

    /// Fill assign_probas and cum_nneighbor_per_level for M and levelMult (Faiss's
    /// rule: probabilities stop below 1e-9; level 0 gets 2M slots, others M).
    void set_default_probas(int M, float levelMult);

    /// Change the list size of one level (graph must be empty).
    void set_nb_neighbors(int level_no, int n);
    /// List size of a level.
    int nb_neighbors(int layer_no) const;
    /// Slots of levels 0 .. layer_no - 1.
    int cum_nb_neighbors(int layer_no) const;
    /// [*begin, *end) in neighbors holds the level layer_no list of node no.
    void neighbor_range(idx_t no, int layer_no, size_t* begin, size_t* end) const;

    /// A random top level (0-based) drawn with rng from assign_probas.
    int random_level();

    /// Append n nodes with random levels (or the levels already in `levels` when
    /// preset_levels) and empty lists. Returns the highest new top level.
    int prepare_level_tab(size_t n, bool preset_levels = false);

    /// Link the n nodes ids (already in the level table, with empty lists) into the
    /// graph. x holds their vectors (n x d, row j for ids[j]), used as queries;
    /// storage must already hold them. Runs over the OpenMP threads.
    /// keep_max_size_level0: a full level-0 list that must take a new link is pruned by
    /// the heuristic and then refilled to its full size with the closest candidates
    /// the heuristic dropped (denser level 0, as Faiss's flag of that name).
    void add_nodes(const Index& storage, size_t n, const storage_idx_t* ids, const float* x,
                   bool verbose = false, bool keep_max_size_level0 = false);

    /// k nearest nodes to the query set in qdis: distances (metric values, best first)
    /// and labels, padded with -1 and +inf (-inf for similarities). efSearch and sel
    /// come from params when given. Returns how many results were found (<= k).
    size_t search(DistanceComputer& qdis, idx_t k, float* distances, idx_t* labels,
                  const SearchParameters* params = nullptr) const;

    /// Every node met by the level-0 beam search whose distance is < radius
    /// (similarity > radius) into hits as (id, value) pairs. Approximate, as in Faiss.
    void range_search(DistanceComputer& qdis, float radius,
                      std::vector<std::pair<idx_t, float>>& hits,
                      const SearchParameters* params = nullptr) const;

    /// Beyond Faiss: remove the nodes ids from the graph. Their neighbours are
    /// reconnected using the removed nodes' lists and the selection heuristic; the
    /// removed nodes' lists are emptied and their slots added to free_slots. Cost:
    /// O(affected nodes x (2M)^2) symmetric distances. Returns how many were removed
    /// (ids already removed are skipped).
    size_t remove_nodes(const Index& storage, size_t n, const storage_idx_t* ids);

    /// True if node i was removed and its slot not reused.
    bool is_deleted(idx_t i) const { return !deleted.empty() && deleted[size_t(i)] != 0; }

    /// Number of removed nodes whose slot is not reused yet.
    size_t n_deleted() const { return free_slots.size(); }

    /// Drop every node (keeps M, efSearch, efConstruction).
    void reset();

    /// Renumber the nodes: new node i is old node map[i] (map: size() entries, a
    /// permutation of 0 .. size() - 1). Lists, entry point and removal marks follow.
    /// @throws invalid_argument if map is null (non-empty graph) or not a permutation.
    void permute_entries(const idx_t* map);

    /// Empty the lists of one level (all slots -1) on every node.
    /// @throws invalid_argument if level is not in [0, number of levels).
    void clear_neighbor_tables(int level);

    /// Number of nodes.
    size_t size() const { return levels.size(); }

    /// Copy mapped copy-on-write arrays (levels, offsets, neighbors) into memory now;
    /// throws for a read-only mapping. Call before parallel code that reaches the arrays
    /// through a non-const HNSW: the first non-const access to a view copies it, and two
    /// threads doing that at once would race.
    void detach_mapped_arrays();
};

}  // namespace faiss
