// IndexIVFScalarQuantizer: exactness at nprobe = nlist against brute force over the
// decoded vectors, recall on clustered data, fp16 / 8-bit / 4-bit with and without
// residuals, inner product, selectors, removal, reconstruction, standalone codes, range
// search, bad input.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::IndexIVFScalarQuantizer;
using faiss::ScalarQuantizer;

using faiss::test::expect_code;

namespace {

constexpr size_t kD = 16;
constexpr size_t kNlist = 8;
constexpr size_t kNb = 1000;
constexpr size_t kNq = 20;

struct Built {
    std::unique_ptr<faiss::IndexFlat> quantizer;
    std::unique_ptr<IndexIVFScalarQuantizer> index;
    std::vector<float> xb, xq;
};

Built build(ScalarQuantizer::QuantizerType qtype, faiss::MetricType metric, bool by_residual,
            size_t nb = kNb, size_t d = kD, size_t nlist = kNlist) {
    Built b;
    b.xb = faiss::test::clustered_vectors(nb, d, 20, 7);
    b.xq = faiss::test::clustered_vectors(kNq, d, 20, 8);
    b.quantizer = std::make_unique<faiss::IndexFlat>(idx_t(d), metric);
    b.index = std::make_unique<IndexIVFScalarQuantizer>(b.quantizer.get(), d, nlist, qtype, metric,
                                                        by_residual);
    b.index->train(idx_t(nb), b.xb.data());
    b.index->add(idx_t(nb), b.xb.data());
    return b;
}

/// Search at nprobe = nlist must equal brute force over the decoded vectors: the same
/// distances, and any label differences only between equally distant vectors.
void check_exhaustive(const Built& b, faiss::MetricType metric, size_t k) {
    const size_t d = size_t(b.index->d), nb = size_t(b.index->ntotal);
    std::vector<float> decoded(nb * d);
    b.index->reconstruct_n(0, idx_t(nb), decoded.data());
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(b.xq.data(), kNq, decoded.data(), nb, d, k, metric, rd, rl);
    faiss::SearchParametersIVF params;
    params.nprobe = b.index->nlist;
    std::vector<float> dis(kNq * k);
    std::vector<idx_t> lab(kNq * k);
    b.index->search(idx_t(kNq), b.xq.data(), idx_t(k), dis.data(), lab.data(), &params);
    for (size_t i = 0; i < kNq * k; i++) {
        const double tol = 1e-4 * (1 + std::fabs(rd[i]));
        ASSERT_NEAR(dis[i], rd[i], tol) << "result " << i;
        ASSERT_GE(lab[i], 0);
        const double own = faiss::test::reference_distance(
            b.xq.data() + (i / k) * d, decoded.data() + size_t(lab[i]) * d, d, metric);
        ASSERT_NEAR(own, rd[i], tol) << "label " << lab[i] << " at result " << i;
    }
}

struct Case {
    ScalarQuantizer::QuantizerType qtype;
    faiss::MetricType metric;
    bool by_residual;
};

class IVFSQExhaustive : public ::testing::TestWithParam<Case> {};

TEST_P(IVFSQExhaustive, EqualsBruteForceOverDecoded) {
    const Case c = GetParam();
    Built b = build(c.qtype, c.metric, c.by_residual);
    check_exhaustive(b, c.metric, 10);
}

INSTANTIATE_TEST_SUITE_P(
    Types, IVFSQExhaustive,
    ::testing::Values(Case{ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true},
                      Case{ScalarQuantizer::QT_8bit, faiss::METRIC_L2, false},
                      Case{ScalarQuantizer::QT_fp16, faiss::METRIC_L2, true},
                      Case{ScalarQuantizer::QT_fp16, faiss::METRIC_L2, false},
                      Case{ScalarQuantizer::QT_4bit, faiss::METRIC_L2, true},
                      Case{ScalarQuantizer::QT_6bit, faiss::METRIC_L2, true},
                      Case{ScalarQuantizer::QT_8bit_uniform, faiss::METRIC_L2, true},
                      Case{ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT, true},
                      Case{ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT, false},
                      Case{ScalarQuantizer::QT_fp16, faiss::METRIC_INNER_PRODUCT, true}));

TEST(IVFSQ, Recall8bitClustered) {
    const size_t nb = 5000, nq = 50, d = 32, nlist = 32, k = 10;
    auto xb = faiss::test::clustered_vectors(nb, d, 50, 11);
    auto xq = faiss::test::clustered_vectors(nq, d, 50, 12);
    faiss::IndexFlatL2 quantizer(d);
    IndexIVFScalarQuantizer index(&quantizer, d, nlist, ScalarQuantizer::QT_8bit);
    EXPECT_FALSE(index.is_trained);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    index.nprobe = 8;
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, faiss::METRIC_L2, rd, rl);
    std::vector<float> dis(nq * k);
    std::vector<idx_t> lab(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
    const size_t hits = faiss::test::count_overlap(lab.data(), rl.data(), nq, k);
    const double recall = double(hits) / double(nq * k);
    EXPECT_GE(recall, 0.9) << "recall@10 of IVFSQ8 nprobe 8 / 32 (measured 0.978)";
}

TEST(IVFSQ, TrainedStateByType) {
    faiss::IndexFlatL2 quantizer(kD);
    auto xb = faiss::test::random_vectors(200, kD, 3);
    quantizer.add(kNlist, xb.data());
    IndexIVFScalarQuantizer fp16(&quantizer, kD, kNlist, ScalarQuantizer::QT_fp16);
    EXPECT_TRUE(fp16.is_trained);
    IndexIVFScalarQuantizer sq8(&quantizer, kD, kNlist, ScalarQuantizer::QT_8bit);
    EXPECT_FALSE(sq8.is_trained);
    EXPECT_EQ(sq8.code_size, kD);
    EXPECT_EQ(fp16.code_size, 2 * kD);
    EXPECT_TRUE(sq8.by_residual);
    expect_code(faiss::ErrorCode::not_trained, [&] { sq8.add(200, xb.data()); });
    sq8.train(200, xb.data());
    EXPECT_EQ(quantizer.ntotal, idx_t(kNlist));  // the centroids were kept
    sq8.add(200, xb.data());
    EXPECT_EQ(sq8.ntotal, 200);
}

TEST(IVFSQ, SelectorsAndRemoval) {
    Built b = build(ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true);
    const size_t k = 10;
    faiss::IDSelectorRange range(100, 300);
    faiss::SearchParametersIVF params;
    params.nprobe = kNlist;
    params.sel = &range;
    std::vector<float> dis(kNq * k);
    std::vector<idx_t> lab(kNq * k);
    b.index->search(idx_t(kNq), b.xq.data(), idx_t(k), dis.data(), lab.data(), &params);
    for (idx_t l : lab) {
        EXPECT_GE(l, 100);
        EXPECT_LT(l, 300);
    }
    faiss::IDSelectorRange drop(0, 500);
    EXPECT_EQ(b.index->remove_ids(drop), 500u);
    EXPECT_EQ(b.index->ntotal, idx_t(kNb - 500));
    params.sel = nullptr;
    b.index->search(idx_t(kNq), b.xq.data(), idx_t(k), dis.data(), lab.data(), &params);
    for (idx_t l : lab)
        EXPECT_GE(l, 500);
}

TEST(IVFSQ, ReconstructAndStandaloneCodes) {
    for (bool by_residual : {true, false}) {
        Built b = build(ScalarQuantizer::QT_8bit, faiss::METRIC_L2, by_residual);
        b.index->make_direct_map();
        std::vector<float> rec(kD), batch(3 * kD);
        b.index->reconstruct(42, rec.data());
        b.index->reconstruct_n(41, 3, batch.data());
        for (size_t j = 0; j < kD; j++) {
            EXPECT_EQ(rec[j], batch[kD + j]);
            // Within one quantization step of the dimension's trained range.
            const float step = b.index->sq.trained[kD + j] / 255.f;
            EXPECT_NEAR(rec[j], b.xb[42 * kD + j], step * 1.001f) << "8-bit error too large";
        }
        const size_t cs = b.index->sa_code_size();
        EXPECT_EQ(cs, 1 + kD);  // one byte of list number for 8 lists
        std::vector<uint8_t> codes(5 * cs);
        std::vector<float> dec(5 * kD), ref(5 * kD);
        b.index->sa_encode(5, b.xb.data() + 40 * kD, codes.data());
        b.index->sa_decode(5, codes.data(), dec.data());
        b.index->reconstruct_n(40, 5, ref.data());
        for (size_t j = 0; j < 5 * kD; j++)
            EXPECT_NEAR(dec[j], ref[j], 1e-5);
        codes[0] = 200;
        expect_code(faiss::ErrorCode::invalid_argument,
                    [&] { b.index->sa_decode(1, codes.data(), dec.data()); });
    }
}

TEST(IVFSQ, RangeSearchMatchesKnn) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Built b = build(ScalarQuantizer::QT_8bit, metric, true);
        b.index->nprobe = kNlist;
        const size_t k = 20;
        std::vector<float> dis(kNq * k);
        std::vector<idx_t> lab(kNq * k);
        b.index->search(idx_t(kNq), b.xq.data(), idx_t(k), dis.data(), lab.data());
        // Radius between the 10th and 11th results of query 0.
        const float radius = 0.5f * (dis[9] + dis[10]);
        faiss::RangeSearchResult res(kNq);
        b.index->range_search(idx_t(kNq), b.xq.data(), radius, &res);
        std::set<idx_t> got(res.labels + res.lims[0], res.labels + res.lims[1]);
        std::set<idx_t> want(lab.begin(), lab.begin() + 10);
        if (dis[9] != dis[10]) EXPECT_EQ(got, want) << faiss::metric_name(metric);
        for (size_t i = 0; i < kNq; i++) {
            for (size_t r = res.lims[i]; r < res.lims[i + 1]; r++) {
                if (metric == faiss::METRIC_L2) {
                    EXPECT_LT(res.distances[r], radius);
                } else {
                    EXPECT_GT(res.distances[r], radius);
                }
            }
        }
    }
}

