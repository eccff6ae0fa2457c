// Vector transforms: PCA against a double-precision Jacobi eigen-decomposition, PCA
// reconstruction error, whitening, random rotations, normalisation, centering,
// dimension remapping, reverse transforms, bad input.
#include <faiss/FaissException.h>
#include <faiss/VectorTransform.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "transforms_test_helpers.h"

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

using faiss::idx_t;
using faiss::test::expect_code;

namespace {

std::vector<float> apply(const faiss::VectorTransform& t, size_t n, const float* x) {
    std::unique_ptr<float[]> xt(t.apply(idx_t(n), x));
    return std::vector<float>(xt.get(), xt.get() + n * size_t(t.d_out));
}

std::vector<float> reverse(const faiss::VectorTransform& t, size_t n, const float* xt) {
    std::vector<float> x(n * size_t(t.d_in));
    t.reverse_transform(idx_t(n), xt, x.data());
    return x;
}

}  // namespace

TEST(PCAMatrix, MatchesJacobiReference) {
    const size_t n = 3000, d = 12, dout = 5;
    const auto x = faiss::test::correlated_vectors(n, d, 1);
    faiss::PCAMatrix pca(static_cast<int>(d), static_cast<int>(dout));
    EXPECT_FALSE(pca.is_trained);
    pca.train(idx_t(n), x.data());
    ASSERT_TRUE(pca.is_trained);
    EXPECT_TRUE(pca.have_bias);
    EXPECT_TRUE(pca.is_orthonormal);

    std::vector<double> mean, scatter, ref_val, ref_vec;
    faiss::test::reference_scatter(n, d, x.data(), mean, scatter);
    faiss::test::jacobi_eigen(d, scatter, ref_val, ref_vec);
    ASSERT_EQ(pca.eigenvalues.size(), d);
    ASSERT_EQ(pca.PCAMat.size(), d * d);
    for (size_t j = 0; j < d; j++)
        EXPECT_NEAR(pca.mean[j], mean[j], 1e-4 * (1 + std::fabs(mean[j])));
    for (size_t i = 0; i < d; i++)
        EXPECT_NEAR(pca.eigenvalues[i], ref_val[i], 1e-4 * ref_val[0]) << "eigenvalue " << i;
    // Eigenvectors agree up to sign (the eigenvalues here are well separated).
    for (size_t i = 0; i < dout; i++) {
        double dot = 0;
        for (size_t k = 0; k < d; k++)
            dot += pca.PCAMat[i * d + k] * ref_vec[i * d + k];
        EXPECT_NEAR(std::fabs(dot), 1.0, 1e-4) << "eigenvector " << i;
    }
    // apply() is the projection of the centred vector on the leading eigenvectors.
    const auto xt = apply(pca, 50, x.data());
    for (size_t v = 0; v < 50; v++)
        for (size_t i = 0; i < dout; i++) {
            double ref = 0;
            for (size_t k = 0; k < d; k++)
                ref += pca.PCAMat[i * d + k] * (x[v * d + k] - mean[k]);
            EXPECT_NEAR(xt[v * dout + i], ref, 1e-3 * std::sqrt(ref_val[0] / n) + 1e-4);
        }
}

