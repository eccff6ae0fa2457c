// Exact k-NN engine: knn_L2sqr / knn_inner_product / knn_extra_metrics against the
// double-precision reference, over both engine paths (direct for few queries, GEMM for
// batches), both thread splits, odd dimensions, padding and ties.
#include "core/test_flat_check.h"

#include <faiss/internal/topk.h>
#include <faiss/simd/simd_level.h>
#include <faiss/utils/distances.h>

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <numeric>
#include <tuple>

using faiss::idx_t;
using faiss::MetricType;

namespace {

// Runs the body at a given OpenMP thread count and restores the previous one.
struct ThreadCount {
    int saved;
    explicit ThreadCount(int n) : saved(omp_get_max_threads()) { omp_set_num_threads(n); }
    ~ThreadCount() { omp_set_num_threads(saved); }
};

void run_knn(MetricType metric, const std::vector<float>& xq, const std::vector<float>& xb,
             size_t d, size_t k, std::vector<float>& D, std::vector<idx_t>& I, float arg = 0,
             const faiss::IDSelector* sel = nullptr) {
    const size_t nq = xq.size() / d, nb = xb.size() / d;
    D.assign(nq * k, 0);
    I.assign(nq * k, 0);
    if (metric == faiss::METRIC_L2) {
        faiss::knn_L2sqr(xq.data(), xb.data(), d, nq, nb, k, D.data(), I.data(), nullptr, sel);
    } else if (metric == faiss::METRIC_INNER_PRODUCT) {
        faiss::knn_inner_product(xq.data(), xb.data(), d, nq, nb, k, D.data(), I.data(), sel);
    } else {
        faiss::knn_extra_metrics(xq.data(), xb.data(), d, nq, nb, metric, arg, k, D.data(),
                                 I.data(), sel);
    }
}

void check_case(MetricType metric, size_t d, size_t nb, size_t nq, size_t k, uint64_t seed,
                float arg = 0) {
    auto xb = faiss::test::random_vectors(nb, d, seed);
    auto xq = faiss::test::random_vectors(nq, d, seed + 1);
    std::vector<float> D;
    std::vector<idx_t> I;
    run_knn(metric, xq, xb, d, k, D, I, arg);
    SCOPED_TRACE(testing::Message() << "metric=" << int(metric) << " d=" << d << " nb=" << nb
                                    << " nq=" << nq << " k=" << k);
    faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, k, metric, D.data(), I.data(),
                                    arg);
}

}  // namespace

class KnnShapes : public testing::TestWithParam<std::tuple<MetricType, size_t>> {};

TEST_P(KnnShapes, MatchesReferenceOnBothPaths) {
    const MetricType metric = std::get<0>(GetParam());
    const size_t d = std::get<1>(GetParam());
    // (nb, nq, k): direct path (nq < 20), GEMM path (nq >= 20), padding (nb < k),
    // and block edges (nb not a multiple of the GEMM or chunk block).
    const size_t shapes[][3] = {{500, 1, 1},    {500, 7, 10},   {1500, 30, 1},
                                {1500, 45, 10}, {2100, 25, 64}, {40, 3, 50},
                                {40, 33, 50},   {1, 21, 5},     {300, 300, 3}};
    uint64_t seed = 100 + d;
    for (auto& s : shapes)
        check_case(metric, d, s[0], s[1], s[2], seed++);
}

INSTANTIATE_TEST_SUITE_P(
    Flat, KnnShapes,
    testing::Combine(testing::Values(faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT),
                     testing::Values(size_t(1), size_t(3), size_t(17), size_t(33), size_t(130))));

