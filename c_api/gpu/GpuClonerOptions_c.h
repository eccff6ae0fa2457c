#pragma once

/*
 * Options of faiss_index_cpu_to_gpu_with_options (faiss::gpu::GpuClonerOptions) and of
 * the multiple-GPU variant (GpuMultipleClonerOptions, a GpuClonerOptions handle too).
 * Fields, defaults and their effect are those of gpu/GpuClonerOptions.h; boolean fields
 * are ints (0 / non-zero). Getters given NULL return -1 (with the last error set).
 * Built only with FAISS_ENABLE_GPU=ON.
 */

#include "../faiss_c.h"
#include "GpuIndicesOptions_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissGpuClonerOptions_H FaissGpuClonerOptions;
typedef struct FaissGpuClonerOptions_H FaissGpuMultipleClonerOptions;

/** New options with the defaults; free with faiss_GpuClonerOptions_free. */
int faiss_GpuClonerOptions_new(FaissGpuClonerOptions** p_options);
/** Free options of either kind (NULL is a no-op). */
void faiss_GpuClonerOptions_free(FaissGpuClonerOptions* obj);

FaissIndicesOptions faiss_GpuClonerOptions_indicesOptions(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_indicesOptions(FaissGpuClonerOptions* options,
                                              FaissIndicesOptions value);
int faiss_GpuClonerOptions_useFloat16CoarseQuantizer(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_useFloat16CoarseQuantizer(FaissGpuClonerOptions* options, int value);
/** Store GpuIndexFlat vectors as float16. */
int faiss_GpuClonerOptions_useFloat16(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_useFloat16(FaissGpuClonerOptions* options, int value);
int faiss_GpuClonerOptions_usePrecomputed(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_usePrecomputed(FaissGpuClonerOptions* options, int value);
long faiss_GpuClonerOptions_reserveVecs(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_reserveVecs(FaissGpuClonerOptions* options, long value);
int faiss_GpuClonerOptions_storeTransposed(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_storeTransposed(FaissGpuClonerOptions* options, int value);
int faiss_GpuClonerOptions_verbose(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_verbose(FaissGpuClonerOptions* options, int value);
int faiss_GpuClonerOptions_allowCpuCoarseQuantizer(const FaissGpuClonerOptions* options);
int faiss_GpuClonerOptions_set_allowCpuCoarseQuantizer(FaissGpuClonerOptions* options, int value);

/** New multiple-GPU options with the defaults; free with
 * faiss_GpuMultipleClonerOptions_free (or faiss_GpuClonerOptions_free). */
int faiss_GpuMultipleClonerOptions_new(FaissGpuMultipleClonerOptions** p_options);
void faiss_GpuMultipleClonerOptions_free(FaissGpuMultipleClonerOptions* obj);

/** Shard across the GPUs (non-zero) instead of replicating. Every options handle
 * carries these two fields (a plain GpuClonerOptions handle too; they matter only to the
 * multiple-GPU copy). */
int faiss_GpuMultipleClonerOptions_shard(const FaissGpuMultipleClonerOptions* options);
int faiss_GpuMultipleClonerOptions_set_shard(FaissGpuMultipleClonerOptions* options, int value);
int faiss_GpuMultipleClonerOptions_shard_type(const FaissGpuMultipleClonerOptions* options);
int faiss_GpuMultipleClonerOptions_set_shard_type(FaissGpuMultipleClonerOptions* options,
                                                  int value);

#ifdef __cplusplus
}
#endif
