// PCAMatrix: eigen-decomposition of the training scatter matrix (LAPACK dsyev), then the
// projection matrix A and bias b from the leading eigenvectors and the options.
#include <faiss/VectorTransform.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/lapack.h>
#include <faiss/internal/transform_training.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace faiss {

namespace {

void check_pca_dims(int d_in, int d_out) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "PCAMatrix dimensions must be >= 0, got d_in=%d d_out=%d", d_in, d_out);
    FAISS_REQUIRE(d_out <= d_in, invalid_argument,
                  "PCAMatrix cannot output more dimensions than its input: d_out=%d > d_in=%d",
                  d_out, d_in);
}

/// Column means of x (n x d), in double.
std::vector<double> column_means(size_t n, size_t d, const float* x) {
    std::vector<double> mean(d, 0.0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mean[j] += x[i * d + j];
    for (size_t j = 0; j < d; j++)
        mean[j] /= double(n);
    return mean;
}

/// Upper triangle (row-major, j >= i) of the scatter matrix sum_i (x_i - mean)(x_i - mean)^T.
/// Blocks of centred rows go through ssyrk in float; the block sums are added in double,
/// so the rounding error does not grow with n.
std::vector<double> scatter_matrix(size_t n, size_t d, const float* x,
                                   const std::vector<double>& mean) {
    constexpr size_t kBlock = 4096;
    std::vector<double> scatter(d * d, 0.0);
    if (d == 0) return scatter;
    std::vector<float> centred(kBlock * d), block(d * d);
    const int di = int(d);
    const float one = 1.0f, zero = 0.0f;
    for (size_t i0 = 0; i0 < n; i0 += kBlock) {
        const size_t nb = std::min(kBlock, n - i0);
        for (size_t i = 0; i < nb; i++)
            for (size_t j = 0; j < d; j++)
                centred[i * d + j] = float(double(x[(i0 + i) * d + j]) - mean[j]);
        const int ki = int(nb);
        // Column-major d x nb matrix of centred vectors times its transpose; "L" in
        // column-major is the row-major upper triangle.
        ssyrk_("L", "N", &di, &ki, &one, centred.data(), &di, &zero, block.data(), &di);
        for (size_t i = 0; i < d; i++)
            for (size_t j = i; j < d; j++)
                scatter[i * d + j] += block[i * d + j];
    }
    return scatter;
}

}  // namespace

PCAMatrix::PCAMatrix(int d_in, int d_out, float eigen_power, bool random_rotation)
    : LinearTransform(d_in, d_out, true),
      eigen_power(eigen_power),
      epsilon(0),
      random_rotation(random_rotation),
      max_points_per_d(1000),
      balanced_bins(0) {
    check_pca_dims(d_in, d_out);
    is_trained = false;
}

void PCAMatrix::train(idx_t n, const float* x_in) {
    check_train_args(n, x_in);
    check_pca_dims(d_in, d_out);
    const size_t d = size_t(d_in);
    std::vector<float> sample;
    const float* x = internal::subsample_training_rows(d, n, max_points_per_d * d, x_in, sample,
                                                       "PCAMatrix::train", verbose);
    internal::kmeans::check_finite(size_t(n), d, x);
    FAISS_REQUIRE(n >= d_in || d_out <= n, invalid_argument,
                  "PCAMatrix: %lld training vectors give at most %lld principal components, "
                  "fewer than d_out=%d (d_in=%d); train on at least d_out vectors",
                  (long long)n, (long long)n, d_out, d_in);
    if (verbose)
        std::printf("PCAMatrix::train: %lld vectors, %d -> %d dimensions\n", (long long)n, d_in,
                    d_out);

    const std::vector<double> mean_d =
        have_bias ? column_means(size_t(n), d, x) : std::vector<double>(d, 0.0);
    std::vector<double> cov = scatter_matrix(size_t(n), d, x, mean_d);
    std::vector<double> eig;
    internal::symmetric_eigen(d, cov, eig);

    mean.assign(mean_d.begin(), mean_d.end());
    // The scatter matrix is positive semi-definite: negative eigenvalues are rounding.
    eigenvalues.resize(d);
    for (size_t i = 0; i < d; i++)
        eigenvalues[i] = float(std::max(0.0, eig[i]));
    PCAMat.assign(cov.begin(), cov.end());
    prepare_Ab();
    is_trained = true;
}

