#pragma once

// k-means over a training set spread across the ranks of an MPI communicator, giving the
// centroids faiss::Clustering computes on the whole set with the same parameters and
// seed, up to the order in which floating-point sums are formed.
//
// The global training set is the concatenation of the ranks' parts in rank order (rank
// 0's n_0 points, then rank 1's ...): point i of rank r is global point
// n_0 + ... + n_{r-1} + i. Every random draw of Clustering is made on global indices, by
// every rank with the same generator, so the ranks agree without exchanging them:
//   - subsampling (n > k * max_points_per_centroid): the same seeded draw of global
//     indices, in draw order; each rank keeps the drawn points it holds;
//   - initialisation: centroid c is sample position pick[c] of the seeded permutation,
//     copied from the rank that holds it into every rank's copy;
//   - empty clusters: split with the rule and seeds of Clustering, applied by every rank
//     to the same global cluster sizes and the same centroids.
// One Lloyd iteration: each rank assigns its points with its own copy of the assignment
// index; per-cluster sums (in double) and weights are combined by MPI_Reduce_scatter,
// each rank turns its slice of clusters into means and MPI_Allgather hands every rank the
// same float centroids, bit for bit (so later splits and assignments agree); the cluster
// sizes (int64) and the objective are combined exactly as well.
//
// Communication per iteration: k * (d + 1) doubles reduced plus k * d floats gathered
// (about 12 * k * d bytes through each rank with the ring algorithms of MPI), 2k int64
// for the sizes, a few scalars.
//
// Not supported: use_kmeanspp (its sequential seeding is not distributed): throws
// unsupported on every rank.
//
// Thread safety: one thread per object and per communicator; train() is collective.

#include <faiss/Clustering.h>

#include <mpi.h>

namespace faiss::mpi {

/// Clustering whose train() is collective over comm and takes this rank's part of the
/// training set. The fields (d, k, parameters, centroids, iteration_stats) are those of
/// faiss::Clustering and hold the same values on every rank after train().
struct DistributedClustering : Clustering {
    MPI_Comm comm;  ///< not owned; must stay valid while training

    /// @throws FaissException (invalid_argument) if d <= 0 or k <= 0.
    DistributedClustering(MPI_Comm comm, int d, int k);
    DistributedClustering(MPI_Comm comm, int d, int k, const ClusteringParameters& cp);

    /// Collective. n (may be 0 on some ranks), x (n x d) and x_weights (n, or null on
    /// every rank) are this rank's part of the training set; index is this rank's
    /// assignment index (IndexFlatL2 for plain k-means; same type on every rank) and
    /// holds the k centroids at the end. d, k, the parameters and the pre-filled
    /// centroids must be equal on every rank (checked).
    /// @throws FaissException on every rank, naming the rank that failed, as
    /// Clustering::train (n summed over the ranks), and (unsupported) with
    /// use_kmeanspp.
    void train(idx_t n, const float* x, Index& index, const float* x_weights = nullptr) override;
};

}  // namespace faiss::mpi
