#pragma once

/*
 * index_factory from C: build an index from a Faiss factory string ("IVF256,PQ16",
 * "IDMap,Flat" ...; grammar in <faiss/index_factory.h>), and the reverse.
 * Thread safety: reentrant.
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A new untrained index for d-dimensional vectors, as described, into *p_index (the
 * caller frees it with faiss_Index_free). On error *p_index is left unchanged and the
 * status is FAISS_ERROR_INVALID_ARGUMENT (malformed string: the last error names the
 * token and its position) or FAISS_ERROR_UNSUPPORTED. */
int faiss_index_factory(FaissIndex** p_index, int d, const char* description,
                        FaissMetricType metric);

/** The factory string of index into buf (size bytes, NUL-terminated); fails with
 * FAISS_ERROR_INVALID_ARGUMENT if it does not fit, FAISS_ERROR_UNSUPPORTED if no string
 * describes the index. */
int faiss_reverse_index_factory(const FaissIndex* index, char* buf, size_t size);

#ifdef __cplusplus
}
#endif
