#pragma once

// Launchers of the k-means kernels (gpu/kernels/KmeansKernels.cu): cluster sizes, the
// points grouped by cluster, and the centroid means. Every launcher queues its kernel on
// `stream` and throws FaissException (cuda_error) if the launch fails. Private.

#include <cuda_runtime.h>

#include <cstdint>

namespace faiss::gpu::kernels {

/// counts[assign[i]] += 1 for i < n with assign[i] >= 0 (counts zeroed by the caller).
void kmeans_count(const int64_t* assign, int64_t n, unsigned long long* counts,
                  cudaStream_t stream);

/// order[cursor[assign[i]]++] = i for i < n with assign[i] >= 0: the points grouped by
/// cluster (cursor starts at each cluster's offset; order inside a group is arbitrary).
void kmeans_scatter(const int64_t* assign, int64_t n, unsigned long long* cursor, int64_t* order,
                    cudaStream_t stream);

/// For each cluster c < k with offsets[c] < offsets[c + 1]: centroids[c] (d floats) =
/// mean of the points x[order[p]] (x: rows of d floats), p in [offsets[c],
/// offsets[c + 1]), summed in double. Other clusters are left as they are.
void kmeans_means(const float* x, int d, const int64_t* order, const int64_t* offsets, int k,
                  float* centroids, cudaStream_t stream);

}  // namespace faiss::gpu::kernels
