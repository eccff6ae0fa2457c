#include <faiss/internal/kmeans_small_d.h>

#include <faiss/internal/checks.h>
#include <faiss/simd/pq_dispatch.h>

#include <cmath>
#include <cstring>

namespace faiss::internal::kmeans {

SmallDimL2Assigner::SmallDimL2Assigner(idx_t d) : Index(d, METRIC_L2) {}

void SmallDimL2Assigner::add(idx_t n, const float* x) {
    FAISS_REQUIRE(n >= 0 && (n == 0 || x), invalid_argument, "add: bad input (n=%lld)",
                  (long long)n);
    xb_.insert(xb_.end(), x, x + size_t(n) * size_t(d));
    ntotal += n;
    const size_t nt = size_t(ntotal);
    ct_.resize(xb_.size());
    for (size_t j = 0; j < nt; j++) {
        for (size_t t = 0; t < size_t(d); t++)
            ct_[t * nt + j] = xb_[j * size_t(d) + t];
    }
}

void SmallDimL2Assigner::reset() {
    xb_.clear();
    ct_.clear();
    ntotal = 0;
}

void SmallDimL2Assigner::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                                const SearchParameters* params) const {
    FAISS_REQUIRE(k == 1 && params == nullptr, unsupported,
                  "SmallDimL2Assigner supports k = 1 without parameters only, got k=%lld",
                  (long long)k);
    FAISS_REQUIRE(n >= 0 && (n == 0 || (x && distances && labels)), invalid_argument,
                  "search: bad input (n=%lld)", (long long)n);
    if (n == 0) return;
    if (ntotal == 0) {
        for (idx_t i = 0; i < n; i++) {
            labels[i] = -1;
            distances[i] = HUGE_VALF;
        }
        return;
    }
    simd::pq_kernels().l2_transposed_nearest(x, size_t(n), size_t(d), ct_.data(), size_t(d),
                                             size_t(ntotal), labels, distances);
}

void SmallDimL2Assigner::reconstruct(idx_t key, float* recons) const {
    FAISS_REQUIRE(key >= 0 && key < ntotal, invalid_argument, "key %lld outside [0, %lld)",
                  (long long)key, (long long)ntotal);
    std::memcpy(recons, xb_.data() + size_t(key) * size_t(d), size_t(d) * sizeof(float));
}

}  // namespace faiss::internal::kmeans
