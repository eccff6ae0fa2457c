// C bindings of faiss::IndexIVFScalarQuantizer.
#include "IndexIVFScalarQuantizer_c.h"

#include "internal/boundary.h"

#include <faiss/IndexIVFScalarQuantizer.h>

#include <memory>

using faiss_c::Boundary;

namespace {

template <class H>
auto* ivfsq(const Boundary& b, H* index) {
    return b.typed<faiss::IndexIVFScalarQuantizer, faiss::Index>(index, "index",
                                                                 "an IndexIVFScalarQuantizer");
}

}  // namespace

extern "C" {

int faiss_IndexIVFScalarQuantizer_new(FaissIndexIVFScalarQuantizer** p_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFScalarQuantizer>();
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFScalarQuantizer_new_with_metric(FaissIndexIVFScalarQuantizer** p_index,
                                                  FaissIndex* quantizer, size_t d, size_t nlist,
                                                  FaissQuantizerType qt, FaissMetricType metric,
                                                  int encode_residual) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* q = b.obj<faiss::Index>(quantizer, "quantizer");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFScalarQuantizer>(
            q, d, nlist, static_cast<faiss::ScalarQuantizer::QuantizerType>(qt),
            static_cast<faiss::MetricType>(metric), encode_residual != 0);
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFScalarQuantizer_new_with(FaissIndexIVFScalarQuantizer** p_index,
                                           FaissIndex* quantizer, size_t d, size_t nlist,
                                           FaissQuantizerType qt) {
    return faiss_IndexIVFScalarQuantizer_new_with_metric(p_index, quantizer, d, nlist, qt,
                                                         METRIC_L2, 1);
}

FaissIndexIVFScalarQuantizer* faiss_IndexIVFScalarQuantizer_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexIVFScalarQuantizer*>(base) ? index : nullptr;
}

void faiss_IndexIVFScalarQuantizer_free(FaissIndexIVFScalarQuantizer* obj) {
    faiss_Index_free(obj);
}

int faiss_IndexIVFScalarQuantizer_add_core(FaissIndexIVFScalarQuantizer* index, idx_t n,
                                           const float* x, const idx_t* xids,
                                           const int64_t* precomputed_idx) {
    Boundary b(__func__);
    return b.run([&] { ivfsq(b, index)->add_core(n, x, xids, precomputed_idx); });
}

int faiss_IndexIVFScalarQuantizer_info(const FaissIndexIVFScalarQuantizer* index,
                                       FaissQuantizerType* p_qtype, size_t* p_code_size) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* ivf = ivfsq(b, index);
        b.need(p_qtype, "p_qtype");
        b.need(p_code_size, "p_code_size");
        *p_qtype = FaissQuantizerType(ivf->sq.qtype);
        *p_code_size = ivf->code_size;
    });
}

int faiss_IndexIVFScalarQuantizer_by_residual(const FaissIndexIVFScalarQuantizer* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return ivfsq(b, index)->by_residual ? 1 : 0; });
}

int faiss_IndexIVFScalarQuantizer_set_by_residual(FaissIndexIVFScalarQuantizer* index,
                                                  int by_residual) {
    Boundary b(__func__);
    return b.run([&] { ivfsq(b, index)->by_residual = by_residual != 0; });
}

}  // extern "C"
