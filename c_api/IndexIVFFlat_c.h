#pragma once

/*
 * IndexIVFFlat: IVF index storing the raw vectors (exact distances inside the visited
 * lists). Use the faiss_IndexIVF_* functions for nprobe, the quantizer, direct map ...
 * and faiss_Index_* for train / add / search. Ownership and thread safety: IndexIVF_c.h.
 */

#include "IndexIVF_c.h"
#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexIVFFlat;

/** An empty shell (used before deserialization); unusable until filled. */
int faiss_IndexIVFFlat_new(FaissIndexIVFFlat** p_index);

/** IVF over quantizer (dimension d, not owned) with nlist lists, METRIC_L2. */
int faiss_IndexIVFFlat_new_with(FaissIndexIVFFlat** p_index, FaissIndex* quantizer, size_t d,
                                size_t nlist);

/** Same with metric METRIC_L2 or METRIC_INNER_PRODUCT. */
int faiss_IndexIVFFlat_new_with_metric(FaissIndexIVFFlat** p_index, FaissIndex* quantizer, size_t d,
                                       size_t nlist, FaissMetricType metric);

/** The same handle if index is an IndexIVFFlat, else NULL. */
FaissIndexIVFFlat* faiss_IndexIVFFlat_cast(FaissIndex* index);

/** Add n vectors x with ids xids (NULL: sequential) to the lists precomputed_idx (n). */
int faiss_IndexIVFFlat_add_core(FaissIndexIVFFlat* index, idx_t n, const float* x,
                                const idx_t* xids, const int64_t* precomputed_idx);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexIVFFlat_free(FaissIndexIVFFlat* obj);

#ifdef __cplusplus
}
#endif
