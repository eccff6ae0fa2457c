// RandomRotationMatrix: a Gaussian matrix orthonormalised by QR.
#include <faiss/VectorTransform.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/lapack.h>
#include <faiss/utils/random.h>

#include <vector>

namespace faiss {

RandomRotationMatrix::RandomRotationMatrix(int d_in, int d_out)
    : LinearTransform(d_in, d_out, false) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "RandomRotationMatrix dimensions must be >= 0, got d_in=%d d_out=%d", d_in,
                  d_out);
}

RandomRotationMatrix::RandomRotationMatrix() = default;

void RandomRotationMatrix::init(int seed) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "RandomRotationMatrix dimensions must be >= 0, got d_in=%d d_out=%d", d_in,
                  d_out);
    const size_t din = size_t(d_in), dout = size_t(d_out);
    // For d_out > d_in draw a square d_out rotation and keep d_in of its columns: the
    // columns stay orthonormal (a tight frame), so A^T A = I and A^T inverts A.
    const size_t cols = dout <= din ? din : dout;
    std::vector<float> gauss(dout * cols);
    float_randn(gauss.data(), gauss.size(), seed);
    std::vector<double> q(gauss.begin(), gauss.end());
    internal::orthonormalize_rows(dout, cols, q);
    A.resize(dout * din);
    for (size_t i = 0; i < dout; i++)
        for (size_t j = 0; j < din; j++)
            A[i * din + j] = float(q[i * cols + j]);
    b.clear();
    have_bias = false;
    is_orthonormal = true;
    is_trained = true;
}

void RandomRotationMatrix::train(idx_t n, const float*) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "train: number of vectors must be >= 0, got %lld",
                  (long long)n);
    init(12345);
}

}  // namespace faiss
