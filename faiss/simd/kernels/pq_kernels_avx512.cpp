// Product-quantizer kernels compiled for the avx512 level (flags from the suffix).
#define FAISS_SIMD_NS avx512
#include <faiss/simd/kernels/pq_kernels-inl.h>
