#pragma once

// Run-time choice of the SIMD kernels. Private: never installed.
//
// Every ISA-specific kernel file (faiss/simd/kernels/<family>_<isa>.cpp) defines one
// table of function pointers for its family inside namespace faiss::simd::<isa>. The
// public entry points (faiss/utils/distances.h ...) fetch the table of the current
// level once per call and hand it a whole batch, so the indirect call is never paid
// per vector.
//
// The level is chosen once, on first use (thread-safe): the best the CPU supports,
// lowered by FAISS_SIMD_LEVEL=scalar|avx2|avx512 or by set_simd_level().

#include <faiss/simd/simd_level.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace faiss::simd {

/// Float32 distance kernels of one ISA. Arrays are row-major, vectors have d
/// components, any d >= 0 (d = 0 gives 0 distances). Inputs and outputs must not
/// overlap except where a kernel works in place (renorm_L2).
struct DistanceKernels {
    /// sum_j (x_j - y_j)^2
    float (*L2sqr)(const float* x, const float* y, size_t d);
    /// sum_j x_j y_j
    float (*inner_product)(const float* x, const float* y, size_t d);
    /// sum_j |x_j - y_j|
    float (*L1)(const float* x, const float* y, size_t d);
    /// max_j |x_j - y_j|; NaN if any component is NaN
    float (*Linf)(const float* x, const float* y, size_t d);
    /// sum_j |x_j - y_j|^p
    float (*Lp)(const float* x, const float* y, size_t d, float p);
    /// sum_j x_j^2
    float (*norm_L2sqr)(const float* x, size_t d);

    /// out[i] = metric(x, y_i) for the ny rows of y (ny x d).
    void (*L2sqr_ny)(float* out, const float* x, const float* y, size_t d, size_t ny);
    void (*inner_products_ny)(float* out, const float* x, const float* y, size_t d, size_t ny);
    void (*L1_ny)(float* out, const float* x, const float* y, size_t d, size_t ny);
    void (*Linf_ny)(float* out, const float* x, const float* y, size_t d, size_t ny);
    void (*Lp_ny)(float* out, const float* x, const float* y, size_t d, size_t ny, float p);

    /// out[i] = metric(x, y + ids[i] * d) for i < n (a gather, e.g. graph neighbours).
    /// ids[i] < 0 gives +inf (L2) / -inf (inner product) without reading y.
    void (*L2sqr_by_idx)(float* out, const float* x, const float* y, const int64_t* ids, size_t d,
                         size_t n);
    void (*inner_products_by_idx)(float* out, const float* x, const float* y, const int64_t* ids,
                                  size_t d, size_t n);

    /// norms[i] = ||x_i||^2 for nx rows
    void (*norms_L2sqr)(float* norms, const float* x, size_t d, size_t nx);
    /// Scale each of the nx rows to unit L2 norm in place; zero rows stay zero.
    void (*renorm_L2)(size_t d, size_t nx, float* x);
    /// c = a + bf * b over n floats
    void (*madd)(size_t n, const float* a, float bf, const float* b, float* c);
};

namespace scalar {
extern const DistanceKernels distance_kernels;
}
namespace avx2 {
extern const DistanceKernels distance_kernels;
}
namespace avx512 {
extern const DistanceKernels distance_kernels;
}

/// Table of the current level. Cheap (one atomic load); call once per batch.
const DistanceKernels& distance_kernels();

/// Pick among per-level objects (e.g. other kernel families' tables) by current level.
template <class T>
const T& for_current_level(const T& scalar_t, const T& avx2_t, const T& avx512_t) {
    switch (get_simd_level()) {
        case SimdLevel::avx512:
            return avx512_t;
        case SimdLevel::avx2:
            return avx2_t;
        default:
            return scalar_t;
    }
}

/// Parse "scalar", "avx2" or "avx512" (ASCII case-insensitive, surrounding blanks
/// ignored). Returns false and leaves *level unchanged for anything else.
bool parse_simd_level(const char* text, SimdLevel* level);

/// Level to start with, given the value of FAISS_SIMD_LEVEL (nullptr or blank when
/// unset) and the best level the CPU supports. An unknown value or a level above
/// `max_supported` yields `max_supported` and a warning for stderr in *warning
/// (cleared otherwise).
SimdLevel initial_simd_level(const char* env_value, SimdLevel max_supported, std::string* warning);

/// Throws FaissException: invalid_argument if `level` is not a SimdLevel value,
/// unsupported if it is above `max_supported`. set_simd_level() checks with this.
void check_simd_level(SimdLevel level, SimdLevel max_supported);

}  // namespace faiss::simd
