#pragma once

// Scalar-quantizer distance kernels of one ISA: one query against many codes, computed
// on the codes (each component is widened to float in registers, never written out).
// Private: never installed. Kernel bodies: faiss/simd/kernels/sq_distances-inl.h.
//
// Every kernel writes out[i] for the n codes codes + i * code_size, where code_size
// follows from the format (d bytes for 8-bit, (d + 1) / 2 for 4-bit, (6d + 7) / 8 for 6-bit, 2d for
// fp16/bf16).
// The affine forms let one kernel serve every range type: with the per-query arrays
// a, s, w built by the caller (faiss/internal/sq_scanner.h),
//   l2_*  : sum_j (a_j - s_j * v_j)^2
//   ip_*  : sum_j w_j * v_j
// where v_j is the raw code value (0..255, 0..63 or 0..15). The float formats compare the
// decoded value directly: sum_j (x_j - f_j)^2 and sum_j x_j * f_j.

#include <cstddef>
#include <cstdint>

namespace faiss::simd {

struct SQDistanceKernels {
    void (*l2_u8)(float* out, const float* a, const float* s, const uint8_t* codes, size_t d,
                  size_t n);
    void (*ip_u8)(float* out, const float* w, const uint8_t* codes, size_t d, size_t n);
    void (*l2_u4)(float* out, const float* a, const float* s, const uint8_t* codes, size_t d,
                  size_t n);
    void (*ip_u4)(float* out, const float* w, const uint8_t* codes, size_t d, size_t n);
    void (*l2_u6)(float* out, const float* a, const float* s, const uint8_t* codes, size_t d,
                  size_t n);
    void (*ip_u6)(float* out, const float* w, const uint8_t* codes, size_t d, size_t n);
    void (*l2_fp16)(float* out, const float* x, const uint8_t* codes, size_t d, size_t n);
    void (*ip_fp16)(float* out, const float* x, const uint8_t* codes, size_t d, size_t n);
    void (*l2_bf16)(float* out, const float* x, const uint8_t* codes, size_t d, size_t n);
    void (*ip_bf16)(float* out, const float* x, const uint8_t* codes, size_t d, size_t n);
};

namespace scalar {
extern const SQDistanceKernels sq_distance_kernels;
}
namespace avx2 {
extern const SQDistanceKernels sq_distance_kernels;
}
namespace avx512 {
extern const SQDistanceKernels sq_distance_kernels;
}

/// Table of the current SIMD level (see faiss/simd/dispatch.h). Call once per batch.
const SQDistanceKernels& sq_distance_kernels();

}  // namespace faiss::simd