TEST(Knn, ThreadSplitsAgreeWithReference) {
    // Large enough to go parallel: one query (database split), a few queries (database
    // split, direct), a GEMM batch below and above the query-split threshold. Every
    // thread count must give the single-thread result, which must match the reference.
    const size_t d = 40, nb = 30000, k = 7;
    auto xb = faiss::test::random_vectors(nb, d, 7);
    for (size_t nq : {size_t(1), size_t(5), size_t(40), size_t(700)}) {
        for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
            auto xq = faiss::test::random_vectors(nq, d, 8 + nq);
            std::vector<float> D1, D;
            std::vector<idx_t> I1, I;
            {
                ThreadCount threads(1);
                run_knn(m, xq, xb, d, k, D1, I1);
            }
            SCOPED_TRACE(testing::Message() << "nq=" << nq << " metric=" << int(m));
            faiss::test::expect_knn_matches(xq.data(), std::min<size_t>(nq, 4), xb.data(), nb, d, k,
                                            m, D1.data(), I1.data());
            for (int nt : {2, 3}) {
                ThreadCount threads(nt);
                run_knn(m, xq, xb, d, k, D, I);
                EXPECT_EQ(I, I1) << "threads=" << nt;
                EXPECT_EQ(D, D1) << "threads=" << nt;
            }
        }
    }
}

TEST(Knn, ExtraMetrics) {
    struct Case {
        MetricType metric;
        float arg;
    };
    for (Case c : {Case{faiss::METRIC_L1, 0}, Case{faiss::METRIC_Linf, 0},
                   Case{faiss::METRIC_Lp, 3.0f}, Case{faiss::METRIC_Lp, 1.5f}}) {
        for (size_t d : {1, 5, 33}) {
            check_case(c.metric, d, 400, 3, 7, 31 + d, c.arg);
            check_case(c.metric, d, 300, 70, 4, 37 + d, c.arg);
            check_case(c.metric, d, 5, 2, 9, 41 + d, c.arg);
        }
    }
    // L2 and IP through knn_extra_metrics give the same as the dedicated functions.
    check_case(faiss::METRIC_L2, 9, 200, 30, 5, 3);
}

TEST(Knn, TiesKeepSmallerId) {
    // Integer coordinates: every distance is exact in float on both paths, and the
    // database holds each vector three times.
    const size_t d = 8, distinct = 40, nb = 3 * distinct;
    std::vector<float> xb(nb * d);
    for (size_t i = 0; i < nb; i++) {
        for (size_t j = 0; j < d; j++)
            xb[i * d + j] = float(((i % distinct) * 7 + j * 3) % 5);
    }
    for (size_t nq : {size_t(2), size_t(25)}) {
        std::vector<float> xq(nq * d);
        for (size_t i = 0; i < xq.size(); i++)
            xq[i] = float((i * 11) % 4);
        for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
            for (size_t k : {size_t(1), size_t(10), size_t(nb)}) {
                std::vector<float> D;
                std::vector<idx_t> I;
                run_knn(m, xq, xb, d, k, D, I);
                std::vector<double> rd;
                std::vector<idx_t> ri;
                faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, m, rd, ri);
                EXPECT_EQ(I, ri) << "nq=" << nq << " k=" << k << " metric=" << int(m);
            }
        }
    }
}

TEST(Knn, NaNNeverEntersResults) {
    const size_t d = 10, nb = 300;
    auto xb = faiss::test::random_vectors(nb, d, 3);
    for (size_t i = 0; i < nb; i += 3)
        xb[i * d + 4] = std::numeric_limits<float>::quiet_NaN();
    for (size_t nq : {size_t(3), size_t(30), size_t(300)}) {
        auto xq = faiss::test::random_vectors(nq, d, 4);
        xq[d] = std::numeric_limits<float>::quiet_NaN();  // query 1 is NaN
        for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT, faiss::METRIC_L1}) {
            const size_t k = 250;  // more than the 200 valid vectors: the tail is padding
            std::vector<float> D;
            std::vector<idx_t> I;
            run_knn(m, xq, xb, d, k, D, I);
            for (size_t q = 0; q < nq; q++) {
                for (size_t j = 0; j < k; j++) {
                    const idx_t id = I[q * k + j];
                    const bool expect_pad = q == 1 || j >= 200;
                    EXPECT_EQ(id < 0, expect_pad) << "q=" << q << " j=" << j;
                    if (id >= 0) {
                        EXPECT_NE(id % 3, 0);
                        EXPECT_FALSE(std::isnan(D[q * k + j]));
                    } else {
                        EXPECT_TRUE(std::isinf(D[q * k + j]));
                    }
                }
            }
        }
    }
}

