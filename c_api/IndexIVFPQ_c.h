#pragma once

/*
 * IndexIVFPQ: IVF index whose lists hold product-quantizer codes of the residuals to the
 * list centroids (M sub-quantizers of nbits bits, 1 <= nbits <= 16), metric L2 or inner
 * product. Use faiss_IndexIVF_* for nprobe, the quantizer, direct map ... and
 * faiss_Index_* for train / add / search / reconstruct / sa_encode. Training needs at
 * least max(nlist, 2^nbits) vectors. Polysemous search and training are not implemented
 * (FAISS_ERROR_UNSUPPORTED). Ownership and thread safety: IndexIVF_c.h.
 */

#include "IndexIVF_c.h"
#include "Index_c.h"
#include "faiss_c.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexIVFPQ;

/** An empty shell (used before deserialization); unusable until filled. */
int faiss_IndexIVFPQ_new(FaissIndexIVFPQ** p_index);

/** IVF-PQ over quantizer (dimension d, not owned) with nlist lists, M x nbits codes,
 * METRIC_L2. */
int faiss_IndexIVFPQ_new_with(FaissIndexIVFPQ** p_index, FaissIndex* quantizer, size_t d,
                              size_t nlist, size_t M, size_t nbits);

/** Same with metric METRIC_L2 or METRIC_INNER_PRODUCT. */
int faiss_IndexIVFPQ_new_with_metric(FaissIndexIVFPQ** p_index, FaissIndex* quantizer, size_t d,
                                     size_t nlist, size_t M, size_t nbits, FaissMetricType metric);

/** The same handle if index is an IndexIVFPQ, else NULL. */
FaissIndexIVFPQ* faiss_IndexIVFPQ_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexIVFPQ_free(FaissIndexIVFPQ* obj);

/** PQ shape; SIZE_MAX (with the last error set) for a null or wrong handle. */
size_t faiss_IndexIVFPQ_M(const FaissIndexIVFPQ* index);
size_t faiss_IndexIVFPQ_nbits(const FaissIndexIVFPQ* index);

/** by_residual: 1 (default) codes encode x - centroid, 0 the vectors themselves; set it
 * before training. The getter returns -1 for a null or wrong handle. */
int faiss_IndexIVFPQ_by_residual(const FaissIndexIVFPQ* index);
int faiss_IndexIVFPQ_set_by_residual(FaissIndexIVFPQ* index, int by_residual);

/** use_precomputed_table (-1, 0, 1 as Faiss; 2 is unsupported). After setting it call
 * faiss_IndexIVFPQ_precompute_table. The getter returns -2 for a null or wrong handle. */
int faiss_IndexIVFPQ_use_precomputed_table(const FaissIndexIVFPQ* index);
int faiss_IndexIVFPQ_set_use_precomputed_table(FaissIndexIVFPQ* index, int value);
int faiss_IndexIVFPQ_precompute_table(FaissIndexIVFPQ* index);

/** Bytes per stored code (ceil(M * nbits / 8)); SIZE_MAX for a null or wrong handle. */
size_t faiss_IndexIVFPQ_code_size(const FaissIndexIVFPQ* index);

#ifdef __cplusplus
}
#endif
