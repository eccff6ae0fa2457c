// IndexRefine / IndexRefineFlat: re-ranking lifts the recall of IndexPQ and IVFSQ4, a
// large k_factor gives the exact results, per-call parameters, a non-flat refine index,
// selectors, reconstruct / standalone codes, bad input.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <functional>
#include <memory>
#include <vector>

using faiss::idx_t;
using faiss::IndexRefine;
using faiss::IndexRefineFlat;

using faiss::test::expect_code;

namespace {

struct Data {
    size_t nb, nq, d;
    std::vector<float> xb, xq;
    std::vector<double> rd;
    std::vector<idx_t> rl;
    Data(size_t nb, size_t nq, size_t d, size_t k, faiss::MetricType metric = faiss::METRIC_L2)
        : nb(nb), nq(nq), d(d) {
        xb = faiss::test::clustered_vectors(nb, d, 40, 21);
        xq = faiss::test::clustered_vectors(nq, d, 40, 22);
        faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, metric, rd, rl);
    }
};

double recall_at(const Data& data, const std::vector<idx_t>& lab, size_t k) {
    const size_t hits = faiss::test::count_overlap(lab.data(), data.rl.data(), data.nq, k);
    return double(hits) / double(data.nq * k);
}

double search_recall(const faiss::Index& index, const Data& data, size_t k,
                     const faiss::SearchParameters* params = nullptr) {
    std::vector<float> dis(data.nq * k);
    std::vector<idx_t> lab(data.nq * k);
    index.search(idx_t(data.nq), data.xq.data(), idx_t(k), dis.data(), lab.data(), params);
    return recall_at(data, lab, k);
}

TEST(Refine, LiftsRecallOfPQ) {
    const size_t k = 10;
    Data data(3000, 40, 32, k);
    faiss::IndexPQ pq(int(data.d), 16, 4);
    IndexRefineFlat refine(&pq);
    EXPECT_FALSE(refine.is_trained);
    refine.train(idx_t(data.nb), data.xb.data());
    refine.add(idx_t(data.nb), data.xb.data());
    EXPECT_EQ(refine.ntotal, idx_t(data.nb));
    EXPECT_EQ(pq.ntotal, idx_t(data.nb));
    const double base = search_recall(pq, data, k);
    refine.k_factor = 16;
    const double refined = search_recall(refine, data, k);
    EXPECT_GE(refined, 0.93) << "PQ16x4 alone: " << base << " (refined measured 0.9625)";
    EXPECT_GT(refined, base);
}

TEST(Refine, LiftsRecallOfIVFSQ4AndPerCallParams) {
    const size_t k = 10;
    Data data(3000, 40, 32, k);
    faiss::IndexFlatL2 quantizer(idx_t(data.d));
    faiss::IndexIVFScalarQuantizer ivf(&quantizer, data.d, 16, faiss::ScalarQuantizer::QT_4bit);
    ivf.nprobe = 16;
    faiss::IndexFlatL2 flat(idx_t(data.d));
    IndexRefine refine(&ivf, &flat);
    refine.train(idx_t(data.nb), data.xb.data());
    refine.add(idx_t(data.nb), data.xb.data());
    const double base = search_recall(ivf, data, k);
    faiss::SearchParametersIVF ivf_params;
    ivf_params.nprobe = 16;
    faiss::SearchParametersRefine params;
    params.k_factor = 4;
    params.base_index_params = &ivf_params;
    ivf.nprobe = 1;  // the per-call nprobe must be used
    const double refined = search_recall(refine, data, k, &params);
    EXPECT_GE(refined, 0.98) << "IVFSQ4 alone: " << base;
    EXPECT_EQ(refine.k_factor, 1.f);
}

TEST(Refine, LargeKFactorIsExact) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        const size_t k = 5;
        Data data(300, 10, 16, k, metric);
        faiss::IndexPQ pq(int(data.d), 4, 4, metric);
        IndexRefineFlat refine(&pq);
        refine.k_factor = 1000;
        refine.train(idx_t(data.nb), data.xb.data());
        refine.add(idx_t(data.nb), data.xb.data());
        std::vector<float> dis(data.nq * k);
        std::vector<idx_t> lab(data.nq * k);
        refine.search(idx_t(data.nq), data.xq.data(), idx_t(k), dis.data(), lab.data());
        for (size_t i = 0; i < data.nq * k; i++) {
            EXPECT_EQ(lab[i], data.rl[i]) << faiss::metric_name(metric);
            EXPECT_NEAR(dis[i], data.rd[i], 1e-4 * (1 + std::abs(data.rd[i])));
        }
    }
}

