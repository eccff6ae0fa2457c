// Level selection for the product-quantizer kernel tables (same rule as dispatch.cpp).
#include <faiss/simd/dispatch.h>
#include <faiss/simd/pq_dispatch.h>

namespace faiss::simd {

const PQKernels& pq_kernels() {
    return for_current_level(scalar::pq_kernels, avx2::pq_kernels, avx512::pq_kernels);
}

}  // namespace faiss::simd
