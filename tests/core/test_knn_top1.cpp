// The top-1 path of the exact engine (many queries, small database: k-means assignment,
// coarse quantization) against the general k-NN path of the same engine, which it must
// reproduce exactly (same dot products, same scores, same tie rule), at every SIMD
// level and thread count; and the incremental centroid sums of k-means against fresh
// sums.
#include "common/test_utils.h"
#include "core/test_flat_check.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/simd/simd_level.h>
#include <faiss/utils/distances.h>

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <vector>

namespace faiss::test {
namespace {

struct ThreadCount {
    int saved;
    explicit ThreadCount(int n) : saved(omp_get_max_threads()) { omp_set_num_threads(n); }
    ~ThreadCount() { omp_set_num_threads(saved); }
};

void search(MetricType m, const std::vector<float>& xq, const std::vector<float>& xb, size_t d,
            size_t k, std::vector<float>& D, std::vector<idx_t>& I,
            const IDSelector* sel = nullptr) {
    const size_t nq = xq.size() / d, nb = xb.size() / d;
    D.assign(nq * k, 0);
    I.assign(nq * k, 0);
    if (m == METRIC_L2) {
        knn_L2sqr(xq.data(), xb.data(), d, nq, nb, k, D.data(), I.data(), nullptr, sel);
    } else {
        knn_inner_product(xq.data(), xb.data(), d, nq, nb, k, D.data(), I.data(), sel);
    }
}

// k = 1 (top-1 path) must equal the first column of k = 2 (heap path), bit for bit.
void expect_top1_is_first_of_top2(MetricType m, const std::vector<float>& xq,
                                  const std::vector<float>& xb, size_t d,
                                  const IDSelector* sel = nullptr) {
    std::vector<float> D1, D2;
    std::vector<idx_t> I1, I2;
    search(m, xq, xb, d, 1, D1, I1, sel);
    search(m, xq, xb, d, 2, D2, I2, sel);
    const size_t nq = xq.size() / d;
    size_t mismatches = 0;
    for (size_t q = 0; q < nq; q++) {
        const bool same = I1[q] == I2[2 * q] &&
                          (D1[q] == D2[2 * q] || (std::isnan(D1[q]) && std::isnan(D2[2 * q])));
        if (!same && mismatches++ < 5) {
            ADD_FAILURE() << "query " << q << ": top-1 (" << I1[q] << ", " << D1[q]
                          << ") vs first of top-2 (" << I2[2 * q] << ", " << D2[2 * q] << ")";
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

// Shapes: several database blocks with a partial last panel and chunked d; odd d with
// a partial last query group; a database too large for the top-1 path (falls back).
TEST(KnnTop1, EqualsGeneralPathAtEverySimdLevel) {
    const SimdLevel saved = get_simd_level();
    ModuloSelector sel(3, 1);
    for (SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
        if (int(level) > int(max_supported_simd_level())) continue;
        set_simd_level(level);
        const size_t shapes[][3] = {
            {300, 900, 601}, {37, 70, 1000}, {384, 256, 515}, {128, 9000, 530}};
        for (auto& s : shapes) {
            const size_t d = s[0], nb = s[1], nq = s[2];
            auto xb = random_vectors(nb, d, d * 7 + nb);
            auto xq = random_vectors(nq, d, d * 11 + nq);
            for (int nt : {1, 2}) {
                ThreadCount threads(nt);
                for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT}) {
                    SCOPED_TRACE(testing::Message()
                                 << "level=" << simd_level_name(level) << " d=" << d << " nb=" << nb
                                 << " nq=" << nq << " threads=" << nt << " metric=" << int(m));
                    expect_top1_is_first_of_top2(m, xq, xb, d);
                    expect_top1_is_first_of_top2(m, xq, xb, d, &sel);
                }
            }
        }
    }
    set_simd_level(saved);
}

// Against the double-precision reference too (both paths could share a mistake).
TEST(KnnTop1, MatchesReference) {
    const size_t d = 45, nb = 333, nq = 600;
    auto xb = random_vectors(nb, d, 5);
    auto xq = random_vectors(nq, d, 6);
    for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT}) {
        std::vector<float> D;
        std::vector<idx_t> I;
        search(m, xq, xb, d, 1, D, I);
        expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 1, m, D.data(), I.data());
    }
}

// Equal vectors tie: the smaller id wins, whichever lane or block holds it. A NaN query
// has no neighbour; a query whose every candidate is filtered out neither.
TEST(KnnTop1, TiesNaNAndEmptyResults) {
    const size_t d = 20, nb = 700, nq = 600;
    auto xb = random_vectors(nb, d, 8);
    auto xq = random_vectors(nq, d, 9);
    for (size_t j : {size_t(40), size_t(77), size_t(650)})
        std::copy(xb.begin() + 5 * d, xb.begin() + 6 * d, xb.begin() + j * d);
    std::copy(xb.begin() + 5 * d, xb.begin() + 6 * d, xq.begin());
    xq[d] = std::numeric_limits<float>::quiet_NaN();
    for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT}) {
        std::vector<float> D;
        std::vector<idx_t> I;
        search(m, xq, xb, d, 1, D, I);
        if (m == METRIC_L2) {
            EXPECT_EQ(I[0], 5);
            EXPECT_NEAR(D[0], 0.0f, 1e-4f);  // norms minus twice the dot, rounded
        }
        EXPECT_EQ(I[1], -1);
        EXPECT_EQ(D[1], m == METRIC_L2 ? std::numeric_limits<float>::infinity()
                                       : -std::numeric_limits<float>::infinity());
        expect_top1_is_first_of_top2(m, xq, xb, d);
    }
    ModuloSelector none(1000000, 999999);
    std::vector<float> D;
    std::vector<idx_t> I;
    search(METRIC_L2, xq, xb, d, 1, D, I, &none);
    for (size_t q = 0; q < nq; q++) {
        EXPECT_EQ(I[q], -1);
        EXPECT_EQ(D[q], std::numeric_limits<float>::infinity());
    }
}

