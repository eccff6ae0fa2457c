// Public exact k-NN, range search and pairwise distance functions (distances.h), thin
// validated wrappers around the engine in knn_engine.cpp.
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/blas.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/topk.h>
#include <faiss/internal/topk_search.h>
#include <faiss/utils/distances.h>

#include <omp.h>

#include <algorithm>
#include <climits>
#include <vector>

namespace faiss {

namespace {

void check_sets(const float* x, const float* y, size_t d, size_t nx, size_t ny) {
    FAISS_REQUIRE(nx == 0 || x, invalid_argument, "query vectors are null for nx=%zu", nx);
    FAISS_REQUIRE(ny == 0 || y, invalid_argument, "database vectors are null for ny=%zu", ny);
    FAISS_REQUIRE(d <= size_t(INT_MAX), invalid_argument, "dimension %zu is too large", d);
}

void check_knn(const float* x, const float* y, size_t d, size_t nx, size_t ny, size_t k,
               const float* distances, const int64_t* indexes) {
    check_sets(x, y, d, nx, ny);
    FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %zu", k);
    FAISS_REQUIRE(nx == 0 || (distances && indexes), invalid_argument,
                  "distances or indexes output is null");
}

internal::ExactDatabase database(const float* y, size_t d, size_t ny, MetricType metric,
                                 float metric_arg, const IDSelector* sel) {
    internal::ExactDatabase db;
    db.d = d;
    db.nb = ny;
    db.xb = y;
    db.metric = metric;
    db.metric_arg = metric_arg;
    db.sel = sel;
    return db;
}

void check_range(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                 const RangeSearchResult* result) {
    check_sets(x, y, d, nx, ny);
    FAISS_REQUIRE(result, invalid_argument, "range search result is null");
    FAISS_REQUIRE(result->nq == nx, invalid_argument,
                  "range search result was made for nq=%zu, got %zu queries", result->nq, nx);
}

}  // namespace

void knn_L2sqr(const float* x, const float* y, size_t d, size_t nx, size_t ny, size_t k,
               float* distances, int64_t* indexes, const float* y_norm2, const IDSelector* sel) {
    check_knn(x, y, d, nx, ny, k, distances, indexes);
    internal::ExactDatabase db = database(y, d, ny, METRIC_L2, 0, sel);
    db.norms = y_norm2;
    internal::exact_knn(db, nx, x, k, distances, indexes);
}

void knn_inner_product(const float* x, const float* y, size_t d, size_t nx, size_t ny, size_t k,
                       float* distances, int64_t* indexes, const IDSelector* sel) {
    check_knn(x, y, d, nx, ny, k, distances, indexes);
    internal::exact_knn(database(y, d, ny, METRIC_INNER_PRODUCT, 0, sel), nx, x, k, distances,
                        indexes);
}

void knn_extra_metrics(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                       MetricType metric, float metric_arg, size_t k, float* distances,
                       int64_t* indexes, const IDSelector* sel) {
    check_knn(x, y, d, nx, ny, k, distances, indexes);
    FAISS_REQUIRE(is_known_metric(metric), invalid_argument, "unknown metric type %d", int(metric));
    internal::exact_knn(database(y, d, ny, metric, metric_arg, sel), nx, x, k, distances, indexes);
}

void range_search_L2sqr(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                        float radius, RangeSearchResult* result, const IDSelector* sel) {
    check_range(x, y, d, nx, ny, result);
    internal::exact_range_search(database(y, d, ny, METRIC_L2, 0, sel), nx, x, radius, result);
}

void range_search_inner_product(const float* x, const float* y, size_t d, size_t nx, size_t ny,
                                float radius, RangeSearchResult* result, const IDSelector* sel) {
    check_range(x, y, d, nx, ny, result);
    internal::exact_range_search(database(y, d, ny, METRIC_INNER_PRODUCT, 0, sel), nx, x, radius,
                                 result);
}

void pairwise_L2sqr(int64_t d, int64_t nq, const float* xq, int64_t nb, const float* xb, float* dis,
                    int64_t ldq, int64_t ldb, int64_t ldd) {
    FAISS_REQUIRE(d >= 0 && nq >= 0 && nb >= 0, invalid_argument,
                  "negative size: d=%lld nq=%lld nb=%lld", (long long)d, (long long)nq,
                  (long long)nb);
    if (nq == 0 || nb == 0) return;
    if (ldq == -1) ldq = d;
    if (ldb == -1) ldb = d;
    if (ldd == -1) ldd = nb;
    FAISS_REQUIRE(xq && xb && dis, invalid_argument, "xq, xb or dis is null");
    FAISS_REQUIRE(ldq >= d && ldb >= d && ldd >= nb, invalid_argument,
                  "leading dimensions ldq=%lld ldb=%lld ldd=%lld are too small", (long long)ldq,
                  (long long)ldb, (long long)ldd);
    FAISS_REQUIRE(
        nq <= INT_MAX && nb <= INT_MAX && ldq <= INT_MAX && ldb <= INT_MAX && ldd <= INT_MAX,
        invalid_argument, "sizes beyond the BLAS 32-bit range");
    std::vector<float> qn(nq), bn(nb);
    for (int64_t i = 0; i < nq; i++)
        qn[i] = fvec_norm_L2sqr(xq + i * ldq, d);
    for (int64_t j = 0; j < nb; j++)
        bn[j] = fvec_norm_L2sqr(xb + j * ldb, d);
    if (d == 0) {
        for (int64_t i = 0; i < nq; i++)
            std::fill(dis + i * ldd, dis + i * ldd + nb, 0.0f);
        return;
    }
    const int m = int(nb), n = int(nq), kk = int(d), lda = int(ldb), ldbq = int(ldq),
              ldc = int(ldd);
    const float alpha = -2.0f, beta = 0.0f;
    sgemm_("T", "N", &m, &n, &kk, &alpha, xb, &lda, xq, &ldbq, &beta, dis, &ldc);
#pragma omp parallel for if (nq * nb > (1 << 16))
    for (int64_t i = 0; i < nq; i++) {
        internal::l2_from_dot_block(dis + i * ldd, size_t(nb), qn[i], bn.data());
    }
}

}  // namespace faiss
