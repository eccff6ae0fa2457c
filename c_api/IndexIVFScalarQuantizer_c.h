#pragma once

/*
 * IndexIVFScalarQuantizer: IVF index whose lists hold scalar-quantizer codes, of the
 * residuals to the list centroids by default (by_residual). Metric L2 or inner product.
 * Use faiss_IndexIVF_* for nprobe, the quantizer, direct map ... and faiss_Index_* for
 * train / add / search / reconstruct / sa_encode. Ownership and thread safety:
 * IndexIVF_c.h.
 */

#include "IndexIVF_c.h"
#include "IndexScalarQuantizer_c.h"
#include "Index_c.h"
#include "faiss_c.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexIVFScalarQuantizer;

/** An empty shell (used before deserialization); unusable until filled. */
int faiss_IndexIVFScalarQuantizer_new(FaissIndexIVFScalarQuantizer** p_index);

/** IVF-SQ over quantizer (dimension d, not owned) with nlist lists and quantizer type
 * qt, METRIC_L2, residual encoding. */
int faiss_IndexIVFScalarQuantizer_new_with(FaissIndexIVFScalarQuantizer** p_index,
                                           FaissIndex* quantizer, size_t d, size_t nlist,
                                           FaissQuantizerType qt);

/** Same with metric METRIC_L2 or METRIC_INNER_PRODUCT and encode_residual (by_residual)
 * 1 or 0. */
int faiss_IndexIVFScalarQuantizer_new_with_metric(FaissIndexIVFScalarQuantizer** p_index,
                                                  FaissIndex* quantizer, size_t d, size_t nlist,
                                                  FaissQuantizerType qt, FaissMetricType metric,
                                                  int encode_residual);

/** The same handle if index is an IndexIVFScalarQuantizer, else NULL. */
FaissIndexIVFScalarQuantizer* faiss_IndexIVFScalarQuantizer_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexIVFScalarQuantizer_free(FaissIndexIVFScalarQuantizer* obj);

/** Add n vectors x with ids xids (NULL: sequential) to the lists precomputed_idx (n). */
int faiss_IndexIVFScalarQuantizer_add_core(FaissIndexIVFScalarQuantizer* index, idx_t n,
                                           const float* x, const idx_t* xids,
                                           const int64_t* precomputed_idx);

/** *p_qtype = the quantizer type, *p_code_size = bytes per stored code. */
int faiss_IndexIVFScalarQuantizer_info(const FaissIndexIVFScalarQuantizer* index,
                                       FaissQuantizerType* p_qtype, size_t* p_code_size);

/** by_residual: 1 (default) codes encode x - centroid, 0 the vectors themselves; set it
 * before training. The getter returns -1 for a null or wrong handle. */
int faiss_IndexIVFScalarQuantizer_by_residual(const FaissIndexIVFScalarQuantizer* index);
int faiss_IndexIVFScalarQuantizer_set_by_residual(FaissIndexIVFScalarQuantizer* index,
                                                  int by_residual);

#ifdef __cplusplus
}
#endif
