// IndexPreTransform: search equals exact search on the transformed vectors, PCA + Flat /
// IVFFlat recall on low-rank data, training order, ids, removal, reconstruction through
// the reverse chain, per-call parameters, range search, standalone codes, merge, bad input.
#include <faiss/DistanceComputer.h>
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/VectorTransform.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "transforms_test_helpers.h"

#include <cmath>
#include <memory>
#include <vector>

using faiss::idx_t;
using faiss::IndexPreTransform;
using faiss::test::expect_code;

namespace {

/// Fraction of the reference top-k found in the result's top-k.
double recall(size_t nq, size_t k, const std::vector<idx_t>& ref, const std::vector<idx_t>& got) {
    const size_t hits = faiss::test::count_overlap(got.data(), ref.data(), nq, k);
    return double(hits) / double(nq * k);
}

struct LowRank {
    size_t nb = 3000, nq = 50, d = 32, k = 10;
    std::vector<float> xb, xq;
    std::vector<double> rd;
    std::vector<idx_t> rl;
    LowRank() {
        // decay 2: almost all the variance sits in a few components.
        auto all = faiss::test::correlated_vectors(nb + nq, d, 31, 2.0);
        xb.assign(all.begin(), all.begin() + nb * d);
        xq.assign(all.begin() + nb * d, all.end());
        faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, faiss::METRIC_L2, rd, rl);
    }
};

}  // namespace

TEST(IndexPreTransform, SearchIsExactSearchOnTransformedVectors) {
    LowRank data;
    auto* pca = new faiss::PCAMatrix(static_cast<int>(data.d), 16);
    auto* flat = new faiss::IndexFlatL2(16);
    IndexPreTransform index(pca, flat);
    index.own_fields = true;
    EXPECT_EQ(index.d, static_cast<int>(data.d));
    EXPECT_FALSE(index.is_trained);
    expect_code(faiss::ErrorCode::not_trained, [&] { index.add(1, data.xb.data()); });
    index.train(idx_t(data.nb), data.xb.data());
    ASSERT_TRUE(index.is_trained);
    index.add(idx_t(data.nb), data.xb.data());
    EXPECT_EQ(index.ntotal, idx_t(data.nb));

    std::vector<float> D(data.nq * data.k);
    std::vector<idx_t> I(data.nq * data.k);
    index.search(idx_t(data.nq), data.xq.data(), idx_t(data.k), D.data(), I.data());
    // Same as brute force over the transformed vectors.
    std::unique_ptr<const float[]> tb(index.apply_chain(idx_t(data.nb), data.xb.data()));
    std::unique_ptr<const float[]> tq(index.apply_chain(idx_t(data.nq), data.xq.data()));
    std::vector<double> td;
    std::vector<idx_t> tl;
    faiss::test::reference_knn(tq.get(), data.nq, tb.get(), data.nb, 16, data.k, faiss::METRIC_L2,
                               td, tl);
    for (size_t i = 0; i < D.size(); i++)
        EXPECT_NEAR(D[i], td[i], 1e-3 * (1 + td[i]));
    EXPECT_GE(recall(data.nq, data.k, tl, I), 0.98);
    // Half the dimensions keep almost all neighbours of the original space.
    EXPECT_GE(recall(data.nq, data.k, data.rl, I), 0.9);
}

TEST(IndexPreTransform, PcaIvfFlatRecall) {
    LowRank data;
    faiss::PCAMatrix pca(static_cast<int>(data.d), 16);
    faiss::IndexFlatL2 quantizer(16);
    faiss::IndexIVFFlat ivf(&quantizer, 16, 32);
    IndexPreTransform index(&pca, &ivf);
    index.train(idx_t(data.nb), data.xb.data());
    EXPECT_TRUE(pca.is_trained);
    EXPECT_TRUE(ivf.is_trained);
    index.add(idx_t(data.nb), data.xb.data());
    std::vector<float> D(data.nq * data.k);
    std::vector<idx_t> I(data.nq * data.k);
    faiss::SearchParametersIVF params;
    params.nprobe = 8;
    index.search(idx_t(data.nq), data.xq.data(), idx_t(data.k), D.data(), I.data(), &params);
    EXPECT_GE(recall(data.nq, data.k, data.rl, I), 0.8);
    // The IVF parameters are forwarded: nprobe 1 finds fewer, nprobe = nlist as many as flat.
    params.nprobe = 1;
    std::vector<idx_t> I1(I.size());
    index.search(idx_t(data.nq), data.xq.data(), idx_t(data.k), D.data(), I1.data(), &params);
    faiss::SearchParametersPreTransform wrapped;
    faiss::SearchParametersIVF all;
    all.nprobe = 32;
    wrapped.index_params = &all;
    std::vector<idx_t> Iall(I.size());
    index.search(idx_t(data.nq), data.xq.data(), idx_t(data.k), D.data(), Iall.data(), &wrapped);
    EXPECT_LT(recall(data.nq, data.k, data.rl, I1), recall(data.nq, data.k, data.rl, Iall));
    EXPECT_GE(recall(data.nq, data.k, data.rl, Iall), 0.9);
}

