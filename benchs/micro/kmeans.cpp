// k-means training time, split into the assignment search and the rest
// (centroid update, objective, statistics, index refill), which must stay
// negligible.
//
//   bench_kmeans [--d 128] [--n 200000] [--k 1024] [--niter 10] [--repeats 3]
//                [--data X.f32] [--kmeanspp 0|1] [--assign flat|synthetic]
//
// --data reads n x d raw float32 (e.g. written by numpy's tofile), so faiss-cpu
// can be timed on the same vectors; otherwise uniform [0, 1) data is generated
// (seed 123).
// --assign synthetic replaces the IndexFlatL2 search by a fixed pseudo-random
// assignment, which times the non-search part alone. Threads come from
// OMP_NUM_THREADS.
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Assigns point i to a hashed centroid: costs O(n), so train() time is the
// overhead.
struct SyntheticAssign : faiss::Index {
    explicit SyntheticAssign(int d) : faiss::Index(d) {}
    void add(faiss::idx_t n, const float*) override { ntotal += n; }
    void reset() override { ntotal = 0; }
    void search(faiss::idx_t n, const float*, faiss::idx_t, float* dis, faiss::idx_t* labels,
                const faiss::SearchParameters*) const override {
        for (faiss::idx_t i = 0; i < n; i++) {
            const uint64_t h = uint64_t(i) * 0x9E3779B97F4A7C15ULL;
            labels[i] = faiss::idx_t((h >> 20) % uint64_t(ntotal));
            dis[i] = float(h >> 40) * 1e-6f;
        }
    }
};

std::map<std::string, std::string> parse(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strncmp(argv[i], "--", 2) != 0) throw std::runtime_error("expected --key value");
        args[argv[i] + 2] = argv[i + 1];
    }
    return args;
}

long arg(const std::map<std::string, std::string>& a, const char* key, long dflt) {
    auto it = a.find(key);
    return it == a.end() ? dflt : std::stol(it->second);
}

std::vector<float> load_or_generate(const std::string& path, size_t n, size_t d) {
    std::vector<float> x(n * d);
    if (path.empty()) {
        std::mt19937_64 rng(123);
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        for (auto& v : x)
            v = u(rng);
        return x;
    }
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open " + path);
    const size_t got = std::fread(x.data(), sizeof(float), x.size(), f);
    std::fclose(f);
    if (got != x.size()) throw std::runtime_error(path + " holds fewer than n*d floats");
    return x;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void run(int argc, char** argv) {
    const auto a = parse(argc, argv);
    const int d = int(arg(a, "d", 128)), k = int(arg(a, "k", 1024));
    const size_t n = size_t(arg(a, "n", 200000));
    const int niter = int(arg(a, "niter", 10)), repeats = int(arg(a, "repeats", 3));
    const bool synthetic = a.count("assign") && a.at("assign") == "synthetic";
    const auto x = load_or_generate(a.count("data") ? a.at("data") : "", n, size_t(d));

    std::printf("kmeans d=%d n=%zu k=%d niter=%d threads=%d assign=%s kmeanspp=%ld\n", d, n, k,
                niter, omp_get_max_threads(), synthetic ? "synthetic" : "IndexFlatL2",
                arg(a, "kmeanspp", 0));
    std::vector<double> total, search, other;
    for (int r = 0; r < repeats; r++) {
        faiss::Clustering clus(d, k);
        clus.niter = niter;
        clus.use_kmeanspp = arg(a, "kmeanspp", 0) != 0;
        std::unique_ptr<faiss::Index> index;
        if (synthetic) {
            index = std::make_unique<SyntheticAssign>(d);
        } else {
            index = std::make_unique<faiss::IndexFlatL2>(d);
        }
        const auto t0 = std::chrono::steady_clock::now();
        clus.train(faiss::idx_t(n), x.data(), *index);
        const double t =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double ts =
            clus.iteration_stats.empty() ? 0 : clus.iteration_stats.back().time_search;
        total.push_back(t);
        search.push_back(ts);
        other.push_back(t - ts);
        std::printf("  run %d: %.3f s (search %.3f s, rest %.3f s) obj %.6g\n", r, t, ts, t - ts,
                    clus.iteration_stats.empty() ? 0.0 : double(clus.iteration_stats.back().obj));
        std::fflush(stdout);
    }
    std::printf("median: %.3f s (search %.3f s, rest %.3f s = %.1f ms per iteration)\n",
                median(total), median(search), median(other),
                1000 * median(other) / std::max(niter, 1));
}

}  // namespace

int main(int argc, char** argv) {
    try {
        run(argc, argv);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
