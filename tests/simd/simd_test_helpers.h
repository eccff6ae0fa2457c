#pragma once

// Helpers for the SIMD tests: the list of levels this host can run, a guard that
// restores the level after a test, and the float-summation error bound used as the
// tolerance against double-precision references.

#include <faiss/simd/simd_level.h>

#include <cstddef>
#include <vector>

namespace faiss::test {

/// Every level from scalar up to the best this CPU supports.
inline std::vector<SimdLevel> supported_simd_levels() {
    std::vector<SimdLevel> levels;
    for (int l = 0; l <= static_cast<int>(max_supported_simd_level()); l++) {
        levels.push_back(static_cast<SimdLevel>(l));
    }
    return levels;
}

/// Sets a level for the lifetime of the object, then restores the previous one.
class SimdLevelGuard {
  public:
    explicit SimdLevelGuard(SimdLevel level) : saved_(get_simd_level()) { set_simd_level(level); }
    ~SimdLevelGuard() { set_simd_level(saved_); }
    SimdLevelGuard(const SimdLevelGuard&) = delete;
    SimdLevelGuard& operator=(const SimdLevelGuard&) = delete;

  private:
    SimdLevel saved_;
};

/// Worst-case absolute error of a float sum of d terms whose absolute values add up to
/// `magnitude` (any summation order, with or without FMA), plus a little slack for
/// the rounding of each term itself.
inline double float_sum_tolerance(size_t d, double magnitude) {
    const double eps = 1.0 / (1 << 23);
    return (static_cast<double>(d) + 4) * eps * magnitude + 1e-30;
}

}  // namespace faiss::test
