#pragma once

// Building one index from vectors spread over the ranks of an MPI communicator:
// training once (the IVF coarse quantizer by distributed k-means on the whole training
// set, the rest on rank 0), the trained index broadcast, each rank adding its part, and
// the parts either merged into one index (one Faiss-compatible file) or kept as shards,
// optionally regrouped so that each rank holds whole inverted lists.
//
// Vector numbering: the global set is the concatenation of the ranks' parts in rank
// order; without explicit ids, vector i of rank r gets the global id
// n_0 + ... + n_{r-1} + i. IVF and IndexIDMap indexes store that id; indexes without
// ids (IndexFlat, IndexHNSW ...) store rank r's vectors in order and the id is
// recovered from the shard's position (merge_index_to_root concatenates in rank order;
// ShardedSearch adds the rank's offset).
//
// Every function here is collective (see faiss/mpi/mpi_utils.h): all ranks call it with
// an index of the same structure (same class, d, metric, training state: checked), and a
// failure on one rank makes every rank throw a CollectiveError naming it.
//
// Thread safety: one call at a time per communicator; the index passed is modified and
// needs exclusive access for the duration of the call.

#include <faiss/Index.h>
#include <faiss/IndexIVF.h>

#include <mpi.h>

#include <memory>

namespace faiss::mpi {

/// Options of train_index_distributed.
struct DistributedTrainOptions {
    /// At most this many training vectors are gathered on rank 0 for what is trained
    /// there (encoders, transforms, non-IVF indexes): a seeded random sample of the global
    /// training set when it is larger. IndexIVFPQ gathers instead the sample its own
    /// train() would draw (pq.ksub * pq.cp.max_points_per_centroid vectors, seed
    /// pq.cp.seed), so its codebooks are those of a single-process build.
    idx_t max_root_train = 65536;
    int seed = 1234;  ///< seed of that sample
    bool verbose = false;
};

/// Collective. index (owned by the caller, on every rank; the same untrained structure,
/// e.g. index_factory with the same string) is trained on the union of the ranks'
/// training parts (nt x d each; nt may be 0 on some ranks) and replaced on every rank by
/// an identical trained copy. An IndexIVF at the top (quantizer_trains_alone 0 or 2) gets
/// its coarse quantizer from DistributedClustering with its cp (so equal, up to float
/// summation order, to a single-process train); its encoder, and any other index, is
/// trained on rank 0 on the gathered sample, then broadcast. An IndexPreTransform over
/// such an IVF index (PCA, OPQ ... then IVF) trains its transforms on rank 0 on the
/// sample, broadcasts them and trains the IVF index as above on the transformed parts.
/// An index already trained is left as it is.
/// @throws FaissException on every rank (naming the failing rank) for bad input or when
/// the index cannot be trained or serialised.
void train_index_distributed(MPI_Comm comm, std::unique_ptr<Index>& index, idx_t nt,
                             const float* xt, const DistributedTrainOptions& opts = {});

/// Collective. Adds this rank's n vectors x (n x d) to its copy of the trained index.
/// ids: n global ids, or null for the sequential global ids of the file comment (passed
/// to add_with_ids for index types that store ids, else add()). Returns this rank's
/// global offset (n of the ranks below).
/// @throws FaissException on every rank; (unsupported) for ids given to an index
/// without ids (use "IDMap,..." then).
idx_t add_distributed(MPI_Comm comm, Index& index, idx_t n, const float* x,
                      const idx_t* ids = nullptr);

/// Collective. Merges every rank's index into rank 0's by pairwise steps (rank r takes
/// the index of rank r + 2^s at step s, serialised, with merge_from), so rank 0 ends
/// with all the vectors, in rank order: for IVF the same lists a single-process add of
/// the global set in order gives, for IndexFlat the global order. The other ranks' indexes
/// are left empty. Needs merge_from (IndexFlat*, IndexIVF*, IndexIDMap ...; not HNSW:
/// unsupported, keep shards then).
void merge_index_to_root(MPI_Comm comm, Index& index);

/// Owner of inverted list list_no when the lists are sharded over size ranks.
inline int ivf_list_owner(size_t list_no, int size) {
    return int(list_no % size_t(size));
}

/// Collective, IndexIVF with array inverted lists. Regroups the entries so that rank r
/// keeps exactly the lists l with ivf_list_owner(l, size) == r, every entry of such a
/// list from every rank (in rank order); the other lists become empty and ntotal counts
/// what stays. Exchanges go pairwise, each rank sending each other rank only the lists it
/// owns. Afterwards ShardedSearch sends a query only to the ranks holding a probed list.
void shard_ivf_by_list(MPI_Comm comm, IndexIVF& index);

}  // namespace faiss::mpi
