#pragma once

/*
 * IndexScalarQuantizer: flat index of scalar-quantized vectors (see
 * faiss/IndexScalarQuantizer.h). The handle is a FaissIndex handle: use faiss_Index_*
 * for train/add/search/range_search/reconstruct, faiss_Index_free to free it.
 * Range types (QT_8bit, QT_4bit, QT_6bit, *_uniform) must be trained before add.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently; train, add, reset
 * need exclusive access).
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Quantizer types, Faiss's names and values (as stored in index files). */
typedef enum FaissQuantizerType {
    QT_8bit = 0,
    QT_4bit = 1,
    QT_8bit_uniform = 2,
    QT_4bit_uniform = 3,
    QT_fp16 = 4,
    QT_8bit_direct = 5,
    QT_6bit = 6,
    QT_bf16 = 7,
    QT_8bit_direct_signed = 8
} FaissQuantizerType;

typedef struct FaissIndex_H FaissIndexScalarQuantizer;

/** Empty IndexScalarQuantizer of dimension 0 (a shell, as in Faiss). */
int faiss_IndexScalarQuantizer_new(FaissIndexScalarQuantizer** p_index);

/**
 * Empty IndexScalarQuantizer of dimension d (>= 0) with quantizer type qt and metric
 * METRIC_L2 or METRIC_INNER_PRODUCT. Fails (FAISS_ERROR_INVALID_ARGUMENT or
 * FAISS_ERROR_UNSUPPORTED) for an unknown type or another metric.
 */
int faiss_IndexScalarQuantizer_new_with(FaissIndexScalarQuantizer** p_index, idx_t d,
                                        FaissQuantizerType qt, FaissMetricType metric);

/** The same handle if index is an IndexScalarQuantizer, else NULL. */
FaissIndexScalarQuantizer* faiss_IndexScalarQuantizer_cast(FaissIndex* index);

/** Free the index (NULL is a no-op); same as faiss_Index_free. */
void faiss_IndexScalarQuantizer_free(FaissIndexScalarQuantizer* obj);

/** *p_qtype = the quantizer type, *p_code_size = bytes per stored vector. */
int faiss_IndexScalarQuantizer_info(const FaissIndexScalarQuantizer* index,
                                    FaissQuantizerType* p_qtype, size_t* p_code_size);

#ifdef __cplusplus
}
#endif

/* Faiss declares the IVF variant in this header; code that includes only this one finds
 * it. */
#include "IndexIVFScalarQuantizer_c.h"
