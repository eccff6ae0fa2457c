#pragma once

// Fortran BLAS entry points (OpenBLAS is linked). Private: never installed.
// Matrices are column-major in Fortran terms; a row-major n x d array is a column-major
// d x n matrix with leading dimension d, which is how the callers use them.

extern "C" {

/// C = alpha * op(A) * op(B) + beta * C, op(A) m x k, op(B) k x n, C m x n.
int sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
           const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
           const float* beta, float* c, const int* ldc);

/// Double-precision variant of sgemm_.
int dgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
           const double* alpha, const double* a, const int* lda, const double* b, const int* ldb,
           const double* beta, double* c, const int* ldc);
}