void PCAMatrix::reverse_transform(idx_t n, const float* xt, float* x) const {
    LinearTransform::reverse_transform(n, xt, x);
    const size_t din = size_t(d_in), dout = size_t(d_out);
    if (dout == din || mean.size() != din || n == 0) return;
    // transform_transpose gives A^T A x; add back the mean's part it drops:
    // (I - A^T A) mean.
    std::vector<double> proj(dout, 0.0), shift(mean.begin(), mean.end());
    for (size_t i = 0; i < dout; i++)
        for (size_t j = 0; j < din; j++)
            proj[i] += double(A[i * din + j]) * mean[j];
    for (size_t i = 0; i < dout; i++)
        for (size_t j = 0; j < din; j++)
            shift[j] -= proj[i] * A[i * din + j];
    for (size_t v = 0; v < size_t(n); v++)
        for (size_t j = 0; j < din; j++)
            x[v * din + j] += float(shift[j]);
}

void PCAMatrix::copy_from(const PCAMatrix& other) {
    FAISS_REQUIRE(other.is_trained, not_trained, "PCAMatrix::copy_from: the source is not trained");
    mean = other.mean;
    eigenvalues = other.eigenvalues;
    PCAMat = other.PCAMat;
    prepare_Ab();
    is_trained = true;
}

void PCAMatrix::prepare_Ab() {
    check_pca_dims(d_in, d_out);
    const size_t din = size_t(d_in), dout = size_t(d_out);
    FAISS_REQUIRE(PCAMat.size() >= dout * din && eigenvalues.size() >= dout && mean.size() == din,
                  invalid_argument,
                  "PCAMatrix::prepare_Ab: PCAMat (%zu values), eigenvalues (%zu) or mean (%zu) "
                  "too small for %d -> %d",
                  PCAMat.size(), eigenvalues.size(), mean.size(), d_in, d_out);
    std::vector<double> factor(dout, 1.0);
    if (eigen_power != 0) {
        for (size_t i = 0; i < dout; i++) {
            factor[i] = std::pow(double(eigenvalues[i]) + epsilon, double(eigen_power));
            FAISS_REQUIRE(std::isfinite(factor[i]), invalid_argument,
                          "PCAMatrix: component %zu has eigenvalue %g: its scaling "
                          "(eigenvalue + epsilon)^%g is not finite; set epsilon > 0 or use "
                          "fewer output dimensions",
                          i, double(eigenvalues[i]), double(eigen_power));
        }
    }
    A.assign(dout * din, 0.0f);
    if (!random_rotation) {
        for (size_t i = 0; i < dout; i++)
            for (size_t j = 0; j < din; j++)
                A[i * din + j] = float(PCAMat[i * din + j] * factor[i]);
        if (balanced_bins != 0) {
            FAISS_REQUIRE(balanced_bins > 0 && dout % size_t(balanced_bins) == 0, invalid_argument,
                          "PCAMatrix: d_out=%d must be a multiple of balanced_bins=%d", d_out,
                          balanced_bins);
            // Greedy: each component, by decreasing variance, goes to the non-full bin
            // with the least variance so far.
            const size_t nbins = size_t(balanced_bins), dsub = dout / nbins;
            std::vector<float> sorted(dout * din);
            std::vector<double> accu(nbins, 0.0);
            std::vector<size_t> count(nbins, 0);
            for (size_t i = 0; i < dout; i++) {
                size_t best = nbins;
                for (size_t bin = 0; bin < nbins; bin++)
                    if (count[bin] < dsub && (best == nbins || accu[bin] < accu[best])) best = bin;
                const size_t row = best * dsub + count[best]++;
                accu[best] += eigenvalues[i];
                std::memcpy(&sorted[row * din], &A[i * din], din * sizeof(float));
            }
            A.swap(sorted);
        }
    } else {
        FAISS_REQUIRE(balanced_bins == 0, invalid_argument,
                      "PCAMatrix: balanced_bins and random_rotation cannot be combined");
        RandomRotationMatrix rr(d_out, d_out);
        rr.init(5);
        // A = R diag(factor) P: scale, then rotate the d_out leading components.
        std::vector<double> row(din);
        for (size_t i = 0; i < dout; i++) {
            std::fill(row.begin(), row.end(), 0.0);
            for (size_t k = 0; k < dout; k++) {
                const double w = double(rr.A[i * dout + k]) * factor[k];
                for (size_t j = 0; j < din; j++)
                    row[j] += w * PCAMat[k * din + j];
            }
            for (size_t j = 0; j < din; j++)
                A[i * din + j] = float(row[j]);
        }
    }
    b.assign(dout, 0.0f);
    for (size_t i = 0; i < dout; i++) {
        double accu = 0;
        for (size_t j = 0; j < din; j++)
            accu -= double(mean[j]) * A[i * din + j];
        b[i] = float(accu);
    }
    is_orthonormal = eigen_power == 0;
}

}  // namespace faiss