// Documented in Index.h: a stored vector with an infinite component is at +inf (or NaN)
// L2-like distance from every finite query, so it is never returned; with inner product
// against a positive query it scores +inf and comes first.
TEST(Knn, InfiniteVectorsFollowTheDocumentedRule) {
    const size_t d = 12, nb = 90;
    auto xb = faiss::test::random_vectors(nb, d, 5);
    for (size_t i = 0; i < nb; i += 9) xb[i * d + 7] = std::numeric_limits<float>::infinity();
    for (size_t nq : {size_t(2), size_t(40)}) {  // both engine paths
        auto xq = faiss::test::random_vectors(nq, d, 6);
        for (auto& v : xq) v += 0.5f;  // strictly positive: inf * q is +inf, never NaN
        const size_t k = nb;
        std::vector<float> D;
        std::vector<idx_t> I;
        for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_L1}) {
            run_knn(m, xq, xb, d, k, D, I);
            for (size_t q = 0; q < nq; q++) {
                for (size_t j = 0; j < k; j++) {
                    const idx_t id = I[q * k + j];
                    EXPECT_EQ(id < 0, j >= nb - nb / 9) << "metric=" << int(m) << " j=" << j;
                    if (id >= 0) EXPECT_NE(id % 9, 0);
                }
            }
        }
        run_knn(faiss::METRIC_INNER_PRODUCT, xq, xb, d, k, D, I);
        for (size_t q = 0; q < nq; q++) {
            for (size_t j = 0; j < nb / 9; j++) {
                EXPECT_EQ(I[q * k + j] % 9, 0) << "q=" << q << " j=" << j;
                EXPECT_EQ(D[q * k + j], std::numeric_limits<float>::infinity());
            }
            EXPECT_GE(I[q * k + nb - 1], 0);  // every vector is a result
        }
    }
}

TEST(Knn, SelectorRestrictsCandidates) {
    const size_t d = 12, nb = 3000;
    auto xb = faiss::test::random_vectors(nb, d, 5);
    faiss::test::ModuloSelector sel(3, 1);
    for (size_t nq : {size_t(1), size_t(4), size_t(50)}) {
        auto xq = faiss::test::random_vectors(nq, d, 6);
        for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT, faiss::METRIC_Linf}) {
            std::vector<float> D;
            std::vector<idx_t> I;
            run_knn(m, xq, xb, d, 15, D, I, 0, &sel);
            faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 15, m, D.data(),
                                            I.data(), 0, &sel);
        }
    }
}

TEST(Knn, EmptyInputsAndBadArguments) {
    const size_t d = 4;
    auto xb = faiss::test::random_vectors(10, d, 1);
    auto xq = faiss::test::random_vectors(2, d, 2);
    std::vector<float> D(6);
    std::vector<idx_t> I(6);
    faiss::knn_L2sqr(xq.data(), nullptr, d, 2, 0, 3, D.data(), I.data());
    for (size_t i = 0; i < 6; i++) {
        EXPECT_EQ(I[i], -1);
        EXPECT_EQ(D[i], std::numeric_limits<float>::infinity());
    }
    faiss::knn_inner_product(xq.data(), nullptr, d, 2, 0, 3, D.data(), I.data());
    EXPECT_EQ(D[0], -std::numeric_limits<float>::infinity());
    faiss::knn_L2sqr(nullptr, xb.data(), d, 0, 10, 3, nullptr, nullptr);  // no queries
    EXPECT_THROW(faiss::knn_L2sqr(xq.data(), xb.data(), d, 2, 10, 0, D.data(), I.data()),
                 faiss::FaissException);
    EXPECT_THROW(faiss::knn_L2sqr(nullptr, xb.data(), d, 2, 10, 3, D.data(), I.data()),
                 faiss::FaissException);
    EXPECT_THROW(faiss::knn_inner_product(xq.data(), nullptr, d, 2, 10, 3, D.data(), I.data()),
                 faiss::FaissException);
    EXPECT_THROW(faiss::knn_L2sqr(xq.data(), xb.data(), d, 2, 10, 3, nullptr, I.data()),
                 faiss::FaissException);
    EXPECT_THROW(faiss::knn_extra_metrics(xq.data(), xb.data(), d, 2, 10, MetricType(42), 0, 3,
                                          D.data(), I.data()),
                 faiss::FaissException);
}

