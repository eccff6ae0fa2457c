#pragma once

/*
 * GPU indexes from C (faiss::gpu::GpuIndex). A FaissGpuIndex is a FaissIndex handle:
 * faiss_Index_add / search / reset / free ... work on it, with host arrays, as on a CPU
 * index. Make one with faiss_index_cpu_to_gpu (GpuAutoTune_c.h). Built only with
 * FAISS_ENABLE_GPU=ON.
 *
 * Thread safety: as faiss_Index_* (searches may run concurrently).
 */

#include "../Index_c.h"
#include "../faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIndex_H FaissGpuIndex;

/** Configuration common to GPU indexes (faiss::gpu::GpuIndexConfig). */
typedef struct FaissGpuIndexConfig_H FaissGpuIndexConfig;

/** The device of a GPU index configuration; -1 for NULL (last error set). */
int faiss_GpuIndexConfig_device(const FaissGpuIndexConfig* config);

/** The same handle if index is a GPU index, else NULL. */
FaissGpuIndex* faiss_GpuIndex_cast(FaissIndex* index);

/** The CUDA device the GPU index lives on into *p_device. */
int faiss_GpuIndex_getDevice(const FaissGpuIndex* index, int* p_device);

#ifdef __cplusplus
}
#endif
