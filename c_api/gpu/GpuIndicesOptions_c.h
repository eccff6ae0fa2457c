#pragma once

/*
 * How GPU indexes that store vector ids keep them (faiss::gpu::IndicesOptions), with
 * Faiss's names and values. GpuIndexFlat stores no ids and ignores it.
 */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum FaissIndicesOptions {
    INDICES_CPU = 0,    /**< ids on the CPU only */
    INDICES_IVF = 1,    /**< no ids kept: (list, offset) pairs are returned */
    INDICES_32_BIT = 2, /**< 32-bit ids on the GPU, returned as 64-bit */
    INDICES_64_BIT = 3, /**< 64-bit ids on the GPU */
} FaissIndicesOptions;

#ifdef __cplusplus
}
#endif
