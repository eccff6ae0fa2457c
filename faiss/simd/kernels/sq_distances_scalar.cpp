// Scalar-quantizer distance kernels compiled for the scalar level (flags from the suffix).
#define FAISS_SIMD_NS scalar
#include <faiss/simd/kernels/sq_distances-inl.h>
