// Public entry points of the float32 distance kernels (faiss/utils/distances.h, the
// "one pair", "one vector against many" and "many vectors" groups). Each call fetches
// the kernel table of the current SIMD level once and hands it the whole batch; the
// kernels themselves live in faiss/simd/kernels/distances_<isa>.cpp.
#include <faiss/utils/distances.h>

#include <faiss/internal/checks.h>
#include <faiss/simd/dispatch.h>

#include <cmath>

namespace faiss {

namespace {

// Below this many floats a thread team costs more than the work it would share.
constexpr size_t kParallelFloats = size_t(1) << 20;
// Rows per task in the parallel many-vector loops.
constexpr size_t kRowsPerTask = 1024;

bool run_parallel(size_t d, size_t nx) {
    return nx > kRowsPerTask && d * nx >= kParallelFloats;
}

void require_batch(const void* out, const float* x, const float* y, size_t d, size_t n,
                   const char* what) {
    FAISS_REQUIRE(n == 0 || out != nullptr, invalid_argument, "%s: null output for %zu vectors",
                  what, n);
    FAISS_REQUIRE(n == 0 || d == 0 || (x != nullptr && y != nullptr), invalid_argument,
                  "%s: null input for %zu vectors of dimension %zu", what, n, d);
}

}  // namespace

float fvec_L2sqr(const float* x, const float* y, size_t d) {
    return simd::distance_kernels().L2sqr(x, y, d);
}

float fvec_inner_product(const float* x, const float* y, size_t d) {
    return simd::distance_kernels().inner_product(x, y, d);
}

float fvec_L1(const float* x, const float* y, size_t d) {
    return simd::distance_kernels().L1(x, y, d);
}

float fvec_Linf(const float* x, const float* y, size_t d) {
    return simd::distance_kernels().Linf(x, y, d);
}

float fvec_Lp(const float* x, const float* y, size_t d, float p) {
    return simd::distance_kernels().Lp(x, y, d, p);
}

float fvec_norm_L2sqr(const float* x, size_t d) {
    return simd::distance_kernels().norm_L2sqr(x, d);
}

void fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    require_batch(dis, x, y, d, ny, "fvec_L2sqr_ny");
    simd::distance_kernels().L2sqr_ny(dis, x, y, d, ny);
}

void fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny) {
    require_batch(ip, x, y, d, ny, "fvec_inner_products_ny");
    simd::distance_kernels().inner_products_ny(ip, x, y, d, ny);
}

void fvec_norms_L2sqr(float* norms, const float* x, size_t d, size_t nx) {
    require_batch(norms, x, x, d, nx, "fvec_norms_L2sqr");
    const simd::DistanceKernels& k = simd::distance_kernels();
    if (!run_parallel(d, nx)) {
        k.norms_L2sqr(norms, x, d, nx);
        return;
    }
    int64_t ntasks = static_cast<int64_t>((nx + kRowsPerTask - 1) / kRowsPerTask);
#pragma omp parallel for
    for (int64_t t = 0; t < ntasks; t++) {
        size_t i0 = static_cast<size_t>(t) * kRowsPerTask;
        size_t n = nx - i0 < kRowsPerTask ? nx - i0 : kRowsPerTask;
        k.norms_L2sqr(norms + i0, x + i0 * d, d, n);
    }
}

void fvec_norms_L2(float* norms, const float* x, size_t d, size_t nx) {
    fvec_norms_L2sqr(norms, x, d, nx);
    for (size_t i = 0; i < nx; i++)
        norms[i] = std::sqrt(norms[i]);
}

void fvec_renorm_L2(size_t d, size_t nx, float* x) {
    require_batch(x, x, x, d, nx, "fvec_renorm_L2");
    const simd::DistanceKernels& k = simd::distance_kernels();
    if (!run_parallel(d, nx)) {
        k.renorm_L2(d, nx, x);
        return;
    }
    int64_t ntasks = static_cast<int64_t>((nx + kRowsPerTask - 1) / kRowsPerTask);
#pragma omp parallel for
    for (int64_t t = 0; t < ntasks; t++) {
        size_t i0 = static_cast<size_t>(t) * kRowsPerTask;
        size_t n = nx - i0 < kRowsPerTask ? nx - i0 : kRowsPerTask;
        k.renorm_L2(d, n, x + i0 * d);
    }
}

void normalize_L2(size_t n, size_t d, float* x) {
    fvec_renorm_L2(d, n, x);
}

void fvec_madd(size_t n, const float* a, float bf, const float* b, float* c) {
    require_batch(c, a, b, n == 0 ? 0 : 1, n, "fvec_madd");
    simd::distance_kernels().madd(n, a, bf, b, c);
}

}  // namespace faiss
