// index_factory transform prefixes (PCA*, OPQ, RR, L2norm): one IndexPreTransform with
// the chain in order and d changed for the rest of the string; search through it;
// reverse_index_factory and ParameterSpace through the pre-transform.
#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::Index;
using faiss::IndexPreTransform;

namespace {

constexpr int kD = 32;

std::unique_ptr<Index> make(const char* s, faiss::MetricType m = faiss::METRIC_L2) {
    return std::unique_ptr<Index>(faiss::index_factory(kD, s, m));
}

IndexPreTransform& pt(const std::unique_ptr<Index>& index) {
    return dynamic_cast<IndexPreTransform&>(*index);
}

TEST(IndexFactoryTransforms, ChainsAndDimensions) {
    auto a = make("PCA16,IVF8,Flat");
    ASSERT_EQ(pt(a).chain.size(), 1u);
    auto& pca = dynamic_cast<faiss::PCAMatrix&>(*pt(a).chain[0]);
    EXPECT_EQ(pca.d_in, kD);
    EXPECT_EQ(pca.d_out, 16);
    EXPECT_EQ(pca.eigen_power, 0.0f);
    EXPECT_FALSE(pca.random_rotation);
    EXPECT_EQ(pt(a).index->d, 16);
    EXPECT_EQ(pt(a).d, kD);
    EXPECT_TRUE(pt(a).own_fields);
    EXPECT_EQ(dynamic_cast<faiss::IndexIVFFlat&>(*pt(a).index).nlist, 8u);

    auto w = make("PCAWR24,Flat");
    auto& pcaw = dynamic_cast<faiss::PCAMatrix&>(*pt(w).chain[0]);
    EXPECT_EQ(pcaw.eigen_power, -0.5f);
    EXPECT_TRUE(pcaw.random_rotation);
    EXPECT_EQ(dynamic_cast<faiss::PCAMatrix&>(*pt(make("PCAR8,Flat")).chain[0]).eigen_power, 0.0f);
    EXPECT_EQ(dynamic_cast<faiss::PCAMatrix&>(*pt(make("PCAW8,Flat")).chain[0]).eigen_power, -0.5f);

    auto chain = make("L2norm,OPQ8_16,IVF8,PQ8");
    ASSERT_EQ(pt(chain).chain.size(), 2u);
    EXPECT_NE(dynamic_cast<faiss::NormalizationTransform*>(pt(chain).chain[0]), nullptr);
    auto& opq = dynamic_cast<faiss::OPQMatrix&>(*pt(chain).chain[1]);
    EXPECT_EQ(opq.M, 8);
    EXPECT_EQ(opq.d_out, 16);
    EXPECT_EQ(dynamic_cast<faiss::IndexIVFPQ&>(*pt(chain).index).pq.M, 8u);
    EXPECT_EQ(pt(chain).index->d, 16);

    auto rr = make("RR,Flat");
    EXPECT_EQ(pt(rr).chain[0]->d_out, kD);
    EXPECT_NE(dynamic_cast<faiss::RandomRotationMatrix*>(pt(rr).chain[0]), nullptr);
    EXPECT_EQ(pt(make("RR48,Flat")).chain[0]->d_out, 48);
    EXPECT_NE(dynamic_cast<faiss::NormalizationTransform*>(pt(make("L2Norm,Flat")).chain[0]),
              nullptr);

    // IDMap inside and outside the transforms, as Faiss reads them.
    auto inside = make("PCA16,IDMap,Flat");
    EXPECT_NE(dynamic_cast<faiss::IndexIDMap*>(pt(inside).index), nullptr);
    EXPECT_NE(dynamic_cast<faiss::IndexIDMap*>(make("IDMap,PCA16,Flat").get()), nullptr);
    EXPECT_NE(dynamic_cast<faiss::IndexRefineFlat*>(make("PCA16,IVF8,Flat,RFlat").get()), nullptr);
}

TEST(IndexFactoryTransforms, CosineSearchAndPCARecall) {
    const size_t nb = 1000, nq = 20, k = 5;
    auto xb = faiss::test::clustered_vectors(nb, kD, 20, 8);
    auto xq = faiss::test::clustered_vectors(nq, kD, 20, 9);
    // L2norm + inner product = cosine similarity: the same ranking as normalised vectors.
    auto cosine = make("L2norm,Flat", faiss::METRIC_INNER_PRODUCT);
    cosine->train(idx_t(nb), xb.data());
    cosine->add(idx_t(nb), xb.data());
    std::vector<float> dis(nq * k);
    std::vector<idx_t> lab(nq * k);
    cosine->search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
    auto nxb = xb, nxq = xq;
    for (auto* v : {&nxb, &nxq}) {
        for (size_t i = 0; i < v->size() / kD; i++) {
            double s = 0;
            for (int j = 0; j < kD; j++)
                s += double((*v)[i * kD + j]) * (*v)[i * kD + j];
            for (int j = 0; j < kD; j++)
                (*v)[i * kD + j] = float((*v)[i * kD + j] / std::sqrt(s));
        }
    }
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(nxq.data(), nq, nxb.data(), nb, kD, k, faiss::METRIC_INNER_PRODUCT,
                               rd, rl);
    size_t same = 0;
    for (size_t i = 0; i < nq * k; i++)
        same += lab[i] == rl[i];
    EXPECT_GE(double(same) / double(nq * k), 0.98);

    // PCA keeping every dimension is a rotation (after centering): exact neighbours. Cut
    // to 24 of 32 dimensions it keeps many of them (measured 0.57 on this data).
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, kD, k, faiss::METRIC_L2, rd, rl);
    for (auto [s, min_recall] : {std::pair<const char*, double>{"PCA32,Flat", 0.99},
                                 std::pair<const char*, double>{"PCA24,Flat", 0.5}}) {
        auto pca = make(s);
        pca->train(idx_t(nb), xb.data());
        pca->add(idx_t(nb), xb.data());
        pca->search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
        const size_t hits = faiss::test::count_overlap(lab.data(), rl.data(), nq, k);
        EXPECT_GE(double(hits) / double(nq * k), min_recall) << s;
    }
}

