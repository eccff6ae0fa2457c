#pragma once

// Conversions between float and the two 16-bit float formats:
//   fp16 = IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits), range +-65504,
//          subnormals down to 2^-24;
//   bf16 = bfloat16 (1 sign, 8 exponent, 7 mantissa bits), the upper half of a float.
// Encoding rounds to nearest, ties to even, like the hardware converters (F16C's
// vcvtps2ph with rounding mode 0). Infinities stay infinities; finite floats too large
// for fp16 become infinity; NaN stays NaN (sign and the top payload bits kept; a payload
// that would vanish becomes the quiet bit). Decoding is exact.
//
// All functions are pure and thread-safe. The scalar ones are inline so that per-element
// loops (scalar quantizer codecs) can use them without a call.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace faiss {

namespace fp16_detail {

inline uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof(u));
    return u;
}

inline float bits_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof(f));
    return f;
}

/// Round q (the kept bits) given the dropped bits rem of width `shift`: to nearest,
/// ties to the even q.
inline uint32_t round_nearest_even(uint32_t q, uint32_t rem, uint32_t shift) {
    const uint32_t half = uint32_t(1) << (shift - 1);
    return q + ((rem > half || (rem == half && (q & 1))) ? 1 : 0);
}

}  // namespace fp16_detail

/// float -> IEEE half bits, round to nearest even.
inline uint16_t encode_fp16(float x) {
    using namespace fp16_detail;
    const uint32_t f = float_bits(x);
    const uint32_t sign = (f >> 16) & 0x8000u;
    const uint32_t mag = f & 0x7fffffffu;
    if (mag >= 0x7f800000u) {  // inf or NaN
        if (mag == 0x7f800000u) return uint16_t(sign | 0x7c00u);
        uint32_t payload = (mag >> 13) & 0x3ffu;
        return uint16_t(sign | 0x7c00u | (payload ? payload : 0x200u));
    }
    if (mag >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // >= 65520 rounds to inf
    if (mag >= 0x38800000u) {  // normal half: rebias the exponent from 127 to 15
        const uint32_t q = (mag - 0x38000000u) >> 13;
        return uint16_t(sign | round_nearest_even(q, mag & 0x1fffu, 13));
    }
    // Subnormal half (or zero): count units of 2^-24. The float exponent e gives
    // value = mantissa * 2^(e - 150), so units = mantissa >> (126 - e).
    const uint32_t e = mag >> 23;
    if (e < 102) return uint16_t(sign);  // below 2^-25: rounds to zero
    const uint32_t mantissa = (mag & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126 - e;  // 14 .. 24
    const uint32_t q = mantissa >> shift;
    const uint32_t rem = mantissa & ((uint32_t(1) << shift) - 1);
    return uint16_t(sign | round_nearest_even(q, rem, shift));
}

/// IEEE half bits -> float (exact).
inline float decode_fp16(uint16_t h) {
    using namespace fp16_detail;
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f) return bits_float(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {
        // mantissa * 2^-24 is exact in float
        const float magnitude = float(mantissa) * 5.9604644775390625e-8f;
        return bits_float(sign | float_bits(magnitude));
    }
    return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

/// float -> bfloat16 bits, round to nearest even (finite values near FLT_MAX may round
/// to infinity, as in hardware).
inline uint16_t encode_bf16(float x) {
    using namespace fp16_detail;
    const uint32_t f = float_bits(x);
    if ((f & 0x7fffffffu) > 0x7f800000u) {  // NaN: truncate, keep it a NaN
        const uint32_t upper = f >> 16;
        return uint16_t((upper & 0x7fu) ? upper : (upper | 0x40u));
    }
    return uint16_t(round_nearest_even(f >> 16, f & 0xffffu, 16));
}

/// bfloat16 bits -> float (exact).
inline float decode_bf16(uint16_t b) {
    return fp16_detail::bits_float(uint32_t(b) << 16);
}

// Bulk converters: n elements from in to out (may be null when n == 0; in and out must
// not overlap). Sequential on the calling thread.

/// out[i] = encode_fp16(in[i]).
void float_to_fp16(size_t n, const float* in, uint16_t* out);
/// out[i] = decode_fp16(in[i]).
void fp16_to_float(size_t n, const uint16_t* in, float* out);
/// out[i] = encode_bf16(in[i]).
void float_to_bf16(size_t n, const float* in, uint16_t* out);
/// out[i] = decode_bf16(in[i]).
void bf16_to_float(size_t n, const uint16_t* in, float* out);

}  // namespace faiss
