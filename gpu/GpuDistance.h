#pragma once

// Brute-force k-NN on the GPU without an index (Faiss's GpuDistance.h): the k nearest
// of numVectors database vectors for each of numQueries queries, by cuBLAS GEMM plus the
// GPU k-selection, tiled so the full distance matrix never exists.
//
// Arrays may be host memory or device memory of the chosen device (each pointer is
// looked at). A database on the host larger than the temporary budget (or than
// vectorsMemoryLimit, see bfKnn_tiling) is paged to the device in pieces, so it may be
// larger than device memory; queries likewise.
//
// Metrics: METRIC_L2 (squared distances) and METRIC_INNER_PRODUCT; others throw
// unsupported. Types: float32 and float16 vectors / queries (mixed is fine: the pair is
// computed in float16 when either is float16); bfloat16 throws unsupported.
// k: 1 .. 2048 (getMaxKSelection()); more throws unsupported.
//
// Errors: FaissException (invalid_argument, unsupported, cuda_error, out_of_memory).
// Thread safety: holds the resources' device lock while it runs (see GpuResources.h).

#include <faiss/Index.h>
#include <faiss/MetricType.h>
#include <faiss/gpu/GpuResources.h>

#include <cstddef>

namespace faiss {
namespace gpu {

/// Element type of vectors and queries.
enum class DistanceDataType {
    F32 = 1,
    F16,
    BF16,
};

/// Element type of the output indices.
enum class IndicesDataType {
    I64 = 1,
    I32,
};

/// Arguments of bfKnn (Faiss's struct, same fields and defaults).
struct GpuDistanceParams {
    /// METRIC_L2 or METRIC_INNER_PRODUCT.
    faiss::MetricType metric = METRIC_L2;
    /// Unused by the supported metrics.
    float metricArg = 0;

    /// Neighbours per query, 1 .. 2048. (Faiss's k = -1 "all distances" mode is not
    /// supported.)
    int k = 0;

    /// Vector dimension.
    int dims = 0;

    /// The database: numVectors x dims if vectorsRowMajor, else dims x numVectors
    /// (column-major: element (i, j) of vector i at vectors[j * numVectors + i]).
    const void* vectors = nullptr;
    DistanceDataType vectorType = DistanceDataType::F32;
    bool vectorsRowMajor = true;
    idx_t numVectors = 0;

    /// Optional precomputed squared L2 norms of the vectors (numVectors floats), L2 only.
    const float* vectorNorms = nullptr;

    /// The queries: numQueries x dims if queriesRowMajor, else dims x numQueries.
    const void* queries = nullptr;
    DistanceDataType queryType = DistanceDataType::F32;
    bool queriesRowMajor = true;
    idx_t numQueries = 0;

    /// Output distances (numQueries x k), sorted best first; may be null when
    /// ignoreOutDistances.
    float* outDistances = nullptr;
    /// Do not write outDistances.
    bool ignoreOutDistances = false;

    /// Output indices (numQueries x k) as int64 or int32; -1 pads missing results.
    IndicesDataType outIndicesType = IndicesDataType::I64;
    void* outIndices = nullptr;

    /// Device to run on; -1: the current device.
    int device = -1;

    /// Faiss compatibility field: cuVS is not part of this library; true is refused.
    bool use_cuvs = false;
};

/// Always false: this library has no cuVS backend.
bool should_use_cuvs(GpuDistanceParams args);

/// Brute-force k-NN as described at the top of this file.
void bfKnn(GpuResourcesProvider* resources, const GpuDistanceParams& args);

/// bfKnn with explicit limits on the device memory (bytes) given to a piece of the
/// database and a piece of the queries when those come from the host; 0 = automatic.
void bfKnn_tiling(GpuResourcesProvider* resources, const GpuDistanceParams& args,
                  size_t vectorsMemoryLimit, size_t queriesMemoryLimit);

/// The simple form (Faiss's bruteForceKnn): float32 vectors and queries, int64 indices.
void bruteForceKnn(GpuResourcesProvider* resources, faiss::MetricType metric, const float* vectors,
                   bool vectorsRowMajor, idx_t numVectors, const float* queries,
                   bool queriesRowMajor, idx_t numQueries, int dims, int k, float* outDistances,
                   idx_t* outIndices);

}  // namespace gpu
}  // namespace faiss
