// ITQMatrix (iterative quantization rotation) and ITQTransform (centre, normalise,
// optional PCA, then ITQ).
#include <faiss/VectorTransform.h>

#include <faiss/internal/blas.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/lapack.h>
#include <faiss/internal/transform_training.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

namespace faiss {

/*** ITQMatrix ***/

ITQMatrix::ITQMatrix(int d) : LinearTransform(d, d, false), max_iter(50), seed(123) {
    FAISS_REQUIRE(d >= 0, invalid_argument, "ITQMatrix: d must be >= 0, got %d", d);
}

void ITQMatrix::train(idx_t n, const float* xf) {
    check_train_args(n, xf);
    FAISS_REQUIRE(d_in == d_out, invalid_argument, "ITQMatrix needs d_in == d_out, got %d, %d",
                  d_in, d_out);
    FAISS_REQUIRE(n <= INT_MAX, invalid_argument, "ITQMatrix: too many training vectors (%lld)",
                  (long long)n);
    FAISS_REQUIRE(max_iter >= 0, invalid_argument, "ITQMatrix: max_iter must be >= 0, got %d",
                  max_iter);
    const size_t d = size_t(d_in);
    internal::kmeans::check_finite(size_t(n), d, xf);
    if (d == 0) {
        A.clear();
        is_orthonormal = true;
        is_trained = true;
        return;
    }
    // R (d x d, row-major, orthogonal): the code of x is sign(R x).
    std::vector<double> R;
    if (!init_rotation.empty()) {
        FAISS_REQUIRE(init_rotation.size() == d * d, invalid_argument,
                      "ITQMatrix: init_rotation holds %zu values, expected d * d = %zu",
                      init_rotation.size(), d * d);
        R = init_rotation;
    } else {
        RandomRotationMatrix rr(d_in, d_in);
        rr.init(seed);
        R.assign(rr.A.begin(), rr.A.end());
    }
    const std::vector<double> x(xf, xf + size_t(n) * d);
    std::vector<double> codes(size_t(n) * d), xtb(d * d), U, s, V;
    const int ni = int(n), di = int(d);
    const double one = 1, zero = 0;
    for (int iter = 0; iter < max_iter; iter++) {
        // codes = sign(x R^T); column-major: codes^T (d x n) = R (d x d) * x^T.
        dgemm_("T", "N", &di, &ni, &di, &one, R.data(), &di, x.data(), &di, &zero, codes.data(),
               &di);
        for (double& c : codes)
            c = c < 0 ? -1.0 : 1.0;
        // The rotation closest to the codes: x^T B = U S V^T, R = V U^T.
        // Column-major (d x d) = B^T (d x n) * x (n x d) is x^T B in row-major order.
        dgemm_("N", "T", &di, &di, &ni, &one, codes.data(), &di, x.data(), &di, &zero, xtb.data(),
               &di);
        internal::thin_svd(d, d, xtb, U, s, V);
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++) {
                double acc = 0;
                for (size_t j = 0; j < d; j++)
                    acc += V[a * d + j] * U[b * d + j];
                R[a * d + b] = acc;
            }
    }
    A.assign(R.begin(), R.end());
    b.clear();
    have_bias = false;
    is_orthonormal = true;
    is_trained = true;
}

/*** ITQTransform ***/

ITQTransform::ITQTransform(int d_in, int d_out, bool do_pca)
    : VectorTransform(d_in, d_out),
      do_pca(do_pca),
      itq(d_out),
      max_train_per_dim(10),
      pca_then_itq(d_in, d_out, false) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "ITQTransform dimensions must be >= 0, got d_in=%d d_out=%d", d_in, d_out);
    FAISS_REQUIRE(do_pca || d_in == d_out, invalid_argument,
                  "ITQTransform without PCA needs d_in == d_out, got %d and %d", d_in, d_out);
    FAISS_REQUIRE(d_out <= d_in, invalid_argument,
                  "ITQTransform cannot output more dimensions than its input: %d > %d", d_out,
                  d_in);
    is_trained = false;
}

namespace {

/// (x - mean), L2-normalised, n x d.
std::vector<float> centred_normalised(size_t n, size_t d, const float* x,
                                      const std::vector<float>& mean) {
    std::vector<float> out(n * d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            out[i * d + j] = x[i * d + j] - mean[j];
    fvec_renorm_L2(d, n, out.data());
    return out;
}

}  // namespace

void ITQTransform::train(idx_t n, const float* x_in) {
    check_train_args(n, x_in);
    const size_t d = size_t(d_in);
    const size_t max_points = std::max(d * size_t(std::max(max_train_per_dim, 0)), size_t(32768));
    std::vector<float> sample;
    const float* x = internal::subsample_training_rows(d, n, max_points, x_in, sample,
                                                       "ITQTransform::train", false);
    internal::kmeans::check_finite(size_t(n), d, x);
    std::vector<double> sum(d, 0.0);
    for (size_t i = 0; i < size_t(n); i++)
        for (size_t j = 0; j < d; j++)
            sum[j] += x[i * d + j];
    mean.resize(d);
    for (size_t j = 0; j < d; j++)
        mean[j] = float(sum[j] / double(n));
    const std::vector<float> xn = centred_normalised(size_t(n), d, x, mean);

    if (do_pca) {
        PCAMatrix pca(d_in, d_out);
        pca.have_bias = false;  // the data is already centred
        pca.train(n, xn.data());
        std::unique_ptr<float[]> xp(pca.apply(n, xn.data()));
        itq.train(n, xp.get());
        // Merged matrix: A = A_itq (d_out x d_out) * A_pca (d_out x d_in).
        const size_t dout = size_t(d_out);
        pca_then_itq.A.assign(dout * d, 0.0f);
        for (size_t i = 0; i < dout; i++)
            for (size_t k = 0; k < dout; k++) {
                const float w = itq.A[i * dout + k];
                for (size_t j = 0; j < d; j++)
                    pca_then_itq.A[i * d + j] += w * pca.A[k * d + j];
            }
    } else {
        itq.train(n, xn.data());
        pca_then_itq.A = itq.A;
    }
    pca_then_itq.b.clear();
    pca_then_itq.have_bias = false;
    pca_then_itq.is_trained = true;
    is_trained = true;
}

void ITQTransform::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    FAISS_REQUIRE(mean.size() == size_t(d_in), invalid_argument,
                  "ITQTransform: mean holds %zu values, expected d_in = %d", mean.size(), d_in);
    const std::vector<float> xn = centred_normalised(size_t(n), size_t(d_in), x, mean);
    pca_then_itq.apply_noalloc(n, xn.data(), xt);
}

void ITQTransform::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const ITQTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr, invalid_argument, "the other transform is not an ITQTransform");
    pca_then_itq.check_identical(other->pca_then_itq);
    FAISS_REQUIRE(other->mean == mean, invalid_argument, "ITQ transforms differ in their mean");
}

}  // namespace faiss
