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
 * Search types (faiss::IndexPQ::Search_type_t): 0 ST_PQ (asymmetric), 1 ST_HE (Hamming
 * distance between codes), 2 ST_generalized_HE (differing sub-codes), 3 ST_SDC
 * (symmetric), 4 ST_polysemous (ADC of the codes within Hamming distance < polysemous_ht
 * of the query's code), 5 ST_polysemous_generalize. Types other than 0 need nbits == 8 and
 * METRIC_L2, else searching fails with FAISS_ERROR_UNSUPPORTED. Polysemous training
 * (renumbering of the centroids after k-means, for meaningful Hamming distances) runs in
 * train when do_polysemous_training is set.
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

/** Hamming threshold of the polysemous search types (-1 on error) and its setter. */
int faiss_IndexPQ_polysemous_ht(const FaissIndexPQ* index);
int faiss_IndexPQ_set_polysemous_ht(FaissIndexPQ* index, int polysemous_ht);

/** do_polysemous_training (0 / 1; -1 on error) and its setter. */
int faiss_IndexPQ_do_polysemous_training(const FaissIndexPQ* index);
int faiss_IndexPQ_set_do_polysemous_training(FaissIndexPQ* index, int value);

/** Annealing iterations of the polysemous training (default 500000); n_iter >= 0. */
int faiss_IndexPQ_set_polysemous_n_iter(FaissIndexPQ* index, int n_iter);

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
