#pragma once

/*
 * GPU resources from C (faiss::gpu::GpuResourcesProvider): the provider handle that
 * faiss_index_cpu_to_gpu and the GPU indexes take. A FaissStandardGpuResources
 * (StandardGpuResources_c.h) is a provider. Built only with FAISS_ENABLE_GPU=ON.
 *
 * Thread safety: as the C++ class (gpu/GpuResources.h): one provider may serve several
 * indexes and threads.
 */

#include "../faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Source of GPU resources (streams, cuBLAS handle, memory) for GPU indexes. */
typedef struct FaissGpuResourcesProvider_H FaissGpuResourcesProvider;

/** Free a provider (NULL is a no-op). Indexes made with it keep its resources alive. */
void faiss_GpuResourcesProvider_free(FaissGpuResourcesProvider* obj);

#ifdef __cplusplus
}
#endif
