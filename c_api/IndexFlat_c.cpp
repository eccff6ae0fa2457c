// C bindings of faiss::IndexFlat, IndexFlatL2 and IndexFlatIP.
#include "IndexFlat_c.h"

#include "internal/boundary.h"

#include <faiss/IndexFlat.h>

#include <memory>

using faiss_c::Boundary;

namespace {

// Hand a new index to the caller as a FaissIndex handle.
template <class IndexType, class Handle, class... Args>
int new_index(const char* func, Handle** p_index, Args... args) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<IndexType>(args...);
        *p_index = faiss_c::handle_of<Handle, faiss::Index>(index.release());
    });
}

template <class IndexType>
FaissIndex* cast_index(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<IndexType*>(base) ? index : nullptr;
}

}  // namespace

extern "C" {

int faiss_IndexFlat_new(FaissIndexFlat** p_index) {
    return new_index<faiss::IndexFlat>(__func__, p_index);
}

int faiss_IndexFlat_new_with(FaissIndexFlat** p_index, idx_t d, FaissMetricType metric) {
    return new_index<faiss::IndexFlat>(__func__, p_index, d, faiss::MetricType(metric));
}

int faiss_IndexFlatL2_new(FaissIndexFlatL2** p_index) {
    return new_index<faiss::IndexFlatL2>(__func__, p_index);
}

int faiss_IndexFlatL2_new_with(FaissIndexFlatL2** p_index, idx_t d) {
    return new_index<faiss::IndexFlatL2>(__func__, p_index, d);
}

int faiss_IndexFlatIP_new(FaissIndexFlatIP** p_index) {
    return new_index<faiss::IndexFlatIP>(__func__, p_index);
}

int faiss_IndexFlatIP_new_with(FaissIndexFlatIP** p_index, idx_t d) {
    return new_index<faiss::IndexFlatIP>(__func__, p_index, d);
}

FaissIndexFlat* faiss_IndexFlat_cast(FaissIndex* index) {
    return cast_index<faiss::IndexFlat>(index);
}

FaissIndexFlatL2* faiss_IndexFlatL2_cast(FaissIndex* index) {
    return cast_index<faiss::IndexFlatL2>(index);
}

FaissIndexFlatIP* faiss_IndexFlatIP_cast(FaissIndex* index) {
    return cast_index<faiss::IndexFlatIP>(index);
}

void faiss_IndexFlat_free(FaissIndexFlat* obj) {
    faiss_Index_free(obj);
}

void faiss_IndexFlatL2_free(FaissIndexFlatL2* obj) {
    faiss_Index_free(obj);
}

void faiss_IndexFlatIP_free(FaissIndexFlatIP* obj) {
    faiss_Index_free(obj);
}

int faiss_IndexFlat_xb(FaissIndexFlat* index, float** p_xb, size_t* p_size) {
    Boundary b(__func__);
    return b.run([&] {
        auto* flat = b.typed<faiss::IndexFlat, faiss::Index>(index, "index", "an IndexFlat");
        b.need(p_xb, "p_xb");
        b.need(p_size, "p_size");
        // Through the const view: a memory-mapped index is neither copied nor refused.
        *p_xb = const_cast<float*>(static_cast<const faiss::IndexFlat*>(flat)->get_xb());
        *p_size = size_t(flat->ntotal) * size_t(flat->d);
    });
}

int faiss_IndexFlat_compute_distance_subset(FaissIndex* index, idx_t n, const float* x, idx_t k,
                                            float* distances, const idx_t* labels) {
    Boundary b(__func__);
    return b.run([&] {
        auto* flat = b.typed<faiss::IndexFlat, faiss::Index>(index, "index", "an IndexFlat");
        flat->compute_distance_subset(n, x, k, distances, labels);
    });
}

}  // extern "C"
