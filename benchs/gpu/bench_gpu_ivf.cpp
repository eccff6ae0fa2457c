// GPU IVF and k-means benchmark (issue 11): GpuIndexIVFFlat / GpuIndexIVFScalarQuantizer
// (SQ8) / GpuIndexIVFPQ (PQ32) on clustered synthetic data, and k-means.
//
//   bench_gpu_ivf [--csv FILE] [--md FILE] [--reps R] [--config NB,D ...] [--nq NQ]
//                 [--nlist L] [--nprobe P ...] [--kmeans N,D,K,ITERS] [--no-kmeans]
//
// Defaults: nb=5,000,000 d=128 and nb=1,000,000 d=1024 (5M x 1024 floats is 20 GB of
// host data to generate and encode on the CPU, too long for the 8-minute check; pass
// --config 5000000,1024 for it), nq=10,000, nlist=4,096, nprobe 16 and 64, k=10;
// k-means n=5,000,000 d=128 k=4,096, 20 iterations, every point used, twice:
// faiss::gpu::train_clustering (points on the device) and faiss::Clustering with a
// GpuIndexFlatL2 assigner (the Faiss way: points copied to the device every iteration).
//
// Per index: train (k-means of the centroids on a 64 x nlist sample, then the codec),
// add (GPU assignment, CPU encoding, device lists), search with queries and results in
// device memory (median of R runs after a warm-up): QPS, recall@10 against exact
// search (GpuIndexFlatL2), and the achieved bandwidth: the bytes of codes in the probed
// lists (sum over queries, from the quantizer's own assignment) divided by the search
// time, against the H200's 4.8 TB/s. The time includes the coarse search and the
// k-selection, so this bandwidth is a lower bound for the scan itself.

#include <faiss/Clustering.h>
#include <faiss/gpu/GpuClustering.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/GpuIndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <cuda_runtime.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

constexpr double kPeakBandwidth = 4.8e12;
constexpr int kK = 10;

struct Options {
    std::vector<std::pair<long, int>> configs;
    long nq = 10000;
    long nlist = 4096;
    std::vector<int> nprobes;
    int reps = 3;
    bool kmeans = true;
    long km_n = 5000000;
    int km_d = 128;
    int km_k = 4096;
    int km_iters = 20;
    FILE* csv = nullptr;
    FILE* md = nullptr;
};

