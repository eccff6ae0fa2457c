// C bindings of the distance helpers and exact k-NN of faiss/utils/distances.h.
#include "distances_c.h"

#include "../internal/boundary.h"

#include <faiss/utils/distances.h>

#include <string>

using faiss_c::Boundary;

extern "C" {

int faiss_pairwise_L2sqr(int64_t d, int64_t nq, const float* xq, int64_t nb, const float* xb,
                         float* dis, int64_t ldq, int64_t ldb, int64_t ldd) {
    Boundary b(__func__);
    return b.run([&] { faiss::pairwise_L2sqr(d, nq, xq, nb, xb, dis, ldq, ldb, ldd); });
}

int faiss_pairwise_L2sqr_with_defaults(int64_t d, int64_t nq, const float* xq, int64_t nb,
                                       const float* xb, float* dis) {
    Boundary b(__func__);
    return b.run([&] { faiss::pairwise_L2sqr(d, nq, xq, nb, xb, dis); });
}

int faiss_fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny) {
    Boundary b(__func__);
    return b.run([&] { faiss::fvec_inner_products_ny(ip, x, y, d, ny); });
}

int faiss_fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
    Boundary b(__func__);
    return b.run([&] { faiss::fvec_L2sqr_ny(dis, x, y, d, ny); });
}

int faiss_fvec_norms_L2(float* norms, const float* x, size_t d, size_t nx) {
    Boundary b(__func__);
    return b.run([&] { faiss::fvec_norms_L2(norms, x, d, nx); });
}

int faiss_fvec_norms_L2sqr(float* norms, const float* x, size_t d, size_t nx) {
    Boundary b(__func__);
    return b.run([&] { faiss::fvec_norms_L2sqr(norms, x, d, nx); });
}

int faiss_fvec_renorm_L2(size_t d, size_t nx, float* x) {
    Boundary b(__func__);
    return b.run([&] { faiss::fvec_renorm_L2(d, nx, x); });
}

int faiss_normalize_L2(size_t n, size_t d, float* x) {
    Boundary b(__func__);
    return b.run([&] { faiss::normalize_L2(n, d, x); });
}

int faiss_knn(const float* xq, const float* xb, idx_t d, idx_t nq, idx_t nb, idx_t k,
              FaissMetricType metric, float metric_arg, float* distances, idx_t* labels) {
    Boundary b(__func__);
    return b.run([&] {
        // The C++ engine takes unsigned sizes: reject negative ones before converting.
        b.require(d >= 0 && nq >= 0 && nb >= 0, "sizes must be >= 0, got d=" + std::to_string(d) +
                                                    " nq=" + std::to_string(nq) +
                                                    " nb=" + std::to_string(nb));
        b.require(k > 0, "k must be > 0, got " + std::to_string(k));
        faiss::knn_extra_metrics(xq, xb, size_t(d), size_t(nq), size_t(nb),
                                 faiss::MetricType(metric), metric_arg, size_t(k), distances,
                                 labels);
    });
}

}  // extern "C"
