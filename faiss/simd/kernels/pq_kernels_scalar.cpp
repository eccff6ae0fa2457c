// Product-quantizer kernels compiled for the scalar level (flags from the suffix).
#define FAISS_SIMD_NS scalar
#include <faiss/simd/kernels/pq_kernels-inl.h>
