#pragma once

/*
 * CUDA device queries from C. Built only with FAISS_ENABLE_GPU=ON.
 */

#include "../faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Number of CUDA devices usable by this process into *p_output (0 when none, or when
 * no CUDA driver is installed: that is not an error). */
int faiss_get_num_gpus(int* p_output);

/** Block until every device is idle (cudaDeviceSynchronize on each). */
int faiss_gpu_sync_all_devices(void);

#ifdef __cplusplus
}
#endif
