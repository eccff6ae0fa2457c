#pragma once

// Hamming-distance kernels over binary codes (the polysemous filters of IndexPQ and
// IndexIVFPQ, ST_HE). Private: never installed. Kernel bodies:
// faiss/simd/kernels/hamming-inl.h.
//
// Codes are rows of code_size bytes, any code_size >= 1, stored contiguously (code j at
// codes + j * code_size). Every table gives exactly the same integers; they differ in
// the instructions: scalar (bit tricks, baseline x86-64), popcnt (64-bit POPCNT, the
// table of the avx2 level) and vpopcntdq (AVX-512 VPOPCNTDQ, eight codes per step).

#include <faiss/simd/simd_level.h>

#include <cstddef>
#include <cstdint>

namespace faiss::simd {

struct HammingKernels {
    /// out[j] = number of differing bits between code q and code j, for j < n.
    void (*distances)(const uint8_t* q, const uint8_t* codes, size_t code_size, size_t n,
                      int32_t* out);
    /// Writes to ids, in increasing order, every j < n whose distance to q is < ht, and
    /// returns how many. ids must have room for n entries (entries past the returned
    /// count may be overwritten with other positions < n). ht <= 0 passes nothing.
    size_t (*filter)(const uint8_t* q, const uint8_t* codes, size_t code_size, size_t n, int ht,
                     uint32_t* ids);
    /// Name of the instruction set, e.g. "popcnt" (tests, verbose output).
    const char* name;
};

namespace scalar {
extern const HammingKernels hamming_kernels;
}
namespace avx2 {
/// Needs the POPCNT instruction (every CPU of the avx2 level has it).
extern const HammingKernels hamming_kernels;
}  // namespace avx2
namespace avx512 {
/// Needs AVX512_VPOPCNTDQ on top of the avx512 level (Ice Lake, Zen 4 and later).
extern const HammingKernels hamming_kernels_vpopcntdq;
}  // namespace avx512

/// The best table for a SIMD level on this CPU: vpopcntdq at avx512 when the CPU has
/// AVX512_VPOPCNTDQ, popcnt at avx2 and at avx512 without it, scalar otherwise.
const HammingKernels& hamming_kernels(SimdLevel level);

/// The table of the current level. Cheap; call once per batch of codes.
const HammingKernels& hamming_kernels();

}  // namespace faiss::simd
