#pragma once

/*
 * Copies of indexes between the CPU and GPUs from C (gpu/GpuCloner.h): which types
 * convert, ownership and errors are those of faiss::gpu::index_cpu_to_gpu /
 * index_gpu_to_cpu. Every index returned is new and owned by the caller (free with
 * faiss_Index_free). Without a CUDA device the GPU copies fail with FAISS_ERROR_CUDA; a
 * type without a GPU version fails with FAISS_ERROR_UNSUPPORTED naming the type.
 * Built only with FAISS_ENABLE_GPU=ON.
 */

#include <stddef.h>

#include "../Index_c.h"
#include "../faiss_c.h"
#include "GpuClonerOptions_c.h"
#include "GpuIndex_c.h"
#include "GpuResources_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A CPU copy of gpu_index (a CPU index is deep-copied). */
int faiss_index_gpu_to_cpu(const FaissIndex* gpu_index, FaissIndex** p_out);

/** A copy of index on GPU device, with the default options. */
int faiss_index_cpu_to_gpu(FaissGpuResourcesProvider* provider, int device, const FaissIndex* index,
                           FaissGpuIndex** p_out);

/** A copy of index on GPU device; options may be NULL (defaults). */
int faiss_index_cpu_to_gpu_with_options(FaissGpuResourcesProvider* provider, int device,
                                        const FaissIndex* index,
                                        const FaissGpuClonerOptions* options,
                                        FaissGpuIndex** p_out);

/** A copy of index on the devices_size GPUs devices[i], each with providers_vec[i]
 * (devices_size entries). Only one device is supported yet (no IndexShards /
 * IndexReplicas): more fail with FAISS_ERROR_UNSUPPORTED. */
int faiss_index_cpu_to_gpu_multiple(FaissGpuResourcesProvider* const* providers_vec,
                                    const int* devices, size_t devices_size,
                                    const FaissIndex* index, FaissGpuIndex** p_out);

/** As faiss_index_cpu_to_gpu_multiple with providers_vec_size providers (must equal
 * devices_size) and options (NULL: defaults). */
int faiss_index_cpu_to_gpu_multiple_with_options(FaissGpuResourcesProvider* const* providers_vec,
                                                 size_t providers_vec_size, const int* devices,
                                                 size_t devices_size, const FaissIndex* index,
                                                 const FaissGpuMultipleClonerOptions* options,
                                                 FaissGpuIndex** p_out);

#ifdef __cplusplus
}
#endif