// move() after add() equals a fresh add() of the new assignment, with and without
// weights, including clusters that lose all their points and unlisted (frozen) ones.
TEST(CentroidSums, MoveEqualsFreshSums) {
    const size_t d = 17, k = 9, n = 3000;
    auto x = random_vectors(n, d, 12);
    std::vector<float> w(n);
    for (size_t i = 0; i < n; i++)
        w[i] = float(i % 5) * 0.25f;  // some zero weights
    std::vector<idx_t> a0(n), a1(n);
    for (size_t i = 0; i < n; i++) {
        a0[i] = idx_t((i * 7) % k);
        // Cluster 3 empties, cluster 8 is new, a third of the points move.
        a1[i] = i % 3 == 0 ? idx_t((i * 5) % k) : a0[i];
        if (a1[i] == 3) a1[i] = 8;
    }
    for (const float* weights : {(const float*)nullptr, (const float*)w.data()}) {
        for (int nt : {1, 2}) {
            ThreadCount threads(nt);
            std::vector<size_t> listed = {0, 1, 2, 3, 4, 5, 6, 8};  // 7 is frozen
            internal::kmeans::CentroidSums moved(d, k, listed), fresh(d, k, listed);
            moved.add(n, x.data(), weights, a0.data());
            moved.move(n, x.data(), weights, a0.data(), a1.data());
            fresh.add(n, x.data(), weights, a1.data());
            std::vector<float> cm(k * d, -7.0f), cf(k * d, -7.0f);
            moved.write_means(cm.data());
            fresh.write_means(cf.data());
            for (size_t j = 0; j < k * d; j++)
                EXPECT_NEAR(cm[j], cf[j], 1e-6f) << "component " << j;
            for (size_t j = 0; j < d; j++) {
                EXPECT_EQ(cm[3 * d + j], -7.0f);  // emptied: left alone
                EXPECT_EQ(cm[7 * d + j], -7.0f);  // unlisted
            }
        }
    }
}

// Unit weights take the fresh-sum path every iteration, no weights the incremental one:
// same assignments, same objective, centroids equal up to rounding.
TEST(Clustering, IncrementalSumsMatchFreshSums) {
    const size_t d = 24, k = 40, n = 6000;
    auto x = clustered_vectors(n, d, 25, 14);
    std::vector<float> ones(n, 1.0f);
    ClusteringParameters cp;
    cp.niter = 12;
    Clustering plain(int(d), int(k), cp), weighted(int(d), int(k), cp);
    IndexFlatL2 i1{idx_t(d)}, i2{idx_t(d)};
    plain.train(idx_t(n), x.data(), i1);
    weighted.train(idx_t(n), x.data(), i2, ones.data());
    ASSERT_EQ(plain.iteration_stats.size(), weighted.iteration_stats.size());
    for (size_t t = 0; t < plain.iteration_stats.size(); t++)
        EXPECT_FLOAT_EQ(plain.iteration_stats[t].obj, weighted.iteration_stats[t].obj);
    for (size_t j = 0; j < k * d; j++)
        EXPECT_NEAR(plain.centroids[j], weighted.centroids[j], 1e-6f);
}

// A subclass of IndexFlatL2 goes through its own search(); the plain one through the
// engine with norms computed once: the same centroids.
struct CountingFlatL2 : IndexFlatL2 {
    mutable int searches = 0;
    explicit CountingFlatL2(int d) : IndexFlatL2(d) {}
    void search(idx_t n, const float* x, idx_t k, float* D, idx_t* I,
                const SearchParameters* params = nullptr) const override {
        searches++;
        IndexFlatL2::search(n, x, k, D, I, params);
    }
};

TEST(Clustering, FlatShortcutEqualsIndexSearch) {
    const size_t d = 33, k = 20, n = 2500;
    auto x = random_vectors(n, d, 15);
    ClusteringParameters cp;
    cp.niter = 6;
    Clustering a(int(d), int(k), cp), b(int(d), int(k), cp);
    IndexFlatL2 plain{idx_t(d)};
    CountingFlatL2 counting{int(d)};
    a.train(idx_t(n), x.data(), plain);
    b.train(idx_t(n), x.data(), counting);
    EXPECT_EQ(counting.searches, 6);
    EXPECT_EQ(a.centroids, b.centroids);
    EXPECT_EQ(a.iteration_stats.back().obj, b.iteration_stats.back().obj);
}

}  // namespace
}  // namespace faiss::test
