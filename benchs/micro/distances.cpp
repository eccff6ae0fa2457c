// Micro-benchmark of the one-query-many-rows distance kernels (the hot loop of exact
// single-query search) at every SIMD level this CPU supports.
//
//   bench_distances [reps]
//
// For d in {128, 384, 4096} it times fvec_L2sqr_ny and fvec_inner_products_ny over a
// database that fits in L2 cache (~512 KiB, compute bound) and one far larger than the
// last-level cache (~100 MB, memory bound), and prints the best of `reps` runs as
// database GB/s and ns per database vector. Rows "naive" (a plain float loop, what
// the compiler makes of it without -ffast-math) and "pair-loop" (fvec_L2sqr called
// once per vector) show what the batched kernels gain.
#include <faiss/simd/simd_level.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::vector<float> make_data(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> v(n);
    for (float& f : v)
        f = u(rng);
    return v;
}

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

void pair_loop_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    for (size_t i = 0; i < ny; i++)
        dis[i] = faiss::fvec_L2sqr(x, y + i * d, d);
}

void report(const char* kernel, const char* level, size_t d, size_t ny, double seconds) {
    double bytes = double(ny) * d * sizeof(float);
    std::printf("%-22s %-6s d=%-5zu ny=%-7zu %8.2f GB/s %9.2f ns/vector\n", kernel, level, d, ny,
                bytes / seconds * 1e-9, seconds / ny * 1e9);
}

struct Variant {
    std::string kernel;
    int level;  // -1: no SIMD level involved
    std::function<void()> run;
    int inner = 1;  // calls per timing, so one timing lasts >= 20 ms
    double best = 1e30;
};

double time_calls(const Variant& v) {
    auto t0 = Clock::now();
    for (int r = 0; r < v.inner; r++)
        v.run();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The machine may be shared and noisy: variants are timed round-robin, `reps` rounds,
// and each keeps its best time, so a burst of outside load hits all levels alike.
void bench_case(size_t d, size_t ny, int reps) {
    std::vector<float> x = make_data(d, 1), y = make_data(ny * d, 2), dis(ny);
    const float* xp = x.data();
    const float* yp = y.data();
    float* out = dis.data();
    std::vector<Variant> variants;
    for (int l = 0; l <= static_cast<int>(faiss::max_supported_simd_level()); l++) {
        variants.push_back({"fvec_L2sqr_ny", l, [=] { faiss::fvec_L2sqr_ny(out, xp, yp, d, ny); }});
        variants.push_back({"fvec_inner_products_ny", l,
                            [=] { faiss::fvec_inner_products_ny(out, xp, yp, d, ny); }});
        variants.push_back(
            {"pair-loop fvec_L2sqr", l, [=] { pair_loop_L2sqr_ny(out, xp, yp, d, ny); }});
    }
    variants.push_back({"naive L2sqr loop", -1, [=] { naive_L2sqr_ny(out, xp, yp, d, ny); }});
    for (Variant& v : variants) {
        if (v.level >= 0) faiss::set_simd_level(static_cast<faiss::SimdLevel>(v.level));
        while (time_calls(v) < 0.02 && v.inner < (1 << 20))
            v.inner *= 2;
    }
    for (int rep = 0; rep < reps; rep++) {
        for (Variant& v : variants) {
            if (v.level >= 0) faiss::set_simd_level(static_cast<faiss::SimdLevel>(v.level));
            v.best = std::min(v.best, time_calls(v) / v.inner);
        }
    }
    for (const Variant& v : variants) {
        const char* level =
            v.level < 0 ? "-" : faiss::simd_level_name(static_cast<faiss::SimdLevel>(v.level));
        report(v.kernel.c_str(), level, d, ny, v.best);
    }
    faiss::set_simd_level(faiss::max_supported_simd_level());
}

}  // namespace

int main(int argc, char** argv) {
    int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    std::printf("best SIMD level on this CPU: %s; best of %d round-robin runs\n",
                faiss::simd_level_name(faiss::max_supported_simd_level()), reps);
    const size_t dims[] = {128, 384, 4096};
    for (size_t d : dims) {
        size_t in_cache = std::max<size_t>(4, (size_t(128) << 10) / d);  // 512 KiB
        bench_case(d, in_cache, reps);
    }
    for (size_t d : dims) {
        size_t out_of_cache = (size_t(25) << 20) / d;  // 100 MiB
        bench_case(d, out_of_cache, reps);
    }
    return 0;
}
