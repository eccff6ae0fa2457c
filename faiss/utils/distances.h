#pragma once

// Distance kernels and exact k-NN / range search between two sets of vectors.
// All arrays are row-major float32; vectors have d components. The kernels dispatch at
// run time to the best SIMD level of the CPU (see faiss/simd/simd_level.h).
// All functions are thread-safe (they only read their inputs and write their outputs).

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>

namespace faiss {

struct IDSelector;
struct RangeSearchResult;

/*** one pair of vectors ***/

/// sum_j (x_j - y_j)^2
float fvec_L2sqr(const float* x, const float* y, size_t d);
/// sum_j x_j * y_j
float fvec_inner_product(const float* x, const float* y, size_t d);
/// sum_j |x_j - y_j|
float fvec_L1(const float* x, const float* y, size_t d);
/// max_j |x_j - y_j|
float fvec_Linf(const float* x, const float* y, size_t d);
/// sum_j |x_j - y_j|^p (no root, as Faiss's METRIC_Lp)
float fvec_Lp(const float* x, const float* y, size_t d, float p);
/// sum_j x_j^2
float fvec_norm_L2sqr(const float* x, size_t d);

/*** one vector against many (batched: one dispatch per call) ***/

/// dis[i] = ||x - y_i||^2 for the ny vectors y (ny x d)
void fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny);
/// ip[i] = <x, y_i>
void fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny);

/*** many vectors ***/

/// norms[i] = ||x_i||^2 for nx vectors
void fvec_norms_L2sqr(float* norms, const float* x, size_t d, size_t nx);
/// norms[i] = ||x_i||
void fvec_norms_L2(float* norms, const float* x, size_t d, size_t nx);
/// Scale each of the nx vectors to unit L2 norm in place (zero vectors stay zero).
void fvec_renorm_L2(size_t d, size_t nx, float* x);
/// Same as fvec_renorm_L2, argument order (n, d, x) as in the Python helper.
/// Cosine similarity = normalize_L2 on both sides + inner product.
void normalize_L2(size_t n, size_t d, float* x);
/// c = a + bf * b (n floats)
void fvec_madd(size_t n, const float* a, float bf, const float* b, float* c);

/// dis[i * ldd + j] = ||xq_i - xb_j||^2 for nq x nb pairs (BLAS). ld* = -1 means dense.
void pairwise_L2sqr(int64_t d, int64_t nq, const float* xq, int64_t nb, const float* xb,
                    float* dis, int64_t ldq = -1, int64_t ldb = -1, int64_t ldd = -1);

/*** exact k-NN (the engine behind IndexFlat) ***/

/// k nearest y (ny x d) of each x (nx x d) in squared L2; distances and indexes are
/// nx x k, sorted, padded with (+inf, -1). y_norm2 (ny) may be given to skip computing
/// the database norms. sel (optional) restricts the candidate ids.
void knn_L2sqr(const float* x, const float* y, size_t d, size_t nx, size_t ny, size_t k,
               float* distances, int64_t* indexes, const float* y_norm2 = nullptr,
               const IDSelector* sel = nullptr);

/// k largest inner products; padded with (-inf, -1).
void knn_inner_product(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                       size_t k, float* distances, int64_t* indexes,
                       const IDSelector* sel = nullptr);

/// k nearest for METRIC_L1 / Linf / Lp (metric_arg = p), and also L2 / IP.
void knn_extra_metrics(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                       MetricType metric, float metric_arg, size_t k, float* distances,
                       int64_t* indexes, const IDSelector* sel = nullptr);

/// All y with ||x - y||^2 < radius, per query, into result (nq = nx).
void range_search_L2sqr(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                        float radius, RangeSearchResult* result,
                        const IDSelector* sel = nullptr);

/// All y with <x, y> > radius.
void range_search_inner_product(const float* x, const float* y, size_t d, size_t nx,
                                size_t ny, float radius, RangeSearchResult* result,
                                const IDSelector* sel = nullptr);

}  // namespace faiss
