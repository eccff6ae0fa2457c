#pragma once

// LAPACK entry points (bundled with the linked OpenBLAS) and the small dense linear
// algebra built on them for the vector transforms. Private: never installed.
// Fortran routines see column-major matrices: a row-major r x c array is a column-major
// c x r matrix with leading dimension c.

#include <cstddef>
#include <vector>

extern "C" {

/// C = alpha * A * A^T + beta * C (trans "N", A n x k) or alpha * A^T * A (trans "T",
/// A k x n); only the uplo triangle of the n x n matrix C is referenced.
int ssyrk_(const char* uplo, const char* trans, const int* n, const int* k, const float* alpha,
           const float* a, const int* lda, const float* beta, float* c, const int* ldc);

/// Eigenvalues (ascending, into w) and, with jobz "V", eigenvectors (overwriting a, one
/// per column) of a symmetric n x n matrix. lwork = -1 queries the workspace size.
int ssyev_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w,
           float* work, const int* lwork, int* info);
int dsyev_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
           double* work, const int* lwork, int* info);

/// Singular value decomposition A = U diag(s) V^T of an m x n matrix.
int sgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, float* a,
            const int* lda, float* s, float* u, const int* ldu, float* vt, const int* ldvt,
            float* work, const int* lwork, int* info);
int dgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, double* a,
            const int* lda, double* s, double* u, const int* ldu, double* vt, const int* ldvt,
            double* work, const int* lwork, int* info);

/// QR factorisation of an m x n matrix (Householder reflectors in a and tau) ...
int dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work,
            const int* lwork, int* info);
/// ... and the explicit m x n orthonormal factor Q built from them.
int dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau,
            double* work, const int* lwork, int* info);
}

namespace faiss::internal {

/// Eigen-decomposition of the symmetric d x d matrix a (row-major; only one triangle
/// needs to be filled, it is treated as symmetric). On return eigenvalues holds the d
/// eigenvalues in decreasing order and a row i holds the unit eigenvector of
/// eigenvalues[i]. @throws internal when LAPACK fails to converge.
void symmetric_eigen(size_t d, std::vector<double>& a, std::vector<double>& eigenvalues);

/// Thin SVD of the r x c row-major matrix a (r, c >= 1): a = U diag(s) V^T with
/// U r x m, V c x m, m = min(r, c), returned row-major. @throws internal on failure.
void thin_svd(size_t r, size_t c, std::vector<double> a, std::vector<double>& U,
              std::vector<double>& s, std::vector<double>& V);

/// Orthonormalise the rows of the r x c row-major matrix a (r <= c) in place, keeping
/// the span of its first rows (Gram-Schmidt order, computed by Householder QR).
/// @throws invalid_argument for r > c; internal on LAPACK failure.
void orthonormalize_rows(size_t r, size_t c, std::vector<double>& a);

}  // namespace faiss::internal
