#pragma once

/*
 * IndexIDMap: caller-chosen 64-bit ids on top of an index that numbers its vectors
 * 0 .. ntotal - 1 (add with faiss_Index_add_with_ids; searches return these ids).
 * IndexIDMap2 also keeps the reverse map, so faiss_Index_reconstruct works by id (ids
 * must then be unique).
 *
 * Ownership: the wrapped index is NOT owned by default: free the map first, then the
 * wrapped index. After faiss_IndexIDMap_set_own_fields(map, 1), freeing the map frees
 * the wrapped index too (and the caller must not free it). Do not add to the wrapped
 * index directly while it is wrapped.
 *
 * Thread safety: searches may run concurrently; add_with_ids, remove_ids, reset, train
 * and the setters need exclusive access.
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexIDMap;
typedef struct FaissIndex_H FaissIndexIDMap2;

/** Wrap index, which must be empty; d, metric and training state are taken from it. */
int faiss_IndexIDMap_new(FaissIndexIDMap** p_index, FaissIndex* index);

/** The same handle if index is an IndexIDMap (IndexIDMap2 included), else NULL. */
FaissIndexIDMap* faiss_IndexIDMap_cast(FaissIndex* index);

/** 1 if freeing the map frees the wrapped index. */
int faiss_IndexIDMap_own_fields(const FaissIndexIDMap* index);
/** Make the map own (non-zero) or not own the wrapped index. */
int faiss_IndexIDMap_set_own_fields(FaissIndexIDMap* index, int own_fields);

/**
 * The ids: *p_id_map points at ntotal ids owned by the map (id of the wrapped index's
 * vector i), valid until the map is modified or freed; *p_size receives ntotal.
 */
int faiss_IndexIDMap_id_map(FaissIndexIDMap* index, idx_t** p_id_map, size_t* p_size);

/** The wrapped index (not a new object: do not free it separately if owned). */
FaissIndex* faiss_IndexIDMap_sub_index(FaissIndexIDMap* index);

/** Free the map (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexIDMap_free(FaissIndexIDMap* obj);

/** Wrap index (must be empty) in an IndexIDMap2. */
int faiss_IndexIDMap2_new(FaissIndexIDMap2** p_index, FaissIndex* index);

/** Rebuild the reverse map from the ids; fails if an id appears twice. */
int faiss_IndexIDMap2_construct_rev_map(FaissIndexIDMap2* index);

/** The same handle if index is an IndexIDMap2, else NULL. */
FaissIndexIDMap2* faiss_IndexIDMap2_cast(FaissIndex* index);

/** As the IndexIDMap functions, for an IndexIDMap2. */
int faiss_IndexIDMap2_own_fields(const FaissIndexIDMap2* index);
int faiss_IndexIDMap2_set_own_fields(FaissIndexIDMap2* index, int own_fields);
int faiss_IndexIDMap2_id_map(FaissIndexIDMap2* index, idx_t** p_id_map, size_t* p_size);
FaissIndex* faiss_IndexIDMap2_sub_index(FaissIndexIDMap2* index);
void faiss_IndexIDMap2_free(FaissIndexIDMap2* obj);

#ifdef __cplusplus
}
#endif
