// Scalar-quantizer distance kernels compiled for the avx2 level (flags from the suffix).
#define FAISS_SIMD_NS avx2
#include <faiss/simd/kernels/sq_distances-inl.h>
