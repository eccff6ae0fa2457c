// IndexPQ: ADC search equals brute force over the decoded vectors, recall against exact
// search, range search, selectors, codec, bad input.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexPQ.h>
#include <faiss/RangeSearchResult.h>

#include "common/test_utils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

using faiss::idx_t;
using faiss::IndexPQ;

namespace {

constexpr size_t kD = 32, kNb = 3000, kNq = 40;

struct Fixture {
    std::vector<float> xb, xq;
    Fixture() {
        // Queries and database from one set of clusters, so neighbours are meaningful.
        auto all = faiss::test::clustered_vectors(kNb + kNq, kD, 30, 21);
        xb.assign(all.begin(), all.begin() + kNb * kD);
        xq.assign(all.begin() + kNb * kD, all.end());
    }
};

const Fixture& data() {
    static Fixture f;
    return f;
}

std::unique_ptr<IndexPQ> trained_index(size_t M, size_t nbits, faiss::MetricType metric) {
    auto index = std::make_unique<IndexPQ>(int(kD), M, nbits, metric);
    index->pq.cp.niter = 8;
    index->train(idx_t(kNb), data().xb.data());
    index->add(idx_t(kNb), data().xb.data());
    return index;
}

// Every returned distance is the double-precision distance between the query and the
// decoded vector of the returned label, and the row equals the reference top-k over the
// decoded vectors (distances compared, so ties may swap labels).
void check_exact_adc(const IndexPQ& index, size_t k,
                     const faiss::SearchParameters* params = nullptr,
                     const std::vector<float>* decoded_subset = nullptr) {
    std::vector<float> dec(kNb * kD);
    index.reconstruct_n(0, idx_t(kNb), dec.data());
    const auto& xb = decoded_subset ? *decoded_subset : dec;
    const size_t nb = xb.size() / kD;
    std::vector<float> D(kNq * k);
    std::vector<idx_t> I(kNq * k);
    index.search(idx_t(kNq), data().xq.data(), idx_t(k), D.data(), I.data(), params);
    std::vector<double> rD;
    std::vector<idx_t> rI;
    faiss::test::reference_knn(data().xq.data(), kNq, xb.data(), nb, kD, k, index.metric_type, rD,
                               rI);
    for (size_t q = 0; q < kNq; q++) {
        for (size_t r = 0; r < k; r++) {
            const size_t at = q * k + r;
            const double tol = 1e-4 * (1 + std::abs(rD[at]));
            ASSERT_NEAR(D[at], rD[at], tol) << "q=" << q << " rank=" << r;
            if (I[at] < 0) {
                ASSERT_LT(rI[at], 0);
                continue;
            }
            const double own = faiss::test::reference_distance(
                data().xq.data() + q * kD, dec.data() + size_t(I[at]) * kD, kD, index.metric_type);
            ASSERT_NEAR(D[at], own, tol);
        }
    }
}

double recall_at(const IndexPQ& index, size_t k) {
    std::vector<float> D(kNq * k);
    std::vector<idx_t> I(kNq * k);
    index.search(idx_t(kNq), data().xq.data(), idx_t(k), D.data(), I.data());
    std::vector<double> rD;
    std::vector<idx_t> rI;
    faiss::test::reference_knn(data().xq.data(), kNq, data().xb.data(), kNb, kD, k,
                               index.metric_type, rD, rI);
    const size_t hits = faiss::test::count_overlap(I.data(), rI.data(), kNq, k);
    return double(hits) / double(kNq * k);
}

}  // namespace

TEST(IndexPQ, ExactAdcL2AllPaths) {
    // nbits 8 and 4 take the fast scans, 5 and 6 the generic one (odd M: OddNibbleCount).
    for (auto [M, nbits] : {std::pair<size_t, size_t>{8, 8}, {16, 4}, {8, 5}, {4, 6}}) {
        auto index = trained_index(M, nbits, faiss::METRIC_L2);
        check_exact_adc(*index, 10);
        check_exact_adc(*index, 1);
    }
}

