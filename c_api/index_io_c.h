#pragma once

/*
 * Saving, loading and cloning indexes (the Faiss file format), as Faiss's C API
 * index_io_c.h, plus byte-buffer variants. Conventions (status, last error, ownership):
 * faiss_c.h.
 *
 * An index returned through p_out is owned by the caller (faiss_Index_free), with its
 * sub-indexes (quantizer, storage) owned by it. Saving by file name replaces the file
 * crash-safely (temporary file, fsync, rename). Corrupted or truncated input gives
 * FAISS_ERROR_CORRUPT_DATA (FAISS_ERROR_IO when the medium fails,
 * FAISS_ERROR_UNSUPPORTED for Faiss types this library lacks), never a crash.
 */

#include <stdio.h>

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** I/O flags, values as faiss::IO_FLAG_* (faiss/index_io.h). */
#define FAISS_IO_FLAG_SKIP_STORAGE 1
#define FAISS_IO_FLAG_READ_ONLY 2
#define FAISS_IO_FLAG_ONDISK_SAME_DIR 4
#define FAISS_IO_FLAG_SKIP_IVF_DATA 8
#define FAISS_IO_FLAG_SKIP_PRECOMPUTE_TABLE 16
#define FAISS_IO_FLAG_PQ_SKIP_SDC_TABLE 32
#define FAISS_IO_FLAG_MMAP (8 | 0x646f0000)
#define FAISS_IO_FLAG_MMAP_IFC 512

/** Write idx to the open file f at its position (f is not closed). */
int faiss_write_index(const FaissIndex* idx, FILE* f);

/** Write idx to the file fname, replacing it crash-safely. */
int faiss_write_index_fname(const FaissIndex* idx, const char* fname);

/** Read an index from the open file f at its position (io_flags: FAISS_IO_FLAG_*). */
int faiss_read_index(FILE* f, int io_flags, FaissIndex** p_out);

/** Read an index from the file fname. */
int faiss_read_index_fname(const char* fname, int io_flags, FaissIndex** p_out);

/**
 * Serialize idx into a new buffer: *p_buf receives malloc'ed memory of *p_size bytes
 * (the bytes of a file), which the caller releases with free().
 */
int faiss_write_index_buf(const FaissIndex* idx, size_t* p_size, unsigned char** p_buf);

/** Read an index from the size bytes at buf (not retained). */
int faiss_read_index_buf(const unsigned char* buf, size_t size, int io_flags, FaissIndex** p_out);

/** A deep copy of idx, same concrete type, owned by the caller. */
int faiss_clone_index(const FaissIndex* idx, FaissIndex** p_out);

#ifdef __cplusplus
}
#endif
