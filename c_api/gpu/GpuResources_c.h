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

/*
 * CUDA handle types appear as the structs the CUDA headers name them after:
 * struct CUstream_st* is cudaStream_t and struct cublasContext* is cublasHandle_t, so C
 * code passes its cudaStream_t / cublasHandle_t variables unchanged, and this header
 * needs no CUDA include (a repeated typedef would be an error in C99).
 */
struct CUstream_st;
struct cublasContext;

/** Source of GPU resources (streams, cuBLAS handle, memory) for GPU indexes. */
typedef struct FaissGpuResourcesProvider_H FaissGpuResourcesProvider;

/** The per-device resources of a provider (faiss::gpu::GpuResources). */
typedef struct FaissGpuResources_H FaissGpuResources;

/** Free a provider (NULL is a no-op). Indexes made with it keep its resources alive. */
void faiss_GpuResourcesProvider_free(FaissGpuResourcesProvider* obj);

/**
 * The resources of a provider into *p_res. Owned by the provider (and by the indexes
 * using them): valid while the provider lives; never free it.
 */
int faiss_GpuResourcesProvider_getResources(FaissGpuResourcesProvider* provider,
                                            FaissGpuResources** p_res);

/** Create the stream, cuBLAS handle and memory of a device now rather than on first use. */
int faiss_GpuResources_initializeForDevice(FaissGpuResources* res, int device);

/** The cuBLAS handle used on device (owned by res). */
int faiss_GpuResources_getBlasHandle(FaissGpuResources* res, int device,
                                     struct cublasContext** p_handle);

/** The stream all work on device is ordered on (owned by res unless set by the user). */
int faiss_GpuResources_getDefaultStream(FaissGpuResources* res, int device,
                                        struct CUstream_st** p_stream);

/** The pinned host staging buffer into *p_data and its size in bytes into *p_size
 * (NULL and 0 when there is none). Owned by res. */
int faiss_GpuResources_getPinnedMemory(FaissGpuResources* res, void** p_data, size_t* p_size);

/** The stream used for host <-> device copies on device. */
int faiss_GpuResources_getAsyncCopyStream(FaissGpuResources* res, int device,
                                          struct CUstream_st** p_stream);

/** As faiss_GpuResources_getBlasHandle for the calling thread's current device. */
int faiss_GpuResources_getBlasHandleCurrentDevice(FaissGpuResources* res,
                                                  struct cublasContext** p_handle);

/** As faiss_GpuResources_getDefaultStream for the current device. */
int faiss_GpuResources_getDefaultStreamCurrentDevice(FaissGpuResources* res,
                                                     struct CUstream_st** p_stream);

/** Block until the default stream of device is idle. */
int faiss_GpuResources_syncDefaultStream(FaissGpuResources* res, int device);

/** As faiss_GpuResources_syncDefaultStream for the current device. */
int faiss_GpuResources_syncDefaultStreamCurrentDevice(FaissGpuResources* res);

/** As faiss_GpuResources_getAsyncCopyStream for the current device. */
int faiss_GpuResources_getAsyncCopyStreamCurrentDevice(FaissGpuResources* res,
                                                       struct CUstream_st** p_stream);

#ifdef __cplusplus
}
#endif
