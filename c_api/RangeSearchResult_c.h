#pragma once

/*
 * Result of faiss_Index_range_search, laid out as in Faiss: the results of query i are
 * labels[lims[i] .. lims[i+1]) with distances[lims[i] .. lims[i+1]); within a query the
 * order is unspecified. Make one with faiss_RangeSearchResult_new(&r, nq) for a search
 * of nq queries; the search fills it; free it with faiss_RangeSearchResult_free. The
 * arrays are owned by the result and replaced by the next search into it.
 *
 * Thread safety: one result is filled by one search at a time.
 */

#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissRangeSearchResult_H FaissRangeSearchResult;

/** A result for nq (>= 0) queries, with lims allocated (all zero). */
int faiss_RangeSearchResult_new(FaissRangeSearchResult** p_rsr, idx_t nq);

/** As faiss_RangeSearchResult_new; alloc_lims = 0 leaves lims unallocated (NULL). */
int faiss_RangeSearchResult_new_with(FaissRangeSearchResult** p_rsr, idx_t nq, int alloc_lims);

/**
 * With lims[i + 1] holding the number of results of query i, turn the counts into
 * offsets and allocate labels and distances (lims[nq] entries each).
 */
int faiss_RangeSearchResult_do_allocation(FaissRangeSearchResult* rsr);

/** Free the result and its arrays (NULL is a no-op). */
void faiss_RangeSearchResult_free(FaissRangeSearchResult* obj);

/** Number of queries. */
size_t faiss_RangeSearchResult_nq(const FaissRangeSearchResult* rsr);
/** Kept for Faiss compatibility; always 0 here. */
size_t faiss_RangeSearchResult_buffer_size(const FaissRangeSearchResult* rsr);

/** *lims receives the nq + 1 offsets (NULL if not allocated). */
int faiss_RangeSearchResult_lims(FaissRangeSearchResult* rsr, size_t** lims);

/** *labels and *distances receive the lims[nq] results (NULL before a search). */
int faiss_RangeSearchResult_labels(FaissRangeSearchResult* rsr, idx_t** labels, float** distances);

#ifdef __cplusplus
}
#endif
