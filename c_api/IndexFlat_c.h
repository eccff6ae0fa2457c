#pragma once

/*
 * Exact (brute-force) indexes: IndexFlat with any metric, IndexFlatL2, IndexFlatIP.
 * The handles are FaissIndex handles: use faiss_Index_* for train/add/search/...
 * and faiss_Index_free (or the aliases below) to free them.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently; add, reset,
 * remove_ids need exclusive access).
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissIndexFlat;
typedef struct FaissIndex_H FaissIndexFlatL2;
typedef struct FaissIndex_H FaissIndexFlatIP;

/** Empty IndexFlat of dimension 0 with METRIC_L2 (a shell, as in Faiss). */
int faiss_IndexFlat_new(FaissIndexFlat** p_index);

/** Empty IndexFlat of dimension d (>= 0) with the given metric. */
int faiss_IndexFlat_new_with(FaissIndexFlat** p_index, idx_t d, FaissMetricType metric);

/** Empty IndexFlatL2 of dimension 0. */
int faiss_IndexFlatL2_new(FaissIndexFlatL2** p_index);
/** Empty IndexFlatL2 of dimension d (>= 0). */
int faiss_IndexFlatL2_new_with(FaissIndexFlatL2** p_index, idx_t d);

/** Empty IndexFlatIP of dimension 0. */
int faiss_IndexFlatIP_new(FaissIndexFlatIP** p_index);
/** Empty IndexFlatIP of dimension d (>= 0). */
int faiss_IndexFlatIP_new_with(FaissIndexFlatIP** p_index, idx_t d);

/** The same handle if index is an IndexFlat (L2 and IP included), else NULL. */
FaissIndexFlat* faiss_IndexFlat_cast(FaissIndex* index);
/** The same handle if index is an IndexFlatL2, else NULL. */
FaissIndexFlatL2* faiss_IndexFlatL2_cast(FaissIndex* index);
/** The same handle if index is an IndexFlatIP, else NULL. */
FaissIndexFlatIP* faiss_IndexFlatIP_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexFlat_free(FaissIndexFlat* obj);
void faiss_IndexFlatL2_free(FaissIndexFlatL2* obj);
void faiss_IndexFlatIP_free(FaissIndexFlatIP* obj);

/**
 * The stored vectors: *p_xb points at ntotal x d floats owned by the index (valid until
 * it is modified or freed), *p_size receives ntotal * d. For an index read with
 * FAISS_IO_FLAG_MMAP the floats are the mapped file itself: read them, never write.
 */
int faiss_IndexFlat_xb(FaissIndexFlat* index, float** p_xb, size_t* p_size);

/**
 * distances[i * k + j] = distance between query i of x (n x d) and the stored vector
 * labels[i * k + j]; a label -1 gives the padding distance. Labels must lie in
 * [-1, ntotal).
 */
int faiss_IndexFlat_compute_distance_subset(FaissIndex* index, idx_t n, const float* x, idx_t k,
                                            float* distances, const idx_t* labels);

#ifdef __cplusplus
}
#endif
