// OPQMatrix: alternate between training a product quantizer on the rotated data and
// re-fitting the rotation to the quantized data (orthogonal Procrustes by SVD).
#include <faiss/VectorTransform.h>

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/internal/blas.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/lapack.h>
#include <faiss/internal/transform_training.h>
#include <faiss/quantizers/ProductQuantizer.h>
#include <faiss/utils/distances.h>
#include <faiss/utils/progress.h>
#include <faiss/utils/random.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

namespace faiss {

namespace {

void check_opq_shape(int d_in, int d_out, int M) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "OPQMatrix dimensions must be >= 0, got d_in=%d d_out=%d", d_in, d_out);
    FAISS_REQUIRE(M >= 1, invalid_argument, "OPQMatrix: M must be >= 1, got %d", M);
    FAISS_REQUIRE(d_out % M == 0, invalid_argument,
                  "OPQMatrix: the output dimension %d must be a multiple of M=%d", d_out, M);
}

/// The training vectors, centred and zero-padded to d >= d_in components (n x d).
std::vector<float> centred_padded(size_t n, size_t d_in, size_t d, const float* x) {
    std::vector<double> mean(d_in, 0.0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d_in; j++)
            mean[j] += x[i * d_in + j];
    for (size_t j = 0; j < d_in; j++)
        mean[j] /= double(n);
    std::vector<float> out(n * d, 0.0f);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d_in; j++)
            out[i * d + j] = float(x[i * d_in + j] - mean[j]);
    return out;
}

/// The first d2 rows of a random d x d rotation (d2 x d, row-major).
std::vector<float> random_rotation_rows(size_t d, size_t d2) {
    std::vector<float> gauss(d * d);
    float_randn(gauss.data(), gauss.size(), 1234);
    std::vector<double> q(gauss.begin(), gauss.end());
    internal::orthonormalize_rows(d, d, q);
    return std::vector<float>(q.begin(), q.begin() + d2 * d);
}

/// Train every sub-quantizer of pq on xproj (n x pq.d) by k-means, starting from the
/// current centroids when hot (the previous iteration's codebooks).
void train_subquantizers(ProductQuantizer& pq, size_t n, const float* xproj, int niter, bool hot) {
    const size_t dsub = pq.dsub, ksub = pq.ksub;
    std::vector<float> xsub(n * dsub);
    ProgressScope progress("ProductQuantizer::train", pq.M);
    for (size_t m = 0; m < pq.M; m++) {
        for (size_t i = 0; i < n; i++)
            std::memcpy(&xsub[i * dsub], xproj + i * pq.d + m * dsub, dsub * sizeof(float));
        ClusteringParameters cp = pq.cp;
        cp.niter = niter;
        cp.max_points_per_centroid = 1000;
        cp.verbose = false;
        // The too-few-points warning was given by the first training already.
        if (hot) cp.min_points_per_centroid = 0;
        Clustering clus(int(dsub), int(ksub), cp);
        if (hot)
            clus.centroids.assign(pq.get_centroids(m, 0), pq.get_centroids(m, 0) + ksub * dsub);
        IndexFlatL2 assigner{idx_t(dsub)};
        clus.train(idx_t(n), xsub.data(), assigner);
        pq.set_params(clus.centroids.data(), int(m));
        progress.update(m + 1);
    }
}

/// The rows-orthonormal R (d2 x d) minimising ||X R^T - Y||: with X^T Y = U S V^T,
/// R = V U^T (orthogonal Procrustes). x: n x d, y: n x d2.
void procrustes(size_t n, size_t d, size_t d2, const float* x, const float* y, float* R) {
    std::vector<float> xty(d * d2);
    const int ni = int(n), di = int(d), d2i = int(d2);
    const float one = 1.0f, zero = 0.0f;
    // Column-major: (X^T Y)^T (d2 x d) = Y^T (d2 x n) * X (n x d).
    sgemm_("N", "T", &d2i, &di, &ni, &one, y, &d2i, x, &di, &zero, xty.data(), &d2i);
    std::vector<double> U, s, V;
    internal::thin_svd(d, d2, std::vector<double>(xty.begin(), xty.end()), U, s, V);
    const size_t k = s.size();
    for (size_t a = 0; a < d2; a++)
        for (size_t b = 0; b < d; b++) {
            double acc = 0;
            for (size_t j = 0; j < k; j++)
                acc += V[a * k + j] * U[b * k + j];
            R[a * d + b] = float(acc);
        }
}

}  // namespace

