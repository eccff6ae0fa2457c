// ITQMatrix / ITQTransform: the learnt rotation is orthonormal and lowers the binary
// quantisation loss ||sign(R x) - R x||^2 compared with the initial random rotation;
// ITQTransform = rotation(PCA(normalise(x - mean))); bad input.
#include <faiss/FaissException.h>
#include <faiss/VectorTransform.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "transforms_test_helpers.h"

#include <cmath>
#include <memory>
#include <vector>

using faiss::idx_t;
using faiss::test::expect_code;

namespace {

/// Mean over vectors of ||sign(y) - y||^2 for y = transform(x).
double binary_loss(const faiss::VectorTransform& t, size_t n, const float* x) {
    std::unique_ptr<float[]> y(t.apply(idx_t(n), x));
    double loss = 0;
    for (size_t i = 0; i < n * size_t(t.d_out); i++) {
        const double s = y[i] < 0 ? -1.0 : 1.0;
        loss += (s - y[i]) * (s - y[i]);
    }
    return loss / double(n);
}

/// Centred vectors scaled so that components are O(1).
std::vector<float> centred(size_t n, size_t d, uint64_t seed) {
    auto x = faiss::test::correlated_vectors(n, d, seed, 0.5);
    faiss::CenteringTransform c(static_cast<int>(d));
    c.train(idx_t(n), x.data());
    std::unique_ptr<float[]> xc(c.apply(idx_t(n), x.data()));
    return std::vector<float>(xc.get(), xc.get() + n * d);
}

}  // namespace

TEST(ITQMatrix, LowersBinaryQuantizationLoss) {
    const size_t n = 2000, d = 12;
    const auto x = centred(n, d, 41);
    faiss::ITQMatrix start(static_cast<int>(d));
    start.max_iter = 0;  // just the random rotation of the seed
    start.train(idx_t(n), x.data());
    faiss::ITQMatrix itq(static_cast<int>(d));
    itq.train(idx_t(n), x.data());
    ASSERT_TRUE(itq.is_trained);
    EXPECT_TRUE(itq.is_orthonormal);
    EXPECT_LT(faiss::test::orthonormality_error(d, d, itq.A.data()), 1e-5);
    EXPECT_LT(binary_loss(itq, n, x.data()), 0.95 * binary_loss(start, n, x.data()));

    // A given initial rotation is used as the starting point.
    faiss::ITQMatrix from_identity(static_cast<int>(d));
    from_identity.max_iter = 0;
    from_identity.init_rotation.assign(d * d, 0.0);
    for (size_t i = 0; i < d; i++)
        from_identity.init_rotation[i * d + i] = 1.0;
    from_identity.train(idx_t(n), x.data());
    for (size_t i = 0; i < d; i++)
        EXPECT_EQ(from_identity.A[i * d + i], 1.0f);
    from_identity.init_rotation.pop_back();
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { from_identity.train(idx_t(n), x.data()); },
        "init_rotation");
}

TEST(ITQTransform, NormalisesReducesAndRotates) {
    const size_t n = 1500, d = 16, dout = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 42);
    faiss::ITQTransform itq(static_cast<int>(d), static_cast<int>(dout), true);
    EXPECT_FALSE(itq.is_trained);
    std::vector<float> out(dout);
    expect_code(faiss::ErrorCode::not_trained, [&] { itq.apply_noalloc(1, x.data(), out.data()); });
    itq.train(idx_t(n), x.data());
    ASSERT_TRUE(itq.is_trained);
    ASSERT_EQ(itq.pca_then_itq.A.size(), dout * d);
    // apply = A (normalise(x - mean)), checked in double for a few vectors.
    std::unique_ptr<float[]> y(itq.apply(5, x.data()));
    for (size_t v = 0; v < 5; v++) {
        std::vector<double> xn(d);
        double norm2 = 0;
        for (size_t j = 0; j < d; j++) {
            xn[j] = x[v * d + j] - itq.mean[j];
            norm2 += xn[j] * xn[j];
        }
        for (size_t i = 0; i < dout; i++) {
            double ref = 0;
            for (size_t j = 0; j < d; j++)
                ref += itq.pca_then_itq.A[i * d + j] * xn[j] / std::sqrt(norm2);
            EXPECT_NEAR(y[v * dout + i], ref, 1e-5);
        }
    }
    // The merged matrix has orthonormal rows (PCA rows, then a rotation).
    EXPECT_LT(faiss::test::orthonormality_error(dout, d, itq.pca_then_itq.A.data()), 1e-5);
    faiss::ITQTransform same(static_cast<int>(d), static_cast<int>(dout), true);
    same.train(idx_t(n), x.data());
    EXPECT_NO_THROW(itq.check_identical(same));
    expect_code(faiss::ErrorCode::unsupported,
                [&] { itq.reverse_transform(1, y.get(), out.data()); });
}

TEST(ITQTransform, BadInput) {
    expect_code(
        faiss::ErrorCode::invalid_argument, [] { faiss::ITQTransform(16, 8, false); },
        "d_in == d_out");
    expect_code(faiss::ErrorCode::invalid_argument, [] { faiss::ITQTransform(8, 16, true); });
    faiss::ITQTransform itq(8, 8, false);
    auto x = faiss::test::correlated_vectors(100, 8, 43);
    x[10] = std::nanf("");
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { itq.train(100, x.data()); }, "NaN");
    expect_code(faiss::ErrorCode::invalid_argument, [&] { itq.train(0, x.data()); });
}
