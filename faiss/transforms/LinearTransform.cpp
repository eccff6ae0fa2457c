// VectorTransform base class and LinearTransform (y = A x + b through BLAS).
#include <faiss/VectorTransform.h>

#include <faiss/internal/blas.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <typeinfo>

namespace faiss {

/*** VectorTransform ***/

VectorTransform::VectorTransform(int d_in, int d_out) : d_in(d_in), d_out(d_out), is_trained(true) {
    FAISS_REQUIRE(d_in >= -1 && d_out >= -1, invalid_argument,
                  "VectorTransform dimensions must be >= 0 (-1: not set yet), got d_in=%d d_out=%d",
                  d_in, d_out);
}

VectorTransform::~VectorTransform() = default;

void VectorTransform::train(idx_t n, const float* x) {
    check_train_args(n, x);
}

float* VectorTransform::apply(idx_t n, const float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of vectors must be >= 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(d_out >= 0, invalid_argument, "transform has no output dimension (d_out=%d)",
                  d_out);
    std::unique_ptr<float[]> xt(new float[size_t(n) * size_t(d_out)]);
    apply_noalloc(n, x, xt.get());
    return xt.release();
}

void VectorTransform::reverse_transform(idx_t, const float*, float*) const {
    FAISS_THROW_CODE(unsupported, "reverse_transform is not implemented for %s",
                     typeid(*this).name());
}

void VectorTransform::check_identical(const VectorTransform& other) const {
    FAISS_REQUIRE(other.d_in == d_in && other.d_out == d_out, invalid_argument,
                  "transforms differ in dimensions (%d -> %d vs %d -> %d)", d_in, d_out, other.d_in,
                  other.d_out);
}

void VectorTransform::check_apply_args(idx_t n, const void* in, const void* out,
                                       const char* what) const {
    FAISS_REQUIRE(is_trained, not_trained, "%s: the transform (%d -> %d) is not trained", what,
                  d_in, d_out);
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "%s: the transform has no dimensions (d_in=%d, d_out=%d)", what, d_in, d_out);
    FAISS_REQUIRE(n >= 0, invalid_argument, "%s: number of vectors must be >= 0, got %lld", what,
                  (long long)n);
    FAISS_REQUIRE(n == 0 || (in != nullptr && out != nullptr), invalid_argument,
                  "%s: input or output array is null", what);
}

void VectorTransform::check_train_args(idx_t n, const float* x) const {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "train: the transform has no dimensions (d_in=%d, d_out=%d)", d_in, d_out);
    FAISS_REQUIRE(n >= 1, invalid_argument, "train: needs at least one training vector, got %lld",
                  (long long)n);
    FAISS_REQUIRE(x != nullptr, invalid_argument, "train: training vectors are null");
}

/*** LinearTransform ***/

namespace {

/// Rows per BLAS call, so that every int argument stays far from INT_MAX.
constexpr idx_t kBlockRows = 1 << 16;

}  // namespace

LinearTransform::LinearTransform(int d_in, int d_out, bool have_bias)
    : VectorTransform(d_in, d_out), have_bias(have_bias), is_orthonormal(false), verbose(false) {
    is_trained = false;
}

void LinearTransform::check_matrix() const {
    FAISS_REQUIRE(A.size() == size_t(d_out) * size_t(d_in), invalid_argument,
                  "LinearTransform: A holds %zu values, expected d_out * d_in = %d * %d", A.size(),
                  d_out, d_in);
    FAISS_REQUIRE(!have_bias || b.size() == size_t(d_out), invalid_argument,
                  "LinearTransform: b holds %zu values, expected d_out = %d", b.size(), d_out);
}