TEST(IndexPQ, OddNibbleCount) {
    std::vector<float> x(kNb * 28);
    for (size_t i = 0; i < kNb; i++)
        std::copy_n(data().xb.data() + i * kD, 28, x.data() + i * 28);
    IndexPQ index(28, 7, 4);
    index.pq.cp.niter = 4;
    index.train(idx_t(kNb), x.data());
    index.add(idx_t(kNb), x.data());
    EXPECT_EQ(index.code_size, 4u);
    std::vector<float> q(28), dec(kNb * 28), D(5);
    std::copy_n(data().xq.data(), 28, q.data());
    std::vector<idx_t> I(5);
    index.search(1, q.data(), 5, D.data(), I.data());
    index.reconstruct_n(0, idx_t(kNb), dec.data());
    std::vector<double> rD;
    std::vector<idx_t> rI;
    faiss::test::reference_knn(q.data(), 1, dec.data(), kNb, 28, 5, faiss::METRIC_L2, rD, rI);
    for (size_t r = 0; r < 5; r++)
        EXPECT_NEAR(D[r], rD[r], 1e-4 * (1 + rD[r]));
}

TEST(IndexPQ, ExactAdcInnerProduct) {
    auto index = trained_index(8, 8, faiss::METRIC_INNER_PRODUCT);
    check_exact_adc(*index, 10);
    check_exact_adc(*index, 1);
}

TEST(IndexPQ, RecallAgainstExactSearch) {
    // Measured 0.805 (M=16, 8 bits, d=32) and 0.502 (M=8); thresholds leave room for
    // k-means variation and fail for a broken table or scan (random: ~0.003).
    EXPECT_GT(recall_at(*trained_index(16, 8, faiss::METRIC_L2), 10), 0.65);
    EXPECT_GT(recall_at(*trained_index(8, 8, faiss::METRIC_L2), 10), 0.40);
}

TEST(IndexPQ, SelectorAndPadding) {
    auto index = trained_index(8, 8, faiss::METRIC_L2);
    faiss::IDSelectorRange sel(100, 200);
    faiss::SearchParameters params;
    params.sel = &sel;
    std::vector<float> dec(kNb * kD);
    index->reconstruct_n(0, idx_t(kNb), dec.data());
    std::vector<float> subset(dec.begin() + 100 * kD, dec.begin() + 200 * kD);
    const size_t k = 5;
    std::vector<float> D(kNq * k);
    std::vector<idx_t> I(kNq * k);
    index->search(idx_t(kNq), data().xq.data(), idx_t(k), D.data(), I.data(), &params);
    for (idx_t id : I) {
        EXPECT_GE(id, 100);
        EXPECT_LT(id, 200);
    }
    IndexPQ small(int(kD), 8, 8);
    small.pq = index->pq;
    small.is_trained = true;
    small.add(3, data().xb.data());
    index->search(1, data().xq.data(), idx_t(k), D.data(), I.data());
    small.search(1, data().xq.data(), idx_t(k), D.data(), I.data());
    EXPECT_EQ(I[3], -1);
    EXPECT_EQ(I[4], -1);
    EXPECT_TRUE(std::isinf(D[4]) && D[4] > 0);
}

TEST(IndexPQ, RangeSearchMatchesKnn) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        auto index = trained_index(8, 8, metric);
        const size_t k = 20;
        std::vector<float> D(kNq * k);
        std::vector<idx_t> I(kNq * k);
        index->search(idx_t(kNq), data().xq.data(), idx_t(k), D.data(), I.data());
        // Radius halfway between the 10th and 11th results of query 0.
        const float radius = 0.5f * (D[9] + D[10]);
        faiss::RangeSearchResult res(1);
        index->range_search(1, data().xq.data(), radius, &res);
        std::set<idx_t> got(res.labels, res.labels + res.lims[1]);
        std::set<idx_t> want(I.begin(), I.begin() + 10);
        if (D[9] != D[10]) EXPECT_EQ(got, want);
        for (size_t j = 0; j < res.lims[1]; j++) {
            auto at = std::find(I.begin(), I.begin() + 10, res.labels[j]);
            if (at != I.begin() + 10) EXPECT_EQ(res.distances[j], D[at - I.begin()]);
        }
    }
}

