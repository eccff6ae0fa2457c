#pragma once

// Product-quantizer kernels of one ISA. Private: never installed. Kernel bodies:
// faiss/simd/kernels/pq_kernels-inl.h.
//
// ADC scans: out[i] = sum_m tab[m * ksub + sub-code m of code i] for the n codes
// codes + i * code_size, summed in order m = 0 .. M-1 (results are bit-identical at
// every level). tab is M x ksub floats.

#include <cstddef>
#include <cstdint>

namespace faiss::simd {

struct PQKernels {
    /// nbits = 8 (ksub = 256): sub-code m is byte m.
    void (*adc_scan_u8)(float* out, const float* tab, const uint8_t* codes, size_t M,
                        size_t code_size, size_t n);
    /// nbits = 4 (ksub = 16): sub-code 2k is the low nibble of byte k, 2k+1 the high one.
    void (*adc_scan_u4)(float* out, const float* tab, const uint8_t* codes, size_t M,
                        size_t code_size, size_t n);
    /// First j minimising ||xs - c_j||^2 (dsub components) over the ksub centroids
    /// stored transposed: component t of centroid j at ct[t * ksub + j]. NaN distances
    /// never win; 0 when every distance is NaN.
    size_t (*l2_transposed_argmin)(const float* xs, const float* ct, size_t dsub, size_t ksub);
    /// l2_transposed_argmin for the n sub-vectors xs + i * ldx (i < n): the centroid
    /// into labels[i], its squared distance into dis[i] (dis may be null). With every
    /// distance NaN: label 0 and the (NaN) distance to centroid 0.
    void (*l2_transposed_nearest)(const float* xs, size_t n, size_t ldx, const float* ct,
                                  size_t dsub, size_t ksub, int64_t* labels, float* dis);
    /// Look-up tables of one vector x (M * dsub floats) from centroids stored transposed
    /// per sub-space (component t of centroid j of sub-space m at
    /// ct[(m * dsub + t) * ksub + j]): tab[m * ksub + j] = <x_m, c_mj>, or
    /// ||x_m - c_mj||^2 when l2. tab is M x ksub.
    void (*transposed_tables)(const float* x, const float* ct, size_t M, size_t dsub, size_t ksub,
                              bool l2, float* tab);
    /// out[r] = the first j minimising row r of tab (nrows x ksub): the encoding of a
    /// vector from its distance table. NaN entries never win; a row with no entry below
    /// +inf gives its first +inf entry, or 0 when it is all NaN.
    void (*table_argmins)(const float* tab, size_t nrows, size_t ksub, uint32_t* out);
};

namespace scalar {
extern const PQKernels pq_kernels;
}
namespace avx2 {
extern const PQKernels pq_kernels;
}
namespace avx512 {
extern const PQKernels pq_kernels;
}

/// Table of the current SIMD level (see faiss/simd/dispatch.h). Call once per batch.
const PQKernels& pq_kernels();

}  // namespace faiss::simd
