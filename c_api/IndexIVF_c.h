#pragma once

/*
 * IndexIVF: inverted-file indexes (common part of IndexIVFFlat and later IVF types).
 * A coarse quantizer (an index holding nlist centroids) assigns each vector to a list;
 * a search visits the nprobe nearest lists. Create one with faiss_IndexIVFFlat_new_with;
 * the faiss_Index_* functions (train, add, search ...) work on it.
 *
 * Ownership: the quantizer is NOT owned by default: free the IVF index first, then the
 * quantizer. After faiss_IndexIVF_set_own_fields(index, 1) the index frees it.
 *
 * Thread safety: searches may run concurrently; setters, train, add, remove_ids, reset,
 * merge_from and make_direct_map need exclusive access. Prefer per-call
 * FaissSearchParametersIVF to changing nprobe while others search.
 */

#include "Index_c.h"
#include "faiss_c.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexIVF;

/** The same handle if index is an IVF index, else NULL. */
FaissIndexIVF* faiss_IndexIVF_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexIVF_free(FaissIndexIVF* obj);

/**
 * The IVF index inside index into *p_ivf: index itself if it is one, else the one behind
 * its IndexIDMap / IndexRefine / IndexPreTransform wrappers. *p_ivf is owned by index (do
 * not free it; it lives as long as index). Error (invalid argument) if there is none.
 */
int faiss_extract_index_ivf(FaissIndex* index, FaissIndexIVF** p_ivf);

/** Number of inverted lists (0 if index is not an IVF index; see the last error). */
size_t faiss_IndexIVF_nlist(const FaissIndexIVF* index);
/** Lists visited per query by default (0 on error). */
size_t faiss_IndexIVF_nprobe(const FaissIndexIVF* index);
/** Set the default number of lists visited per query (> 0; above nlist means nlist). */
int faiss_IndexIVF_set_nprobe(FaissIndexIVF* index, size_t nprobe);
/** Codes visited per query at most (0: no limit). */
size_t faiss_IndexIVF_max_codes(const FaissIndexIVF* index);
int faiss_IndexIVF_set_max_codes(FaissIndexIVF* index, size_t max_codes);
/** The coarse quantizer (not a new object: do not free it while the index owns it). */
FaissIndex* faiss_IndexIVF_quantizer(const FaissIndexIVF* index);
/** 0, 1 or 2 as in Faiss: how the quantizer is trained (-1 on error). */
int faiss_IndexIVF_quantizer_trains_alone(const FaissIndexIVF* index);
/** 1 if freeing the index frees the quantizer (-1 on error). */
int faiss_IndexIVF_own_fields(const FaissIndexIVF* index);
int faiss_IndexIVF_set_own_fields(FaissIndexIVF* index, int own_fields);

/** Move the vectors of other (same type, d, nlist) into index, ids shifted by add_id. */
int faiss_IndexIVF_merge_from(FaissIndexIVF* index, FaissIndexIVF* other, idx_t add_id);

/**
 * Search with the lists to visit given: assign and centroid_dis are n x nprobe (nprobe of
 * the index); distances and labels n x k. store_pairs != 0 returns (list << 32 | offset)
 * instead of ids.
 */
int faiss_IndexIVF_search_preassigned(const FaissIndexIVF* index, idx_t n, const float* x, idx_t k,
                                      const idx_t* assign, const float* centroid_dis,
                                      float* distances, idx_t* labels, int store_pairs);

/** Entries in list list_no (0 on error). */
size_t faiss_IndexIVF_get_list_size(const FaissIndexIVF* index, size_t list_no);

/** Copy the get_list_size(list_no) ids of list list_no into invlist. */
int faiss_IndexIVF_invlists_get_ids(const FaissIndexIVF* index, size_t list_no, idx_t* invlist);

/** Build (non-zero) or drop (0) the direct map that faiss_Index_reconstruct needs. */
int faiss_IndexIVF_make_direct_map(FaissIndexIVF* index, int new_maintain_direct_map);

/** nlist * sum(size^2) / ntotal^2 over the lists: 1 when balanced (0 on error). */
double faiss_IndexIVF_imbalance_factor(const FaissIndexIVF* index);

/** Per-call IVF search options (faiss::SearchParametersIVF). */
typedef struct FaissSearchParameters_H FaissSearchParametersIVF;

/** Defaults: nprobe 1, max_codes 0, no selector. */
int faiss_SearchParametersIVF_new(FaissSearchParametersIVF** p_sp);
/** With selector sel (may be NULL; not owned), nprobe and max_codes. */
int faiss_SearchParametersIVF_new_with(FaissSearchParametersIVF** p_sp, FaissIDSelector* sel,
                                       size_t nprobe, size_t max_codes);
/** The same handle if sp is a FaissSearchParametersIVF, else NULL. */
FaissSearchParametersIVF* faiss_SearchParametersIVF_cast(FaissSearchParameters* sp);
void faiss_SearchParametersIVF_free(FaissSearchParametersIVF* obj);
size_t faiss_SearchParametersIVF_nprobe(const FaissSearchParametersIVF* sp);
int faiss_SearchParametersIVF_set_nprobe(FaissSearchParametersIVF* sp, size_t nprobe);
size_t faiss_SearchParametersIVF_max_codes(const FaissSearchParametersIVF* sp);
int faiss_SearchParametersIVF_set_max_codes(FaissSearchParametersIVF* sp, size_t max_codes);

#ifdef __cplusplus
}
#endif
