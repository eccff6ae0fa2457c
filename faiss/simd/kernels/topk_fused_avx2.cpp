// Fused GEMM + selection kernel for the avx2 level (flags from the file suffix).
#define FAISS_SIMD_NS avx2
#include <faiss/simd/kernels/topk_fused-inl.h>
