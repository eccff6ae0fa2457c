#include "transforms_test_helpers.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace faiss::test {

std::vector<float> correlated_vectors(size_t n, size_t d, uint64_t seed, double decay) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> L(d * d), offset(d);
    for (size_t i = 0; i < d; i++) {
        offset[i] = 3.0 * normal(rng);
        for (size_t j = 0; j < d; j++)
            L[i * d + j] = normal(rng) / std::pow(1.0 + j, decay);
    }
    std::vector<float> x(n * d);
    std::vector<double> z(d);
    for (size_t v = 0; v < n; v++) {
        for (size_t j = 0; j < d; j++)
            z[j] = normal(rng);
        for (size_t i = 0; i < d; i++) {
            double acc = offset[i] + 0.01 * normal(rng);
            for (size_t j = 0; j < d; j++)
                acc += L[i * d + j] * z[j];
            x[v * d + i] = float(acc);
        }
    }
    return x;
}

void reference_scatter(size_t n, size_t d, const float* x, std::vector<double>& mean,
                       std::vector<double>& scatter) {
    mean.assign(d, 0.0);
    for (size_t v = 0; v < n; v++)
        for (size_t j = 0; j < d; j++)
            mean[j] += x[v * d + j];
    for (double& m : mean)
        m /= double(n);
    scatter.assign(d * d, 0.0);
    for (size_t v = 0; v < n; v++)
        for (size_t i = 0; i < d; i++) {
            const double xi = x[v * d + i] - mean[i];
            for (size_t j = 0; j < d; j++)
                scatter[i * d + j] += xi * (x[v * d + j] - mean[j]);
        }
}

void jacobi_eigen(size_t d, std::vector<double> a, std::vector<double>& eigenvalues,
                  std::vector<double>& eigenvectors) {
    std::vector<double> V(d * d, 0.0);
    for (size_t i = 0; i < d; i++)
        V[i * d + i] = 1.0;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0;
        for (size_t p = 0; p < d; p++)
            for (size_t q = p + 1; q < d; q++)
                off += a[p * d + q] * a[p * d + q];
        if (off < 1e-30) break;
        for (size_t p = 0; p < d; p++) {
            for (size_t q = p + 1; q < d; q++) {
                const double apq = a[p * d + q];
                if (std::fabs(apq) < 1e-300) continue;
                // Rotation angle that zeroes a[p][q].
                const double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
                const double t =
                    (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (size_t k = 0; k < d; k++) {  // columns p, q
                    const double akp = a[k * d + p], akq = a[k * d + q];
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < d; k++) {  // rows p, q
                    const double apk = a[p * d + k], aqk = a[q * d + k];
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < d; k++) {
                    const double vkp = V[k * d + p], vkq = V[k * d + q];
                    V[k * d + p] = c * vkp - s * vkq;
                    V[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    std::vector<size_t> order(d);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t i, size_t j) { return a[i * d + i] > a[j * d + j]; });
    eigenvalues.resize(d);
    eigenvectors.resize(d * d);
    for (size_t r = 0; r < d; r++) {
        eigenvalues[r] = a[order[r] * d + order[r]];
        for (size_t k = 0; k < d; k++)
            eigenvectors[r * d + k] = V[k * d + order[r]];
    }
}

double mean_squared_error(size_t n, size_t d, const float* a, const float* b) {
    double acc = 0;
    for (size_t i = 0; i < n * d; i++)
        acc += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    return acc / double(n);
}

double orthonormality_error(size_t r, size_t c, const float* M) {
    double worst = 0;
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < r; j++) {
            double dot = 0;
            for (size_t k = 0; k < c; k++)
                dot += double(M[i * c + k]) * M[j * c + k];
            worst = std::max(worst, std::fabs(dot - (i == j ? 1.0 : 0.0)));
        }
    return worst;
}

}  // namespace faiss::test
