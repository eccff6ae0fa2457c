#pragma once

// k-means on one GPU with the training set resident in device memory (beyond Faiss).
//
// faiss::Clustering::train with a GpuIndexFlatL2 as the assignment index (the Faiss way,
// supported too) copies the training set to the device at every iteration and updates
// the centroids on the CPU; for millions of points those copies and sums cost more
// than the assignment itself. train_clustering runs the same Lloyd iterations with the
// points uploaded once: assignment by the exact GPU engine (cuBLAS GEMM + selection),
// cluster sizes and centroid means (sums in double) on the device, and only the k
// centroids travel back to the host per iteration for the empty-cluster reseeding.
//
// Same steps as Clustering::train (METRIC_L2, one run): the same subsample of at most
// k * max_points_per_centroid points, the same initial centroids (seed), the same
// reseeding of empty clusters, spherical / int_centroids post-processing, the same
// iteration_stats (obj, time, time_search = assignment time, imbalance_factor, nsplit).
// Results equal Clustering's up to float rounding: GEMM distances can send a point at
// a near-tie to the other centroid, and the per-cluster sums add the points in another
// order.
//
// Not supported (unsupported): nredo > 1, frozen_centroids, use_kmeanspp, weights.
// Memory on the device: n x d floats plus about 28 bytes per point.
// Thread safety: holds the resources' device lock for the whole run.

#include <faiss/Clustering.h>

namespace faiss {
namespace gpu {

class GpuResourcesProvider;

/// k-means of n vectors x (n x d, host memory) into clus.k centroids on GPU `device`,
/// with clus's parameters; fills clus.centroids (k x d; centroids it holds on entry are
/// the first initial centroids, as in Clustering::train) and clus.iteration_stats.
/// @throws FaissException: invalid_argument (n < k, null x, NaN / inf data when
/// check_input_data_for_NaNs, bad parameters), unsupported (see above), cuda_error /
/// out_of_memory from the device.
void train_clustering(GpuResourcesProvider* provider, int device, Clustering& clus, idx_t n,
                      const float* x);

}  // namespace gpu
}  // namespace faiss