TEST(IndexFactoryTransforms, ReverseAndParameters) {
    for (const char* s :
         {"PCA16,IVF8,Flat", "PCAW16,Flat", "PCAR16,Flat", "PCAWR16,Flat", "OPQ8_16,IVF8,PQ8x8",
          "OPQ4,Flat", "RR32,Flat", "L2norm,Flat", "L2norm,PCA16,IDMap,Flat", "IDMap,PCA16,Flat",
          "PCA16,IVF8,Flat,RFlat", "PCA16,Flat,IDMap,RFlat"}) {
        auto index = make(s);
        EXPECT_EQ(faiss::reverse_index_factory(index.get()), s);
        auto again = std::unique_ptr<Index>(
            faiss::index_factory(kD, faiss::reverse_index_factory(index.get()).c_str()));
        EXPECT_EQ(typeid(*again), typeid(*index)) << s;
    }
    // A transform around a refinement has no string (the refinement would wrap it).
    faiss::IndexFlat base(kD);
    faiss::IndexRefineFlat refine(&base);
    IndexPreTransform wrapped(new faiss::NormalizationTransform(kD), &refine);
    faiss::test::expect_code(
        faiss::ErrorCode::unsupported, [&] { faiss::reverse_index_factory(&wrapped); },
        "transform around");
    delete wrapped.chain[0];

    auto index = make("PCA16,IVF8,Flat");
    faiss::ParameterSpace ps;
    ps.set_index_parameters(index.get(), "nprobe=6");
    EXPECT_EQ(dynamic_cast<faiss::IndexIVF&>(*pt(index).index).nprobe, 6u);
    ps.initialize(index.get());
    ASSERT_EQ(ps.parameter_ranges.size(), 1u);
    EXPECT_EQ(ps.parameter_ranges[0].name, "nprobe");
}

TEST(IndexFactoryTransforms, Errors) {
    struct Case {
        const char* s;
        faiss::ErrorCode code;
        const char* needle;
    } cases[] = {
        {"PCA64,Flat", faiss::ErrorCode::invalid_argument,
         "'PCA64' at position 0: PCA output dimension 64 exceeds d=32"},
        {"PCA16,PCA24,Flat", faiss::ErrorCode::invalid_argument,
         "'PCA24' at position 6: PCA output dimension 24 exceeds d=16"},
        {"OPQ5,Flat", faiss::ErrorCode::invalid_argument, "5 does not divide d_out=32"},
        {"OPQ8_,Flat", faiss::ErrorCode::invalid_argument, "expected OPQ<M>_<d_out>"},
        {"PCA0,Flat", faiss::ErrorCode::invalid_argument, "output dimension must be > 0"},
        {"PCA16,PQ5", faiss::ErrorCode::invalid_argument,
         "'PQ5' at position 6: 5 does not divide d=16"},
        {"L2norm", faiss::ErrorCode::invalid_argument, "must be followed by an index"},
        {"ITQ64,Flat", faiss::ErrorCode::invalid_argument, "'ITQ64' at position 0"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.s);
        faiss::test::expect_code(
            c.code, [&] { make(c.s); }, c.needle);
    }
}

}  // namespace
