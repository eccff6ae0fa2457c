// Exact range search (range_search_L2sqr / _inner_product, IndexFlat::range_search)
// against the double-precision reference.
#include "core/test_flat_check.h"

#include <faiss/IndexFlat.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/utils/distances.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using faiss::idx_t;
using faiss::MetricType;

namespace {

// Every reference hit clearly inside the radius must be found, nothing clearly outside
// may be, and reported distances must match.
void expect_range_matches(const faiss::RangeSearchResult& res, const float* xq, size_t nq,
                          const float* xb, size_t nb, size_t d, MetricType metric, float radius,
                          const faiss::IDSelector* sel = nullptr) {
    const bool sim = faiss::is_similarity_metric(metric);
    ASSERT_EQ(res.lims[0], 0u);
    for (size_t q = 0; q < nq; q++) {
        std::map<idx_t, float> got;
        for (size_t i = res.lims[q]; i < res.lims[q + 1]; i++) {
            ASSERT_TRUE(got.emplace(res.labels[i], res.distances[i]).second);
        }
        for (size_t i = 0; i < nb; i++) {
            double ref = faiss::test::reference_distance(xq + q * d, xb + i * d, d, metric);
            const double tol = faiss::test::distance_tolerance(ref);
            const bool member = !sel || sel->is_member(idx_t(i));
            const bool inside = sim ? ref > radius + tol : ref < radius - tol;
            const bool outside = sim ? ref < radius - tol : ref > radius + tol;
            auto it = got.find(idx_t(i));
            if (member && inside) {
                ASSERT_NE(it, got.end()) << "q=" << q << " missing " << i;
            }
            if (!member || outside) {
                ASSERT_EQ(it, got.end()) << "q=" << q << " unexpected " << i;
            }
            if (it != got.end()) ASSERT_NEAR(it->second, ref, tol);
        }
    }
}

// A radius that keeps about `fraction` of the distances of the first query.
float pick_radius(const float* xq, const float* xb, size_t nb, size_t d, MetricType metric,
                  double fraction) {
    std::vector<double> dis(nb);
    for (size_t i = 0; i < nb; i++) {
        dis[i] = faiss::test::reference_distance(xq, xb + i * d, d, metric);
    }
    std::sort(dis.begin(), dis.end());
    size_t at = size_t(fraction * nb);
    if (faiss::is_similarity_metric(metric)) at = nb - 1 - at;
    return float(dis[at]);
}

}  // namespace

TEST(RangeSearch, FunctionsMatchReference) {
    for (size_t d : {3, 17, 64}) {
        for (size_t nq : {size_t(1), size_t(6), size_t(45)}) {
            const size_t nb = 1200;
            auto xb = faiss::test::random_vectors(nb, d, d);
            auto xq = faiss::test::random_vectors(nq, d, d + nq);
            for (MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
                const float radius = pick_radius(xq.data(), xb.data(), nb, d, m, 0.05);
                faiss::RangeSearchResult res(nq);
                if (m == faiss::METRIC_L2) {
                    faiss::range_search_L2sqr(xq.data(), xb.data(), d, nq, nb, radius, &res);
                } else {
                    faiss::range_search_inner_product(xq.data(), xb.data(), d, nq, nb, radius,
                                                      &res);
                }
                SCOPED_TRACE(testing::Message() << "d=" << d << " nq=" << nq);
                expect_range_matches(res, xq.data(), nq, xb.data(), nb, d, m, radius);
            }
        }
    }
}

TEST(RangeSearch, IndexFlatAllMetricsAndSelector) {
    const size_t d = 9, nb = 2500;
    auto xb = faiss::test::random_vectors(nb, d, 3);
    faiss::test::ModuloSelector sel(4, 3);
    faiss::SearchParameters params;
    params.sel = &sel;
    for (MetricType m :
         {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT, faiss::METRIC_L1, faiss::METRIC_Linf}) {
        faiss::IndexFlat index(d, m);
        index.add(nb, xb.data());
        for (size_t nq : {size_t(2), size_t(60)}) {
            auto xq = faiss::test::random_vectors(nq, d, 4 + nq);
            const float radius = pick_radius(xq.data(), xb.data(), nb, d, m, 0.1);
            faiss::RangeSearchResult all(nq), filtered(nq);
            index.range_search(nq, xq.data(), radius, &all);
            index.range_search(nq, xq.data(), radius, &filtered, &params);
            SCOPED_TRACE(testing::Message() << "metric=" << int(m) << " nq=" << nq);
            expect_range_matches(all, xq.data(), nq, xb.data(), nb, d, m, radius);
            expect_range_matches(filtered, xq.data(), nq, xb.data(), nb, d, m, radius, &sel);
        }
    }
}

TEST(RangeSearch, EmptyAndBadInput) {
    faiss::IndexFlatL2 index(4);
    auto xq = faiss::test::random_vectors(3, 4, 1);
    faiss::RangeSearchResult res(3);
    index.range_search(3, xq.data(), 10.0f, &res);  // empty index: no hits
    EXPECT_EQ(res.lims[3], 0u);
    faiss::RangeSearchResult none(0);
    index.range_search(0, nullptr, 1.0f, &none);
    EXPECT_EQ(none.lims[0], 0u);
    EXPECT_THROW(index.range_search(2, xq.data(), 1.0f, &res), faiss::FaissException);
    EXPECT_THROW(index.range_search(3, xq.data(), 1.0f, nullptr), faiss::FaissException);
    EXPECT_THROW(index.range_search(-1, xq.data(), 1.0f, &res), faiss::FaissException);
    EXPECT_THROW(index.range_search(3, nullptr, 1.0f, &res), faiss::FaissException);
    EXPECT_THROW(faiss::range_search_L2sqr(xq.data(), xq.data(), 4, 3, 3, 1.0f, &none),
                 faiss::FaissException);
}

TEST(RangeSearch, NaNIsNeverAHit) {
    const size_t d = 5, nb = 100;
    auto xb = faiss::test::random_vectors(nb, d, 8);
    xb[7 * d] = std::numeric_limits<float>::quiet_NaN();
    auto xq = faiss::test::random_vectors(25, d, 9);
    xq[0] = std::numeric_limits<float>::quiet_NaN();
    faiss::RangeSearchResult res(25);
    faiss::range_search_L2sqr(xq.data(), xb.data(), d, 25, nb, 1e30f, &res);
    EXPECT_EQ(res.lims[1], 0u);  // NaN query: nothing
    for (size_t q = 1; q < 25; q++) {
        EXPECT_EQ(res.lims[q + 1] - res.lims[q], nb - 1);
        for (size_t i = res.lims[q]; i < res.lims[q + 1]; i++)
            EXPECT_NE(res.labels[i], 7);
    }
}
