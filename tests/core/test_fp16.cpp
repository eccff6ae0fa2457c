// fp16 / bf16 conversions: known values, every one of the 65536 codes decoded against a
// formula and round-tripped, round-to-nearest-even at every midpoint, and random floats
// against a nearest-value reference.
#include <faiss/FaissException.h>
#include <faiss/utils/bf16.h>
#include <faiss/utils/fp16.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using faiss::decode_bf16;
using faiss::decode_fp16;
using faiss::encode_bf16;
using faiss::encode_fp16;

namespace {

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float float_of(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

/// The value of a half code from its definition, in double.
double half_value(uint16_t h) {
    const int sign = (h & 0x8000) ? -1 : 1;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
        return mantissa ? std::numeric_limits<double>::quiet_NaN()
                        : sign * std::numeric_limits<double>::infinity();
    }
    if (exponent == 0) return sign * std::ldexp(double(mantissa), -24);
    return sign * std::ldexp(1.0 + mantissa / 1024.0, exponent - 15);
}

/// Reference encoder for finite x: the nearest half, ties to the even code, values at
/// or above 65520 (the midpoint between 65504 and the next power of two) to infinity.
uint16_t reference_encode(float x, const std::vector<double>& positive_values) {
    const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
    const double a = std::fabs(double(x));
    if (a >= 65520.0) return sign | 0x7c00;
    auto it = std::lower_bound(positive_values.begin(), positive_values.end(), a);
    size_t hi = size_t(it - positive_values.begin());        // first value >= a
    if (hi == positive_values.size()) return sign | 0x7bff;  // (65504, 65520)
    if (hi < positive_values.size() && positive_values[hi] == a) return sign | uint16_t(hi);
    size_t lo = hi - 1;
    const double dlo = a - positive_values[lo], dhi = positive_values[hi] - a;
    size_t code = dlo < dhi ? lo : (dhi < dlo ? hi : (lo % 2 == 0 ? lo : hi));
    return sign | uint16_t(code);
}

}  // namespace

TEST(FP16, KnownValues) {
    struct Case {
        float value;
        uint16_t code;
    };
    const Case cases[] = {
        {0.0f, 0x0000},          {-0.0f, 0x8000},
        {1.0f, 0x3c00},          {-2.0f, 0xc000},
        {0.5f, 0x3800},          {65504.0f, 0x7bff},
        {-65504.0f, 0xfbff},     {6.1035156e-5f, 0x0400},  // smallest normal 2^-14
        {5.9604645e-8f, 0x0001},                           // smallest subnormal 2^-24
        {0.1f, 0x2e66},          {1.0f / 3.0f, 0x3555},
        {3.140625f, 0x4248},     {65519.996f, 0x7bff},
        {65520.0f, 0x7c00},      {1e10f, 0x7c00},
        {-1e10f, 0xfc00},        {2.98e-8f, 0x0000},
        {2.9802322e-8f, 0x0000},  // 2^-25: tie to 0
        {4.4703484e-8f, 0x0001},  // 1.5 * 2^-25
        {1e-45f, 0x0000},        {-1e-45f, 0x8000},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(encode_fp16(c.value), c.code) << c.value;
    }
    const float inf = std::numeric_limits<float>::infinity();
    EXPECT_EQ(encode_fp16(inf), 0x7c00);
    EXPECT_EQ(encode_fp16(-inf), 0xfc00);
    EXPECT_EQ(encode_fp16(std::numeric_limits<float>::max()), 0x7c00);
    EXPECT_EQ(decode_fp16(0x7c00), inf);
    EXPECT_EQ(decode_fp16(0xfc00), -inf);
    EXPECT_EQ(decode_fp16(0x3555), 0.333251953125f);
    EXPECT_TRUE(std::signbit(decode_fp16(0x8000)));
}

