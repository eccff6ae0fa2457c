#pragma once

/*
 * Progress reports of long operations (faiss/utils/progress.h; an extension, Faiss has
 * no such hook). One process-wide callback receives, for each long operation (k-means,
 * product quantizer and OPQ training, IVF train and add, HNSW add): its name (a static
 * string such as "Clustering::train"), the steps done and the total, and its nesting
 * depth (0 = outermost). Every operation reports done = 0 first and done = total when it
 * completes, at most about a thousand times in between, with increasing done.
 *
 * Threads: the callback runs on the thread that made the library call (never on an
 * OpenMP worker), and never twice at once. Installing or removing it is thread-safe and
 * applies to operations that start afterwards.
 */

#include "faiss_c.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A progress callback. Return 0 to go on; any other value interrupts the operation: the
 * library call that reported (faiss_Index_train, faiss_Index_add ...) then returns
 * FAISS_EXCEPT with faiss_get_last_error() "... interrupted by the progress callback
 * (it returned <value>) during <operation>", and the object is left valid with
 * unspecified contents (an interrupted train leaves the index untrained).
 */
typedef int (*FaissProgressCallback)(const char* operation, size_t done, size_t total, int depth,
                                     void* user_data);

/** Install callback, called with user_data (kept as is); NULL removes the callback. */
int faiss_set_progress_callback(FaissProgressCallback callback, void* user_data);

/** 1 if a callback is installed, else 0. */
int faiss_has_progress_callback(void);

#ifdef __cplusplus
}
#endif
