// Random generators. The bulk fillers are counter-based: element i is derived from
// mix64(key(seed) + (i + 1) * kGolden), i.e. the i-th output of a SplitMix64 stream
// seeded with key(seed), which can be computed without the previous elements. That is
// what makes the output independent of how OpenMP splits the work.
#include <faiss/utils/random.h>

#include <faiss/internal/checks.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

namespace faiss {

namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio, odd

uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Key of the stream for a seed; mixing keeps nearby seeds' streams unrelated.
uint64_t stream_key(int64_t seed) {
    return mix64(uint64_t(seed) ^ 0x6a09e667f3bcc909ULL);
}

uint64_t stream_value(uint64_t key, uint64_t i) {
    return mix64(key + (i + 1) * kGolden);
}

float bits_to_float(uint64_t r) {
    return float(r >> 40) * (1.0f / 16777216.0f);
}

double bits_to_double(uint64_t r) {
    return double(r >> 11) * (1.0 / 9007199254740992.0);
}

/// Uniform in [0, max) from a 32-bit source without modulo bias (Lemire, "Fast random
/// integer generation in an interval", 2019): keep the high half of r * max and
/// reject the few low halves that would over-represent some values.
template <class Next32>
uint32_t bounded32(uint32_t max, Next32&& next32) {
    uint64_t m = uint64_t(next32()) * max;
    uint32_t low = uint32_t(m);
    if (low < max) {
        const uint32_t threshold = uint32_t(-max) % max;
        while (low < threshold) {
            m = uint64_t(next32()) * max;
            low = uint32_t(m);
        }
    }
    return uint32_t(m >> 32);
}

/// The same for 64 bits, drawing from the sub-stream key.
uint64_t bounded64(uint64_t max, uint64_t key) {
    using u128 = unsigned __int128;
    uint64_t draw = 0;
    u128 m = u128(stream_value(key, draw++)) * max;
    uint64_t low = uint64_t(m);
    if (low < max) {
        const uint64_t threshold = uint64_t(-max) % max;
        while (low < threshold) {
            m = u128(stream_value(key, draw++)) * max;
            low = uint64_t(m);
        }
    }
    return uint64_t(m >> 64);
}

/// Run fill(begin, end) over [0, n): on the calling thread for small n, in fixed
/// chunks over the OpenMP threads otherwise. fill must not throw. Chunk boundaries are
/// even so that pair-wise generators (float_randn) see whole pairs.
template <class Fill>
void fill_in_parallel(size_t n, Fill&& fill) {
    constexpr size_t kChunk = size_t(1) << 14;
    if (n < 4 * kChunk) {
        fill(size_t(0), n);
        return;
    }
    const int64_t nchunks = int64_t((n + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < nchunks; c++) {
        const size_t begin = size_t(c) * kChunk;
        fill(begin, std::min(n, begin + kChunk));
    }
}

void check_output(const void* x, size_t n, const char* name) {
    FAISS_REQUIRE(n == 0 || x, invalid_argument, "%s: output array is null for n=%zu", name, n);
}

template <class Generator>
void fisher_yates(int* perm, size_t n, Generator& rng, const char* name) {
    check_output(perm, n, name);
    FAISS_REQUIRE(n <= size_t(INT_MAX), invalid_argument,
                  "%s: n=%zu does not fit the int permutation entries", name, n);
    for (size_t i = 0; i < n; i++)
        perm[i] = int(i);
    for (size_t i = 0; i + 1 < n; i++) {
        const size_t j = i + size_t(rng.rand_int(int(n - i)));
        std::swap(perm[i], perm[j]);
    }
}

}  // namespace

RandomGenerator::RandomGenerator(int64_t seed) : mt(uint32_t(seed)) {}

int RandomGenerator::rand_int() {
    return int(mt() >> 1);
}

int64_t RandomGenerator::rand_int64() {
    const uint64_t hi = mt();
    const uint64_t lo = mt();
    return int64_t(((hi << 32) | lo) >> 1);
}

int RandomGenerator::rand_int(int max) {
    FAISS_REQUIRE(max > 0, invalid_argument, "rand_int: max must be > 0, got %d", max);
    return int(bounded32(uint32_t(max), [this] { return uint32_t(mt()); }));
}

float RandomGenerator::rand_float() {
    return float(mt() >> 8) * (1.0f / 16777216.0f);
}

double RandomGenerator::rand_double() {
    const uint64_t hi = mt();
    const uint64_t lo = mt();
    return bits_to_double((hi << 32) | lo);
}

SplitMix64RandomGenerator::SplitMix64RandomGenerator(int64_t seed) : state(uint64_t(seed)) {}

uint64_t SplitMix64RandomGenerator::next() {
    state += kGolden;
    return mix64(state);
}

int SplitMix64RandomGenerator::rand_int() {
    return int(next() >> 33);
}

int64_t SplitMix64RandomGenerator::rand_int64() {
    return int64_t(next() >> 1);
}

int SplitMix64RandomGenerator::rand_int(int max) {
    FAISS_REQUIRE(max > 0, invalid_argument, "rand_int: max must be > 0, got %d", max);
    return int(bounded32(uint32_t(max), [this] { return uint32_t(next() >> 32); }));
}

float SplitMix64RandomGenerator::rand_float() {
    return bits_to_float(next());
}

double SplitMix64RandomGenerator::rand_double() {
    return bits_to_double(next());
}

void float_rand(float* x, size_t n, int64_t seed) {
    check_output(x, n, "float_rand");
    const uint64_t key = stream_key(seed);
    fill_in_parallel(n, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++)
            x[i] = bits_to_float(stream_value(key, i));
    });
}

