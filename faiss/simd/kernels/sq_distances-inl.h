// Scalar-quantizer distance kernels (one query x many codes), written once and compiled
// per ISA. Include only from faiss/simd/kernels/sq_distances_<isa>.cpp after defining
// FAISS_SIMD_NS; the file suffix sets the compile flags and the lane width follows.
//
// Codes are widened to float lanes in registers (GCC/Clang vector extensions; the
// compiler picks the zero-extend / convert instructions of the ISA). kRows codes are
// scored together so each chunk of the query arrays is loaded once for all of them and
// the rows give independent accumulator chains.
//
// As in distances-inl.h, everything has internal linkage or lives in the ISA namespace
// (an external inline function shared between files compiled with different flags could
// be merged into the AVX-512 copy). The one intrinsic is F16C's half -> float
// converter (LoadFp16), whose portable bit version stays beside it.

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS (scalar, avx2 or avx512) before including sq_distances-inl.h"
#endif

#include <faiss/simd/sq_dispatch.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#if defined(__F16C__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

#if defined(__AVX512F__)
constexpr size_t kLanes = 16;
#elif defined(__AVX2__)
constexpr size_t kLanes = 8;
#else
constexpr size_t kLanes = 4;
#endif
constexpr size_t kRows = 4;  // horizontal_sum4 assumes 4

typedef float VF __attribute__((vector_size(kLanes * sizeof(float))));
typedef uint32_t VU __attribute__((vector_size(kLanes * sizeof(uint32_t))));
typedef int32_t VI __attribute__((vector_size(kLanes * sizeof(int32_t))));
typedef uint8_t VB __attribute__((vector_size(kLanes)));
typedef uint8_t VBHalf __attribute__((vector_size(kLanes / 2)));
typedef uint16_t VH __attribute__((vector_size(kLanes * sizeof(uint16_t))));
typedef float VF8 __attribute__((vector_size(8 * sizeof(float))));
typedef float VF4 __attribute__((vector_size(4 * sizeof(float))));

inline VF load_floats(const float* p) {
    VF v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

inline float bits_to_float(uint32_t u) {
    float f;
    __builtin_memcpy(&f, &u, sizeof(f));
    return f;
}

inline uint32_t float_to_bits(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof(u));
    return u;
}

// IEEE half -> float without a table: move exponent and mantissa into float position
// and rescale by 2^(127 - 15), which also turns half subnormals into the right normal
// floats; infinities and NaN (exponent all ones) get the float's all-ones exponent.
inline float half_to_float(uint32_t h) {
    const uint32_t m = (h & 0x7fffu) << 13;
    const uint32_t sign = (h & 0x8000u) << 16;
    if ((h & 0x7c00u) == 0x7c00u) return bits_to_float(sign | 0x7f800000u | m);
    return bits_to_float(float_to_bits(bits_to_float(m) * 0x1p112f) | sign);
}

inline VF half_to_float(VU h) {
    const VU m = (h & 0x7fffu) << 13;
    const VU sign = (h & 0x8000u) << 16;
    const VU special = (VU)((h & 0x7c00u) == 0x7c00u);
    const VU normal = (VU)((VF)m * 0x1p112f) | sign;
    const VU inf_nan = m | 0x7f800000u | sign;
    return (VF)((normal & ~special) | (inf_nan & special));
}

// Bytes -> 32-bit lanes. GCC 12 turns a direct 8 -> 32 bit __builtin_convertvector
// into one scalar conversion per lane, and the two-step 8 -> 16 -> 32 version into
// about eight shuffles per 16 lanes (split, vpmovzxbw, vpmovzxwd, re-insert); with
// AVX2 / AVX-512 the one-instruction zero-extension is called directly (IVF1024,SQ8
// search at d = 128 on the same lists: 1.6x faster, benchs/RESULTS.md). The two-step
// version stays for the baseline level.
inline VI widen_bytes(VB b) {
#if defined(__AVX512F__)
    // The all-lanes masked form: GCC 12 warns about the unmasked one's undefined source.
    return (VI)_mm512_maskz_cvtepu8_epi32(__mmask16(0xffff), (__m128i)b);
#elif defined(__AVX2__)
    long long w;
    __builtin_memcpy(&w, &b, sizeof(w));
    return (VI)_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(w));
#else
    return __builtin_convertvector(__builtin_convertvector(b, VH), VI);
#endif
}

