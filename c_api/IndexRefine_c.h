#pragma once

/*
 * IndexRefine / IndexRefineFlat: candidates from a base index (k * k_factor per query)
 * re-ranked with exact distances from a refine index. faiss_Index_* trains, adds to and
 * searches both; the handle is a FaissIndex handle (faiss_Index_free frees it).
 *
 * Ownership: the base index is not owned unless own_fields is set to 1; the refine index
 * of an IndexRefine is not owned unless own_refine_index is set to 1. IndexRefineFlat
 * owns the flat index it creates. Unowned sub-indexes must outlive the refine index.
 * Thread safety: as faiss_Index_* (searches may run concurrently; train, add, reset
 * need exclusive access).
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexRefine;
typedef struct FaissIndex_H FaissIndexRefineFlat;

/** IndexRefine over base_index and refine_index (same d, same ntotal), k_factor 1. */
int faiss_IndexRefine_new(FaissIndexRefine** p_index, FaissIndex* base_index,
                          FaissIndex* refine_index);

/** IndexRefineFlat over an empty base_index; the refine index is an IndexFlat of the
 * base's metric. */
int faiss_IndexRefineFlat_new(FaissIndexRefineFlat** p_index, FaissIndex* base_index);

/** The same handle if index is an IndexRefine (IndexRefineFlat included), else NULL. */
FaissIndexRefine* faiss_IndexRefine_cast(FaissIndex* index);
/** The same handle if index is an IndexRefineFlat, else NULL. */
FaissIndexRefineFlat* faiss_IndexRefineFlat_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexRefine_free(FaissIndexRefine* obj);
void faiss_IndexRefineFlat_free(FaissIndexRefineFlat* obj);

/** The base and refine indexes (not transferred); NULL for a null or wrong handle. */
FaissIndex* faiss_IndexRefine_base_index(const FaissIndexRefine* index);
FaissIndex* faiss_IndexRefine_refine_index(const FaissIndexRefine* index);

/** k_factor (>= 1, checked at search time); the getter returns -1 for a null or wrong
 * handle. */
float faiss_IndexRefine_k_factor(const FaissIndexRefine* index);
int faiss_IndexRefine_set_k_factor(FaissIndexRefine* index, float k_factor);
float faiss_IndexRefineFlat_k_factor(const FaissIndexRefineFlat* index);
int faiss_IndexRefineFlat_set_k_factor(FaissIndexRefineFlat* index, float k_factor);

/** own_fields: 1 if the base index is deleted with this one; getter -1 on error. */
int faiss_IndexRefine_own_fields(const FaissIndexRefine* index);
int faiss_IndexRefine_set_own_fields(FaissIndexRefine* index, int own_fields);
int faiss_IndexRefineFlat_own_fields(const FaissIndexRefineFlat* index);
int faiss_IndexRefineFlat_set_own_fields(FaissIndexRefineFlat* index, int own_fields);

/** own_refine_index: 1 if the refine index is deleted with this one; getter -1 on error. */
int faiss_IndexRefine_own_refine_index(const FaissIndexRefine* index);
int faiss_IndexRefine_set_own_refine_index(FaissIndexRefine* index, int own);

#ifdef __cplusplus
}
#endif
