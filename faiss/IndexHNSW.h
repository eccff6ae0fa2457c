#pragma once

// Graph indexes: an HNSW graph (faiss/graph/HNSW.h) over a storage index that holds the
// vectors (IndexFlat, IndexScalarQuantizer or IndexPQ). Ids are storage positions.
//
//   IndexHNSWFlat(d, M, metric)                       raw float vectors
//   IndexHNSWSQ(d, qtype, M, metric)                  scalar-quantized vectors
//   IndexHNSWPQ(d, pq_m, M, pq_nbits = 8, metric)     product-quantized vectors
//
// Knobs: hnsw.efConstruction (build beam width, default 40), hnsw.efSearch (search beam
// width, default 16) or per call SearchParametersHNSW{efSearch, check_relative_distance,
// bounded_queue, sel}. Graph edits as Faiss: permute_entries, init_level0 with
// init_level_0_from_knngraph, shrink_level_0_neighbors, reorder_links,
// keep_max_size_level0.
//
// Filtered search (params->sel): the graph is walked through every node, but only
// members of sel become results. When few ids pass, walking the graph to find k of
// them costs more than scoring every allowed id, so the search switches to an exact
// scan of the allowed ids when that is predicted to be cheaper (see
// filtered_exact_threshold), and also when the graph search returns fewer than k
// results or exceeds the cost of the scan. A filtered query therefore returns k
// results whenever k stored vectors pass the filter.
//
// Removal (beyond Faiss): remove_ids() takes the vectors out of the graph (their
// neighbours are reconnected) but keeps their slots, so ntotal still counts them and
// the other ids do not change; removed ids are never returned. The next add() fills
// the freed slots first, in increasing id order (hnsw.free_slots lists them), then
// appends. compact() drops the free slots and renumbers the remaining vectors.
//
// Memory (Linux): add() and read_index ask the kernel to back the neighbour lists and
// a flat-codes storage (IndexFlat, SQ, PQ) with 2 MiB pages (madvise MADV_HUGEPAGE and
// MADV_COLLAPSE, arrays of 8 MiB and more): searches read both at random, and with
// 4 KiB pages most of those reads also miss the TLB. Costs one copy of the arrays
// (about 1 s per 256 MiB on a loaded machine); FAISS_HNSW_HUGE_PAGES=0 in the
// environment turns it off.
//
// Thread safety: search, range_search and reconstruct may run concurrently; add,
// train, reset, remove_ids, compact and field changes need exclusive access.

#include <faiss/Index.h>
#include <faiss/graph/HNSW.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss {

struct IndexHNSW : Index {
    /// The graph (fields as in Faiss: efSearch, efConstruction, levels ...).
    HNSW hnsw;
    /// Delete storage with this index.
    bool own_fields = false;
    /// Holds the vectors; graph node i is storage vector i.
    Index* storage = nullptr;
    /// Beyond Faiss: how filtered searches choose between the graph walk and an exact
    /// scan of the allowed ids. Negative (default): by a cost model, graph when
    /// efSearch * nb_neighbors(0) / f < ntotal * (0.03 + f) for the estimated fraction f
    /// of allowed ids (about f < 0.27 scans at 50k vectors, f < 0.08 at 500k, efSearch
    /// 64); see benchs/RESULTS.md. In [0, 1]: scan when f is below this value.
    float filtered_exact_threshold = -1.0f;
    /// add() links new vectors on level 0. false (as Faiss): add() links only the
    /// vectors that also live on upper levels (among themselves, level 0 included);
    /// the others stay unlinked until init_level_0_from_knngraph() builds level 0.
    bool init_level0 = true;
    /// add(): refill pruned level-0 lists to their full size (see HNSW::add_nodes).
    bool keep_max_size_level0 = false;

    /// A graph with M links per node over no storage (set storage before use).
    explicit IndexHNSW(int d = 0, int M = 32, MetricType metric = METRIC_L2);
    /// A graph over storage (not owned unless own_fields is set), which must be empty.
    /// d and metric come from storage. @throws invalid_argument for null or non-empty.
    explicit IndexHNSW(Index* storage, int M = 32);
    ~IndexHNSW() override;
    IndexHNSW(const IndexHNSW&) = delete;
    IndexHNSW& operator=(const IndexHNSW&) = delete;

    /// Train the storage (SQ / PQ codecs) on n vectors x (n x d).
    void train(idx_t n, const float* x) override;

