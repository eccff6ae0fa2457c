// index_factory transform prefixes backed by ITQTransform, HadamardRotation and
// RemapDimensionsTransform ("ITQ[<n>]", "HR[<seed>]", "Pad<n>"), and their reverse.
#include <faiss/IndexFlat.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <memory>
#include <string>
#include <vector>

using faiss::idx_t;

namespace {

std::unique_ptr<faiss::IndexPreTransform> make_pt(int d, const char* s) {
    std::unique_ptr<faiss::Index> index(faiss::index_factory(d, s));
    auto* pt = dynamic_cast<faiss::IndexPreTransform*>(index.get());
    EXPECT_NE(pt, nullptr) << s;
    index.release();
    return std::unique_ptr<faiss::IndexPreTransform>(pt);
}

/// Train, add and search itself: every vector finds itself first.
void check_self_search(faiss::Index& index, size_t n, const std::vector<float>& x) {
    index.train(idx_t(n), x.data());
    index.add(idx_t(n), x.data());
    std::vector<float> D(n);
    std::vector<idx_t> I(n);
    index.search(idx_t(n), x.data(), 1, D.data(), I.data());
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        found += I[i] == idx_t(i);
    EXPECT_GE(found, n * 9 / 10);
}

}  // namespace

TEST(TransformFactory, HadamardRotation) {
    auto index = make_pt(20, "HR,Flat");
    auto* hr = dynamic_cast<faiss::HadamardRotation*>(index->chain.at(0));
    ASSERT_NE(hr, nullptr);
    EXPECT_EQ(hr->seed, 12345u);
    EXPECT_EQ(index->index->d, 32);
    EXPECT_EQ(faiss::reverse_index_factory(index.get()), "HR,Flat");
    const auto x = faiss::test::random_vectors(300, 20, 60);
    check_self_search(*index, 300, x);
    auto seeded = make_pt(20, "HR7,Flat");
    EXPECT_EQ(dynamic_cast<faiss::HadamardRotation*>(seeded->chain.at(0))->seed, 7u);
    EXPECT_EQ(faiss::reverse_index_factory(seeded.get()), "HR7,Flat");
}

TEST(TransformFactory, ItqAndPad) {
    auto itq = make_pt(32, "ITQ16,Flat");
    auto* t = dynamic_cast<faiss::ITQTransform*>(itq->chain.at(0));
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(t->do_pca);
    EXPECT_EQ(t->d_out, 16);
    EXPECT_EQ(faiss::reverse_index_factory(itq.get()), "ITQ16,Flat");
    const auto x = faiss::test::clustered_vectors(500, 32, 20, 61);
    check_self_search(*itq, 500, x);
    auto same = make_pt(32, "ITQ,Flat");
    EXPECT_FALSE(dynamic_cast<faiss::ITQTransform*>(same->chain.at(0))->do_pca);
    EXPECT_EQ(faiss::reverse_index_factory(same.get()), "ITQ,Flat");

    auto pad = make_pt(30, "Pad32,Flat");
    auto* remap = dynamic_cast<faiss::RemapDimensionsTransform*>(pad->chain.at(0));
    ASSERT_NE(remap, nullptr);
    EXPECT_EQ(remap->d_out, 32);
    EXPECT_EQ(remap->map[29], 29);
    EXPECT_EQ(remap->map[31], -1);
    check_self_search(*pad, 500, faiss::test::random_vectors(500, 30, 62));
}
