// Kernel micro-benchmarks (Google Benchmark): distance kernels, top-k selection, PQ
// look-up-table scans and scalar-quantizer code distances, each at every SIMD level this
// CPU supports (the level is part of the benchmark name).
//
//   build/benchs/bench_kernels                               everything (a few minutes)
//   build/benchs/bench_kernels --benchmark_filter='pq_scan/.*avx2'
//   build/benchs/bench_kernels --benchmark_format=json > kernels.json
//
// Single thread. Figures: time per call, and items/s = vectors (or codes, or scores) per
// second; bytes/s counts the database / code bytes read.
#include "kernels_common.h"

#include <algorithm>

namespace kbench {

std::vector<faiss::SimdLevel> supported_levels() {
    std::vector<faiss::SimdLevel> out;
    const int best = static_cast<int>(faiss::max_supported_simd_level());
    for (int l = 0; l <= best; l++)
        out.push_back(static_cast<faiss::SimdLevel>(l));
    return out;
}

namespace {

struct XorShift {
    uint64_t s;
    explicit XorShift(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 1) {}
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

}  // namespace

std::vector<float> random_floats(size_t n, uint64_t seed, float lo, float hi) {
    XorShift rng(seed);
    std::vector<float> v(n);
    const float scale = (hi - lo) / 16777216.0f;  // 24 random bits
    for (float& f : v)
        f = lo + static_cast<float>(rng.next() >> 40) * scale;
    return v;
}

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
    XorShift rng(seed);
    std::vector<uint8_t> v(n);
    for (uint8_t& b : v)
        b = static_cast<uint8_t>(rng.next() >> 56);
    return v;
}

std::vector<uint16_t> random_u16(size_t n, uint64_t seed, uint16_t lo, uint16_t hi) {
    XorShift rng(seed);
    std::vector<uint16_t> v(n);
    for (uint16_t& x : v)
        x = static_cast<uint16_t>(lo + (rng.next() >> 32) % (hi - lo));
    return v;
}

}  // namespace kbench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::AddCustomContext("faiss_best_simd_level",
                                faiss::simd_level_name(faiss::max_supported_simd_level()));
    kbench::register_distance_benchmarks();
    kbench::register_topk_benchmarks();
    kbench::register_pq_benchmarks();
    kbench::register_sq_benchmarks();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
