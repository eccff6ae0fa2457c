#pragma once

// The search of the GPU IVF indexes, shared by the Flat, SQ and PQ variants:
//   1. coarse search: the nprobe nearest centroids of each query (the tiled exact
//      engine, KnnEngine.h, on the quantizer's storage);
//   2. plan (host): per query, the offsets of its probed lists in a candidate buffer;
//   3. scan (IVFKernels.h): the scores of every entry of the probed lists into that
//      buffer, padded per row;
//   4. k-selection over each row (the exact engine's selection kernel) and the mapping
//      of buffer positions back to (list, offset) -> user id.
// Queries go in chunks and the candidate buffers in batches of rows sized to the
// temporary memory budget. Private.

#include <faiss/Index.h>
#include <faiss/MetricType.h>
#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/kernels/IVFKernels.h>

namespace faiss::gpu::detail {

class FlatStorage;
class IVFLists;

/// What one IVF search reads (device data belongs to the index).
struct IvfSearchContext {
    GpuResources* res = nullptr;
    int device = 0;
    MetricType metric = METRIC_L2;
    const FlatStorage* centroids = nullptr;  ///< the coarse quantizer's vectors
    IVFLists* lists = nullptr;
    /// Codec fields of the scan (codec, l2, by_residual, d, centroids, sq_trained,
    /// pq_centroids, M); the per-launch fields are filled by ivf_search.
    kernels::IvfScanArgs codec;
};

/// Where the query vectors and the results are.
struct IvfSearchIO {
    const float* x = nullptr;  ///< n x d
    bool x_on_device = false;
    float* distances = nullptr;  ///< n x k
    bool distances_on_device = false;
    idx_t* labels = nullptr;  ///< n x k
    bool labels_on_device = false;
};

/// k nearest entries of n queries among their nprobe nearest lists (1 <= nprobe <=
/// nlist, nprobe and k <= 2048, both checked by the caller). The caller holds the device
/// lock with the device current. Waits for the work before returning.
void ivf_search(const IvfSearchContext& ctx, idx_t n, int k, int nprobe, const IvfSearchIO& io);

/// The nearest list of each of n vectors (x: n x d, host or device per x_on_device) into
/// assign (host, n);
/// -1 for a vector without one (NaN components). Caller as for ivf_search.
void ivf_assign(GpuResources* res, int device, MetricType metric, const FlatStorage& centroids,
                idx_t n, const float* x, bool x_on_device, idx_t* assign);

}  // namespace faiss::gpu::detail
