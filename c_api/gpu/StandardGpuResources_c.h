#pragma once

/*
 * faiss::gpu::StandardGpuResources from C: the default GPU resources (a stream, a cuBLAS
 * handle, pinned staging memory and a temporary-memory pool per device), created lazily
 * on first use of each device. A FaissStandardGpuResources is a FaissGpuResourcesProvider.
 * Built only with FAISS_ENABLE_GPU=ON.
 *
 * Thread safety: as the C++ class (gpu/StandardGpuResources.h): one object may serve
 * several indexes and threads; the setters must run before it is used.
 */

#include "../faiss_c.h"
#include "GpuResources_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissGpuResourcesProvider_H FaissStandardGpuResources;

/** Free the object (NULL is a no-op); same as faiss_GpuResourcesProvider_free. */
void faiss_StandardGpuResources_free(FaissStandardGpuResources* obj);

/** New resources object; no device is touched until an index uses one. */
int faiss_StandardGpuResources_new(FaissStandardGpuResources** p_res);

/** No temporary-memory pool: temporary buffers are allocated at the point of use. */
int faiss_StandardGpuResources_noTempMemory(FaissStandardGpuResources* res);

/** Size in bytes of the temporary-memory pool of every device. */
int faiss_StandardGpuResources_setTempMemory(FaissStandardGpuResources* res, size_t size);

/** Size in bytes of the pinned host buffer used for host <-> device copies. */
int faiss_StandardGpuResources_setPinnedMemory(FaissStandardGpuResources* res, size_t size);

/**
 * Order the work of device on the user's stream (a cudaStream_t; not owned, must outlive
 * its use). Not while other threads run work on the device.
 */
int faiss_StandardGpuResources_setDefaultStream(FaissStandardGpuResources* res, int device,
                                                struct CUstream_st* stream);

/** Order the work of every device on the legacy default (null) stream. */
int faiss_StandardGpuResources_setDefaultNullStreamAllDevices(FaissStandardGpuResources* res);

#ifdef __cplusplus
}
#endif