    /// Add n vectors x (n x d): into free slots left by remove_ids first (increasing
    /// ids), then appended with ids ntotal, ntotal + 1 ... Parallel over OpenMP
    /// threads; with one thread the graph is the same on every run.
    void add(idx_t n, const float* x) override;

    /// k nearest neighbours of the n queries x (n x d) into distances and labels (n x k),
    /// best first, padded with (-1, +inf) or (-1, -inf) for inner product. Honours a
    /// SearchParametersHNSW (efSearch) and params->sel (see the header comment).
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// Vectors within radius (distance < radius, inner product: > radius) met by the
    /// graph search (approximate, as in Faiss), or by an exact scan for selective
    /// filters. result must be made with nq = n.
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Stored vector key (decoded) into recons (d floats). @throws for removed ids.
    void reconstruct(idx_t key, float* recons) const override;

    /// Empty the graph and the storage.
    void reset() override;

    /// Beyond Faiss: remove the vectors sel accepts from the graph (see the header
    /// comment); ntotal is unchanged. Returns the number removed.
    size_t remove_ids(const IDSelector& sel) override;

    /// Beyond Faiss: drop the slots of removed vectors and renumber the rest in order.
    /// old_to_new (optional, ntotal entries before the call) receives each old id's
    /// new id, -1 for dropped ones. Storage must be an IndexFlatCodes. Returns the
    /// number of slots dropped. Cost: one pass over the graph and the codes.
    size_t compact(idx_t* old_to_new = nullptr);

    /// Renumber the vectors: new id i is old id perm[i] (perm: ntotal entries, a
    /// permutation of 0 .. ntotal - 1), in the graph and in the storage (which must be
    /// an IndexFlatCodes). Search results are the same up to the renumbering.
    /// @throws invalid_argument for a null perm or one that is not a permutation.
    void permute_entries(const idx_t* perm);

    /// Rebuild level 0 from a k-NN graph of the stored vectors: I (ntotal x k) holds
    /// the neighbours of each vector, D (ntotal x k) their distances (metric values, as
    /// search() returns them). Each list keeps the candidates the selection heuristic
    /// picks, up to nb_neighbors(0); -1 entries, self links and removed ids are skipped.
    /// Typical use: init_level0 = false, add(), search the vectors, then this call.
    /// @throws invalid_argument if k <= 0 or D / I is null (non-empty index).
    void init_level_0_from_knngraph(int k, const float* D, const idx_t* I);

    /// Prune every level-0 list to at most size links with the selection heuristic
    /// (closest first). Smaller graphs, lower recall at equal efSearch.
    /// @throws invalid_argument if size < 0.
    void shrink_level_0_neighbors(int size);

    /// Sort every level-0 list nearest first (the order searches expand them in).
    void reorder_links();

    /// Distances by id over the storage; caller owns the result.
    DistanceComputer* get_distance_computer() const override;

  private:
    void check_storage() const;
    /// Re-advise huge pages (see the header comment) for array slot (0: neighbour
    /// lists, 1: storage codes) only when it moved or grew by 1/8 since last time, so
    /// many small adds do not each pay the system calls over the whole array.
    void advise_memory();
    const void* advised_data_[2] = {nullptr, nullptr};
    size_t advised_bytes_[2] = {0, 0};
};

/// HNSW over raw float vectors (IndexFlat storage, metric L2, IP, L1, Linf or Lp).
struct IndexHNSWFlat : IndexHNSW {
    IndexHNSWFlat();
    IndexHNSWFlat(int d, int M, MetricType metric = METRIC_L2);
};

/// HNSW over scalar-quantized vectors (IndexScalarQuantizer storage, L2 or IP).
/// Needs train() for the range types (QT_8bit ...).
struct IndexHNSWSQ : IndexHNSW {
    IndexHNSWSQ();
    IndexHNSWSQ(int d, ScalarQuantizer::QuantizerType qtype, int M, MetricType metric = METRIC_L2);
};

/// HNSW over product-quantized vectors (IndexPQ storage, L2 or IP). Needs train().
struct IndexHNSWPQ : IndexHNSW {
    IndexHNSWPQ();
    IndexHNSWPQ(int d, int pq_m, int M, int pq_nbits = 8, MetricType metric = METRIC_L2);
};

}  // namespace faiss
