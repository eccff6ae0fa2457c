#pragma once

// Seeded random numbers, with the Faiss names and signatures.
//
// Reproducibility: every function gives the same output for the same seed on every
// machine and for any number of OpenMP threads. The bulk fillers (float_rand ...) are
// counter-based: element i is a pure function of (seed, i), so the array can be cut
// among threads in any way without changing a value. The sequences differ from those of
// the real Faiss; only the contract (distribution, determinism) is the same.

#include <cstddef>
#include <cstdint>
#include <random>

namespace faiss {

/// A seeded Mersenne twister with Faiss's convenience draws. One object per thread:
/// the draws mutate the state, so an object must not be shared between threads
/// without a lock (make one generator per thread, each with its own seed).
struct RandomGenerator {
    std::mt19937 mt;  ///< the underlying engine (public, as in Faiss)

    /// Only the low 32 bits of seed are used, as in Faiss.
    explicit RandomGenerator(int64_t seed = 1234);

    /// Uniform in [0, 2^31 - 1].
    int rand_int();
    /// Uniform in [0, 2^63 - 1].
    int64_t rand_int64();
    /// Uniform in [0, max - 1], without modulo bias.
    /// @throws FaissException (invalid_argument) if max <= 0.
    int rand_int(int max);
    /// Uniform in [0, 1), 24 random bits.
    float rand_float();
    /// Uniform in [0, 1), 53 random bits.
    double rand_double();
};

/// A small, fast generator (SplitMix64, Steele, Lea and Flood, OOPSLA 2014). Same draws
/// as RandomGenerator; same thread-safety rule (one object per thread).
struct SplitMix64RandomGenerator {
    uint64_t state;  ///< advances by a fixed odd constant per draw

    explicit SplitMix64RandomGenerator(int64_t seed = 1234);

    /// The next 64 random bits.
    uint64_t next();
    /// Uniform in [0, 2^31 - 1].
    int rand_int();
    /// Uniform in [0, 2^63 - 1].
    int64_t rand_int64();
    /// Uniform in [0, max - 1]. @throws FaissException (invalid_argument) if max <= 0.
    int rand_int(int max);
    /// Uniform in [0, 1), 24 random bits.
    float rand_float();
    /// Uniform in [0, 1), 53 random bits.
    double rand_double();
};

// Bulk fillers. x must hold n elements (may be null when n == 0). Large arrays are
// filled by all OpenMP threads; small ones stay on the calling thread. Safe to call
// concurrently on distinct arrays.

/// x[i] uniform in [0, 1).
void float_rand(float* x, size_t n, int64_t seed);

/// x[i] standard normal (mean 0, variance 1).
void float_randn(float* x, size_t n, int64_t seed);

/// x[i] uniform in [0, 2^63 - 1].
void int64_rand(int64_t* x, size_t n, int64_t seed);

/// x[i] uniform in [0, max - 1] ("max is the maximum value + 1", as in Faiss).
/// @throws FaissException (invalid_argument) if max == 0 or max > 2^63.
void int64_rand_max(int64_t* x, size_t n, uint64_t max, int64_t seed);

/// x[i] uniform bytes.
void byte_rand(uint8_t* x, size_t n, int64_t seed);

/// A uniformly random permutation of 0 .. n - 1 into perm (n ints), by Fisher-Yates
/// with a RandomGenerator. Sequential.
/// @throws FaissException (invalid_argument) if n > INT_MAX or perm is null with n > 0.
void rand_perm(int* perm, size_t n, int64_t seed);

/// Same as rand_perm with a SplitMix64RandomGenerator (faster, different permutation).
void rand_perm_splitmix64(int* perm, size_t n, int64_t seed);

}  // namespace faiss