struct LoadU8 {
    static size_t code_size(size_t d) { return d; }
    static VF lanes(const uint8_t* code, size_t j) {
        VB b;
        __builtin_memcpy(&b, code + j, sizeof(b));
        return __builtin_convertvector(widen_bytes(b), VF);
    }
    static float one(const uint8_t* code, size_t j) { return float(code[j]); }
};

template <size_t... I>
inline VB spread_nibble_bytes(VBHalf h, std::index_sequence<I...>) {
    return __builtin_shufflevector(h, h, (I / 2)...);
}

template <size_t... I>
inline VU nibble_shifts(std::index_sequence<I...>) {
    return VU{uint32_t((I & 1) * 4)...};
}

// Component j is the low nibble of byte j / 2 for even j, the high one for odd j.
struct LoadU4 {
    static size_t code_size(size_t d) { return (d + 1) / 2; }
    static VF lanes(const uint8_t* code, size_t j) {
        VBHalf h;
        __builtin_memcpy(&h, code + j / 2, sizeof(h));
        const VB b = spread_nibble_bytes(h, std::make_index_sequence<kLanes>());
        const VU u = (VU)widen_bytes(b);
        const VI q = (VI)((u >> nibble_shifts(std::make_index_sequence<kLanes>())) & 15u);
        return __builtin_convertvector(q, VF);
    }
    static float one(const uint8_t* code, size_t j) {
        return float((code[j / 2] >> ((j & 1) * 4)) & 15);
    }
};

template <size_t Offset, size_t... I>
inline VB six_bit_bytes(VB b, std::index_sequence<I...>) {
    return __builtin_shufflevector(b, b, ((6 * I) / 8 + Offset)...);
}

template <size_t... I>
inline VU six_bit_shifts(std::index_sequence<I...>) {
    return VU{uint32_t((6 * I) % 8)...};
}

// The 3 * kLanes / 4 bytes at p in the low bytes of a VB (high bytes zero), through
// integer registers: a partial copy into a vector goes through the stack and stalls
// store forwarding.
#if defined(__AVX2__)
inline VB load_three_quarters(const uint8_t* p) {
#if defined(__AVX512F__)
    uint64_t a;
    uint32_t b;
    __builtin_memcpy(&a, p, 8);
    __builtin_memcpy(&b, p + 8, 4);
    typedef uint64_t V2 __attribute__((vector_size(16)));
    const V2 v = {a, b};
    return (VB)v;
#else
    uint32_t a;
    uint16_t b;
    __builtin_memcpy(&a, p, 4);
    __builtin_memcpy(&b, p + 4, 2);
    const uint64_t w = a | (uint64_t(b) << 32);
    VB v;
    __builtin_memcpy(&v, &w, sizeof(v));
    return v;
#endif
}
#endif

// Component j occupies bits [6j, 6j + 6) of an LSB-first stream. kLanes components
// (a multiple of 4, starting at a multiple of 4) span exactly 3 * kLanes / 4 bytes:
// each lane gathers the byte holding its low bits and the next one, then shifts.
struct LoadU6 {
    static size_t code_size(size_t d) { return (d * 6 + 7) / 8; }
    static VF lanes(const uint8_t* code, size_t j) {
#if !defined(__AVX2__)
        // 4 lanes = one 24-bit group; without pshufb, shifting the group is cheaper.
        const uint8_t* p = code + j / 4 * 3;
        const uint32_t w = p[0] | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16);
        const VI q = (VI)((VU{w, w, w, w} >> VU{0, 6, 12, 18}) & 63u);
        return __builtin_convertvector(q, VF);
#else
        const VB b = load_three_quarters(code + j / 4 * 3);
        const auto seq = std::make_index_sequence<kLanes>();
        const VU lo = (VU)widen_bytes(six_bit_bytes<0>(b, seq));
        const VU hi = (VU)widen_bytes(six_bit_bytes<1>(b, seq));
        const VI q = (VI)(((lo | (hi << 8)) >> six_bit_shifts(seq)) & 63u);
        return __builtin_convertvector(q, VF);
#endif
    }
    static float one(const uint8_t* code, size_t j) {
        const size_t bit = 6 * j, byte = bit / 8, shift = bit % 8;
        uint32_t w = code[byte];
        if (shift > 2) w |= uint32_t(code[byte + 1]) << 8;
        return float((w >> shift) & 63);
    }
};

