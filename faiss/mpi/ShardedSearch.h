#pragma once

// k-nearest-neighbour search over an index split into shards, one per rank of an MPI
// communicator. The queries, given on one rank (root), are broadcast; each rank searches
// its shard; the per-rank top-k lists are combined by a binomial-tree reduction (at each
// of the log2(size) steps a rank receives one partner's merged n x k lists and merges
// them into its own, two sorted k-lists into one per query), so no rank ever receives
// more than k results per query from a partner and root receives log2(size) such
// buffers, never the n x k x size of a gather.
//
// Any index type works as a shard (loaded normally or memory-mapped with IO_FLAG_MMAP):
// the generic path runs shard->search on every rank. When every shard is an IndexIVF (top
// level) with the same coarse quantizer (compared by a fingerprint of its centroids) the
// search is routed: the queries are assigned to their nprobe lists once, each rank
// assigning an even slice of the batch with its copy of the quantizer, the assignments
// are gathered by every rank (MPI_Allgatherv), and a rank scans a query only when one of
// its probed lists is non-empty there (search_preassigned on those lists). With shards
// made by shard_ivf_by_list (distributed_build.h), a query thus costs work only on the
// ranks that own its lists; with shards split by vectors every rank scans every query.
// The results are those of one index holding all the shards' vectors with the same
// nprobe.
//
// Labels: a shard that stores ids (IndexIVF, IndexIDMap, ...) reports them as they are;
// a shard without ids (IndexFlat, IndexHNSW, ...) numbers its vectors 0..ntotal-1 and
// its labels are shifted by the ntotal of the ranks below (rank order = global order, as
// add_distributed and merge_index_to_root number them). ShardLabels overrides this.
//
// Ties: equal distances are ordered by label (smaller first), the same on every run.
// Per-call parameters apply on each rank: max_codes (SearchParametersIVF) bounds each
// rank's scan, and an IDSelector sees the shard's own labels (for shards without ids,
// positions before the rank's offset is added).
//
// Thread safety: search() is collective and must not run concurrently on one
// communicator; the shard is only read (it may be shared with other readers).

#include <faiss/Index.h>

#include <mpi.h>

#include <cstdint>

namespace faiss::mpi {

/// How a shard's labels become global labels.
enum class ShardLabels {
    automatic,    ///< stored ids kept; sequential numbering shifted by the ranks below
    stored,       ///< labels kept as the shard reports them
    rank_offset,  ///< labels shifted by the sum of ntotal of the ranks below
};

/// Collective top-k search over one shard per rank.
class ShardedSearch {
  public:
    /// Collective. shard: this rank's index (not owned; must outlive this object and
    /// not change while it is used). All shards must have the same d and metric
    /// (checked). @throws FaissException on every rank, naming the failing rank.
    ShardedSearch(MPI_Comm comm, const Index* shard, ShardLabels labels = ShardLabels::automatic);

    /// Collective. Queries x (n x d), n and k are read on root only; root receives the
    /// global k nearest neighbours, distances and labels (n x k each, sorted best
    /// first; padding -1 and +inf for L2, -inf for inner product). params (may be null)
    /// must be the same on every rank: nprobe, selector ... as for shard->search.
    /// @throws FaissException on every rank for bad input or a failing shard.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr, int root = 0) const;

    /// Vectors over all shards.
    idx_t ntotal() const { return ntotal_; }
    /// Added to this rank's labels.
    idx_t label_offset() const { return label_offset_; }
    /// True when the search is routed by IVF list (every shard an IndexIVF).
    bool routed() const { return routed_; }
    /// Queries this rank scanned in the last search (routing leaves the others out).
    idx_t last_local_queries() const { return last_local_queries_; }

  private:
    void local_search(idx_t n, const float* x, idx_t k, const idx_t* assign, const float* cdis,
                      size_t nprobe, const SearchParameters* params, float* distances,
                      idx_t* labels) const;

    MPI_Comm comm_;
    const Index* shard_;
    idx_t ntotal_ = 0;
    idx_t label_offset_ = 0;
    bool routed_ = false;
    mutable idx_t last_local_queries_ = 0;
};

}  // namespace faiss::mpi
