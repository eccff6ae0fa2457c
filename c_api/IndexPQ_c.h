#pragma once

/*
 * IndexPQ: vectors stored as product-quantizer codes (M sub-quantizers of nbits bits,
 * 1 <= nbits <= 16), searched by asymmetric distance tables, metric L2 or inner
 * product. The handle is a FaissIndex handle: train, add, search, range_search,
 * reconstruct, sa_encode / sa_decode go through faiss_Index_*; free with
 * faiss_IndexPQ_free or faiss_Index_free.
 *
 * Training needs at least 2^nbits vectors (fewer fail with
 * FAISS_ERROR_INVALID_ARGUMENT); below 39 * 2^nbits k-means prints a warning.
 * Only search type 0 (ST_PQ) is implemented; searching with another fails with
 * FAISS_ERROR_UNSUPPORTED.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently; train, add, reset and
 * the setters need exclusive access).
 */

#include "Index_c.h"
#include "faiss_c.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexPQ;

/** Empty, untrained IndexPQ of dimension 0 (a shell, as in Faiss). */
int faiss_IndexPQ_new(FaissIndexPQ** p_index);

/**
 * Untrained IndexPQ of dimension d (> 0, a multiple of M) with M sub-quantizers of
 * nbits bits each (1 .. 16) and metric METRIC_L2 or METRIC_INNER_PRODUCT.
 */
int faiss_IndexPQ_new_with(FaissIndexPQ** p_index, idx_t d, size_t M, size_t nbits,
                           FaissMetricType metric);

/** The same handle if index is an IndexPQ, else NULL. */
FaissIndexPQ* faiss_IndexPQ_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexPQ_free(FaissIndexPQ* obj);

/** Number of sub-quantizers, bits per sub-code, bytes per code (SIZE_MAX on error). */
size_t faiss_IndexPQ_M(const FaissIndexPQ* index);
size_t faiss_IndexPQ_nbits(const FaissIndexPQ* index);
size_t faiss_IndexPQ_code_size(const FaissIndexPQ* index);

/** Search type (0 = ST_PQ ...; -1 on error) and its setter (values 0 .. 5). */
int faiss_IndexPQ_search_type(const FaissIndexPQ* index);
int faiss_IndexPQ_set_search_type(FaissIndexPQ* index, int search_type);

/** k-means iterations used by train (default 25); niter >= 0. */
int faiss_IndexPQ_set_train_niter(FaissIndexPQ* index, int niter);

/**
 * The centroids: *p_centroids points at M x 2^nbits x (d / M) floats owned by the
 * index (valid until it is trained again or freed), *p_size receives their count.
 */
int faiss_IndexPQ_centroids(FaissIndexPQ* index, float** p_centroids, size_t* p_size);

#ifdef __cplusplus
}
#endif