struct LoadFp16 {
    static size_t code_size(size_t d) { return 2 * d; }
    // GCC 12 converts _Float16 vectors one lane at a time, so with F16C the hardware
    // converter is called directly (SQfp16 scan at d = 128: about 2x faster); the bit
    // version stays the reference and the scalar level's path.
    static VF lanes(const uint8_t* code, size_t j) {
#if defined(__AVX512F__)
        const __m128i* p = reinterpret_cast<const __m128i*>(code + 2 * j);
        const VF8 lo = (VF8)_mm256_cvtph_ps(_mm_loadu_si128(p));
        const VF8 hi = (VF8)_mm256_cvtph_ps(_mm_loadu_si128(p + 1));
        return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                       15);
#elif defined(__F16C__)
        return (VF)_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(code + 2 * j)));
#else
        VH h;
        __builtin_memcpy(&h, code + 2 * j, sizeof(h));
        return half_to_float(__builtin_convertvector(h, VU));
#endif
    }
    static float one(const uint8_t* code, size_t j) {
        uint16_t h;
        __builtin_memcpy(&h, code + 2 * j, sizeof(h));
        return half_to_float(uint32_t(h));
    }
};

struct LoadBf16 {
    static size_t code_size(size_t d) { return 2 * d; }
    static VF lanes(const uint8_t* code, size_t j) {
        VH h;
        __builtin_memcpy(&h, code + 2 * j, sizeof(h));
        return (VF)(__builtin_convertvector(h, VU) << 16);
    }
    static float one(const uint8_t* code, size_t j) {
        uint16_t h;
        __builtin_memcpy(&h, code + 2 * j, sizeof(h));
        return bits_to_float(uint32_t(h) << 16);
    }
};

enum class Form { l2_scaled, l2_plain, dot };

// One term of the sum for value v (code value or decoded float) of component j.
template <Form F, class V>
inline V step(V acc, V a, V s, V v) {
    if constexpr (F == Form::l2_scaled) {
        const V t = a - s * v;
        return acc + t * t;
    } else if constexpr (F == Form::l2_plain) {
        const V t = a - v;
        return acc + t * t;
    } else {
        return acc + a * v;
    }
}

// Halving tree in registers (a lane-by-lane loop costs as much as the whole d = 128
// scan of a code at 16 lanes).
inline float horizontal_sum(VF v) {
#if defined(__AVX512F__)
    const VF8 h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                  __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const VF4 q =
        __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
#elif defined(__AVX2__)
    const VF4 q =
        __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
#else
    const VF4 q = v;
#endif
    return (q[0] + q[2]) + (q[1] + q[3]);
}