TEST(IVFSQ, MergeNeedsSameQuantizer) {
    Built a = build(ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true);
    Built c = build(ScalarQuantizer::QT_fp16, faiss::METRIC_L2, true);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { a.index->merge_from(*c.index); });
}

TEST(IVFSQ, BadInput) {
    faiss::IndexFlatL2 quantizer(kD);
    expect_code(faiss::ErrorCode::invalid_argument, [&] {
        IndexIVFScalarQuantizer bad(nullptr, kD, kNlist, ScalarQuantizer::QT_8bit);
    });
    expect_code(faiss::ErrorCode::invalid_argument, [&] {
        IndexIVFScalarQuantizer bad(&quantizer, kD + 1, kNlist, ScalarQuantizer::QT_8bit);
    });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { IndexIVFScalarQuantizer bad(&quantizer, kD, 0, ScalarQuantizer::QT_8bit); });
    expect_code(faiss::ErrorCode::unsupported, [&] {
        IndexIVFScalarQuantizer bad(&quantizer, kD, kNlist, ScalarQuantizer::QT_8bit,
                                    faiss::METRIC_L1);
    });
    IndexIVFScalarQuantizer index(&quantizer, kD, kNlist, ScalarQuantizer::QT_8bit);
    auto xb = faiss::test::random_vectors(100, kD, 5);
    std::vector<float> dis(10);
    std::vector<idx_t> lab(10);
    expect_code(faiss::ErrorCode::not_trained,
                [&] { index.search(1, xb.data(), 10, dis.data(), lab.data()); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { index.train(4, xb.data()); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { index.train(-1, xb.data()); });
    index.train(100, xb.data());
    index.add(100, xb.data());
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, xb.data(), 0, dis.data(), lab.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, nullptr, 10, dis.data(), lab.data()); });
    faiss::SearchParametersIVF params;
    params.nprobe = 0;
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, xb.data(), 10, dis.data(), lab.data(), &params); });
    // A NaN query matches nothing.
    std::vector<float> nanq(kD, NAN);
    index.nprobe = kNlist;
    index.search(1, nanq.data(), 10, dis.data(), lab.data());
    for (idx_t l : lab)
        EXPECT_EQ(l, -1);
}

}  // namespace

