#pragma once

/*
 * C API of the library: common types, error codes and the conventions every
 * <Class>_c.h header follows. Names and argument orders are those of Faiss's C API,
 * so C code written for Faiss compiles unchanged (installed as <faiss/c_api/...>).
 *
 * Conventions
 * -----------
 * Handles. C++ objects are reached through opaque pointers (FaissIndex*,
 * FaissIDSelector* ...). A subclass handle is the same C type as its base
 * (FaissIndexFlat is FaissIndex), so any index handle can be passed to faiss_Index_*.
 * A function that needs a particular subclass checks it and fails with
 * FAISS_ERROR_INVALID_ARGUMENT when given another kind.
 *
 * Status. Functions that can fail return an int: 0 (OK) on success, a negative
 * FaissErrorCode otherwise. No C++ exception ever crosses into C; a null handle, a null
 * required output pointer, k <= 0, a negative count, a size mismatch the library can
 * see, an untrained index ... all give a non-zero status, never a crash. (Arrays are
 * raw pointers: the library cannot see that an array is shorter than the shape says.)
 *
 * Last error. On failure, faiss_get_last_error() returns the message of that failure
 * for the calling thread. Successful calls leave it unchanged (like errno), so read it
 * only after a non-zero status. The string is owned by the library and stays valid
 * until the next failing call on the same thread.
 *
 * Value getters (faiss_Index_d ...) return the value itself, as in Faiss. Given a null
 * handle they set the last error and return (type)-1: -1 for int and idx_t, SIZE_MAX
 * for size_t. Pointer getters return NULL then. Setters return a status.
 *
 * Ownership. Every object created by a faiss_X_new* function is owned by the caller
 * and released with faiss_X_free (or the base class's free: faiss_Index_free works for
 * every index). Every free function accepts NULL and does nothing then. Objects that
 * refer to other objects (a selector combining selectors, search parameters holding a
 * selector, an IndexIDMap wrapping an index) do not own them unless stated: keep the
 * referred objects alive and free them after the referring one.
 *
 * Arrays. Input and output arrays are allocated by the caller, with the sizes stated
 * on each function (n x d floats, n x k labels ...), row-major. Pointers returned by
 * getters into an object (centroids, lims, id_map ...) are owned by the object and
 * stay valid until the object is modified or freed.
 *
 * Threads. The thread-safety rules of the C++ classes apply (see each header): const
 * operations (search, range_search, reconstruct) on one index may run concurrently;
 * modifying calls need exclusive access. The last-error message is per thread.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Vector ids and counts: signed 64-bit; -1 marks "no result". */
typedef int64_t faiss_idx_t;
/** Short name used throughout the C API, as in Faiss. */
typedef faiss_idx_t idx_t;

/**
 * Status codes returned by the C API. The first four are Faiss's names and values;
 * the FAISS_ERROR_* codes say which kind of C++ error (faiss::ErrorCode) occurred.
 */
typedef enum FaissErrorCode {
    OK = 0,                              /**< success */
    UNKNOWN_EXCEPT = -1,                 /**< an exception of unknown type */
    FAISS_EXCEPT = -2,                   /**< a library error with no more precise code */
    STD_EXCEPT = -4,                     /**< a std::exception from the C++ runtime */
    FAISS_ERROR_INVALID_ARGUMENT = -10,  /**< bad handle, pointer, size, k, option */
    FAISS_ERROR_NOT_TRAINED = -11,       /**< the operation needs a trained index */
    FAISS_ERROR_UNSUPPORTED = -12,       /**< valid request this index type cannot serve */
    FAISS_ERROR_IO = -13,                /**< reading or writing failed */
    FAISS_ERROR_CORRUPT_DATA = -14,      /**< a file or buffer holds impossible values */
    FAISS_ERROR_OUT_OF_MEMORY = -15,     /**< an allocation failed */
    FAISS_ERROR_CUDA = -16,              /**< the GPU runtime reported an error */
    FAISS_ERROR_INTERNAL = FAISS_EXCEPT, /**< a broken invariant inside the library */
} FaissErrorCode;

/**
 * Message of the last failed call on this thread ("Error in <function> at
 * <file>:<line>: <message>"), or NULL if no call has failed on this thread yet.
 * Owned by the library; valid until the next failing call on this thread.
 */
const char* faiss_get_last_error(void);

#ifdef __cplusplus
}
#endif