TEST(FP16, NaNStaysNaN) {
    const float qnan = std::numeric_limits<float>::quiet_NaN();
    uint16_t h = encode_fp16(qnan);
    EXPECT_EQ(h & 0x7c00, 0x7c00);
    EXPECT_NE(h & 0x3ff, 0);
    EXPECT_TRUE(std::isnan(decode_fp16(h)));
    // payload only in the low float mantissa bits, which fp16 cannot hold
    h = encode_fp16(float_of(0xff800001u));
    EXPECT_EQ(h, 0xfe00);
    EXPECT_TRUE(std::isnan(decode_fp16(h)));
}

TEST(FP16, AllCodesDecodeExactlyAndRoundTrip) {
    for (uint32_t c = 0; c < 65536; c++) {
        const uint16_t h = uint16_t(c);
        const float f = decode_fp16(h);
        const double expected = half_value(h);
        if (std::isnan(expected)) {
            ASSERT_TRUE(std::isnan(f)) << std::hex << c;
            ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0);
        } else {
            ASSERT_EQ(double(f), expected) << std::hex << c;
            ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0) << std::hex << c;
        }
        ASSERT_EQ(encode_fp16(f), h) << std::hex << c;  // NaN payloads included
    }
}

TEST(FP16, MidpointsRoundToEven) {
    // Between consecutive codes h and h+1 (same sign), the midpoint goes to the even
    // code, and one float ulp either side goes to the nearer code.
    for (uint32_t h = 0; h < 0x7bff; h++) {
        for (uint16_t sign : {uint16_t(0), uint16_t(0x8000)}) {
            const uint16_t lo = uint16_t(sign | h), hi = uint16_t(sign | (h + 1));
            const double mid = (half_value(lo) + half_value(hi)) / 2;
            const float m = float(mid);
            ASSERT_EQ(double(m), mid);  // 12 significant bits: exact in float
            ASSERT_EQ(encode_fp16(m), (h % 2 == 0) ? lo : hi) << std::hex << h;
            const float toward_lo = std::nextafter(m, float(half_value(lo)));
            const float toward_hi = std::nextafter(m, float(half_value(hi)));
            ASSERT_EQ(encode_fp16(toward_lo), lo) << std::hex << h;
            ASSERT_EQ(encode_fp16(toward_hi), hi) << std::hex << h;
        }
    }
    EXPECT_EQ(encode_fp16(std::nextafter(65520.0f, 0.0f)), 0x7bff);
}

TEST(FP16, RandomFloatsMatchNearestReference) {
    std::vector<double> positive_values(0x7c00);
    for (uint32_t h = 0; h < 0x7c00; h++)
        positive_values[h] = half_value(uint16_t(h));
    std::mt19937 rng(5);
    // exponents from 2^-30 to 2^17 cover zero-rounding, subnormal, normal and overflow
    std::uniform_int_distribution<uint32_t> exponent(97, 144), mantissa(0, 0x7fffff);
    for (int t = 0; t < 300000; t++) {
        const uint32_t bits = ((rng() & 1u) << 31) | (exponent(rng) << 23) | mantissa(rng);
        const float x = float_of(bits);
        ASSERT_EQ(encode_fp16(x), reference_encode(x, positive_values)) << x;
    }
}

