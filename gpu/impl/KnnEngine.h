#pragma once

// Tiled exact k-NN on one device: GEMM tiles of inner products (cuBLAS) folded at once
// into per-query top-k lists by the selection kernel. Shared by GpuIndexFlat and bfKnn.
//
// Order of work: the queries are taken in chunks (all of them when they fit the
// temporary budget) and, for each chunk, the database in pages (all of it when it is
// on the device in the GEMM's type); each (chunk, page) pair is cut into tiles of
// tile_queries x tile_vectors inner products. Host data is copied page by page, so a
// database larger than device memory works. Private.

#include <faiss/Index.h>
#include <faiss/MetricType.h>
#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/kernels/Kernels.h>

#include <cstddef>
#include <cstdint>

namespace faiss::gpu::detail {

using kernels::ElemType;

/// A matrix of n vectors of dimension d (layout as in kernels/Kernels.h).
struct MatrixView {
    const void* data = nullptr;
    ElemType type = ElemType::f32;
    idx_t n = 0;
    int d = 0;
    bool row_major = true;
    int64_t ld = 0;
    bool on_device = false;
};

/// Where the results go: each array on the host or the device.
struct KnnOutput {
    float* distances = nullptr;  ///< n x k, may be null
    bool distances_on_device = false;
    void* labels = nullptr;  ///< n x k int64 or int32
    bool labels_i32 = false;
    bool labels_on_device = false;
};

/// Limits of the work split; 0 = automatic.
struct KnnLimits {
    size_t vectors_bytes = 0;  ///< bytes of one database page (its raw data)
    size_t queries_bytes = 0;  ///< bytes of one query chunk (its raw data)
    int tile_queries = 0;
    int tile_vectors = 0;
};

/// Exact k-NN of queries against vectors with metric L2 or inner product.
/// vector_norms: squared norms of the vectors (n floats, host or device per
/// norms_on_device) or null to compute them (L2 only). The caller holds the device lock
/// and has made `device` current. Waits for the work before returning.
void knn_search(GpuResources* res, int device, MetricType metric, const MatrixView& vectors,
                const float* vector_norms, bool norms_on_device, const MatrixView& queries, int k,
                const KnnOutput& out, const KnnLimits& limits = KnnLimits());

/// Overrides the automatic tile sizes of every later search (tests use it to force
/// many tiles on small data); 0 restores the automatic choice.
void set_default_tiles(int tile_queries, int tile_vectors);

}  // namespace faiss::gpu::detail