void check(cudaError_t err, const char* what) {
    if (err != cudaSuccess) {
        std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(err));
        std::exit(1);
    }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t mix(uint64_t s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

/// n points of dimension d around `centers` random centres (uniform in [0, 1)^d, drawn
/// from center_seed), with noise of half-width `spread`: every centre holds a few hundred
/// points, as real embeddings hold neighbourhoods. Parallel and seeded (point_seed).
std::vector<float> clustered_data(size_t n, int d, size_t centers, float spread,
                                  uint64_t center_seed, uint64_t point_seed) {
    std::vector<float> c(centers * d);
    uint64_t s = center_seed * 0x9E3779B97F4A7C15ull + 7;
    for (float& v : c) {
        s = mix(s);
        v = float(s >> 40) / float(1 << 24);
    }
    std::vector<float> x(n * size_t(d));
#pragma omp parallel for schedule(static)
    for (long i = 0; i < long(n); ++i) {
        uint64_t r =
            (point_seed + 1) * 0xBF58476D1CE4E5B9ull + uint64_t(i) * 0x94D049BB133111EBull + 1;
        r = mix(mix(r));
        const float* ci = c.data() + (r % centers) * d;
        for (int j = 0; j < d; ++j) {
            r = mix(r);
            x[size_t(i) * d + j] = ci[j] + spread * (float(r >> 40) / float(1 << 24) - 0.5f);
        }
    }
    return x;
}

struct DeviceBuffer {
    void* p = nullptr;
    explicit DeviceBuffer(size_t bytes) { check(cudaMalloc(&p, bytes), "cudaMalloc"); }
    ~DeviceBuffer() { cudaFree(p); }
};

double median_ms(int reps, const std::function<void()>& fn) {
    fn();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        fn();
        check(cudaDeviceSynchronize(), "sync");
        t.push_back(seconds_since(t0) * 1e3);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

double recall_at_k(const std::vector<faiss::idx_t>& I, const std::vector<faiss::idx_t>& gt,
                   size_t nq) {
    size_t hits = 0;
    for (size_t q = 0; q < nq; ++q) {
        std::unordered_set<faiss::idx_t> truth(gt.begin() + q * kK, gt.begin() + (q + 1) * kK);
        for (int j = 0; j < kK; ++j)
            hits += truth.count(I[q * kK + j]);
    }
    return double(hits) / double(nq * kK);
}

/// Bytes of codes in the lists each query probes (the scan's reads).
double scanned_bytes(faiss::gpu::GpuIndexIVF& index, const float* xq, long nq, int nprobe,
                     size_t code_size) {
    std::vector<float> d(size_t(nq) * nprobe);
    std::vector<faiss::idx_t> probes(size_t(nq) * nprobe);
    index.quantizer->search(nq, xq, nprobe, d.data(), probes.data());
    std::vector<double> len(index.nlist);
    for (faiss::idx_t l = 0; l < index.nlist; ++l)
        len[l] = double(index.getListLength(l));
    double total = 0;
    for (faiss::idx_t p : probes)
        if (p >= 0) total += len[p];
    return total * double(code_size);
}

struct Dataset {
    long nb;
    int d;
    std::vector<float> xb, xq, train;
    std::vector<faiss::idx_t> gt;
    std::vector<float> centroids;
};

void emit(const Options& o, const char* name, const Dataset& ds, double train_s, double add_s,
          int nprobe, double ms, double recall, double bytes) {
    const double qps = double(ds.xq.size() / ds.d) / (ms * 1e-3);
    const double bw = bytes / (ms * 1e-3);
    std::printf(
        "%-6s nb=%ld d=%d nprobe=%d: train %.1f s add %.1f s search %.1f ms, %.0f QPS, "
        "recall@10 %.3f, %.0f GB/s (%.1f%% of 4.8 TB/s)\n",
        name, ds.nb, ds.d, nprobe, train_s, add_s, ms, qps, recall, bw / 1e9,
        100 * bw / kPeakBandwidth);
    std::fflush(stdout);
    if (o.csv) {
        std::fprintf(o.csv, "ivf,%s,%ld,%d,%ld,%d,%.3f,%.3f,%.3f,%.1f,%.4f,%.1f,%.2f\n", name,
                     ds.nb, ds.d, o.nlist, nprobe, train_s, add_s, ms, qps, recall, bw / 1e9,
                     100 * bw / kPeakBandwidth);
        std::fflush(o.csv);
    }
    if (o.md) {
        std::fprintf(
            o.md,
            "| IVF%ld,%s | %ld | %d | %d | %.1f | %.1f | %.1f | %.0f | %.3f | %.0f | %.1f%% |\n",
            o.nlist, name, ds.nb, ds.d, nprobe, train_s, add_s, ms, qps, recall, bw / 1e9,
            100 * bw / kPeakBandwidth);
        std::fflush(o.md);
    }
}

/// Train (centroids given when already learnt), add, and search one index type.
void run_index(faiss::gpu::StandardGpuResources& res, const Options& o, Dataset& ds,
               const char* name, faiss::gpu::GpuIndexIVF& index, size_t code_size) {
    auto t0 = std::chrono::steady_clock::now();
    if (!ds.centroids.empty()) index.getQuantizer()->add(o.nlist, ds.centroids.data());
    index.train(long(ds.train.size() / ds.d), ds.train.data());
    const double train_s = seconds_since(t0);
    if (ds.centroids.empty()) {
        ds.centroids.resize(size_t(o.nlist) * ds.d);
        index.getQuantizer()->reconstruct_n(0, o.nlist, ds.centroids.data());
    }
    t0 = std::chrono::steady_clock::now();
    index.add(ds.nb, ds.xb.data());
    const double add_s = seconds_since(t0);
    const long nq = long(ds.xq.size() / ds.d);
    DeviceBuffer q(ds.xq.size() * sizeof(float)), od(size_t(nq) * kK * sizeof(float)),
        oi(size_t(nq) * kK * sizeof(faiss::idx_t));
    check(cudaMemcpy(q.p, ds.xq.data(), ds.xq.size() * sizeof(float), cudaMemcpyHostToDevice),
          "upload queries");
    std::vector<faiss::idx_t> I(size_t(nq) * kK);
    for (int nprobe : o.nprobes) {
        index.nprobe = size_t(nprobe);
        const double ms = median_ms(o.reps, [&] {
            index.search(nq, static_cast<const float*>(q.p), kK, static_cast<float*>(od.p),
                         static_cast<faiss::idx_t*>(oi.p));
        });
        check(cudaMemcpy(I.data(), oi.p, I.size() * sizeof(faiss::idx_t), cudaMemcpyDeviceToHost),
              "download labels");
        const double bytes = scanned_bytes(index, ds.xq.data(), nq, nprobe, code_size);
        emit(o, name, ds, train_s, add_s, nprobe, ms, recall_at_k(I, ds.gt, size_t(nq)), bytes);
    }
}

void run_config(faiss::gpu::StandardGpuResources& res, const Options& o, long nb, int d) {
    Dataset ds;
    ds.nb = nb;
    ds.d = d;
    auto t0 = std::chrono::steady_clock::now();
    const size_t centers = size_t(std::max<long>(nb / 500, 16));
    ds.xb = clustered_data(size_t(nb), d, centers, 0.5f, 11, 1);
    ds.xq = clustered_data(size_t(o.nq), d, centers, 0.5f, 11, 2);
    const size_t nt = std::min<size_t>(size_t(nb), size_t(o.nlist) * 64);
    ds.train.assign(ds.xb.begin(), ds.xb.begin() + nt * d);
    {
        faiss::gpu::GpuIndexFlatL2 flat(&res, d);
        flat.add(nb, ds.xb.data());
        std::vector<float> dist(size_t(o.nq) * kK);
        ds.gt.resize(size_t(o.nq) * kK);
        flat.search(o.nq, ds.xq.data(), kK, dist.data(), ds.gt.data());
    }
    std::printf("nb=%ld d=%d: data and ground truth in %.1f s\n", nb, d, seconds_since(t0));
    {
        faiss::gpu::GpuIndexIVFFlat index(&res, d, o.nlist);
        run_index(res, o, ds, "Flat", index, size_t(d) * 4);
    }
    {
        faiss::gpu::GpuIndexIVFScalarQuantizer index(&res, d, o.nlist,
                                                     faiss::ScalarQuantizer::QT_8bit);
        run_index(res, o, ds, "SQ8", index, size_t(d));
    }
    {
        faiss::gpu::GpuIndexIVFPQ index(&res, d, o.nlist, 32, 8);
        run_index(res, o, ds, "PQ32", index, 32);
    }
}

void report_kmeans(const Options& o, const char* name, double s, const faiss::Clustering& clus) {
    const double search_s =
        clus.iteration_stats.empty() ? 0 : clus.iteration_stats.back().time_search;
    const double obj = clus.iteration_stats.empty() ? 0 : clus.iteration_stats.back().obj;
    std::printf("kmeans %s n=%ld d=%d k=%d iters=%d: %.2f s (assignment %.2f s), objective %.6g\n",
                name, o.km_n, o.km_d, o.km_k, o.km_iters, s, search_s, obj);
    std::fflush(stdout);
    if (o.csv) {
        std::fprintf(o.csv, "kmeans,%s,%ld,%d,%d,%d,%.3f,%.3f,%.6g\n", name, o.km_n, o.km_d, o.km_k,
                     o.km_iters, s, search_s, obj);
    }
    if (o.md) {
        std::fprintf(o.md,
                     "\nk-means %s n=%ld d=%d k=%d, %d iterations: %.2f s (assignment "
                     "%.2f s), objective %.6g\n",
                     name, o.km_n, o.km_d, o.km_k, o.km_iters, s, search_s, obj);
    }
}

void run_kmeans(faiss::gpu::StandardGpuResources& res, const Options& o) {
    auto x = clustered_data(size_t(o.km_n), o.km_d, size_t(o.km_k) * 2, 0.5f, 77, 3);
    faiss::ClusteringParameters cp;
    cp.niter = o.km_iters;
    cp.max_points_per_centroid = int(o.km_n / o.km_k + 1);  // every point, as the torch loop
    cp.seed = 1234;
    {
        faiss::Clustering clus(o.km_d, o.km_k, cp);
        auto t0 = std::chrono::steady_clock::now();
        faiss::gpu::train_clustering(&res, 0, clus, o.km_n, x.data());
        report_kmeans(o, "train_clustering (points on the GPU)", seconds_since(t0), clus);
    }
    {
        faiss::Clustering clus(o.km_d, o.km_k, cp);
        faiss::gpu::GpuIndexFlatL2 assigner(&res, o.km_d);
        auto t0 = std::chrono::steady_clock::now();
        clus.train(o.km_n, x.data(), assigner);
        report_kmeans(o, "Clustering + GpuIndexFlatL2", seconds_since(t0), clus);
    }
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has = i + 1 < argc;
        if (a == "--csv" && has) {
            o.csv = std::fopen(argv[++i], "w");
            if (!o.csv) return false;
            std::fprintf(o.csv,
                         "kind,name,n,d,nlist_or_k,nprobe_or_iters,train_s,add_s,"
                         "search_ms,qps,recall10,gbps,pct_bandwidth\n");
        } else if (a == "--md" && has) {
            o.md = std::fopen(argv[++i], "w");
            if (!o.md) return false;
        } else if (a == "--reps" && has) {
            o.reps = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--config" && has) {
            long nb = 0;
            int d = 0;
            if (std::sscanf(argv[++i], "%ld,%d", &nb, &d) != 2 || nb <= 0 || d <= 0) return false;
            o.configs.emplace_back(nb, d);
        } else if (a == "--nq" && has) {
            o.nq = std::atol(argv[++i]);
        } else if (a == "--nlist" && has) {
            o.nlist = std::atol(argv[++i]);
        } else if (a == "--nprobe" && has) {
            o.nprobes.push_back(std::atoi(argv[++i]));
        } else if (a == "--kmeans" && has) {
            if (std::sscanf(argv[++i], "%ld,%d,%d,%d", &o.km_n, &o.km_d, &o.km_k, &o.km_iters) !=
                4) {
                return false;
            }
        } else if (a == "--no-kmeans") {
            o.kmeans = false;
        } else {
            return false;
        }
    }
    return o.nq > 0 && o.nlist > 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: %s [--csv FILE] [--md FILE] [--reps R] [--config NB,D ...] "
                     "[--nq NQ] [--nlist L] [--nprobe P ...] [--kmeans N,D,K,ITERS] "
                     "[--no-kmeans]\n",
                     argv[0]);
        return 1;
    }
    if (o.configs.empty()) o.configs = {{5000000, 128}, {1000000, 1024}};
    if (o.nprobes.empty()) o.nprobes = {16, 64};
    if (faiss::gpu::getNumDevices() == 0) {
        std::printf("bench_gpu_ivf: no CUDA device, nothing to measure\n");
        return 0;
    }
    if (o.md) {
        std::fprintf(o.md,
                     "| index | nb | d | nprobe | train s | add s | search ms (nq=%ld) | "
                     "QPS | recall@10 | GB/s | of 4.8 TB/s |\n|---|---|---|---|---|---|---|---|"
                     "---|---|---|\n",
                     o.nq);
    }
    try {
        faiss::gpu::StandardGpuResources res;
        for (const auto& c : o.configs)
            run_config(res, o, c.first, c.second);
        if (o.kmeans) run_kmeans(res, o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_gpu_ivf: %s\n", e.what());
        return 1;
    }
    if (o.csv) std::fclose(o.csv);
    if (o.md) std::fclose(o.md);
    return 0;
}
