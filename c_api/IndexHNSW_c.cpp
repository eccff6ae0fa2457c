// C bindings of faiss::IndexHNSW* and faiss::SearchParametersHNSW.
#include "IndexHNSW_c.h"

#include "internal/boundary.h"

#include <faiss/IndexHNSW.h>

#include <cstdint>
#include <memory>
#include <string>

using faiss_c::Boundary;

namespace {

template <class H>
auto* hnsw_of(const Boundary& b, H* index) {
    return b.typed<faiss::IndexHNSW, faiss::Index>(index, "index", "an HNSW index");
}

template <class P>
auto* hnsw_params_of(const Boundary& b, P* sp) {
    return b.typed<faiss::SearchParametersHNSW, faiss::SearchParameters>(sp, "sp",
                                                                         "a SearchParametersHNSW");
}

void check_shape(const Boundary& b, idx_t d, int M) {
    b.require(d >= 0 && d <= INT32_MAX, "d must be in [0, 2^31), got " + std::to_string(d));
    b.require(M > 0, "M must be > 0, got " + std::to_string(M));
}

}  // namespace

extern "C" {

int faiss_IndexHNSWFlat_new_with(FaissIndexHNSWFlat** p_index, idx_t d, int M,
                                 FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        check_shape(b, d, M);
        std::unique_ptr<faiss::Index> index =
            std::make_unique<faiss::IndexHNSWFlat>(int(d), M, faiss::MetricType(metric));
        *p_index = faiss_c::handle_of<FaissIndexHNSWFlat, faiss::Index>(index.release());
    });
}

int faiss_IndexHNSWSQ_new_with(FaissIndexHNSWSQ** p_index, idx_t d, FaissQuantizerType qt, int M,
                               FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        check_shape(b, d, M);
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexHNSWSQ>(
            int(d), faiss::ScalarQuantizer::QuantizerType(qt), M, faiss::MetricType(metric));
        *p_index = faiss_c::handle_of<FaissIndexHNSWSQ, faiss::Index>(index.release());
    });
}

int faiss_IndexHNSWPQ_new_with(FaissIndexHNSWPQ** p_index, idx_t d, int pq_m, int M, int pq_nbits,
                               FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        check_shape(b, d, M);
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexHNSWPQ>(
            int(d), pq_m, M, pq_nbits, faiss::MetricType(metric));
        *p_index = faiss_c::handle_of<FaissIndexHNSWPQ, faiss::Index>(index.release());
    });
}

FaissIndexHNSW* faiss_IndexHNSW_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexHNSW*>(base) ? index : nullptr;
}

FaissIndexHNSWFlat* faiss_IndexHNSWFlat_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexHNSWFlat*>(base) ? index : nullptr;
}

void faiss_IndexHNSW_free(FaissIndexHNSW* obj) {
    faiss_Index_free(obj);
}

int faiss_IndexHNSW_efSearch(const FaissIndexHNSW* index) {
    Boundary b(__func__);
    return b.get(0, [&] { return hnsw_of(b, index)->hnsw.efSearch; });
}

int faiss_IndexHNSW_set_efSearch(FaissIndexHNSW* index, int efSearch) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(efSearch > 0, "efSearch must be > 0, got " + std::to_string(efSearch));
        hnsw_of(b, index)->hnsw.efSearch = efSearch;
    });
}

int faiss_IndexHNSW_efConstruction(const FaissIndexHNSW* index) {
    Boundary b(__func__);
    return b.get(0, [&] { return hnsw_of(b, index)->hnsw.efConstruction; });
}

int faiss_IndexHNSW_set_efConstruction(FaissIndexHNSW* index, int efConstruction) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(efConstruction > 0,
                  "efConstruction must be > 0, got " + std::to_string(efConstruction));
        hnsw_of(b, index)->hnsw.efConstruction = efConstruction;
    });
}

int faiss_IndexHNSW_graph_info(const FaissIndexHNSW* index, int* p_max_level, int* p_entry_point) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* h = hnsw_of(b, index);
        b.need(p_max_level, "p_max_level");
        b.need(p_entry_point, "p_entry_point");
        *p_max_level = h->hnsw.max_level;
        *p_entry_point = h->hnsw.entry_point;
    });
}