void float_randn(float* x, size_t n, int64_t seed) {
    check_output(x, n, "float_randn");
    const uint64_t key = stream_key(seed);
    // Box-Muller: pair p = (x[2p], x[2p+1]) comes from draws 2p and 2p+1. u1 is in
    // (0, 1] so the logarithm stays finite.
    fill_in_parallel(n, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i += 2) {
            const double u1 = 1.0 - bits_to_double(stream_value(key, i));
            const double u2 = bits_to_double(stream_value(key, i + 1));
            const double radius = std::sqrt(-2.0 * std::log(u1));
            const double angle = 6.283185307179586476925 * u2;
            x[i] = float(radius * std::cos(angle));
            if (i + 1 < end) x[i + 1] = float(radius * std::sin(angle));
        }
    });
}

void int64_rand(int64_t* x, size_t n, int64_t seed) {
    check_output(x, n, "int64_rand");
    const uint64_t key = stream_key(seed);
    fill_in_parallel(n, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++)
            x[i] = int64_t(stream_value(key, i) >> 1);
    });
}

void int64_rand_max(int64_t* x, size_t n, uint64_t max, int64_t seed) {
    check_output(x, n, "int64_rand_max");
    FAISS_REQUIRE(max > 0 && max <= (uint64_t(1) << 63), invalid_argument,
                  "int64_rand_max: max must be in [1, 2^63], got %llu", (unsigned long long)max);
    const uint64_t key = stream_key(seed);
    fill_in_parallel(n, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++) {
            x[i] = int64_t(bounded64(max, stream_value(key, i)));
        }
    });
}

void byte_rand(uint8_t* x, size_t n, int64_t seed) {
    check_output(x, n, "byte_rand");
    const uint64_t key = stream_key(seed);
    fill_in_parallel(n, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++) {
            x[i] = uint8_t(stream_value(key, i >> 3) >> (8 * (i & 7)));
        }
    });
}

void rand_perm(int* perm, size_t n, int64_t seed) {
    RandomGenerator rng(seed);
    fisher_yates(perm, n, rng, "rand_perm");
}

void rand_perm_splitmix64(int* perm, size_t n, int64_t seed) {
    SplitMix64RandomGenerator rng(seed);
    fisher_yates(perm, n, rng, "rand_perm_splitmix64");
}

}  // namespace faiss