TEST(BF16, KnownValues) {
    EXPECT_EQ(encode_bf16(1.0f), 0x3f80);
    EXPECT_EQ(encode_bf16(-2.0f), 0xc000);
    EXPECT_EQ(encode_bf16(0.0f), 0x0000);
    EXPECT_EQ(encode_bf16(-0.0f), 0x8000);
    EXPECT_EQ(encode_bf16(3.140625f), 0x4049);
    EXPECT_EQ(encode_bf16(float_of(0x3f808000u)), 0x3f80);  // tie, even stays
    EXPECT_EQ(encode_bf16(float_of(0x3f818000u)), 0x3f82);  // tie, odd goes up
    EXPECT_EQ(encode_bf16(float_of(0x3f808001u)), 0x3f81);
    EXPECT_EQ(encode_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
    EXPECT_EQ(encode_bf16(-std::numeric_limits<float>::infinity()), 0xff80);
    EXPECT_EQ(encode_bf16(std::numeric_limits<float>::max()), 0x7f80);  // rounds up to inf
    EXPECT_EQ(encode_bf16(float_of(0x00000001u)), 0x0000);              // tiny subnormal
    EXPECT_EQ(decode_bf16(0x3f80), 1.0f);
    EXPECT_EQ(decode_bf16(0x4049), 3.140625f);
}

TEST(BF16, NaNStaysNaN) {
    for (uint32_t bits : {0x7f800001u, 0x7fc00000u, 0xff80ffffu, 0x7fffffffu, 0x7f810000u}) {
        const uint16_t b = encode_bf16(float_of(bits));
        EXPECT_TRUE(std::isnan(decode_bf16(b))) << std::hex << bits;
        EXPECT_EQ(b & 0x8000, (bits >> 16) & 0x8000);
    }
}

TEST(BF16, AllCodesRoundTripAndMidpointsRoundToEven) {
    for (uint32_t c = 0; c < 65536; c++) {
        const uint16_t b = uint16_t(c);
        const float f = decode_bf16(b);
        ASSERT_EQ(bits_of(f), c << 16);
        ASSERT_EQ(encode_bf16(f), b) << std::hex << c;
        const bool finite_and_not_last = (c & 0x7fff) < 0x7f80;
        if (!finite_and_not_last) continue;
        // the float halfway to the next code away from zero, and its neighbours
        const uint32_t mid = (c << 16) | 0x8000u;
        const uint16_t up = uint16_t(c + 1);
        ASSERT_EQ(encode_bf16(float_of(mid)), (c % 2 == 0) ? b : up) << std::hex << c;
        ASSERT_EQ(encode_bf16(float_of(mid - 1)), b) << std::hex << c;
        ASSERT_EQ(encode_bf16(float_of(mid + 1)), up) << std::hex << c;
    }
}

TEST(FP16, BulkConvertersMatchScalar) {
    std::mt19937 rng(9);
    std::vector<float> x(1000);
    for (auto& v : x)
        v = float_of(rng());  // every kind of float, NaN included
    std::vector<uint16_t> h(x.size()), b(x.size());
    std::vector<float> back_h(x.size()), back_b(x.size());
    faiss::float_to_fp16(x.size(), x.data(), h.data());
    faiss::float_to_bf16(x.size(), x.data(), b.data());
    faiss::fp16_to_float(x.size(), h.data(), back_h.data());
    faiss::bf16_to_float(x.size(), b.data(), back_b.data());
    for (size_t i = 0; i < x.size(); i++) {
        ASSERT_EQ(h[i], encode_fp16(x[i]));
        ASSERT_EQ(b[i], encode_bf16(x[i]));
        ASSERT_EQ(bits_of(back_h[i]), bits_of(decode_fp16(h[i])));
        ASSERT_EQ(bits_of(back_b[i]), bits_of(decode_bf16(b[i])));
    }
}

TEST(FP16, BulkConvertersRejectNull) {
    float f = 1;
    uint16_t h = 0;
    EXPECT_THROW(faiss::float_to_fp16(1, nullptr, &h), faiss::FaissException);
    EXPECT_THROW(faiss::fp16_to_float(1, &h, nullptr), faiss::FaissException);
    EXPECT_THROW(faiss::float_to_bf16(1, &f, nullptr), faiss::FaissException);
    EXPECT_THROW(faiss::bf16_to_float(1, nullptr, &f), faiss::FaissException);
    EXPECT_NO_THROW(faiss::float_to_fp16(0, nullptr, nullptr));
    EXPECT_NO_THROW(faiss::bf16_to_float(0, nullptr, nullptr));
}
