// Distance kernels compiled for the scalar level (flags from the file suffix).
#define FAISS_SIMD_NS scalar
#include <faiss/simd/kernels/distances-inl.h>
