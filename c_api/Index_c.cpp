// C bindings of faiss::Index and faiss::SearchParameters.
#include "Index_c.h"

#include "internal/boundary.h"

#include <faiss/IDSelector.h>
#include <faiss/Index.h>
#include <faiss/RangeSearchResult.h>

#include <memory>

using faiss_c::Boundary;

namespace {

const faiss::Index* index_of(const Boundary& b, const FaissIndex* index) {
    return b.obj<faiss::Index>(index, "index");
}

faiss::Index* index_of(const Boundary& b, FaissIndex* index) {
    return b.obj<faiss::Index>(index, "index");
}

}  // namespace

extern "C" {

int faiss_SearchParameters_new(FaissSearchParameters** p_sp, FaissIDSelector* sel) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_sp, "p_sp");
        auto params = std::make_unique<faiss::SearchParameters>();
        params->sel = reinterpret_cast<const faiss::IDSelector*>(sel);
        *p_sp =
            faiss_c::handle_of<FaissSearchParameters, faiss::SearchParameters>(params.release());
    });
}

void faiss_SearchParameters_free(FaissSearchParameters* obj) {
    delete reinterpret_cast<faiss::SearchParameters*>(obj);
}

void faiss_Index_free(FaissIndex* obj) {
    delete reinterpret_cast<faiss::Index*>(obj);
}

int faiss_Index_d(const FaissIndex* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return index_of(b, index)->d; });
}

int faiss_Index_is_trained(const FaissIndex* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(index_of(b, index)->is_trained); });
}

idx_t faiss_Index_ntotal(const FaissIndex* index) {
    Boundary b(__func__);
    return b.get(idx_t(-1), [&] { return idx_t(index_of(b, index)->ntotal); });
}

FaissMetricType faiss_Index_metric_type(const FaissIndex* index) {
    Boundary b(__func__);
    return b.get(FaissMetricType(-1),
                 [&] { return FaissMetricType(index_of(b, index)->metric_type); });
}

int faiss_Index_verbose(const FaissIndex* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(index_of(b, index)->verbose); });
}

int faiss_Index_set_verbose(FaissIndex* index, int verbose) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->verbose = verbose != 0; });
}

int faiss_Index_train(FaissIndex* index, idx_t n, const float* x) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->train(n, x); });
}

int faiss_Index_add(FaissIndex* index, idx_t n, const float* x) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->add(n, x); });
}

int faiss_Index_add_with_ids(FaissIndex* index, idx_t n, const float* x, const idx_t* xids) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->add_with_ids(n, x, xids); });
}

int faiss_Index_search(const FaissIndex* index, idx_t n, const float* x, idx_t k, float* distances,
                       idx_t* labels) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->search(n, x, k, distances, labels); });
}

int faiss_Index_search_with_params(const FaissIndex* index, idx_t n, const float* x, idx_t k,
                                   const FaissSearchParameters* params, float* distances,
                                   idx_t* labels) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* sp = reinterpret_cast<const faiss::SearchParameters*>(params);
        index_of(b, index)->search(n, x, k, distances, labels, sp);
    });
}

int faiss_Index_range_search(const FaissIndex* index, idx_t n, const float* x, float radius,
                             FaissRangeSearchResult* result) {
    Boundary b(__func__);
    return b.run([&] {
        auto* res = b.obj<faiss::RangeSearchResult>(result, "result");
        index_of(b, index)->range_search(n, x, radius, res);
    });
}

int faiss_Index_assign(const FaissIndex* index, idx_t n, const float* x, idx_t* labels, idx_t k) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->assign(n, x, labels, k); });
}

int faiss_Index_reset(FaissIndex* index) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->reset(); });
}

int faiss_Index_remove_ids(FaissIndex* index, const FaissIDSelector* sel, size_t* n_removed) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* selector = b.obj<faiss::IDSelector>(sel, "sel");
        size_t removed = index_of(b, index)->remove_ids(*selector);
        if (n_removed) *n_removed = removed;
    });
}

int faiss_Index_reconstruct(const FaissIndex* index, idx_t key, float* recons) {
    Boundary b(__func__);
    return b.run([&] {
        const faiss::Index* idx = index_of(b, index);
        idx->reconstruct(key, b.need(recons, "recons"));
    });
}

int faiss_Index_reconstruct_n(const FaissIndex* index, idx_t i0, idx_t ni, float* recons) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->reconstruct_n(i0, ni, recons); });
}

int faiss_Index_compute_residual(const FaissIndex* index, const float* x, float* residual,
                                 idx_t key) {
    Boundary b(__func__);
    return b.run([&] {
        const faiss::Index* idx = index_of(b, index);
        idx->compute_residual(b.need(x, "x"), b.need(residual, "residual"), key);
    });
}

int faiss_Index_compute_residual_n(const FaissIndex* index, idx_t n, const float* x,
                                   float* residuals, const idx_t* keys) {
    Boundary b(__func__);
    return b.run([&] {
        const faiss::Index* idx = index_of(b, index);
        // Index::compute_residual_n reads keys without checking it.
        if (n > 0) b.need(keys, "keys");
        idx->compute_residual_n(n, x, residuals, keys);
    });
}

int faiss_Index_sa_code_size(const FaissIndex* index, size_t* size) {
    Boundary b(__func__);
    return b.run([&] {
        const faiss::Index* idx = index_of(b, index);
        *b.need(size, "size") = idx->sa_code_size();
    });
}

int faiss_Index_sa_encode(const FaissIndex* index, idx_t n, const float* x, uint8_t* bytes) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->sa_encode(n, x, bytes); });
}

int faiss_Index_sa_decode(const FaissIndex* index, idx_t n, const uint8_t* bytes, float* x) {
    Boundary b(__func__);
    return b.run([&] { index_of(b, index)->sa_decode(n, bytes, x); });
}

}  // extern "C"