TEST(IndexPreTransform, TrainsOnlyWhatNeedsTraining) {
    const size_t n = 500, d = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 32);
    faiss::CenteringTransform centre(static_cast<int>(d));
    faiss::PCAMatrix pca(static_cast<int>(d), 4);
    faiss::IndexFlatL2 flat(4);
    IndexPreTransform index(&pca, &flat);
    index.prepend_transform(&centre);
    ASSERT_EQ(index.chain.size(), 2u);
    EXPECT_EQ(index.chain[0], &centre);
    index.train(idx_t(n), x.data());
    EXPECT_TRUE(centre.is_trained && pca.is_trained && index.is_trained);
    // PCA saw centred data: its mean is ~0.
    for (float m : pca.mean)
        EXPECT_NEAR(m, 0.0, 1e-3);
    // Trained transforms are left alone by a second train().
    const auto A = pca.A;
    const auto y = faiss::test::correlated_vectors(n, d, 33);
    index.train(idx_t(n), y.data());
    EXPECT_EQ(pca.A, A);
    faiss::RandomRotationMatrix rr(6, 5);
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { index.prepend_transform(&rr); }, "d_out=5");
    faiss::RandomRotationMatrix rr2(6, 8);
    index.prepend_transform(&rr2);
    EXPECT_EQ(index.d, 6);
    EXPECT_FALSE(index.is_trained);
}

TEST(IndexPreTransform, IdsRemovalAndReconstruction) {
    const size_t n = 200, d = 12;
    const auto x = faiss::test::correlated_vectors(n, d, 34);
    faiss::RandomRotationMatrix rr(static_cast<int>(d), static_cast<int>(d));
    rr.init(1);
    faiss::IndexFlatL2 flat(static_cast<int>(d));
    faiss::IndexIDMap idmap(&flat);
    IndexPreTransform index(&rr, &idmap);
    ASSERT_TRUE(index.is_trained);
    std::vector<idx_t> ids(n);
    for (size_t i = 0; i < n; i++)
        ids[i] = idx_t(1000 + 2 * i);
    index.add_with_ids(idx_t(n), x.data(), ids.data());
    EXPECT_EQ(index.ntotal, idx_t(n));
    std::vector<float> D(1);
    std::vector<idx_t> I(1);
    index.search(1, x.data() + 7 * d, 1, D.data(), I.data());
    EXPECT_EQ(I[0], 1014);
    EXPECT_NEAR(D[0], 0.0, 1e-4);
    // Selector through plain SearchParameters and through SearchParametersPreTransform.
    faiss::IDSelectorRange odd(1015, 3000);
    faiss::SearchParametersPreTransform sp;
    sp.sel = &odd;
    index.search(1, x.data() + 7 * d, 1, D.data(), I.data(), &sp);
    EXPECT_GE(I[0], 1015);
    faiss::IDSelectorRange low(0, 1010);
    EXPECT_EQ(index.remove_ids(low), 5u);
    EXPECT_EQ(index.ntotal, idx_t(n - 5));

    // Reconstruction through a flat index with sequential ids and a rotation: exact.
    faiss::IndexFlatL2 flat2(static_cast<int>(d));
    IndexPreTransform seq(&rr, &flat2);
    seq.add(idx_t(n), x.data());
    std::vector<float> rec(d), recn(3 * d);
    seq.reconstruct(5, rec.data());
    for (size_t j = 0; j < d; j++)
        EXPECT_NEAR(rec[j], x[5 * d + j], 1e-4);
    seq.reconstruct_n(10, 3, recn.data());
    for (size_t j = 0; j < 3 * d; j++)
        EXPECT_NEAR(recn[j], x[10 * d + j], 1e-4);
    const idx_t keys[2] = {3, 150};
    std::vector<float> recb(2 * d);
    seq.reconstruct_batch(2, keys, recb.data());
    for (size_t j = 0; j < d; j++)
        EXPECT_NEAR(recb[d + j], x[150 * d + j], 1e-4);
    std::vector<float> R(2 * d);
    std::vector<float> D2(2);
    std::vector<idx_t> I2(2);
    seq.search_and_reconstruct(1, x.data() + 9 * d, 2, D2.data(), I2.data(), R.data());
    EXPECT_EQ(I2[0], 9);
    for (size_t j = 0; j < d; j++)
        EXPECT_NEAR(R[j], x[9 * d + j], 1e-4);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { seq.reconstruct_n(199, 5, recn.data()); });
    seq.reset();
    EXPECT_EQ(seq.ntotal, 0);
    EXPECT_EQ(flat2.ntotal, 0);

    // A whitening PCA has no reverse transform.
    faiss::PCAMatrix white(static_cast<int>(d), 4, -0.5f);
    faiss::IndexFlatL2 flat4(4);
    IndexPreTransform wi(&white, &flat4);
    wi.train(idx_t(n), x.data());
    wi.add(idx_t(n), x.data());
    expect_code(faiss::ErrorCode::unsupported, [&] { wi.reconstruct(0, rec.data()); });
}