TEST(PCAMatrix, ReconstructionErrorIsTheDiscardedVariance) {
    const size_t n = 4000, d = 32, dout = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 2, 1.5);
    faiss::PCAMatrix pca(static_cast<int>(d), static_cast<int>(dout));
    pca.train(idx_t(n), x.data());
    const auto back = reverse(pca, n, apply(pca, n, x.data()).data());
    const double pca_err = faiss::test::mean_squared_error(n, d, x.data(), back.data());
    double discarded = 0;
    for (size_t i = dout; i < d; i++)
        discarded += pca.eigenvalues[i];
    EXPECT_NEAR(pca_err, discarded / n, 1e-3 * discarded / n + 1e-6);

    // Without the transform, keeping dout of the (centred) components loses much more.
    faiss::CenteringTransform centre(static_cast<int>(d));
    centre.train(idx_t(n), x.data());
    const auto xc = apply(centre, n, x.data());
    double kept_raw_err = 0;
    for (size_t v = 0; v < n; v++)
        for (size_t j = dout; j < d; j++)
            kept_raw_err += double(xc[v * d + j]) * xc[v * d + j];
    kept_raw_err /= n;
    EXPECT_LT(pca_err, 0.5 * kept_raw_err);

    // A random rotation followed by truncation is no better than raw truncation on average.
    faiss::RandomRotationMatrix rr(static_cast<int>(d), static_cast<int>(dout));
    rr.init(3);
    const auto rr_back = reverse(rr, n, apply(rr, n, xc.data()).data());
    EXPECT_LT(pca_err, 0.5 * faiss::test::mean_squared_error(n, d, xc.data(), rr_back.data()));
}

TEST(PCAMatrix, WhiteningEqualisesTheVariances) {
    const size_t n = 5000, d = 16, dout = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 3);
    faiss::PCAMatrix pca(static_cast<int>(d), static_cast<int>(dout), -0.5f);
    pca.train(idx_t(n), x.data());
    EXPECT_FALSE(pca.is_orthonormal);
    const auto xt = apply(pca, n, x.data());
    // The eigenvalues are those of the unnormalised scatter matrix (as Faiss), so every
    // whitened component has variance 1 / n and they are uncorrelated.
    for (size_t i = 0; i < dout; i++)
        for (size_t j = 0; j < dout; j++) {
            double cov = 0;
            for (size_t v = 0; v < n; v++)
                cov += double(xt[v * dout + i]) * xt[v * dout + j];
            EXPECT_NEAR(cov, i == j ? 1.0 : 0.0, 2e-3) << i << "," << j;
        }
    expect_code(
        faiss::ErrorCode::unsupported, [&] { reverse(pca, 1, xt.data()); }, "orthonormal");
}

TEST(PCAMatrix, RandomRotationAndBalancedBins) {
    const size_t n = 2000, d = 16, dout = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 4);
    faiss::PCAMatrix plain(static_cast<int>(d), static_cast<int>(dout));
    plain.train(idx_t(n), x.data());

    faiss::PCAMatrix rot(static_cast<int>(d), static_cast<int>(dout), 0, true);
    rot.train(idx_t(n), x.data());
    EXPECT_LT(faiss::test::orthonormality_error(dout, d, rot.A.data()), 1e-5);
    // Same subspace as the plain PCA: each rotated row lies in the span of its rows.
    for (size_t i = 0; i < dout; i++) {
        double norm2 = 0;
        for (size_t r = 0; r < dout; r++) {
            double dot = 0;
            for (size_t k = 0; k < d; k++)
                dot += double(rot.A[i * d + k]) * plain.A[r * d + k];
            norm2 += dot * dot;
        }
        EXPECT_NEAR(norm2, 1.0, 1e-4);
    }

    faiss::PCAMatrix bins(static_cast<int>(d), static_cast<int>(dout));
    bins.balanced_bins = 2;
    bins.train(idx_t(n), x.data());
    // Rows are the plain rows reordered; each bin of 4 rows has comparable variance.
    double var[2] = {0, 0};
    for (size_t r = 0; r < dout; r++) {
        size_t match = dout;
        for (size_t s = 0; s < dout; s++) {
            bool same = true;
            for (size_t k = 0; k < d; k++)
                same = same && std::fabs(bins.A[r * d + k] - plain.A[s * d + k]) < 1e-6;
            if (same) match = s;
        }
        ASSERT_LT(match, dout) << "row " << r << " is not a row of the plain PCA";
        var[r / 4] += plain.eigenvalues[match];
    }
    EXPECT_LT(std::fabs(var[0] - var[1]), plain.eigenvalues[0]);
    bins.random_rotation = true;
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { bins.prepare_Ab(); }, "balanced_bins");
}