TEST(Knn, GivenDatabaseNormsAreUsed) {
    const size_t d = 20, nb = 2000, nq = 40;
    auto xb = faiss::test::random_vectors(nb, d, 9);
    auto xq = faiss::test::random_vectors(nq, d, 10);
    std::vector<float> norms(nb);
    faiss::fvec_norms_L2sqr(norms.data(), xb.data(), d, nb);
    std::vector<float> D(nq * 5), D2(nq * 5);
    std::vector<idx_t> I(nq * 5), I2(nq * 5);
    faiss::knn_L2sqr(xq.data(), xb.data(), d, nq, nb, 5, D.data(), I.data(), norms.data());
    faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 5, faiss::METRIC_L2, D.data(),
                                    I.data());
    // Norms shifted by a constant shift every distance by the same constant.
    for (auto& v : norms)
        v += 1000.0f;
    faiss::knn_L2sqr(xq.data(), xb.data(), d, nq, nb, 5, D2.data(), I2.data(), norms.data());
    EXPECT_NEAR(D2[0], D[0] + 1000.0f, 1e-2);
}

TEST(Knn, PairwiseL2sqr) {
    for (size_t d : {1, 7, 40}) {
        const size_t nq = 13, nb = 29;
        auto xq = faiss::test::random_vectors(nq, d, d);
        auto xb = faiss::test::random_vectors(nb, d, d + 1);
        std::vector<float> dis(nq * nb);
        faiss::pairwise_L2sqr(int64_t(d), nq, xq.data(), nb, xb.data(), dis.data());
        for (size_t i = 0; i < nq; i++) {
            for (size_t j = 0; j < nb; j++) {
                double ref = faiss::test::reference_distance(xq.data() + i * d, xb.data() + j * d,
                                                             d, faiss::METRIC_L2);
                ASSERT_NEAR(dis[i * nb + j], ref, 1e-4 * std::max(1.0, ref));
                ASSERT_GE(dis[i * nb + j], 0.0f);
            }
        }
    }
    // Strided: every other query, result rows of width nb + 3.
    const size_t d = 6, nq = 4, nb = 5;
    auto xq = faiss::test::random_vectors(2 * nq, d, 1);
    auto xb = faiss::test::random_vectors(nb, d, 2);
    std::vector<float> dis(nq * (nb + 3), -1.0f);
    faiss::pairwise_L2sqr(d, nq, xq.data(), nb, xb.data(), dis.data(), 2 * d, d, nb + 3);
    for (size_t i = 0; i < nq; i++) {
        double ref = faiss::test::reference_distance(xq.data() + 2 * i * d, xb.data() + 4 * d, d,
                                                     faiss::METRIC_L2);
        EXPECT_NEAR(dis[i * (nb + 3) + 4], ref, 1e-4);
        EXPECT_EQ(dis[i * (nb + 3) + nb], -1.0f);
    }
    EXPECT_THROW(faiss::pairwise_L2sqr(d, nq, xq.data(), nb, xb.data(), dis.data(), 2),
                 faiss::FaissException);
}

TEST(TopK, HeapSortOrdersByScoreThenId) {
    const size_t k = 9;
    std::vector<float> s(k);
    std::vector<int64_t> ids(k);
    faiss::internal::topk_heap_init(k, s.data(), ids.data());
    const float vals[] = {3, 1, 2, 1, 5, 0.5f, 2, 7, 1, 4, 2};
    const int64_t order[] = {10, 4, 8, 2, 6, 9, 3, 1, 0, 5, 7};
    for (size_t i = 0; i < 11; i++) {
        faiss::internal::topk_heap_offer(k, s.data(), ids.data(), vals[order[i]], order[i]);
    }
    faiss::internal::topk_heap_sort(k, s.data(), ids.data());
    const int64_t expect_ids[] = {5, 1, 3, 8, 2, 6, 10, 0, 9};
    for (size_t i = 0; i < k; i++)
        EXPECT_EQ(ids[i], expect_ids[i]) << i;
}