TEST(IndexPreTransform, RangeSearchCodesAndMerge) {
    const size_t n = 300, d = 10;
    const auto x = faiss::test::correlated_vectors(n, d, 35);
    faiss::NormalizationTransform norm(static_cast<int>(d));
    faiss::IndexFlatIP flat(static_cast<int>(d));
    IndexPreTransform index(&norm, &flat);
    index.add(idx_t(n), x.data());
    // Cosine similarity: each vector's best match is itself with similarity 1.
    faiss::RangeSearchResult res(2);
    index.range_search(2, x.data(), 0.999f, &res);
    EXPECT_GE(res.lims[1], 1u);
    EXPECT_EQ(res.labels[0], 0);
    EXPECT_NEAR(res.distances[0], 1.0, 1e-5);

    EXPECT_EQ(index.sa_code_size(), d * sizeof(float));
    std::vector<uint8_t> codes(2 * index.sa_code_size());
    index.sa_encode(2, x.data(), codes.data());
    std::vector<float> dec(2 * d);
    index.sa_decode(2, codes.data(), dec.data());  // the normalised vectors
    double n2 = 0;
    for (size_t j = 0; j < d; j++)
        n2 += double(dec[j]) * dec[j];
    EXPECT_NEAR(n2, 1.0, 1e-5);

    faiss::NormalizationTransform norm2(static_cast<int>(d));
    faiss::IndexFlatIP flat2(static_cast<int>(d));
    IndexPreTransform other(&norm2, &flat2);
    other.add(10, x.data());
    index.merge_from(other);
    EXPECT_EQ(index.ntotal, idx_t(n + 10));
    EXPECT_EQ(other.ntotal, 0);
    faiss::CenteringTransform centre(static_cast<int>(d));
    faiss::IndexFlatIP flat3(static_cast<int>(d));
    IndexPreTransform different(&centre, &flat3);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { index.merge_from(different); });
}

TEST(IndexPreTransform, BadInput) {
    faiss::PCAMatrix pca(16, 8);
    faiss::IndexFlatL2 wrong(6);
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { IndexPreTransform(&pca, &wrong); }, "d_out=8");
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexPreTransform(nullptr); });
    faiss::IndexFlatL2 flat(8);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { IndexPreTransform(static_cast<faiss::VectorTransform*>(nullptr), &flat); });
    IndexPreTransform index(&pca, &flat);
    const auto x = faiss::test::correlated_vectors(100, 16, 36);
    std::vector<float> D(2);
    std::vector<idx_t> I(2);
    expect_code(faiss::ErrorCode::not_trained,
                [&] { index.search(1, x.data(), 2, D.data(), I.data()); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { index.train(-1, x.data()); });
    index.train(100, x.data());
    index.add(100, x.data());
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, x.data(), 0, D.data(), I.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, nullptr, 2, D.data(), I.data()); });
    // A chain edited into an inconsistent state is reported, not followed.
    faiss::PCAMatrix other(12, 8);
    index.chain[0] = &other;
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { index.add(1, x.data()); }, "d_in=12");
    index.chain[0] = &pca;
    // A NaN query gets padding results, never a crash.
    auto q = std::vector<float>(x.begin(), x.begin() + 16);
    q[3] = std::nanf("");
    index.search(1, q.data(), 2, D.data(), I.data());
    EXPECT_EQ(I[0], -1);
}

TEST(IndexPreTransform, DistanceComputerTransformsTheQuery) {
    const size_t n = 200, d = 12;
    const auto x = faiss::test::correlated_vectors(n, d, 37);
    faiss::PCAMatrix pca(static_cast<int>(d), 5);
    faiss::IndexFlatL2 flat(5);
    IndexPreTransform index(&pca, &flat);
    index.train(idx_t(n), x.data());
    index.add(idx_t(n), x.data());
    std::unique_ptr<faiss::DistanceComputer> dc(index.get_distance_computer());
    dc->set_query(x.data() + 3 * d);
    std::vector<float> D(n);
    std::vector<idx_t> I(n);
    index.search(1, x.data() + 3 * d, idx_t(n), D.data(), I.data());
    for (size_t j = 0; j < n; j += 17)
        EXPECT_NEAR((*dc)(I[j]), D[j], 1e-3 * (1 + D[j]));
    EXPECT_NEAR(dc->symmetric_dis(3, 3), 0.0, 1e-4);
}