TEST(IVFSQ, ListMajorBatchEqualsPerQueryScan) {
    // parallel_mode 0 scans this batch list by list (every list is probed by many of the
    // queries), mode 3 query by query: identical results, with and without residuals.
    const Case cases[] = {{ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true},
                          {ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT, true},
                          {ScalarQuantizer::QT_6bit, faiss::METRIC_L2, false},
                          {ScalarQuantizer::QT_fp16, faiss::METRIC_INNER_PRODUCT, false}};
    for (const Case& c : cases) {
        Built b = build(c.qtype, c.metric, c.by_residual, 3000);
        faiss::SearchParametersIVF p;
        p.nprobe = 4;
        const idx_t k = 6;
        std::vector<float> d0(kNq * k), d1(kNq * k);
        std::vector<idx_t> l0(kNq * k), l1(kNq * k);
        b.index->parallel_mode = 0;
        b.index->search(idx_t(kNq), b.xq.data(), k, d0.data(), l0.data(), &p);
        b.index->parallel_mode = 3;
        b.index->search(idx_t(kNq), b.xq.data(), k, d1.data(), l1.data(), &p);
        EXPECT_EQ(l0, l1) << "qtype " << int(c.qtype) << " metric " << int(c.metric);
        EXPECT_EQ(d0, d1) << "qtype " << int(c.qtype) << " metric " << int(c.metric);
    }
}