// Every kernel the CPU offers (OpenBLAS and the distance kernels at the scalar level,
// the fused kernels at avx2 / avx512), in every fused layout (packed: many queries;
// rows: fewer queries, with and without a narrow last panel; direct: very few), with d
// cut in chunks or not.
TEST(Knn, KernelsAtEverySimdLevel) {
    const faiss::SimdLevel saved = faiss::get_simd_level();
    const faiss::SimdLevel levels[] = {faiss::SimdLevel::scalar, faiss::SimdLevel::avx2,
                                       faiss::SimdLevel::avx512};
    faiss::test::ModuloSelector sel(5, 2);
    for (faiss::SimdLevel level : levels) {
        if (int(level) > int(faiss::max_supported_simd_level())) continue;
        faiss::set_simd_level(level);
        // (d, nb, nq): packed with chunked d, rows with narrow tails and full tails,
        // direct, many query blocks against one database block.
        const size_t shapes[][3] = {{300, 700, 270}, {37, 900, 300}, {300, 500, 40},
                                    {300, 500, 57},  {5, 1000, 23},  {130, 333, 100},
                                    {37, 900, 3},    {300, 500, 1},  {8, 100, 9000}};
        for (auto& s : shapes) {
            const size_t d = s[0], nb = s[1], nq = s[2];
            auto xb = faiss::test::random_vectors(nb, d, d + nb);
            auto xq = faiss::test::random_vectors(nq, d, d + nq);
            // Query 0 is the last database vector: a kernel that pads a partial block
            // by repeating its last row must not report the copies.
            std::copy(xb.end() - d, xb.end(), xq.begin());
            for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
                for (size_t k : {size_t(1), size_t(12)}) {
                    SCOPED_TRACE(testing::Message() << "level=" << faiss::simd_level_name(level)
                                                    << " d=" << d << " nb=" << nb << " nq=" << nq
                                                    << " k=" << k << " metric=" << int(m));
                    for (const faiss::IDSelector* s :
                         {(faiss::IDSelector*)nullptr, (faiss::IDSelector*)&sel}) {
                        std::vector<float> D;
                        std::vector<idx_t> I;
                        run_knn(m, xq, xb, d, k, D, I, 0, s);
                        // The first and the last queries: the edges of the kernel blocks.
                        const size_t edge = std::min<size_t>(nq, 6), tail = nq - edge;
                        faiss::test::expect_knn_matches(xq.data(), edge, xb.data(), nb, d, k, m,
                                                        D.data(), I.data(), 0, s);
                        faiss::test::expect_knn_matches(xq.data() + tail * d, edge, xb.data(), nb,
                                                        d, k, m, D.data() + tail * k,
                                                        I.data() + tail * k, 0, s);
                    }
                }
            }
        }
    }
    faiss::set_simd_level(saved);
}

// k large enough for the reservoir selection, on every path and thread split, with
// ties (duplicated vectors) decided by the smaller id as with heaps.
TEST(Knn, LargeK) {
    const size_t d = 6, distinct = 500, nb = 4 * distinct;
    std::vector<float> xb(nb * d);
    auto base = faiss::test::random_vectors(distinct, d, 77);
    for (size_t i = 0; i < nb; i++) {
        std::copy(base.begin() + (i % distinct) * d, base.begin() + (i % distinct + 1) * d,
                  xb.begin() + i * d);
    }
    for (int nt : {1, 3}) {
        ThreadCount threads(nt);
        for (size_t nq : {size_t(1), size_t(5), size_t(40), size_t(300)}) {
            auto xq = faiss::test::random_vectors(nq, d, 78 + nq);
            for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
                for (size_t k : {size_t(130), size_t(900)}) {
                    SCOPED_TRACE(testing::Message() << "threads=" << nt << " nq=" << nq
                                                    << " k=" << k << " metric=" << int(m));
                    std::vector<float> D;
                    std::vector<idx_t> I;
                    run_knn(m, xq, xb, d, k, D, I);
                    const size_t checked = std::min<size_t>(nq, 3);
                    faiss::test::expect_knn_matches(xq.data(), checked, xb.data(), nb, d, k, m,
                                                    D.data(), I.data());
                    // Copies of one vector are adjacent in the ranking, smaller id first.
                    for (size_t j = 1; j < k; j++) {
                        if (D[j] == D[j - 1] && I[j] % distinct == I[j - 1] % distinct) {
                            ASSERT_LT(I[j - 1], I[j]) << "j=" << j;
                        }
                    }
                }
            }
        }
    }
}
