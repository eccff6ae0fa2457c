#include <faiss/utils/utils.h>

#include <faiss/internal/checks.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace faiss {

double getmillisecs() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

size_t get_mem_usage_kb() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    size_t kb = 0;
    while (std::fgets(line, sizeof(line), f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) {
            unsigned long long v = 0;
            if (std::sscanf(line + 6, "%llu", &v) == 1) kb = size_t(v);
            break;
        }
    }
    std::fclose(f);
    return kb;
}

double imbalance_factor(idx_t n, int k, const idx_t* assign) {
    FAISS_REQUIRE(n > 0, invalid_argument, "imbalance_factor: n must be > 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(k > 0, invalid_argument, "imbalance_factor: k must be > 0, got %d", k);
    FAISS_REQUIRE(assign, invalid_argument, "imbalance_factor: assign is null");
    std::vector<int64_t> hist(size_t(k), 0);
    for (idx_t i = 0; i < n; i++) {
        FAISS_REQUIRE(assign[i] >= 0 && assign[i] < k, invalid_argument,
                      "imbalance_factor: assign[%lld] = %lld is outside [0, %d)", (long long)i,
                      (long long)assign[i], k);
        hist[size_t(assign[i])]++;
    }
    double sum_sq = 0;
    for (int64_t h : hist)
        sum_sq += double(h) * double(h);
    return sum_sq * double(k) / (double(n) * double(n));
}

int ivec_hist(size_t n, const int* v, int vmax, int* hist) {
    FAISS_REQUIRE(vmax >= 0, invalid_argument, "ivec_hist: vmax must be >= 0, got %d", vmax);
    FAISS_REQUIRE(n == 0 || v, invalid_argument, "ivec_hist: v is null");
    FAISS_REQUIRE(vmax == 0 || hist, invalid_argument, "ivec_hist: hist is null");
    std::memset(hist, 0, sizeof(int) * size_t(vmax));
    int outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0 || v[i] >= vmax)
            outside++;
        else
            hist[v[i]]++;
    }
    return outside;
}

}  // namespace faiss
