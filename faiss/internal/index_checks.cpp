#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>

#include <faiss/RangeSearchResult.h>

#include <algorithm>
#include <limits>

namespace faiss::internal {

void check_vectors(const Index& index, idx_t n, const float* x, const char* what) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of %s vectors must be >= 0, got %lld", what,
                  (long long)n);
    FAISS_REQUIRE(n == 0 || x != nullptr, invalid_argument, "%s vectors pointer is null for n=%lld",
                  what, (long long)n);
}

void check_search(const Index& index, idx_t n, const float* x, idx_t k) {
    check_vectors(index, n, x, "query");
    FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %lld", (long long)k);
    FAISS_REQUIRE(index.is_trained, not_trained, "index is not trained: call train() first");
}

void check_search_outputs(const Index& index, idx_t n, const float* x, idx_t k,
                          const float* distances, const idx_t* labels) {
    check_search(index, n, x, k);
    FAISS_REQUIRE(n == 0 || (distances != nullptr && labels != nullptr), invalid_argument,
                  "distances or labels output pointer is null");
}

void check_range_search(const Index& index, idx_t n, const float* x,
                        const RangeSearchResult* result) {
    check_vectors(index, n, x, "query");
    FAISS_REQUIRE(result != nullptr, invalid_argument, "range search result is null");
    FAISS_REQUIRE(result->nq == size_t(n), invalid_argument,
                  "range search result was made for nq=%zu, got n=%lld", result->nq, (long long)n);
}

void check_add(const Index& index, idx_t n, const float* x) {
    check_vectors(index, n, x, "added");
    FAISS_REQUIRE(index.is_trained, not_trained, "index is not trained: call train() first");
}

void check_key(const Index& index, idx_t key) {
    FAISS_REQUIRE(key >= 0 && key < index.ntotal, invalid_argument,
                  "id %lld is out of range [0, ntotal=%lld)", (long long)key,
                  (long long)index.ntotal);
}

void fill_padding(MetricType metric, idx_t n, idx_t k, float* distances, idx_t* labels) {
    const float pad = is_similarity_metric(metric) ? -std::numeric_limits<float>::infinity()
                                                   : std::numeric_limits<float>::infinity();
    std::fill(distances, distances + size_t(n) * size_t(k), pad);
    std::fill(labels, labels + size_t(n) * size_t(k), idx_t(-1));
}

}  // namespace faiss::internal