int faiss_IndexHNSW_compact(FaissIndexHNSW* index, idx_t* old_to_new, size_t* p_dropped) {
    Boundary b(__func__);
    return b.run([&] {
        const size_t dropped = hnsw_of(b, index)->compact(old_to_new);
        if (p_dropped) *p_dropped = dropped;
    });
}

int faiss_IndexHNSW_permute_entries(FaissIndexHNSW* index, const idx_t* perm) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->permute_entries(perm); });
}

int faiss_IndexHNSW_init_level0(const FaissIndexHNSW* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(hnsw_of(b, index)->init_level0); });
}

int faiss_IndexHNSW_set_init_level0(FaissIndexHNSW* index, int init_level0) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->init_level0 = init_level0 != 0; });
}

int faiss_IndexHNSW_keep_max_size_level0(const FaissIndexHNSW* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(hnsw_of(b, index)->keep_max_size_level0); });
}

int faiss_IndexHNSW_set_keep_max_size_level0(FaissIndexHNSW* index, int keep) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->keep_max_size_level0 = keep != 0; });
}

int faiss_IndexHNSW_init_level_0_from_knngraph(FaissIndexHNSW* index, int k, const float* D,
                                               const idx_t* I) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->init_level_0_from_knngraph(k, D, I); });
}

int faiss_IndexHNSW_shrink_level_0_neighbors(FaissIndexHNSW* index, int size) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->shrink_level_0_neighbors(size); });
}

int faiss_IndexHNSW_reorder_links(FaissIndexHNSW* index) {
    Boundary b(__func__);
    return b.run([&] { hnsw_of(b, index)->reorder_links(); });
}

int faiss_SearchParametersHNSW_new_with(FaissSearchParametersHNSW** p_sp, FaissIDSelector* sel,
                                        int efSearch) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_sp, "p_sp");
        b.require(efSearch > 0, "efSearch must be > 0, got " + std::to_string(efSearch));
        auto params = std::make_unique<faiss::SearchParametersHNSW>();
        params->sel = reinterpret_cast<const faiss::IDSelector*>(sel);
        params->efSearch = efSearch;
        *p_sp = faiss_c::handle_of<FaissSearchParametersHNSW, faiss::SearchParameters>(
            params.release());
    });
}

FaissSearchParametersHNSW* faiss_SearchParametersHNSW_cast(FaissSearchParameters* sp) {
    auto* base = reinterpret_cast<faiss::SearchParameters*>(sp);
    return dynamic_cast<faiss::SearchParametersHNSW*>(base) ? sp : nullptr;
}

void faiss_SearchParametersHNSW_free(FaissSearchParametersHNSW* obj) {
    delete reinterpret_cast<faiss::SearchParameters*>(obj);
}

int faiss_SearchParametersHNSW_efSearch(const FaissSearchParametersHNSW* sp) {
    Boundary b(__func__);
    return b.get(0, [&] { return hnsw_params_of(b, sp)->efSearch; });
}

int faiss_SearchParametersHNSW_check_relative_distance(const FaissSearchParametersHNSW* sp) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(hnsw_params_of(b, sp)->check_relative_distance); });
}

int faiss_SearchParametersHNSW_set_check_relative_distance(FaissSearchParametersHNSW* sp,
                                                           int value) {
    Boundary b(__func__);
    return b.run([&] { hnsw_params_of(b, sp)->check_relative_distance = value != 0; });
}

int faiss_SearchParametersHNSW_bounded_queue(const FaissSearchParametersHNSW* sp) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(hnsw_params_of(b, sp)->bounded_queue); });
}

int faiss_SearchParametersHNSW_set_bounded_queue(FaissSearchParametersHNSW* sp, int value) {
    Boundary b(__func__);
    return b.run([&] { hnsw_params_of(b, sp)->bounded_queue = value != 0; });
}

}  // extern "C"
