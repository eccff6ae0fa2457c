// Transform records "Viqm" (ITQMatrix), "Viqt" (ITQTransform) and "HRot"
// (HadamardRotation): round trips give identical outputs; malformed nesting is rejected.
#include <faiss/FaissException.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_io.h>
#include <faiss/io/io.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cstring>
#include <memory>
#include <vector>

using faiss::idx_t;

namespace {

std::vector<uint8_t> save(const faiss::VectorTransform& vt) {
    faiss::VectorIOWriter w;
    faiss::write_VectorTransform(&vt, &w);
    return w.data;
}

std::unique_ptr<faiss::VectorTransform> load(const std::vector<uint8_t>& bytes) {
    faiss::VectorIOReader r;
    r.data = bytes;
    return std::unique_ptr<faiss::VectorTransform>(faiss::read_VectorTransform(&r));
}

void expect_same_outputs(const faiss::VectorTransform& a, const faiss::VectorTransform& b) {
    ASSERT_EQ(a.d_in, b.d_in);
    ASSERT_EQ(a.d_out, b.d_out);
    const auto x = faiss::test::random_vectors(20, size_t(a.d_in), 70);
    std::unique_ptr<float[]> ya(a.apply(20, x.data())), yb(b.apply(20, x.data()));
    EXPECT_EQ(0, std::memcmp(ya.get(), yb.get(), 20 * size_t(a.d_out) * sizeof(float)));
}

}  // namespace

TEST(IoTransforms, ItqAndHadamardRoundTrip) {
    const auto x = faiss::test::random_vectors(600, 16, 71);
    faiss::ITQTransform itqt(16, 8, true);
    itqt.train(600, x.data());
    const auto bytes = save(itqt);
    auto back = load(bytes);
    auto* itqt_back = dynamic_cast<faiss::ITQTransform*>(back.get());
    ASSERT_NE(itqt_back, nullptr);
    EXPECT_TRUE(itqt_back->do_pca);
    EXPECT_EQ(itqt_back->itq.A, itqt.itq.A);
    EXPECT_EQ(itqt_back->itq.seed, itqt.itq.seed);
    expect_same_outputs(itqt, *back);
    EXPECT_EQ(save(*back), bytes);

    faiss::ITQMatrix itq(8);
    itq.max_iter = 3;
    itq.train(600, x.data());
    auto itq_back = load(save(itq));
    ASSERT_NE(dynamic_cast<faiss::ITQMatrix*>(itq_back.get()), nullptr);
    EXPECT_EQ(dynamic_cast<faiss::ITQMatrix*>(itq_back.get())->max_iter, 3);
    expect_same_outputs(itq, *itq_back);

    faiss::HadamardRotation hr(13, 99);
    auto hr_back = load(save(hr));
    auto* hr2 = dynamic_cast<faiss::HadamardRotation*>(hr_back.get());
    ASSERT_NE(hr2, nullptr);
    EXPECT_EQ(hr2->seed, 99u);
    EXPECT_EQ(hr2->signs3, hr.signs3);
    expect_same_outputs(hr, *hr_back);
}

TEST(IoTransforms, MalformedRecordsAreRejected) {
    const auto x = faiss::test::random_vectors(300, 8, 72);
    // An ITQTransform whose nested rotation is a plain LinearTransform.
    faiss::ITQTransform itqt(8, 8, false);
    itqt.train(300, x.data());
    auto bytes = save(itqt);
    const size_t viqm = 4 + 8 + 8 * 4 + 1;  // tag, mean (size + 8 floats), do_pca
    ASSERT_EQ(0, std::memcmp(bytes.data() + viqm, "Viqm", 4));
    auto nested_twice = bytes;
    std::memcpy(nested_twice.data() + viqm, "Viqt", 4);
    EXPECT_THROW(load(nested_twice), faiss::FaissException);
    // A Hadamard rotation whose d_out is not the padded power of two.
    faiss::HadamardRotation hr(8, 1);
    auto hb = save(hr);
    const int32_t bad_out = 12;
    std::memcpy(hb.data() + 4 + 4 + 4, &bad_out, 4);  // tag, seed, d_in, d_out
    EXPECT_THROW(load(hb), faiss::FaissException);
    // Truncations never crash.
    for (size_t cut = 0; cut < bytes.size(); cut += 7) {
        std::vector<uint8_t> part(bytes.begin(), bytes.begin() + long(cut));
        EXPECT_THROW(load(part), faiss::FaissException) << cut;
    }
}
