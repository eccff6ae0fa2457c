// OPQMatrix: the learnt rotation is orthonormal and lowers the product quantisation
// error on correlated data compared with PQ on the raw vectors; d_out != d_in; bad input.
#include <faiss/FaissException.h>
#include <faiss/VectorTransform.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "transforms_test_helpers.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::test::expect_code;

namespace {

/// Mean squared PQ reconstruction error of x (n x pq.d).
double pq_error(const faiss::ProductQuantizer& pq, size_t n, const float* x) {
    std::vector<uint8_t> codes(n * pq.code_size);
    std::vector<float> recons(n * pq.d);
    pq.compute_codes(x, codes.data(), n);
    pq.decode(codes.data(), recons.data(), n);
    return faiss::test::mean_squared_error(n, pq.d, x, recons.data());
}

}  // namespace

TEST(OPQMatrix, LowersProductQuantizationError) {
    const size_t n = 2000, d = 16, M = 4, nbits = 4;
    // Strongly correlated components spread over every sub-space: the case OPQ is for.
    const auto x = faiss::test::correlated_vectors(n, d, 21, 1.5);

    faiss::ProductQuantizer raw_pq(d, M, nbits);
    raw_pq.train(n, x.data());
    const double raw_err = pq_error(raw_pq, n, x.data());

    faiss::OPQMatrix opq(static_cast<int>(d), static_cast<int>(M));
    faiss::ProductQuantizer opq_pq(d, M, nbits);
    opq.pq = &opq_pq;
    opq.niter = 8;
    opq.niter_pq_0 = 10;
    opq.train(idx_t(n), x.data());
    ASSERT_TRUE(opq.is_trained);
    EXPECT_TRUE(opq.is_orthonormal);
    EXPECT_FALSE(opq.have_bias);
    EXPECT_LT(faiss::test::orthonormality_error(d, d, opq.A.data()), 1e-5);

    std::unique_ptr<float[]> xt(opq.apply(idx_t(n), x.data()));
    // A PQ trained from scratch on the rotated data, as IndexPreTransform would do.
    faiss::ProductQuantizer rot_pq(d, M, nbits);
    rot_pq.train(n, xt.get());
    const double opq_err = pq_error(rot_pq, n, xt.get());
    EXPECT_LT(opq_err, 0.8 * raw_err) << "raw " << raw_err << " opq " << opq_err;
    // The rotation preserves distances, so the errors are comparable in both spaces.
    std::vector<float> back(n * d);
    opq.reverse_transform(idx_t(n), xt.get(), back.data());
    double mean_sq = 0;
    for (float v : x)
        mean_sq += double(v) * v;
    mean_sq /= double(n);
    EXPECT_LT(faiss::test::mean_squared_error(n, d, x.data(), back.data()), 1e-9 * mean_sq);
}

TEST(OPQMatrix, ReducesAndExpandsDimensions) {
    const size_t n = 600, d = 12;
    const auto x = faiss::test::correlated_vectors(n, d, 22);
    for (int d2 : {8, 16}) {
        faiss::OPQMatrix opq(static_cast<int>(d), 4, d2);
        EXPECT_EQ(opq.d_out, d2);
        faiss::ProductQuantizer pq(size_t(d2), 4, 3);
        opq.pq = &pq;
        opq.niter = 3;
        opq.niter_pq_0 = 5;
        opq.train(idx_t(n), x.data());
        ASSERT_EQ(opq.A.size(), size_t(d2) * d);
        if (d2 < static_cast<int>(d)) {
            EXPECT_LT(faiss::test::orthonormality_error(size_t(d2), d, opq.A.data()), 1e-5);
        } else {
            // Zero-padded input: the columns are orthonormal and reverse is exact.
            std::unique_ptr<float[]> xt(opq.apply(idx_t(n), x.data()));
            std::vector<float> back(n * d);
            opq.reverse_transform(idx_t(n), xt.get(), back.data());
            for (size_t i = 0; i < 100; i++)
                EXPECT_NEAR(back[i], x[i], 1e-4);
        }
    }
}

TEST(OPQMatrix, DefaultQuantizerAndVerbose) {
    const size_t n = 400, d = 8;
    const auto x = faiss::test::correlated_vectors(n, d, 23);
    faiss::OPQMatrix opq(static_cast<int>(d), 2);
    opq.niter = 1;
    opq.niter_pq_0 = 2;
    opq.verbose = true;
    testing::internal::CaptureStdout();
    opq.train(idx_t(n), x.data());  // 8-bit PQ: 256 centroids per sub-space
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("Iteration 0"), std::string::npos) << out;
    EXPECT_LT(faiss::test::orthonormality_error(d, d, opq.A.data()), 1e-5);
    // Training again continues from the current rotation.
    const auto first = opq.A;
    opq.verbose = false;
    opq.niter = 0;
    opq.train(idx_t(n), x.data());
    EXPECT_EQ(opq.A, first);
}

TEST(OPQMatrix, BadInput) {
    expect_code(
        faiss::ErrorCode::invalid_argument, [] { faiss::OPQMatrix(10, 3); }, "multiple");
    expect_code(
        faiss::ErrorCode::invalid_argument, [] { faiss::OPQMatrix(10, 0); }, "M must");
    const auto x = faiss::test::correlated_vectors(100, 8, 24);
    faiss::OPQMatrix opq(8, 2);
    std::vector<float> out(8);
    expect_code(faiss::ErrorCode::not_trained, [&] { opq.apply_noalloc(1, x.data(), out.data()); });
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { opq.train(100, x.data()); }, "ksub=256");
    faiss::ProductQuantizer wrong(4, 2, 4);
    opq.pq = &wrong;
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { opq.train(100, x.data()); }, "expected d_out=8");
    faiss::ProductQuantizer small(8, 2, 4);
    opq.pq = &small;
    auto bad = x;
    bad[5] = std::numeric_limits<float>::infinity();
    expect_code(faiss::ErrorCode::invalid_argument, [&] { opq.train(100, bad.data()); });
    EXPECT_FALSE(opq.is_trained);
}
