// Product-quantizer kernels, written once and compiled per ISA. Include only from
// faiss/simd/kernels/pq_kernels_<isa>.cpp after defining FAISS_SIMD_NS; the file suffix
// sets the compile flags, and the compiler vectorises the unit-stride loops for it.
//
// Everything has internal linkage or lives in the ISA namespace (an external inline
// function shared between files compiled with different flags could be merged into the
// AVX-512 copy).

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS (scalar, avx2 or avx512) before including pq_kernels-inl.h"
#endif

#include <faiss/simd/pq_dispatch.h>

#include <cstddef>
#include <cstdint>

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

// Four codes per step: four independent accumulation chains hide the latency of the
// table loads; each code's sum keeps the order m = 0 .. M-1.
void adc_scan_u8(float* out, const float* tab, const uint8_t* codes, size_t M, size_t cs,
                 size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint8_t* c0 = codes + i * cs;
        const uint8_t* c1 = c0 + cs;
        const uint8_t* c2 = c1 + cs;
        const uint8_t* c3 = c2 + cs;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t m = 0; m < M; m++) {
            const float* t = tab + m * 256;
            s0 += t[c0[m]];
            s1 += t[c1[m]];
            s2 += t[c2[m]];
            s3 += t[c3[m]];
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < n; i++) {
        const uint8_t* c = codes + i * cs;
        float s = 0;
        for (size_t m = 0; m < M; m++)
            s += tab[m * 256 + c[m]];
        out[i] = s;
    }
}

float adc_one_u4(const float* tab, const uint8_t* c, size_t M) {
    float s = 0;
    size_t m = 0;
    for (; m + 1 < M; m += 2) {
        const uint8_t b = c[m / 2];
        s += tab[m * 16 + (b & 15)];
        s += tab[(m + 1) * 16 + (b >> 4)];
    }
    if (m < M) s += tab[m * 16 + (c[m / 2] & 15)];
    return s;
}

void adc_scan_u4(float* out, const float* tab, const uint8_t* codes, size_t M, size_t cs,
                 size_t n) {
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        out[i] = adc_one_u4(tab, codes + i * cs, M);
        out[i + 1] = adc_one_u4(tab, codes + (i + 1) * cs, M);
    }
    for (; i < n; i++)
        out[i] = adc_one_u4(tab, codes + i * cs, M);
}

#if defined(__AVX512F__)
constexpr size_t kLanes = 16;
#elif defined(__AVX2__)
constexpr size_t kLanes = 8;
#else
constexpr size_t kLanes = 4;
#endif
// Vectors of centroids scored together: their partial sums stay in registers across
// the dsub components (GCC/Clang vector extensions; the compiler picks the ISA's
// instructions).
constexpr size_t kVecs = 4;
typedef float VF __attribute__((vector_size(kLanes * sizeof(float))));

inline VF load_floats(const float* p) {
    VF v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

// Index of the first minimum of ||xs - c_j||^2 over the ksub centroids (transposed,
// see pq_dispatch.h). Each block's minimum is reduced in registers; only the block
// holding the best value so far is kept, and its first position is found at the end.
// NaN distances never win; when all are NaN the answer is 0.
size_t l2_transposed_argmin(const float* xs, const float* ct, size_t dsub, size_t ksub) {
    constexpr size_t kBlock = kLanes * kVecs;
    const float inf = __builtin_inff();
    float best = inf;
    size_t best_j = 0;
    bool best_in_block = false;
    VF kept[kVecs];
    for (size_t j0 = 0; j0 + kBlock <= ksub; j0 += kBlock) {
        VF acc[kVecs] = {};
        for (size_t t = 0; t < dsub; t++) {
            const float* c = ct + t * ksub + j0;
            const VF xt = VF{} + xs[t];
            for (size_t v = 0; v < kVecs; v++) {
                const VF diff = xt - load_floats(c + v * kLanes);
                acc[v] += diff * diff;
            }
        }
        VF lo = VF{} + inf;
        for (size_t v = 0; v < kVecs; v++)
            lo = acc[v] < lo ? acc[v] : lo;
        float block_min = inf;
        for (size_t l = 0; l < kLanes; l++)
            block_min = lo[l] < block_min ? lo[l] : block_min;
        if (block_min < best) {
            best = block_min;
            best_j = j0;
            best_in_block = true;
            for (size_t v = 0; v < kVecs; v++)
                kept[v] = acc[v];
        }
    }
    if (best_in_block) {
        float vals[kBlock];
        __builtin_memcpy(vals, kept, sizeof(vals));
        size_t l = 0;
        while (!(vals[l] == best))
            l++;
        best_j += l;
    }
    for (size_t j = ksub - ksub % kBlock; j < ksub; j++) {
        float acc = 0;
        for (size_t t = 0; t < dsub; t++) {
            const float diff = xs[t] - ct[t * ksub + j];
            acc += diff * diff;
        }
        if (acc < best) {
            best = acc;
            best_j = j;
        }
    }
    return best_j;
}

}  // namespace

extern const PQKernels pq_kernels = {adc_scan_u8, adc_scan_u4, l2_transposed_argmin};

}  // namespace faiss::simd::FAISS_SIMD_NS