TEST(PCAMatrix, CopyFromAndSubsampling) {
    const size_t n = 3000, d = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 5);
    faiss::PCAMatrix full(static_cast<int>(d), 4);
    full.train(idx_t(n), x.data());
    faiss::PCAMatrix copy(static_cast<int>(d), 4);
    copy.copy_from(full);
    EXPECT_EQ(copy.A, full.A);
    EXPECT_EQ(copy.b, full.b);
    EXPECT_NO_THROW(copy.check_identical(full));

    faiss::PCAMatrix sampled(static_cast<int>(d), 4);
    sampled.max_points_per_d = 100;  // 800 of the 3000 points
    sampled.train(idx_t(n), x.data());
    EXPECT_NE(sampled.eigenvalues[0], full.eigenvalues[0]);
    // The eigenvalues scale with the number of points used.
    EXPECT_NEAR(sampled.eigenvalues[0] / 800, full.eigenvalues[0] / 3000,
                0.15 * full.eigenvalues[0] / 3000);
}

TEST(PCAMatrix, BadInput) {
    expect_code(
        faiss::ErrorCode::invalid_argument, [] { faiss::PCAMatrix(8, 16); }, "d_out=16");
    faiss::PCAMatrix pca(32, 16);
    const auto x = faiss::test::correlated_vectors(200, 32, 6);
    std::vector<float> out(16);
    expect_code(faiss::ErrorCode::not_trained, [&] { pca.apply_noalloc(1, x.data(), out.data()); });
    // 10 points in 32 dimensions give at most 10 components.
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { pca.train(10, x.data()); },
        "principal components");
    EXPECT_FALSE(pca.is_trained);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { pca.train(0, x.data()); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { pca.train(5, nullptr); });
    auto bad = x;
    bad[37] = std::numeric_limits<float>::quiet_NaN();
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { pca.train(200, bad.data()); }, "NaN");
    EXPECT_NO_THROW(pca.train(200, x.data()));
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { pca.apply_noalloc(-1, x.data(), out.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { pca.apply_noalloc(1, x.data(), nullptr); });

    // Whitening a zero-variance component is not finite: a clear error, not infs.
    std::vector<float> flat(100 * 4, 0.0f);
    for (size_t i = 0; i < 100; i++)
        flat[i * 4] = float(i);
    faiss::PCAMatrix white(4, 2, -0.5f);
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { white.train(100, flat.data()); }, "epsilon");
    white.epsilon = 1e-3f;
    EXPECT_NO_THROW(white.train(100, flat.data()));
}

TEST(RandomRotationMatrix, IsOrthonormalAndSeeded) {
    for (auto [din, dout] : {std::pair{20, 20}, {20, 8}, {8, 20}}) {
        faiss::RandomRotationMatrix rr(din, dout);
        EXPECT_FALSE(rr.is_trained);
        rr.init(7);
        ASSERT_TRUE(rr.is_trained);
        EXPECT_TRUE(rr.is_orthonormal);
        ASSERT_EQ(rr.A.size(), size_t(din * dout));
        if (dout <= din) {
            EXPECT_LT(faiss::test::orthonormality_error(dout, din, rr.A.data()), 1e-6);
        } else {
            // Tight frame: the columns are orthonormal, A^T A = I.
            std::vector<float> At(size_t(din * dout));
            for (int i = 0; i < dout; i++)
                for (int j = 0; j < din; j++)
                    At[size_t(j * dout + i)] = rr.A[size_t(i * din + j)];
            EXPECT_LT(faiss::test::orthonormality_error(din, dout, At.data()), 1e-6);
        }
        faiss::RandomRotationMatrix again(din, dout);
        again.init(7);
        EXPECT_EQ(again.A, rr.A);
        again.init(8);
        EXPECT_NE(again.A, rr.A);
        // Norms and distances are preserved when nothing is dropped.
        const auto x = faiss::test::random_vectors(10, size_t(din), 9);
        const auto xt = apply(rr, 10, x.data());
        if (dout >= din) {
            const auto back = reverse(rr, 10, xt.data());
            for (size_t i = 0; i < x.size(); i++)
                EXPECT_NEAR(back[i], x[i], 1e-5);
        }
    }
    faiss::RandomRotationMatrix trained(6, 6);
    trained.train(0, nullptr);
    EXPECT_TRUE(trained.is_trained);
}