void LinearTransform::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    check_matrix();
    const size_t dout = size_t(d_out);
    if (d_in == 0 || d_out == 0) {
        for (size_t i = 0; i < size_t(n); i++)
            for (size_t j = 0; j < dout; j++)
                xt[i * dout + j] = have_bias ? b[j] : 0.0f;
        return;
    }
    const int di = d_in, dj = d_out;
    const float one = 1.0f, zero = 0.0f;
    for (idx_t i0 = 0; i0 < n; i0 += kBlockRows) {
        const int ni = int(std::min(kBlockRows, n - i0));
        float* out = xt + size_t(i0) * dout;
        if (have_bias)
            for (size_t i = 0; i < size_t(ni); i++)
                std::memcpy(out + i * dout, b.data(), dout * sizeof(float));
        // Column-major: xt^T (d_out x ni) = A (d_out x d_in) * x^T (d_in x ni).
        sgemm_("T", "N", &dj, &ni, &di, &one, A.data(), &di, x + size_t(i0) * size_t(di), &di,
               have_bias ? &one : &zero, out, &dj);
    }
}

void LinearTransform::transform_transpose(idx_t n, const float* y, float* x) const {
    check_apply_args(n, y, x, "transform_transpose");
    check_matrix();
    const size_t din = size_t(d_in), dout = size_t(d_out);
    if (d_in == 0 || d_out == 0) {
        std::fill(x, x + size_t(n) * din, 0.0f);
        return;
    }
    const int di = d_in, dj = d_out;
    const float one = 1.0f, zero = 0.0f;
    std::vector<float> centred;
    for (idx_t i0 = 0; i0 < n; i0 += kBlockRows) {
        const int ni = int(std::min(kBlockRows, n - i0));
        const float* yi = y + size_t(i0) * dout;
        if (have_bias) {
            centred.resize(size_t(ni) * dout);
            for (size_t i = 0; i < size_t(ni); i++)
                for (size_t j = 0; j < dout; j++)
                    centred[i * dout + j] = yi[i * dout + j] - b[j];
            yi = centred.data();
        }
        // Column-major: x^T (d_in x ni) = A^T (d_in x d_out) * y^T (d_out x ni).
        sgemm_("N", "N", &di, &ni, &dj, &one, A.data(), &di, yi, &dj, &zero, x + size_t(i0) * din,
               &di);
    }
}

void LinearTransform::reverse_transform(idx_t n, const float* xt, float* x) const {
    FAISS_REQUIRE(is_orthonormal, unsupported,
                  "reverse_transform needs an orthonormal matrix (is_orthonormal is false; "
                  "call set_is_orthonormal() if A is orthonormal)");
    transform_transpose(n, xt, x);
}

void LinearTransform::set_is_orthonormal() {
    check_matrix();
    if (d_out > d_in) {
        is_orthonormal = false;
        return;
    }
    const double eps = 4e-5;
    const size_t din = size_t(d_in);
    is_orthonormal = true;
    for (size_t i = 0; i < size_t(d_out) && is_orthonormal; i++) {
        for (size_t j = 0; j <= i; j++) {
            double dot = 0;
            for (size_t k = 0; k < din; k++)
                dot += double(A[i * din + k]) * A[j * din + k];
            if (std::fabs(dot - (i == j ? 1.0 : 0.0)) > eps) {
                is_orthonormal = false;
                break;
            }
        }
    }
}

void LinearTransform::print_if_verbose(const char* name, const std::vector<double>& mat, int n,
                                       int d) const {
    if (!verbose) return;
    FAISS_REQUIRE(n >= 0 && d >= 0 && mat.size() >= size_t(n) * size_t(d), invalid_argument,
                  "print_if_verbose: matrix of %zu values is not %d x %d", mat.size(), n, d);
    std::printf("matrix %s: %d*%d [\n", name, n, d);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++)
            std::printf("%10.5g ", mat[size_t(i) * size_t(d) + j]);
        std::printf("\n");
    }
    std::printf("]\n");
}

void LinearTransform::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const LinearTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr, invalid_argument, "the other transform is not linear");
    FAISS_REQUIRE(other->A == A && other->b == b && other->have_bias == have_bias, invalid_argument,
                  "linear transforms differ in their matrix or bias");
}

}  // namespace faiss