TEST(Refine, NonFlatRefineIndexAndSelector) {
    const size_t k = 10;
    Data data(2000, 20, 16, k);
    faiss::IndexPQ pq(int(data.d), 8, 4);
    faiss::IndexScalarQuantizer sq(int(data.d), faiss::ScalarQuantizer::QT_fp16);
    IndexRefine refine(&pq, &sq);
    refine.k_factor = 20;
    refine.train(idx_t(data.nb), data.xb.data());
    refine.add(idx_t(data.nb), data.xb.data());
    EXPECT_GE(search_recall(refine, data, k), 0.95) << "measured 1.0";

    faiss::IDSelectorRange range(0, 1000);
    faiss::SearchParametersRefine params;
    params.sel = &range;
    std::vector<float> dis(data.nq * k);
    std::vector<idx_t> lab(data.nq * k);
    refine.search(idx_t(data.nq), data.xq.data(), idx_t(k), dis.data(), lab.data(), &params);
    for (idx_t l : lab) {
        EXPECT_GE(l, 0);
        EXPECT_LT(l, 1000);
    }
}

TEST(Refine, ReconstructCodesAndPadding) {
    Data data(50, 3, 8, 1);
    faiss::IndexPQ pq(int(data.d), 2, 4);
    pq.train(idx_t(data.nb), data.xb.data());
    pq.add(idx_t(data.nb), data.xb.data());
    IndexRefineFlat refine(&pq, data.xb.data());
    EXPECT_EQ(refine.ntotal, idx_t(data.nb));
    EXPECT_TRUE(refine.is_trained);
    std::vector<float> v(data.d);
    refine.reconstruct(7, v.data());
    for (size_t j = 0; j < data.d; j++)
        EXPECT_EQ(v[j], data.xb[7 * data.d + j]);
    EXPECT_EQ(refine.sa_code_size(), pq.sa_code_size() + data.d * sizeof(float));
    std::vector<uint8_t> codes(2 * refine.sa_code_size());
    std::vector<float> dec(2 * data.d);
    refine.sa_encode(2, data.xb.data(), codes.data());
    refine.sa_decode(2, codes.data(), dec.data());
    for (size_t j = 0; j < 2 * data.d; j++)
        EXPECT_EQ(dec[j], data.xb[j]);
    // More results asked than stored: padding.
    const size_t k = 60;
    std::vector<float> dis(k);
    std::vector<idx_t> lab(k);
    refine.search(1, data.xq.data(), idx_t(k), dis.data(), lab.data());
    EXPECT_EQ(lab[49] >= 0, true);
    EXPECT_EQ(lab[50], -1);
    EXPECT_EQ(dis[50], std::numeric_limits<float>::infinity());
    refine.reset();
    EXPECT_EQ(refine.ntotal, 0);
    EXPECT_EQ(pq.ntotal, 0);
}

TEST(Refine, BadInput) {
    faiss::IndexFlatL2 a(8), b(16);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefine r(&a, &b); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefine r(nullptr, &b); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefine r(&a, nullptr); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefineFlat r(nullptr); });
    auto xb = faiss::test::random_vectors(300, 8, 4);
    faiss::IndexFlatL2 filled(8);
    filled.add(10, xb.data());
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefine r(&filled, &a); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexRefineFlat r(&filled); });

    faiss::IndexPQ pq(8, 2, 4);
    IndexRefineFlat refine(&pq);
    std::vector<float> dis(5);
    std::vector<idx_t> lab(5);
    expect_code(faiss::ErrorCode::not_trained, [&] { refine.add(10, xb.data()); });
    expect_code(faiss::ErrorCode::not_trained,
                [&] { refine.search(1, xb.data(), 5, dis.data(), lab.data()); });
    refine.train(300, xb.data());
    refine.add(300, xb.data());
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { refine.search(1, xb.data(), 0, dis.data(), lab.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { refine.search(-1, xb.data(), 5, dis.data(), lab.data()); });
    refine.k_factor = 0.5f;
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { refine.search(1, xb.data(), 5, dis.data(), lab.data()); });
    refine.k_factor = 2;
    faiss::SearchParametersRefine params;
    params.k_factor = std::numeric_limits<float>::quiet_NaN();
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { refine.search(1, xb.data(), 5, dis.data(), lab.data(), &params); });
}

}  // namespace
