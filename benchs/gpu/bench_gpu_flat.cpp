// GPU exact k-NN benchmark (issue 10): GpuIndexFlatL2 search and bfKnn on random data,
// median time over repetitions after a warm-up, and the achieved TFLOP/s counting
// 2 * nq * nb * d floating-point operations (the GEMM), against the H200's 67 TFLOP/s
// FP32 peak.
//
//   bench_gpu_flat [--csv FILE] [--reps R] [--config NB,D,NQ ...] [--k K ...]
//
// Default configurations: nb=1,000,000 d=128 and nb=200,000 d=4,096, nq=10,000,
// k=10 and 100. Modes:
//   index-dev    GpuIndexFlatL2, queries and results in device memory
//   index-host   GpuIndexFlatL2, queries and results in host memory (copies included)
//   bfknn-dev    bfKnn on device arrays (database norms computed per call)
//   index-fp16   GpuIndexFlatL2 with float16 storage, device arrays
// Rows go to stdout and, with --csv, to a CSV file.

#include <faiss/gpu/GpuDistance.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <cuda_runtime.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

constexpr double kPeakTflops = 67.0;

struct Config {
    long nb;
    int d;
    long nq;
};

void check(cudaError_t err, const char* what) {
    if (err != cudaSuccess) {
        std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(err));
        std::exit(1);
    }
}

/// Uniform [0, 1) floats from a per-block xorshift generator (fast, parallel, seeded).
std::vector<float> random_data(size_t n, uint64_t seed) {
    std::vector<float> x(n);
    const size_t block = size_t(1) << 16;
#pragma omp parallel for schedule(static)
    for (long b = 0; b < long((n + block - 1) / block); ++b) {
        uint64_t s = seed * 0x9E3779B97F4A7C15ull + uint64_t(b) * 0xBF58476D1CE4E5B9ull + 1;
        const size_t end = std::min(n, size_t(b + 1) * block);
        for (size_t i = size_t(b) * block; i < end; ++i) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            x[i] = float(s >> 40) / float(1 << 24);
        }
    }
    return x;
}

/// Device copy of a host array, freed at destruction.
struct DeviceCopy {
    void* p = nullptr;
    DeviceCopy(const void* src, size_t bytes) {
        check(cudaMalloc(&p, bytes), "cudaMalloc");
        if (src) check(cudaMemcpy(p, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
    }
    ~DeviceCopy() { cudaFree(p); }
};

/// Median wall time in ms of `reps` calls after one warm-up (calls return when done).
double median_ms(int reps, const std::function<void()>& fn) {
    fn();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        fn();
        check(cudaDeviceSynchronize(), "sync");
        auto t1 = std::chrono::steady_clock::now();
        t.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void report(FILE* csv, const Config& c, const char* mode, int k, double ms) {
    const double tflops = 2.0 * c.nq * double(c.nb) * c.d / (ms * 1e-3) / 1e12;
    std::printf("nb=%ld d=%d nq=%ld k=%d %-11s %10.2f ms %7.2f TFLOP/s (%4.1f%% of FP32 peak)\n",
                c.nb, c.d, c.nq, k, mode, ms, tflops, 100.0 * tflops / kPeakTflops);
    std::fflush(stdout);
    if (csv) {
        std::fprintf(csv, "%ld,%d,%ld,%d,%s,%.3f,%.3f\n", c.nb, c.d, c.nq, k, mode, ms, tflops);
        std::fflush(csv);
    }
}

void run_config(faiss::gpu::StandardGpuResources& res, const Config& c, const std::vector<int>& ks,
                int reps, FILE* csv) {
    auto xb = random_data(size_t(c.nb) * c.d, 1);
    auto xq = random_data(size_t(c.nq) * c.d, 2);
    const int kmax = *std::max_element(ks.begin(), ks.end());
    DeviceCopy dq(xq.data(), xq.size() * sizeof(float));
    DeviceCopy dd(nullptr, size_t(c.nq) * kmax * sizeof(float));
    DeviceCopy di(nullptr, size_t(c.nq) * kmax * sizeof(int64_t));
    std::vector<float> hd(size_t(c.nq) * kmax);
    std::vector<faiss::idx_t> hi(size_t(c.nq) * kmax);
    auto* qd = static_cast<const float*>(dq.p);
    auto* od = static_cast<float*>(dd.p);
    auto* oi = static_cast<faiss::idx_t*>(di.p);
    {
        faiss::gpu::GpuIndexFlatL2 index(&res, c.d);
        auto t0 = std::chrono::steady_clock::now();
        index.add(c.nb, xb.data());
        auto t1 = std::chrono::steady_clock::now();
        std::printf("nb=%ld d=%d: add %.1f ms\n", c.nb, c.d,
                    std::chrono::duration<double, std::milli>(t1 - t0).count());
        for (int k : ks) {
            report(csv, c, "index-dev", k,
                   median_ms(reps, [&] { index.search(c.nq, qd, k, od, oi); }));
            report(csv, c, "index-host", k, median_ms(reps, [&] {
                       index.search(c.nq, xq.data(), k, hd.data(), hi.data());
                   }));
        }
    }
    {
        DeviceCopy db(xb.data(), xb.size() * sizeof(float));
        for (int k : ks) {
            faiss::gpu::GpuDistanceParams a;
            a.k = k;
            a.dims = c.d;
            a.vectors = db.p;
            a.numVectors = c.nb;
            a.queries = qd;
            a.numQueries = c.nq;
            a.outDistances = od;
            a.outIndices = oi;
            report(csv, c, "bfknn-dev", k, median_ms(reps, [&] { faiss::gpu::bfKnn(&res, a); }));
        }
    }
    {
        faiss::gpu::GpuIndexFlatConfig config;
        config.useFloat16 = true;
        faiss::gpu::GpuIndexFlatL2 index(&res, c.d, config);
        index.add(c.nb, xb.data());
        const int k = ks.front();
        report(csv, c, "index-fp16", k,
               median_ms(reps, [&] { index.search(c.nq, qd, k, od, oi); }));
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<Config> configs;
    std::vector<int> ks;
    int reps = 5;
    FILE* csv = nullptr;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--csv" && i + 1 < argc) {
            csv = std::fopen(argv[++i], "w");
            if (!csv) {
                std::perror("csv");
                return 1;
            }
            std::fprintf(csv, "nb,d,nq,k,mode,ms,tflops\n");
        } else if (a == "--reps" && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--config" && i + 1 < argc) {
            Config c{};
            if (std::sscanf(argv[++i], "%ld,%d,%ld", &c.nb, &c.d, &c.nq) != 3) {
                std::fprintf(stderr, "--config wants NB,D,NQ\n");
                return 1;
            }
            configs.push_back(c);
        } else if (a == "--k" && i + 1 < argc) {
            ks.push_back(std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: %s [--csv FILE] [--reps R] [--config NB,D,NQ] [--k K]\n",
                         argv[0]);
            return 1;
        }
    }
    if (configs.empty()) configs = {{1000000, 128, 10000}, {200000, 4096, 10000}};
    if (ks.empty()) ks = {10, 100};
    if (faiss::gpu::getNumDevices() == 0) {
        std::printf("bench_gpu_flat: no CUDA device, nothing to measure\n");
        return 0;
    }
    try {
        faiss::gpu::StandardGpuResources res;
        for (const Config& c : configs)
            run_config(res, c, ks, reps, csv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gpu_flat: %s\n", e.what());
        return 1;
    }
    if (csv) std::fclose(csv);
    return 0;
}
