#pragma once

/*
 * HNSW graph indexes (see faiss/IndexHNSW.h): IndexHNSWFlat, IndexHNSWSQ and
 * IndexHNSWPQ. The handles are FaissIndex handles: use faiss_Index_* for
 * train/add/search/range_search/reconstruct/remove_ids, faiss_Index_free to free them.
 * Knobs: efSearch (search beam width, default 16), efConstruction (build beam width,
 * default 40), or per call a FaissSearchParametersHNSW.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently; add, train, reset,
 * remove_ids, compact and the setters need exclusive access).
 */

#include "IndexScalarQuantizer_c.h"
#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexHNSW;
typedef struct FaissIndex_H FaissIndexHNSWFlat;
typedef struct FaissIndex_H FaissIndexHNSWSQ;
typedef struct FaissIndex_H FaissIndexHNSWPQ;

/** Empty IndexHNSWFlat of dimension d (>= 0), M (> 0) links per node, and metric. */
int faiss_IndexHNSWFlat_new_with(FaissIndexHNSWFlat** p_index, idx_t d, int M,
                                 FaissMetricType metric);

/** Empty IndexHNSWSQ: scalar quantizer type qt, metric L2 or inner product. Range types
 * need faiss_Index_train before add. */
int faiss_IndexHNSWSQ_new_with(FaissIndexHNSWSQ** p_index, idx_t d, FaissQuantizerType qt, int M,
                               FaissMetricType metric);

/** Empty IndexHNSWPQ: pq_m sub-quantizers of pq_nbits bits; needs faiss_Index_train. */
int faiss_IndexHNSWPQ_new_with(FaissIndexHNSWPQ** p_index, idx_t d, int pq_m, int M, int pq_nbits,
                               FaissMetricType metric);

/** The same handle if index is any HNSW index, else NULL. */
FaissIndexHNSW* faiss_IndexHNSW_cast(FaissIndex* index);
/** Same, for IndexHNSWFlat only. */
FaissIndexHNSWFlat* faiss_IndexHNSWFlat_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexHNSW_free(FaissIndexHNSW* obj);

/** Search beam width (0 on error). */
int faiss_IndexHNSW_efSearch(const FaissIndexHNSW* index);
/** Set the search beam width (> 0). */
int faiss_IndexHNSW_set_efSearch(FaissIndexHNSW* index, int efSearch);
/** Build beam width (0 on error). */
int faiss_IndexHNSW_efConstruction(const FaissIndexHNSW* index);
/** Set the build beam width (> 0); affects later adds. */
int faiss_IndexHNSW_set_efConstruction(FaissIndexHNSW* index, int efConstruction);
/** *p_max_level = top level of the graph (-1 when empty), *p_entry_point its entry node. */
int faiss_IndexHNSW_graph_info(const FaissIndexHNSW* index, int* p_max_level, int* p_entry_point);

/** Drop the slots of removed vectors and renumber the rest in order (beyond Faiss).
 * old_to_new (may be NULL) receives ntotal entries: new id or -1 for dropped ones.
 * *p_dropped (may be NULL) = number of slots dropped. */
int faiss_IndexHNSW_compact(FaissIndexHNSW* index, idx_t* old_to_new, size_t* p_dropped);

/** Renumber the vectors: new id i is old id perm[i] (perm: ntotal entries, a permutation
 * of 0 .. ntotal-1). The storage must be flat codes (Flat, SQ, PQ). */
int faiss_IndexHNSW_permute_entries(FaissIndexHNSW* index, const idx_t* perm);

/** Whether add() links vectors that live only on level 0 (1, default) or leaves them
 * for faiss_IndexHNSW_init_level_0_from_knngraph (0). -1 on error. */
int faiss_IndexHNSW_init_level0(const FaissIndexHNSW* index);
int faiss_IndexHNSW_set_init_level0(FaissIndexHNSW* index, int init_level0);
/** Whether add() refills pruned level-0 lists to full size (1) or not (0, default).
 * -1 on error. */
int faiss_IndexHNSW_keep_max_size_level0(const FaissIndexHNSW* index);
int faiss_IndexHNSW_set_keep_max_size_level0(FaissIndexHNSW* index, int keep);

/** Rebuild level 0 from a k-NN graph of the stored vectors: D (ntotal x k distances)
 * and I (ntotal x k ids, -1 for none), as faiss_Index_search of the vectors gives. */
int faiss_IndexHNSW_init_level_0_from_knngraph(FaissIndexHNSW* index, int k, const float* D,
                                               const idx_t* I);
/** Prune every level-0 list to at most size (>= 0) links with the selection heuristic. */
int faiss_IndexHNSW_shrink_level_0_neighbors(FaissIndexHNSW* index, int size);
/** Sort every level-0 list nearest first. */
int faiss_IndexHNSW_reorder_links(FaissIndexHNSW* index);

/** Per-call HNSW search options (faiss::SearchParametersHNSW). */
typedef struct FaissSearchParameters_H FaissSearchParametersHNSW;

/** With selector sel (may be NULL; not owned) and beam width efSearch (> 0). */
int faiss_SearchParametersHNSW_new_with(FaissSearchParametersHNSW** p_sp, FaissIDSelector* sel,
                                        int efSearch);
/** The same handle if sp is a FaissSearchParametersHNSW, else NULL. */
FaissSearchParametersHNSW* faiss_SearchParametersHNSW_cast(FaissSearchParameters* sp);
void faiss_SearchParametersHNSW_free(FaissSearchParametersHNSW* obj);
int faiss_SearchParametersHNSW_efSearch(const FaissSearchParametersHNSW* sp);
/** Stopping rule flags (faiss::SearchParametersHNSW, both 1 by default); -1 on error.
 * check_relative_distance 0: at most efSearch expansions, every neighbour a candidate;
 * bounded_queue 0: no bound on the candidates waiting (matters only with the former 0). */
int faiss_SearchParametersHNSW_check_relative_distance(const FaissSearchParametersHNSW* sp);
int faiss_SearchParametersHNSW_set_check_relative_distance(FaissSearchParametersHNSW* sp,
                                                           int value);
int faiss_SearchParametersHNSW_bounded_queue(const FaissSearchParametersHNSW* sp);
int faiss_SearchParametersHNSW_set_bounded_queue(FaissSearchParametersHNSW* sp, int value);

#ifdef __cplusplus
}
#endif
