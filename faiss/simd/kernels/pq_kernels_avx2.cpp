// Product-quantizer kernels compiled for the avx2 level (flags from the suffix).
#define FAISS_SIMD_NS avx2
#include <faiss/simd/kernels/pq_kernels-inl.h>
