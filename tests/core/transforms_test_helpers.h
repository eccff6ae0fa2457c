#pragma once

// Shared by the transform tests: correlated data and double-precision references.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss::test {

/// n x d vectors x = L z + offset + noise: z standard normal in d dimensions, L a dense
/// random matrix whose column j is scaled by 1 / (1 + j)^decay, so the components are
/// correlated and the covariance eigenvalues decrease steadily.
std::vector<float> correlated_vectors(size_t n, size_t d, uint64_t seed, double decay = 1.0);

/// Mean (d) and unnormalised scatter matrix sum_i (x_i - mean)(x_i - mean)^T (d x d) of
/// x (n x d), in double.
void reference_scatter(size_t n, size_t d, const float* x, std::vector<double>& mean,
                       std::vector<double>& scatter);

/// Eigen-decomposition of a symmetric d x d matrix by cyclic Jacobi rotations, in double:
/// eigenvalues decreasing, row i of eigenvectors is the unit eigenvector of value i.
void jacobi_eigen(size_t d, std::vector<double> a, std::vector<double>& eigenvalues,
                  std::vector<double>& eigenvectors);

/// Mean squared L2 distance between two n x d arrays.
double mean_squared_error(size_t n, size_t d, const float* a, const float* b);

/// max |(M M^T)_ij - delta_ij| for the r x c row-major matrix M.
double orthonormality_error(size_t r, size_t c, const float* M);

}  // namespace faiss::test
