// Portable reference implementations of the pairwise distance kernels.
// (The SIMD-dispatched versions replace these; this file keeps the library usable.)
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>

namespace faiss {

float fvec_L2sqr(const float* x, const float* y, size_t d) {
    float acc = 0;
    for (size_t j = 0; j < d; j++) acc += (x[j] - y[j]) * (x[j] - y[j]);
    return acc;
}

float fvec_inner_product(const float* x, const float* y, size_t d) {
    float acc = 0;
    for (size_t j = 0; j < d; j++) acc += x[j] * y[j];
    return acc;
}

float fvec_L1(const float* x, const float* y, size_t d) {
    float acc = 0;
    for (size_t j = 0; j < d; j++) acc += std::fabs(x[j] - y[j]);
    return acc;
}

float fvec_Linf(const float* x, const float* y, size_t d) {
    float acc = 0;
    for (size_t j = 0; j < d; j++) acc = std::max(acc, std::fabs(x[j] - y[j]));
    return acc;
}

float fvec_Lp(const float* x, const float* y, size_t d, float p) {
    float acc = 0;
    for (size_t j = 0; j < d; j++) acc += std::pow(std::fabs(x[j] - y[j]), p);
    return acc;
}

float fvec_norm_L2sqr(const float* x, size_t d) {
    return fvec_inner_product(x, x, d);
}

void fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    for (size_t i = 0; i < ny; i++) dis[i] = fvec_L2sqr(x, y + i * d, d);
}

void fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny) {
    for (size_t i = 0; i < ny; i++) ip[i] = fvec_inner_product(x, y + i * d, d);
}

void fvec_norms_L2sqr(float* norms, const float* x, size_t d, size_t nx) {
    for (size_t i = 0; i < nx; i++) norms[i] = fvec_norm_L2sqr(x + i * d, d);
}

void fvec_norms_L2(float* norms, const float* x, size_t d, size_t nx) {
    for (size_t i = 0; i < nx; i++) norms[i] = std::sqrt(fvec_norm_L2sqr(x + i * d, d));
}

void fvec_renorm_L2(size_t d, size_t nx, float* x) {
    for (size_t i = 0; i < nx; i++) {
        float* v = x + i * d;
        float norm = std::sqrt(fvec_norm_L2sqr(v, d));
        if (norm > 0) {
            for (size_t j = 0; j < d; j++) v[j] /= norm;
        }
    }
}

void normalize_L2(size_t n, size_t d, float* x) {
    fvec_renorm_L2(d, n, x);
}

void fvec_madd(size_t n, const float* a, float bf, const float* b, float* c) {
    for (size_t i = 0; i < n; i++) c[i] = a[i] + bf * b[i];
}

}  // namespace faiss
