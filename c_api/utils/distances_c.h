#pragma once

/*
 * Distance helpers and exact k-NN between two sets of vectors (faiss/utils/distances.h).
 * All arrays are row-major floats allocated by the caller; all functions are
 * thread-safe (they only read their inputs and write their outputs). Faiss declares
 * the fvec_* and pairwise functions void; here they return a status (calls written
 * for Faiss compile unchanged).
 */

#include "../Index_c.h"
#include "../faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * dis[i * ldd + j] = ||xq_i - xb_j||^2 for the nq queries xq (row stride ldq) and the
 * nb vectors xb (row stride ldb), all of dimension d. A stride of -1 means dense.
 */
int faiss_pairwise_L2sqr(int64_t d, int64_t nq, const float* xq, int64_t nb, const float* xb,
                         float* dis, int64_t ldq, int64_t ldb, int64_t ldd);

/** faiss_pairwise_L2sqr with dense arrays: dis is nq x nb. */
int faiss_pairwise_L2sqr_with_defaults(int64_t d, int64_t nq, const float* xq, int64_t nb,
                                       const float* xb, float* dis);

/** ip[i] = <x, y_i> for the ny vectors y (ny x d). */
int faiss_fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny);

/** dis[i] = ||x - y_i||^2 for the ny vectors y (ny x d). */
int faiss_fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny);

/** norms[i] = ||x_i|| for the nx vectors x (nx x d). */
int faiss_fvec_norms_L2(float* norms, const float* x, size_t d, size_t nx);

/** norms[i] = ||x_i||^2 for the nx vectors x (nx x d). */
int faiss_fvec_norms_L2sqr(float* norms, const float* x, size_t d, size_t nx);

/** Scale each of the nx vectors x (nx x d) to unit L2 norm in place (zero stays zero). */
int faiss_fvec_renorm_L2(size_t d, size_t nx, float* x);

/** Same as faiss_fvec_renorm_L2 with the argument order of Python's faiss.normalize_L2. */
int faiss_normalize_L2(size_t n, size_t d, float* x);

/**
 * Exact k nearest neighbours among the nb vectors xb (nb x d) of each of the nq queries
 * xq (nq x d), as Python's faiss.knn: distances and labels are nq x k, sorted best
 * first, padded with label -1. metric_arg is p for METRIC_Lp (ignored otherwise).
 */
int faiss_knn(const float* xq, const float* xb, idx_t d, idx_t nq, idx_t nb, idx_t k,
              FaissMetricType metric, float metric_arg, float* distances, idx_t* labels);

#ifdef __cplusplus
}
#endif
