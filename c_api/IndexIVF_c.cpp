// C bindings of faiss::IndexIVF and faiss::SearchParametersIVF.
#include "IndexIVF_c.h"

#include "internal/boundary.h"

#include <faiss/IDSelector.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexIVF.h>

#include <algorithm>
#include <memory>

using faiss_c::Boundary;

namespace {

template <class H>
auto* ivf_of(const Boundary& b, H* index) {
    return b.typed<faiss::IndexIVF, faiss::Index>(index, "index", "an IVF index");
}

template <class H>
auto* params_of(const Boundary& b, H* sp) {
    return b.typed<faiss::SearchParametersIVF, faiss::SearchParameters>(sp, "sp",
                                                                        "a SearchParametersIVF");
}

}  // namespace

extern "C" {

FaissIndexIVF* faiss_IndexIVF_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexIVF*>(base) ? index : nullptr;
}

void faiss_IndexIVF_free(FaissIndexIVF* obj) {
    faiss_Index_free(obj);
}

int faiss_extract_index_ivf(FaissIndex* index, FaissIndexIVF** p_ivf) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_ivf, "p_ivf");
        *p_ivf = nullptr;
        faiss::IndexIVF* ivf = faiss::extract_index_ivf(b.obj<faiss::Index>(index, "index"));
        *p_ivf = faiss_c::handle_of<FaissIndexIVF>(static_cast<faiss::Index*>(ivf));
    });
}

size_t faiss_IndexIVF_nlist(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return ivf_of(b, index)->nlist; });
}

size_t faiss_IndexIVF_nprobe(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return ivf_of(b, index)->nprobe; });
}

int faiss_IndexIVF_set_nprobe(FaissIndexIVF* index, size_t nprobe) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(nprobe > 0, "nprobe must be > 0");
        ivf_of(b, index)->nprobe = nprobe;
    });
}

size_t faiss_IndexIVF_max_codes(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return ivf_of(b, index)->max_codes; });
}

int faiss_IndexIVF_set_max_codes(FaissIndexIVF* index, size_t max_codes) {
    Boundary b(__func__);
    return b.run([&] { ivf_of(b, index)->max_codes = max_codes; });
}

FaissIndex* faiss_IndexIVF_quantizer(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(static_cast<FaissIndex*>(nullptr), [&] {
        return faiss_c::handle_of<FaissIndex, faiss::Index>(ivf_of(b, index)->quantizer);
    });
}

int faiss_IndexIVF_quantizer_trains_alone(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(ivf_of(b, index)->quantizer_trains_alone); });
}

int faiss_IndexIVF_own_fields(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(ivf_of(b, index)->own_fields); });
}

int faiss_IndexIVF_set_own_fields(FaissIndexIVF* index, int own_fields) {
    Boundary b(__func__);
    return b.run([&] { ivf_of(b, index)->own_fields = own_fields != 0; });
}

int faiss_IndexIVF_merge_from(FaissIndexIVF* index, FaissIndexIVF* other, idx_t add_id) {
    Boundary b(__func__);
    return b.run([&] { ivf_of(b, index)->merge_from(*ivf_of(b, other), add_id); });
}

int faiss_IndexIVF_search_preassigned(const FaissIndexIVF* index, idx_t n, const float* x, idx_t k,
                                      const idx_t* assign, const float* centroid_dis,
                                      float* distances, idx_t* labels, int store_pairs) {
    Boundary b(__func__);
    return b.run([&] {
        ivf_of(b, index)->search_preassigned(n, x, k, assign, centroid_dis, distances, labels,
                                             store_pairs != 0);
    });
}

size_t faiss_IndexIVF_get_list_size(const FaissIndexIVF* index, size_t list_no) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return ivf_of(b, index)->get_list_size(list_no); });
}

int faiss_IndexIVF_invlists_get_ids(const FaissIndexIVF* index, size_t list_no, idx_t* invlist) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* ivf = ivf_of(b, index);
        size_t n = ivf->get_list_size(list_no);
        if (n == 0) return;
        b.need(invlist, "invlist");
        const idx_t* ids = ivf->invlists->get_ids(list_no);
        std::copy(ids, ids + n, invlist);
    });
}

int faiss_IndexIVF_make_direct_map(FaissIndexIVF* index, int new_maintain_direct_map) {
    Boundary b(__func__);
    return b.run([&] { ivf_of(b, index)->make_direct_map(new_maintain_direct_map != 0); });
}

double faiss_IndexIVF_imbalance_factor(const FaissIndexIVF* index) {
    Boundary b(__func__);
    return b.get(0.0, [&] {
        const auto* ivf = ivf_of(b, index);
        b.require(ivf->invlists != nullptr, "the index has no inverted lists");
        return ivf->invlists->imbalance_factor();
    });
}

int faiss_SearchParametersIVF_new(FaissSearchParametersIVF** p_sp) {
    return faiss_SearchParametersIVF_new_with(p_sp, nullptr, 1, 0);
}

int faiss_SearchParametersIVF_new_with(FaissSearchParametersIVF** p_sp, FaissIDSelector* sel,
                                       size_t nprobe, size_t max_codes) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_sp, "p_sp");
        auto params = std::make_unique<faiss::SearchParametersIVF>();
        params->sel = reinterpret_cast<const faiss::IDSelector*>(sel);
        params->nprobe = nprobe;
        params->max_codes = max_codes;
        *p_sp =
            faiss_c::handle_of<FaissSearchParametersIVF, faiss::SearchParameters>(params.release());
    });
}

FaissSearchParametersIVF* faiss_SearchParametersIVF_cast(FaissSearchParameters* sp) {
    auto* base = reinterpret_cast<faiss::SearchParameters*>(sp);
    return dynamic_cast<faiss::SearchParametersIVF*>(base) ? sp : nullptr;
}

void faiss_SearchParametersIVF_free(FaissSearchParametersIVF* obj) {
    delete reinterpret_cast<faiss::SearchParameters*>(obj);
}

size_t faiss_SearchParametersIVF_nprobe(const FaissSearchParametersIVF* sp) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return params_of(b, sp)->nprobe; });
}

int faiss_SearchParametersIVF_set_nprobe(FaissSearchParametersIVF* sp, size_t nprobe) {
    Boundary b(__func__);
    return b.run([&] { params_of(b, sp)->nprobe = nprobe; });
}

size_t faiss_SearchParametersIVF_max_codes(const FaissSearchParametersIVF* sp) {
    Boundary b(__func__);
    return b.get(size_t(0), [&] { return params_of(b, sp)->max_codes; });
}

int faiss_SearchParametersIVF_set_max_codes(FaissSearchParametersIVF* sp, size_t max_codes) {
    Boundary b(__func__);
    return b.run([&] { params_of(b, sp)->max_codes = max_codes; });
}

}  // extern "C"