TEST(LinearTransform, ApplyTransposeAndOrthonormalFlag) {
    faiss::LinearTransform lt(3, 2, true);
    lt.A = {1, 2, 3, 0, -1, 1};
    lt.b = {0.5f, -1};
    std::vector<float> out(2);
    const float x[3] = {1, 1, 2};
    expect_code(faiss::ErrorCode::not_trained, [&] { lt.apply_noalloc(1, x, out.data()); });
    lt.is_trained = true;
    lt.apply_noalloc(1, x, out.data());
    EXPECT_FLOAT_EQ(out[0], 1 + 2 + 6 + 0.5f);
    EXPECT_FLOAT_EQ(out[1], 0 - 1 + 2 - 1);
    std::vector<float> back(3);
    lt.transform_transpose(1, out.data(), back.data());
    EXPECT_FLOAT_EQ(back[0], 9 * 1 + 1 * 0);
    EXPECT_FLOAT_EQ(back[1], 9 * 2 + 1 * -1);
    EXPECT_FLOAT_EQ(back[2], 9 * 3 + 1 * 1);
    lt.set_is_orthonormal();
    EXPECT_FALSE(lt.is_orthonormal);
    expect_code(faiss::ErrorCode::unsupported,
                [&] { lt.reverse_transform(1, out.data(), back.data()); });
    lt.A = {0, 1, 0, 0, 0, 1};
    lt.set_is_orthonormal();
    EXPECT_TRUE(lt.is_orthonormal);
    lt.A.pop_back();
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { lt.apply_noalloc(1, x, out.data()); },
        "A holds 5 values");
}

TEST(NormalizationTransform, GivesUnitNorms) {
    faiss::NormalizationTransform norm(5);
    EXPECT_TRUE(norm.is_trained);
    auto x = faiss::test::random_vectors(20, 5, 10);
    std::fill(x.begin() + 5, x.begin() + 10, 0.0f);  // a zero vector stays zero
    const auto xt = apply(norm, 20, x.data());
    for (size_t i = 0; i < 20; i++) {
        double n2 = 0;
        for (size_t j = 0; j < 5; j++)
            n2 += double(xt[i * 5 + j]) * xt[i * 5 + j];
        EXPECT_NEAR(n2, i == 1 ? 0.0 : 1.0, 1e-6);
    }
    EXPECT_EQ(reverse(norm, 20, xt.data()), xt);
    faiss::NormalizationTransform l1(5, 1.0f);
    std::vector<float> out(5);
    expect_code(
        faiss::ErrorCode::unsupported, [&] { l1.apply_noalloc(1, x.data(), out.data()); }, "norm");
    expect_code(faiss::ErrorCode::invalid_argument, [&] { l1.check_identical(norm); });
}

TEST(CenteringTransform, RemovesAndRestoresTheMean) {
    const auto x = faiss::test::correlated_vectors(500, 6, 11);
    faiss::CenteringTransform c(6);
    EXPECT_FALSE(c.is_trained);
    std::vector<float> out(6);
    expect_code(faiss::ErrorCode::not_trained, [&] { c.apply_noalloc(1, x.data(), out.data()); });
    c.train(500, x.data());
    const auto xt = apply(c, 500, x.data());
    for (size_t j = 0; j < 6; j++) {
        double s = 0;
        for (size_t i = 0; i < 500; i++)
            s += xt[i * 6 + j];
        EXPECT_NEAR(s / 500, 0.0, 1e-4);
    }
    const auto back = reverse(c, 500, xt.data());
    for (size_t i = 0; i < x.size(); i++)
        EXPECT_NEAR(back[i], x[i], 1e-4);
}

