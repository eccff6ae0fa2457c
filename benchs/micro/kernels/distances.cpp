// One query against many rows: fvec_L2sqr_ny and fvec_inner_products_ny (the hot loop of
// exact single-query search) at d = 128, 384, 4096, on a database that fits in L2
// (~512 KiB: compute bound) and one far larger than the last-level cache (100 MiB: memory
// bound). Baselines: "pairloop" (fvec_L2sqr once per row, per level) and "naive" (a
// plain float loop, what the compiler makes of it without -ffast-math; no level:
// "baseline").
#include "kernels_common.h"

#include <faiss/utils/distances.h>

#include <algorithm>

namespace kbench {
namespace {

void naive_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    for (size_t i = 0; i < ny; i++) {
        float acc = 0;
        for (size_t j = 0; j < d; j++) {
            float t = x[j] - y[i * d + j];
            acc += t * t;
        }
        dis[i] = acc;
    }
}

void pairloop_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    for (size_t i = 0; i < ny; i++)
        dis[i] = faiss::fvec_L2sqr(x, y + i * d, d);
}

using NyKernel = void (*)(float*, const float*, const float*, size_t, size_t);

void run_ny(benchmark::State& state, NyKernel kernel, size_t d, size_t ny) {
    std::vector<float> x = random_floats(d, 1), y = random_floats(ny * d, 2), dis(ny);
    for (auto _ : state) {
        kernel(dis.data(), x.data(), y.data(), d, ny);
        benchmark::DoNotOptimize(dis.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ny));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * ny * d * sizeof(float)));
}

}  // namespace

void register_distance_benchmarks() {
    const size_t dims[] = {128, 384, 4096};
    for (size_t d : dims) {
        const size_t sizes[] = {std::max<size_t>(4, (size_t(128) << 10) / d),
                                (size_t(25) << 20) / d};
        for (size_t ny : sizes) {
            const std::string shape = "/d:" + std::to_string(d) + "/ny:" + std::to_string(ny);
            register_per_level("distances/L2sqr_ny" + shape, [d, ny](benchmark::State& s) {
                run_ny(s, faiss::fvec_L2sqr_ny, d, ny);
            });
            register_per_level("distances/inner_products_ny" + shape, [d, ny](benchmark::State& s) {
                run_ny(s, faiss::fvec_inner_products_ny, d, ny);
            });
            register_per_level("distances/L2sqr_pairloop" + shape, [d, ny](benchmark::State& s) {
                run_ny(s, pairloop_L2sqr_ny, d, ny);
            });
            benchmark::RegisterBenchmark(
                ("distances/L2sqr_naive" + shape + "/baseline").c_str(),
                [d, ny](benchmark::State& s) { run_ny(s, naive_L2sqr_ny, d, ny); });
        }
    }
}

}  // namespace kbench