// The totals of four accumulators at once: each step adds lane halves of two vectors
// with two shuffles and one add, so the four reductions share their instructions
// (about a third of four horizontal_sum calls, which cost as much as a quarter of the
// d = 128 scan of a row).
inline VF4 horizontal_sum4(const VF* acc) {
#if defined(__AVX512F__)
    const VF ab = __builtin_shufflevector(acc[0], acc[1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19,
                                          20, 21, 22, 23) +
                  __builtin_shufflevector(acc[0], acc[1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26,
                                          27, 28, 29, 30, 31);
    const VF cd = __builtin_shufflevector(acc[2], acc[3], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19,
                                          20, 21, 22, 23) +
                  __builtin_shufflevector(acc[2], acc[3], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26,
                                          27, 28, 29, 30, 31);
    // [a 4 | b 4 | c 4 | d 4]
    const VF q =
        __builtin_shufflevector(ab, cd, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
        __builtin_shufflevector(ab, cd, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    const VF8 h = __builtin_shufflevector(q, q, 0, 1, 4, 5, 8, 9, 12, 13) +
                  __builtin_shufflevector(q, q, 2, 3, 6, 7, 10, 11, 14, 15);
#elif defined(__AVX2__)
    // [a 4 | b 4] and [c 4 | d 4]
    const VF ab = __builtin_shufflevector(acc[0], acc[1], 0, 1, 2, 3, 8, 9, 10, 11) +
                  __builtin_shufflevector(acc[0], acc[1], 4, 5, 6, 7, 12, 13, 14, 15);
    const VF cd = __builtin_shufflevector(acc[2], acc[3], 0, 1, 2, 3, 8, 9, 10, 11) +
                  __builtin_shufflevector(acc[2], acc[3], 4, 5, 6, 7, 12, 13, 14, 15);
    const VF8 h = __builtin_shufflevector(ab, cd, 0, 1, 4, 5, 8, 9, 12, 13) +
                  __builtin_shufflevector(ab, cd, 2, 3, 6, 7, 10, 11, 14, 15);
#else
    const VF4 ab = __builtin_shufflevector(acc[0], acc[1], 0, 1, 4, 5) +
                   __builtin_shufflevector(acc[0], acc[1], 2, 3, 6, 7);
    const VF4 cd = __builtin_shufflevector(acc[2], acc[3], 0, 1, 4, 5) +
                   __builtin_shufflevector(acc[2], acc[3], 2, 3, 6, 7);
    const VF8 h = __builtin_shufflevector(ab, cd, 0, 1, 2, 3, 4, 5, 6, 7);
#endif
    // h = [a 2 | b 2 | c 2 | d 2]
    return __builtin_shufflevector(h, h, 0, 2, 4, 6) + __builtin_shufflevector(h, h, 1, 3, 5, 7);
}

template <class Load, Form F, size_t R>
inline void score_rows(float* out, const float* a, const float* s, const uint8_t* codes, size_t d,
                       size_t code_size) {
    static_assert(R == 1 || R == 4, "rows are scored one or four at a time");
    VF acc[R] = {};
    size_t j = 0;
    for (; j + kLanes <= d; j += kLanes) {
        const VF va = load_floats(a + j);
        const VF vs = F == Form::l2_scaled ? load_floats(s + j) : VF{};
        for (size_t r = 0; r < R; r++)
            acc[r] = step<F>(acc[r], va, vs, Load::lanes(codes + r * code_size, j));
    }
    float totals[R];
    if constexpr (R == 4) {
        const VF4 t4 = horizontal_sum4(acc);
        for (size_t r = 0; r < R; r++)
            totals[r] = t4[r];
    } else {
        totals[0] = horizontal_sum(acc[0]);
    }
    for (size_t r = 0; r < R; r++) {
        float t = totals[r];
        for (size_t jj = j; jj < d; jj++) {
            const float sj = F == Form::l2_scaled ? s[jj] : 0.f;
            t = step<F>(t, a[jj], sj, Load::one(codes + r * code_size, jj));
        }
        out[r] = t;
    }
}

template <class Load, Form F>
void scan(float* out, const float* a, const float* s, const uint8_t* codes, size_t d, size_t n) {
    const size_t cs = Load::code_size(d);
    size_t i = 0;
    for (; i + kRows <= n; i += kRows)
        score_rows<Load, F, kRows>(out + i, a, s, codes + i * cs, d, cs);
    for (; i < n; i++)
        score_rows<Load, F, 1>(out + i, a, s, codes + i * cs, d, cs);
}

void l2_u8(float* out, const float* a, const float* s, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU8, Form::l2_scaled>(out, a, s, codes, d, n);
}
void ip_u8(float* out, const float* w, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU8, Form::dot>(out, w, nullptr, codes, d, n);
}
void l2_u4(float* out, const float* a, const float* s, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU4, Form::l2_scaled>(out, a, s, codes, d, n);
}
void ip_u4(float* out, const float* w, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU4, Form::dot>(out, w, nullptr, codes, d, n);
}
void l2_u6(float* out, const float* a, const float* s, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU6, Form::l2_scaled>(out, a, s, codes, d, n);
}
void ip_u6(float* out, const float* w, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadU6, Form::dot>(out, w, nullptr, codes, d, n);
}
void l2_fp16(float* out, const float* x, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadFp16, Form::l2_plain>(out, x, nullptr, codes, d, n);
}
void ip_fp16(float* out, const float* x, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadFp16, Form::dot>(out, x, nullptr, codes, d, n);
}
void l2_bf16(float* out, const float* x, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadBf16, Form::l2_plain>(out, x, nullptr, codes, d, n);
}
void ip_bf16(float* out, const float* x, const uint8_t* codes, size_t d, size_t n) {
    scan<LoadBf16, Form::dot>(out, x, nullptr, codes, d, n);
}

constexpr SQDistanceKernels make_sq_distance_kernels() {
    SQDistanceKernels t{};
    t.l2_u8 = l2_u8;
    t.ip_u8 = ip_u8;
    t.l2_u4 = l2_u4;
    t.ip_u4 = ip_u4;
    t.l2_u6 = l2_u6;
    t.ip_u6 = ip_u6;
    t.l2_fp16 = l2_fp16;
    t.ip_fp16 = ip_fp16;
    t.l2_bf16 = l2_bf16;
    t.ip_bf16 = ip_bf16;
    return t;
}

}  // namespace

extern const SQDistanceKernels sq_distance_kernels = make_sq_distance_kernels();

}  // namespace faiss::simd::FAISS_SIMD_NS
