// Exact search timings (IndexFlat), the figures compared with faiss-cpu by
// flat_search_faiss.py on the same sizes:
//   batch   IndexFlatL2 d=128 nb=200k, 1000 queries in one call, k=10
//   single  same index, the 1000 queries one call each
//   ip4096  IndexFlatIP d=4096 nb=20k, 100 queries, k=10
//   assign  k=1 search of 200k vectors (d=128) against 1024 centroids (k-means step)
// Usage: OMP_NUM_THREADS=t bench_flat_search [--repeats R] [--cases batch,single,...]
// Prints one line per case: median and minimum wall time over R runs.
#include <faiss/IndexFlat.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

std::vector<float> uniform(size_t n, size_t d, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> x(n * d);
    for (auto& v : x)
        v = u(rng);
    return x;
}

double cpu_ms() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

// Wall time is what users see; process CPU time (all threads) is steadier on a
// loaded machine and, at one thread, measures the work itself.
template <class F>
void time_case(const char* name, int repeats, F&& run) {
    run();  // warm-up: page faults, thread team, BLAS buffers
    std::vector<double> ms, cpu;
    for (int r = 0; r < repeats; r++) {
        const double c0 = cpu_ms();
        auto t0 = std::chrono::steady_clock::now();
        run();
        auto t1 = std::chrono::steady_clock::now();
        cpu.push_back(cpu_ms() - c0);
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-8s threads=%d  median %9.2f ms  min %9.2f ms  cpu median %9.2f ms\n", name,
                omp_get_max_threads(), ms[ms.size() / 2], ms[0], cpu[cpu.size() / 2]);
    std::fflush(stdout);
}

bool wanted(const std::string& cases, const char* name) {
    return cases.empty() ||
           ("," + cases + ",").find("," + std::string(name) + ",") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
    int repeats = 5;
    std::string cases;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--repeats")) repeats = std::max(1, std::atoi(argv[i + 1]));
        if (!std::strcmp(argv[i], "--cases")) cases = argv[i + 1];
    }
    const size_t k = 10;
    if (wanted(cases, "batch") || wanted(cases, "single")) {
        const size_t d = 128, nb = 200000, nq = 1000;
        auto xb = uniform(nb, d, 1);
        auto xq = uniform(nq, d, 2);
        faiss::IndexFlatL2 index(d);
        index.add(nb, xb.data());
        std::vector<float> D(nq * k);
        std::vector<faiss::idx_t> I(nq * k);
        if (wanted(cases, "batch")) {
            time_case("batch", repeats,
                      [&] { index.search(nq, xq.data(), k, D.data(), I.data()); });
        }
        if (wanted(cases, "single")) {
            time_case("single", repeats, [&] {
                for (size_t q = 0; q < nq; q++) {
                    index.search(1, xq.data() + q * d, k, D.data() + q * k, I.data() + q * k);
                }
            });
        }
    }
    if (wanted(cases, "ip4096")) {
        const size_t d = 4096, nb = 20000, nq = 100;
        auto xb = uniform(nb, d, 3);
        auto xq = uniform(nq, d, 4);
        faiss::IndexFlatIP index(d);
        index.add(nb, xb.data());
        std::vector<float> D(nq * k);
        std::vector<faiss::idx_t> I(nq * k);
        time_case("ip4096", repeats, [&] { index.search(nq, xq.data(), k, D.data(), I.data()); });
    }
    if (wanted(cases, "assign")) {
        const size_t d = 128, n = 200000, nc = 1024;
        auto x = uniform(n, d, 5);
        auto centroids = uniform(nc, d, 6);
        faiss::IndexFlatL2 index(d);
        index.add(nc, centroids.data());
        std::vector<float> D(n);
        std::vector<faiss::idx_t> I(n);
        time_case("assign", repeats, [&] { index.search(n, x.data(), 1, D.data(), I.data()); });
    }
    return 0;
}