OPQMatrix::OPQMatrix(int d, int M, int d2) : LinearTransform(d, d2 == -1 ? d : d2, false), M(M) {
    check_opq_shape(d_in, d_out, M);
    is_trained = false;
}

void OPQMatrix::train(idx_t n, const float* x_in) {
    check_train_args(n, x_in);
    check_opq_shape(d_in, d_out, M);
    const size_t d_inz = size_t(d_in);
    std::vector<float> sample;
    const float* x = internal::subsample_training_rows(d_inz, n, max_train_points, x_in, sample,
                                                       "OPQMatrix::train", verbose);
    FAISS_REQUIRE(n <= INT_MAX, invalid_argument,
                  "OPQMatrix: %lld training vectors are too many (set max_train_points)",
                  (long long)n);
    internal::kmeans::check_finite(size_t(n), d_inz, x);

    ProductQuantizer pq_default(size_t(d_out), size_t(M), 8);
    ProductQuantizer& pqr = pq ? *pq : pq_default;
    FAISS_REQUIRE(pqr.d == size_t(d_out) && pqr.M == size_t(M), invalid_argument,
                  "OPQMatrix: the product quantizer is %zu-dimensional with M=%zu, expected "
                  "d_out=%d and M=%d",
                  pqr.d, pqr.M, d_out, M);
    FAISS_REQUIRE(size_t(n) >= pqr.ksub, invalid_argument,
                  "OPQMatrix: %lld training vectors, but the product quantizer needs at least "
                  "ksub=%zu",
                  (long long)n, pqr.ksub);

    // d_out > d_in is handled by padding the input with zeros up to d_out.
    const size_t d = size_t(std::max(d_in, d_out)), d2 = size_t(d_out);
    if (verbose)
        std::printf("OPQMatrix::train: M=%d, %lld vectors, %dD -> %dD\n", M, (long long)n, d_in,
                    d_out);
    // Started before the set-up (centring, the first rotation), which takes a while too.
    ProgressScope progress("OPQMatrix::train", size_t(std::max(niter, 0)));
    const std::vector<float> xtrain = centred_padded(size_t(n), d_inz, d, x);
    std::vector<float> R;
    if (A.size() == d2 * d_inz && d == d_inz) {
        R = A;  // continue from a previous rotation
    } else {
        R = random_rotation_rows(d, d2);
    }

    std::vector<float> xproj(size_t(n) * d2), recons(size_t(n) * d2);
    std::vector<uint8_t> codes(size_t(n) * pqr.code_size);
    const auto t0 = std::chrono::steady_clock::now();
    const int ni = int(n), di = int(d), d2i = int(d2);
    const float one = 1.0f, zero = 0.0f;
    for (int iter = 0; iter < niter; iter++) {
        // xproj = xtrain R^T; column-major: xproj^T (d2 x n) = R (d2 x d) * xtrain^T.
        sgemm_("T", "N", &d2i, &ni, &di, &one, R.data(), &di, xtrain.data(), &di, &zero,
               xproj.data(), &d2i);
        const int kiter = iter == 0 ? niter_pq_0 : niter_pq;
        train_subquantizers(pqr, size_t(n), xproj.data(), kiter, iter > 0);
        pqr.compute_codes(xproj.data(), codes.data(), size_t(n));
        pqr.decode(codes.data(), recons.data(), size_t(n));
        if (verbose) {
            const double err = fvec_L2sqr(recons.data(), xproj.data(), size_t(n) * d2) / double(n);
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf("    Iteration %d (%d PQ iterations): %.3f s, obj=%g\n", iter, kiter, secs,
                        err);
        }
        procrustes(size_t(n), d, d2, xtrain.data(), recons.data(), R.data());
        progress.update(size_t(iter) + 1);
    }

    A.resize(d2 * d_inz);
    for (size_t i = 0; i < d2; i++)
        for (size_t j = 0; j < d_inz; j++)
            A[i * d_inz + j] = R[i * d + j];
    b.clear();
    have_bias = false;
    is_orthonormal = true;
    is_trained = true;
}

}  // namespace faiss
