#pragma once

// Run-time SIMD level. The library contains kernels for every level and picks the best
// one the CPU supports, once, at first use. FAISS_SIMD_LEVEL=scalar|avx2|avx512 in the
// environment, or set_simd_level(), forces a level (never above what the CPU supports).

namespace faiss {

enum class SimdLevel { scalar = 0, avx2 = 1, avx512 = 2 };

/// Level the kernels currently use.
SimdLevel get_simd_level();

/// Highest level this CPU supports.
SimdLevel max_supported_simd_level();

/// Force a level for all later calls. Throws FaissException (unsupported) if the CPU
/// lacks it. Not thread-safe with concurrent searches: call at start-up or in tests.
void set_simd_level(SimdLevel level);

/// "scalar", "avx2" or "avx512" for the current level.
const char* simd_level_name();
/// Name of a given level.
const char* simd_level_name(SimdLevel level);

}  // namespace faiss