TEST(RemapDimensionsTransform, PadsSelectsAndReverses) {
    faiss::RemapDimensionsTransform pad(3, 5, false);
    EXPECT_EQ(pad.map, (std::vector<int>{0, 1, 2, -1, -1}));
    const float x[3] = {1, 2, 3};
    const auto xt = apply(pad, 1, x);
    EXPECT_EQ(xt, (std::vector<float>{1, 2, 3, 0, 0}));
    EXPECT_EQ(reverse(pad, 1, xt.data()), (std::vector<float>{1, 2, 3}));
    faiss::RemapDimensionsTransform spread(2, 4, true);
    EXPECT_EQ(spread.map, (std::vector<int>{0, -1, 1, -1}));
    faiss::RemapDimensionsTransform pick(4, 2, true);
    EXPECT_EQ(pick.map, (std::vector<int>{0, 2}));
    const int bad_map[2] = {0, 3};
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { faiss::RemapDimensionsTransform(3, 2, bad_map); },
        "map[1]");
}

TEST(VectorTransform, ReverseInvertsOrthonormalTransforms) {
    const size_t n = 300, d = 10;
    const auto x = faiss::test::correlated_vectors(n, d, 12);
    faiss::PCAMatrix pca(static_cast<int>(d), static_cast<int>(d));
    pca.train(idx_t(n), x.data());
    const auto back = reverse(pca, n, apply(pca, n, x.data()).data());
    double scale = 0;
    for (float v : x)
        scale = std::max(scale, double(std::fabs(v)));
    for (size_t i = 0; i < x.size(); i++)
        EXPECT_NEAR(back[i], x[i], 1e-5 * scale);
    faiss::PCAMatrix other(static_cast<int>(d), static_cast<int>(d));
    expect_code(faiss::ErrorCode::invalid_argument, [&] { pca.check_identical(other); });
}

TEST(HadamardRotation, IsAnOrthonormalRotationWithExactInverse) {
    for (int d : {1, 5, 8, 33}) {
        faiss::HadamardRotation hr(d, 7);
        ASSERT_TRUE(hr.is_trained);
        int p = 1;
        while (p < d)
            p *= 2;
        EXPECT_EQ(hr.d_out, p);
        // The images of the unit vectors are orthonormal: the map is a rotation of the
        // zero-padded input.
        std::vector<float> eye(size_t(d) * size_t(d), 0.0f);
        for (int i = 0; i < d; i++)
            eye[size_t(i * d + i)] = 1.0f;
        const auto cols = apply(hr, size_t(d), eye.data());
        EXPECT_LT(faiss::test::orthonormality_error(size_t(d), size_t(p), cols.data()), 1e-5);
        const auto x = faiss::test::random_vectors(20, size_t(d), 50);
        const auto back = reverse(hr, 20, apply(hr, 20, x.data()).data());
        for (size_t i = 0; i < x.size(); i++)
            EXPECT_NEAR(back[i], x[i], 1e-5);
    }
    faiss::HadamardRotation a(16, 3), b(16, 3), c(16, 4);
    EXPECT_EQ(a.signs1, b.signs1);
    EXPECT_NE(a.signs2, c.signs2);
    EXPECT_NO_THROW(a.check_identical(b));
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { a.check_identical(c); }, "seed");
    faiss::HadamardRotation empty;
    EXPECT_EQ(empty.seed, 0u);
    empty.train(0, nullptr);
    EXPECT_EQ(empty.seed, 12345u);
    expect_code(faiss::ErrorCode::invalid_argument, [] { faiss::HadamardRotation(-2); });
}
