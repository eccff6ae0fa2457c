// Choice of the Hamming kernel table: by SIMD level, then by the popcount instructions
// the CPU has (POPCNT and AVX512_VPOPCNTDQ are separate CPUID bits).
#include <faiss/simd/cpu_features.h>
#include <faiss/simd/hamming_dispatch.h>

namespace faiss::simd {

const HammingKernels& hamming_kernels(SimdLevel level) {
    const CpuFeatures& f = cpu_features();
    if (level == SimdLevel::avx512 && f.has_avx512_level() && f.avx512vpopcntdq && f.popcnt) {
        return avx512::hamming_kernels_vpopcntdq;
    }
    if (level != SimdLevel::scalar && f.popcnt) return avx2::hamming_kernels;
    return scalar::hamming_kernels;
}

const HammingKernels& hamming_kernels() {
    return hamming_kernels(get_simd_level());
}

}  // namespace faiss::simd
