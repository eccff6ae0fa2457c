#pragma once

/*
 * IndexPreTransform: a chain of vector transforms (VectorTransform_c.h) applied to every
 * vector before it reaches a sub-index. faiss_Index_* trains (transforms first, then the
 * sub-index), adds to, searches and reconstructs through it; the handle is a FaissIndex
 * handle (faiss_Index_free frees it).
 *
 * Ownership: the sub-index and the transforms are NOT owned by default: free the
 * IndexPreTransform first, then them. After faiss_IndexPreTransform_set_own_fields(i, 1)
 * freeing the IndexPreTransform frees the sub-index and every transform of the chain.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently; train, add, reset,
 * prepend_transform and the setters need exclusive access).
 */

#include "Index_c.h"
#include "VectorTransform_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexPreTransform;

/** An IndexPreTransform with no sub-index yet (as read from a file before filling in). */
int faiss_IndexPreTransform_new(FaissIndexPreTransform** p_index);

/** No transform yet over index: d, metric and training state come from index. */
int faiss_IndexPreTransform_new_with(FaissIndexPreTransform** p_index, FaissIndex* index);

/** ltrans (d_in -> index's d) in front of index. */
int faiss_IndexPreTransform_new_with_transform(FaissIndexPreTransform** p_index,
                                               FaissVectorTransform* ltrans, FaissIndex* index);

/** Put ltrans (d_out = the index's current d) in front of the chain. */
int faiss_IndexPreTransform_prepend_transform(FaissIndexPreTransform* index,
                                              FaissVectorTransform* ltrans);

/** The same handle if index is an IndexPreTransform, else NULL. */
FaissIndexPreTransform* faiss_IndexPreTransform_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexPreTransform_free(FaissIndexPreTransform* obj);

/** The sub-index (not transferred); NULL for a null or wrong handle. */
FaissIndex* faiss_IndexPreTransform_index(const FaissIndexPreTransform* index);

/** Number of transforms in the chain; -1 for a null or wrong handle. */
int faiss_IndexPreTransform_chain_size(const FaissIndexPreTransform* index);

/** Transform i of the chain (not transferred); NULL for a bad handle or i. */
FaissVectorTransform* faiss_IndexPreTransform_chain(const FaissIndexPreTransform* index, int i);

/** own_fields: 1 if the sub-index and transforms are freed with this index; -1 on error. */
int faiss_IndexPreTransform_own_fields(const FaissIndexPreTransform* index);
int faiss_IndexPreTransform_set_own_fields(FaissIndexPreTransform* index, int own_fields);

#ifdef __cplusplus
}
#endif
