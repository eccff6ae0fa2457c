// Level selection for the scalar-quantizer kernel tables (same rule as dispatch.cpp).
#include <faiss/simd/dispatch.h>
#include <faiss/simd/sq_dispatch.h>

namespace faiss::simd {

const SQDistanceKernels& sq_distance_kernels() {
    return for_current_level(scalar::sq_distance_kernels, avx2::sq_distance_kernels,
                             avx512::sq_distance_kernels);
}

}  // namespace faiss::simd
