// Hamming kernels (faiss/simd/hamming_dispatch.h): every table this CPU can run
// (scalar, POPCNT, AVX512_VPOPCNTDQ) against a bit-by-bit reference, for the
// specialised code sizes (8, 16, 32, 64 bytes) and odd ones, counts that are not
// multiples of the 8-code step, thresholds that pass nothing or everything, and an ids
// buffer of exactly n entries.
#include <faiss/simd/cpu_features.h>
#include <faiss/simd/dispatch.h>
#include <faiss/simd/hamming_dispatch.h>

#include <gtest/gtest.h>

#include "simd_test_helpers.h"

#include <random>
#include <string>
#include <vector>

namespace {

using faiss::simd::HammingKernels;

int ref_distance(const uint8_t* a, const uint8_t* b, size_t cs) {
    int h = 0;
    for (size_t i = 0; i < cs; i++)
        for (int bit = 0; bit < 8; bit++)
            h += ((a[i] ^ b[i]) >> bit) & 1;
    return h;
}

// Every table usable on this CPU, whatever the current level.
std::vector<const HammingKernels*> usable_tables() {
    const auto& f = faiss::simd::cpu_features();
    std::vector<const HammingKernels*> t{&faiss::simd::scalar::hamming_kernels};
    if (f.popcnt) t.push_back(&faiss::simd::avx2::hamming_kernels);
    if (f.has_avx512_level() && f.avx512vpopcntdq && f.popcnt)
        t.push_back(&faiss::simd::avx512::hamming_kernels_vpopcntdq);
    return t;
}

// Codes near the query (few flipped bits), its complement, equal codes and random
// ones, so that thresholds across the whole range select some but not all.
std::vector<uint8_t> make_codes(const std::vector<uint8_t>& q, size_t n, std::mt19937& rng) {
    const size_t cs = q.size();
    std::vector<uint8_t> codes(n * cs);
    for (size_t j = 0; j < n; j++) {
        uint8_t* c = codes.data() + j * cs;
        switch (j % 4) {
            case 0:
                for (size_t i = 0; i < cs; i++)
                    c[i] = uint8_t(rng());
                break;
            case 1:
                for (size_t i = 0; i < cs; i++)
                    c[i] = q[i];
                for (size_t f = rng() % (2 * cs + 1); f > 0; f--)
                    c[rng() % cs] ^= uint8_t(1u << (rng() % 8));
                break;
            case 2:
                for (size_t i = 0; i < cs; i++)
                    c[i] = uint8_t(~q[i]);
                break;
            default:
                for (size_t i = 0; i < cs; i++)
                    c[i] = q[i];
        }
    }
    return codes;
}

TEST(HammingKernels, DistancesAndFilterMatchReference) {
    std::mt19937 rng(123);
    const auto tables = usable_tables();
    for (size_t cs : {1, 3, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 40, 63, 64, 65, 128, 300}) {
        for (size_t n : {0, 1, 7, 8, 9, 15, 16, 37, 256}) {
            std::vector<uint8_t> q(cs);
            for (auto& b : q)
                b = uint8_t(rng());
            const auto codes = make_codes(q, n, rng);
            std::vector<int32_t> expect(n);
            for (size_t j = 0; j < n; j++)
                expect[j] = ref_distance(q.data(), codes.data() + j * cs, cs);
            const int bits = int(8 * cs);
            for (const HammingKernels* k : tables) {
                const std::string where =
                    std::string(k->name) + " cs=" + std::to_string(cs) + " n=" + std::to_string(n);
                // Sentinels past the outputs catch writes beyond n entries.
                std::vector<int32_t> out(n + 4, -7);
                k->distances(q.data(), codes.data(), cs, n, out.data());
                ASSERT_EQ(std::vector<int32_t>(out.begin(), out.begin() + long(n)), expect)
                    << where;
                for (size_t j = n; j < n + 4; j++)
                    ASSERT_EQ(out[j], -7) << where;
                for (int ht : {-5, 0, 1, bits / 4, bits / 2, bits / 2 + 1, bits, bits + 1}) {
                    std::vector<uint32_t> want;
                    for (size_t j = 0; j < n; j++)
                        if (expect[j] < ht) want.push_back(uint32_t(j));
                    std::vector<uint32_t> ids(n + 4, 0xdeadbeef);
                    const size_t got = k->filter(q.data(), codes.data(), cs, n, ht, ids.data());
                    ASSERT_EQ(got, want.size()) << where << " ht=" << ht;
                    ASSERT_EQ(std::vector<uint32_t>(ids.begin(), ids.begin() + long(got)), want)
                        << where << " ht=" << ht;
                    for (size_t j = n; j < n + 4; j++)
                        ASSERT_EQ(ids[j], 0xdeadbeefu) << where << " ht=" << ht;
                }
            }
        }
    }
}

// Unaligned code and query addresses (codes inside a larger buffer at odd offsets).
TEST(HammingKernels, UnalignedInput) {
    std::mt19937 rng(9);
    for (size_t cs : {8, 16, 32, 64}) {
        const size_t n = 29;
        std::vector<uint8_t> buf(n * cs + cs + 3);
        for (auto& b : buf)
            b = uint8_t(rng());
        const uint8_t* q = buf.data() + 1;
        const uint8_t* codes = buf.data() + cs + 3;
        for (const HammingKernels* k : usable_tables()) {
            std::vector<int32_t> out(n);
            k->distances(q, codes, cs, n, out.data());
            for (size_t j = 0; j < n; j++)
                ASSERT_EQ(out[j], ref_distance(q, codes + j * cs, cs)) << k->name << " cs=" << cs;
        }
    }
}

// The dispatcher hands out vpopcntdq only at the avx512 level of a CPU that has it,
// popcnt at the other vector levels, scalar at the scalar level.
TEST(HammingKernels, DispatchFollowsLevelAndCpu) {
    const auto& f = faiss::simd::cpu_features();
    for (auto level : faiss::test::supported_simd_levels()) {
        const std::string name = faiss::simd::hamming_kernels(level).name;
        if (level == faiss::SimdLevel::scalar) {
            EXPECT_EQ(name, "scalar");
        } else if (level == faiss::SimdLevel::avx512 && f.avx512vpopcntdq && f.popcnt) {
            EXPECT_EQ(name, "vpopcntdq");
        } else {
            EXPECT_EQ(name, f.popcnt ? "popcnt" : "scalar");
        }
        faiss::test::SimdLevelGuard guard(level);
        EXPECT_EQ(faiss::simd::hamming_kernels().name, name);
    }
}

}  // namespace
