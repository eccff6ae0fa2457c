// C bindings of faiss::IndexIVFFlat.
#include "IndexIVFFlat_c.h"

#include "internal/boundary.h"

#include <faiss/IndexIVFFlat.h>

#include <memory>

using faiss_c::Boundary;

extern "C" {

int faiss_IndexIVFFlat_new(FaissIndexIVFFlat** p_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFFlat>();
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFFlat_new_with_metric(FaissIndexIVFFlat** p_index, FaissIndex* quantizer, size_t d,
                                       size_t nlist, FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* q = b.obj<faiss::Index>(quantizer, "quantizer");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFFlat>(
            q, d, nlist, static_cast<faiss::MetricType>(metric));
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFFlat_new_with(FaissIndexIVFFlat** p_index, FaissIndex* quantizer, size_t d,
                                size_t nlist) {
    return faiss_IndexIVFFlat_new_with_metric(p_index, quantizer, d, nlist, METRIC_L2);
}

FaissIndexIVFFlat* faiss_IndexIVFFlat_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexIVFFlat*>(base) ? index : nullptr;
}

int faiss_IndexIVFFlat_add_core(FaissIndexIVFFlat* index, idx_t n, const float* x,
                                const idx_t* xids, const int64_t* precomputed_idx) {
    Boundary b(__func__);
    return b.run([&] {
        auto* ivf = b.typed<faiss::IndexIVFFlat, faiss::Index>(index, "index", "an IndexIVFFlat");
        ivf->add_core(n, x, xids, precomputed_idx);
    });
}

void faiss_IndexIVFFlat_free(FaissIndexIVFFlat* obj) {
    faiss_Index_free(obj);
}

}  // extern "C"
