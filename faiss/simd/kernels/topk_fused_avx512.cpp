// Fused GEMM + selection kernel for the avx512 level (flags from the file suffix).
#define FAISS_SIMD_NS avx512
#include <faiss/simd/kernels/topk_fused-inl.h>