TEST(IndexPQ, CodecAndReconstruct) {
    auto index = trained_index(8, 5, faiss::METRIC_L2);
    EXPECT_EQ(index->sa_code_size(), 5u);
    std::vector<uint8_t> codes(10 * 5);
    index->sa_encode(10, data().xb.data(), codes.data());
    EXPECT_EQ(0, std::memcmp(codes.data(), index->codes.data(), codes.size()));
    std::vector<float> a(10 * kD), b(kD);
    index->sa_decode(10, codes.data(), a.data());
    index->reconstruct(7, b.data());
    EXPECT_TRUE(std::equal(b.begin(), b.end(), a.begin() + 7 * kD));
    EXPECT_EQ(index->polysemous_ht, 8 * 5 + 1);
}

TEST(IndexPQ, MergeNeedsSameCodebook) {
    auto a = trained_index(8, 8, faiss::METRIC_L2);
    auto b = std::make_unique<IndexPQ>(int(kD), 8, 8);
    b->pq = a->pq;
    b->is_trained = true;
    b->add(10, data().xq.data());
    std::vector<float> before(kD), after(kD);
    b->reconstruct(3, before.data());
    a->merge_from(*b);
    EXPECT_EQ(a->ntotal, idx_t(kNb + 10));
    EXPECT_EQ(b->ntotal, 0);
    a->reconstruct(idx_t(kNb + 3), after.data());
    EXPECT_EQ(before, after);

    b->pq.centroids[5] += 1.0f;
    b->add(1, data().xq.data());
    EXPECT_THROW(a->merge_from(*b), faiss::FaissException);
    EXPECT_EQ(b->ntotal, 1);
}

TEST(IndexPQ, BadInput) {
    auto code_of = [](auto&& f) {
        try {
            f();
        } catch (const faiss::FaissException& e) {
            return e.code();
        }
        return faiss::ErrorCode::internal;
    };
    using faiss::ErrorCode;
    EXPECT_EQ(code_of([] { IndexPQ(30, 8, 8); }), ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { IndexPQ(32, 8, 0); }), ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { IndexPQ(32, 8, 17); }), ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { IndexPQ(32, 8, 8, faiss::METRIC_L1); }), ErrorCode::unsupported);

    IndexPQ index(int(kD), 8, 8);
    std::vector<float> D(10);
    std::vector<idx_t> I(10);
    const float* xq = data().xq.data();
    EXPECT_EQ(code_of([&] { index.add(1, xq); }), ErrorCode::not_trained);
    EXPECT_EQ(code_of([&] { index.search(1, xq, 1, D.data(), I.data()); }), ErrorCode::not_trained);
    EXPECT_EQ(code_of([&] { index.train(100, data().xb.data()); }), ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([&] { index.train(-1, data().xb.data()); }), ErrorCode::invalid_argument);
    EXPECT_FALSE(index.is_trained);

    auto trained = trained_index(8, 8, faiss::METRIC_L2);
    EXPECT_EQ(code_of([&] { trained->search(1, xq, 0, D.data(), I.data()); }),
              ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([&] { trained->search(1, nullptr, 1, D.data(), I.data()); }),
              ErrorCode::invalid_argument);
    // Range search is ADC only.
    trained->search_type = IndexPQ::ST_polysemous;
    faiss::RangeSearchResult rres(1);
    EXPECT_EQ(code_of([&] { trained->range_search(1, xq, 1.f, &rres); }), ErrorCode::unsupported);
    trained->search_type = IndexPQ::ST_PQ;

    // A NaN query matches nothing: an all-padding row, no crash.
    std::vector<float> nanq(kD, std::nanf(""));
    trained->search(1, nanq.data(), 10, D.data(), I.data());
    for (idx_t id : I)
        EXPECT_EQ(id, -1);
}
