#pragma once

/*
 * The index base class (faiss::Index) and per-call search parameters. Every index
 * handle (FaissIndexFlat, FaissIndexIDMap ...) is a FaissIndex and works with every
 * function here. Shapes: x is n x d floats, row-major; distances and labels are n x k.
 * Results are sorted best first; rows with fewer than k results are padded with label
 * -1 and distance +inf (L2) or -inf (inner product).
 *
 * Thread safety: search, range_search, assign and reconstruct* on one index may run
 * concurrently; train, add*, remove_ids, reset and setters need exclusive access.
 */

#include "IDSelector_c.h"
#include "RangeSearchResult_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Distance measures; the values are Faiss's (they appear in index files). */
typedef enum FaissMetricType {
    METRIC_INNER_PRODUCT = 0, /**< maximum inner product */
    METRIC_L2 = 1,            /**< squared Euclidean distance */
    METRIC_L1 = 2,            /**< sum of absolute differences (flat indexes only) */
    METRIC_Linf = 3,          /**< max absolute difference (flat indexes only) */
    METRIC_Lp = 4,            /**< sum |x_i - y_i|^p (flat indexes only) */
} FaissMetricType;

/** Per-call search options (faiss::SearchParameters). */
typedef struct FaissSearchParameters_H FaissSearchParameters;

/**
 * New search parameters restricting results to the ids sel accepts (sel may be NULL:
 * no restriction). sel is not owned and must outlive the parameters.
 */
int faiss_SearchParameters_new(FaissSearchParameters** p_sp, FaissIDSelector* sel);

/** Free search parameters (NULL is a no-op); the selector is not freed. */
void faiss_SearchParameters_free(FaissSearchParameters* obj);

/** Opaque handle to any index. */
typedef struct FaissIndex_H FaissIndex;

/** Free an index of any type (NULL is a no-op). */
void faiss_Index_free(FaissIndex* obj);

/** Vector dimension d. */
int faiss_Index_d(const FaissIndex* index);
/** 1 if the index is trained (ready for add and search), 0 if not. */
int faiss_Index_is_trained(const FaissIndex* index);
/** Number of stored vectors. */
idx_t faiss_Index_ntotal(const FaissIndex* index);
/** Metric of the index. */
FaissMetricType faiss_Index_metric_type(const FaissIndex* index);
/** 1 if the index prints progress to stdout. */
int faiss_Index_verbose(const FaissIndex* index);
/** Switch progress printing on (non-zero) or off. */
int faiss_Index_set_verbose(FaissIndex* index, int verbose);

/** Train on n vectors x (n x d). A no-op for indexes that need no training. */
int faiss_Index_train(FaissIndex* index, idx_t n, const float* x);

/** Add n vectors x (n x d); they get ids ntotal .. ntotal + n - 1. */
int faiss_Index_add(FaissIndex* index, idx_t n, const float* x);

/**
 * Add n vectors x (n x d) with ids xids (n). Fails with FAISS_ERROR_UNSUPPORTED for
 * indexes that number their vectors themselves (wrap them in an IndexIDMap).
 */
int faiss_Index_add_with_ids(FaissIndex* index, idx_t n, const float* x, const idx_t* xids);

/**
 * The k nearest neighbours of the n queries x (n x d): distances and labels (n x k
 * each, caller-allocated). k must be > 0.
 */
int faiss_Index_search(const FaissIndex* index, idx_t n, const float* x, idx_t k, float* distances,
                       idx_t* labels);

/** As faiss_Index_search, with per-call parameters (params may be NULL). */
int faiss_Index_search_with_params(const FaissIndex* index, idx_t n, const float* x, idx_t k,
                                   const FaissSearchParameters* params, float* distances,
                                   idx_t* labels);

/**
 * All stored vectors within radius of each of the n queries x (distance < radius for
 * L2, similarity > radius for inner product) into result, which must have been made
 * with faiss_RangeSearchResult_new(&result, n).
 */
int faiss_Index_range_search(const FaissIndex* index, idx_t n, const float* x, float radius,
                             FaissRangeSearchResult* result);

/** labels (n x k) of the k nearest neighbours of the n queries x, distances dropped. */
int faiss_Index_assign(const FaissIndex* index, idx_t n, const float* x, idx_t* labels, idx_t k);

/** Remove every vector; the training is kept. */
int faiss_Index_reset(FaissIndex* index);

/**
 * Remove the vectors whose id sel accepts. n_removed (may be NULL) receives how many.
 * Flat indexes renumber the remaining vectors 0 .. ntotal - 1 in order.
 */
int faiss_Index_remove_ids(FaissIndex* index, const FaissIDSelector* sel, size_t* n_removed);

/** The stored vector with id key into recons (d floats). */
int faiss_Index_reconstruct(const FaissIndex* index, idx_t key, float* recons);

/** The stored vectors i0 .. i0 + ni - 1 into recons (ni x d floats). */
int faiss_Index_reconstruct_n(const FaissIndex* index, idx_t i0, idx_t ni, float* recons);

/** residual (d floats) = x - reconstruction of the vector with id key. */
int faiss_Index_compute_residual(const FaissIndex* index, const float* x, float* residual,
                                 idx_t key);

/** residuals[i] = x[i] - reconstruction of keys[i], for the n vectors x (n x d). */
int faiss_Index_compute_residual_n(const FaissIndex* index, idx_t n, const float* x,
                                   float* residuals, const idx_t* keys);

/** Bytes per vector of the standalone codec into *size. */
int faiss_Index_sa_code_size(const FaissIndex* index, size_t* size);

/** Encode the n vectors x (n x d) into bytes (n x sa_code_size). */
int faiss_Index_sa_encode(const FaissIndex* index, idx_t n, const float* x, uint8_t* bytes);

/** Decode n codes (n x sa_code_size bytes) into x (n x d). */
int faiss_Index_sa_decode(const FaissIndex* index, idx_t n, const uint8_t* bytes, float* x);

#ifdef __cplusplus
}
#endif
