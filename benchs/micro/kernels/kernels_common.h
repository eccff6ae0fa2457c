#pragma once

// Shared pieces of the Google Benchmark kernel micro-benchmarks (bench_kernels): the
// SIMD levels to cover, cheap seeded data, and per-level registration.

#include <faiss/simd/simd_level.h>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kbench {

/// Every level from scalar up to the best this CPU supports.
std::vector<faiss::SimdLevel> supported_levels();

/// n floats uniform in [lo, hi), from a seeded xorshift generator (fast enough to fill
/// the out-of-cache buffers, and the same on every machine).
std::vector<float> random_floats(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f);

/// n bytes from the same generator.
std::vector<uint8_t> random_bytes(size_t n, uint64_t seed);

/// n 16-bit values uniform in [lo, hi) (finite fp16 / bf16 bit patterns).
std::vector<uint16_t> random_u16(size_t n, uint64_t seed, uint16_t lo, uint16_t hi);

/// Registers `body` once per supported level, as "<name>/<level>"; the level is forced
/// (faiss::set_simd_level) before the timing loop starts, and the best level is restored
/// after it, so the benchmarks can run in any order or filter.
template <typename F>
void register_per_level(const std::string& name, F body) {
    for (faiss::SimdLevel level : supported_levels()) {
        std::string full = name + "/" + faiss::simd_level_name(level);
        benchmark::RegisterBenchmark(full.c_str(), [body, level](benchmark::State& state) {
            faiss::set_simd_level(level);
            body(state);
            faiss::set_simd_level(faiss::max_supported_simd_level());
        });
    }
}

void register_distance_benchmarks();
void register_topk_benchmarks();
void register_pq_benchmarks();
void register_sq_benchmarks();

}  // namespace kbench
