// C bindings of faiss::IndexIVFPQ.
#include "IndexIVFPQ_c.h"

#include "internal/boundary.h"

#include <faiss/IndexIVFPQ.h>

#include <cstdint>
#include <memory>
#include <string>

using faiss_c::Boundary;

namespace {

template <class H>
auto* ivfpq(const Boundary& b, H* index) {
    return b.typed<faiss::IndexIVFPQ, faiss::Index>(index, "index", "an IndexIVFPQ");
}

}  // namespace

extern "C" {

int faiss_IndexIVFPQ_new(FaissIndexIVFPQ** p_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFPQ>();
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFPQ_new_with_metric(FaissIndexIVFPQ** p_index, FaissIndex* quantizer, size_t d,
                                     size_t nlist, size_t M, size_t nbits, FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* q = b.obj<faiss::Index>(quantizer, "quantizer");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexIVFPQ>(
            q, d, nlist, M, nbits, static_cast<faiss::MetricType>(metric));
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexIVFPQ_new_with(FaissIndexIVFPQ** p_index, FaissIndex* quantizer, size_t d,
                              size_t nlist, size_t M, size_t nbits) {
    return faiss_IndexIVFPQ_new_with_metric(p_index, quantizer, d, nlist, M, nbits, METRIC_L2);
}

FaissIndexIVFPQ* faiss_IndexIVFPQ_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexIVFPQ*>(base) ? index : nullptr;
}

void faiss_IndexIVFPQ_free(FaissIndexIVFPQ* obj) {
    faiss_Index_free(obj);
}

size_t faiss_IndexIVFPQ_M(const FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.get(SIZE_MAX, [&] { return ivfpq(b, index)->pq.M; });
}

size_t faiss_IndexIVFPQ_nbits(const FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.get(SIZE_MAX, [&] { return ivfpq(b, index)->pq.nbits; });
}

size_t faiss_IndexIVFPQ_code_size(const FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.get(SIZE_MAX, [&] { return ivfpq(b, index)->code_size; });
}

int faiss_IndexIVFPQ_by_residual(const FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return ivfpq(b, index)->by_residual ? 1 : 0; });
}

int faiss_IndexIVFPQ_set_by_residual(FaissIndexIVFPQ* index, int by_residual) {
    Boundary b(__func__);
    return b.run([&] { ivfpq(b, index)->by_residual = by_residual != 0; });
}

int faiss_IndexIVFPQ_use_precomputed_table(const FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.get(-2, [&] { return ivfpq(b, index)->use_precomputed_table; });
}

int faiss_IndexIVFPQ_set_use_precomputed_table(FaissIndexIVFPQ* index, int value) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(value >= -1 && value <= 2,
                  "use_precomputed_table must be -1, 0, 1 or 2, got " + std::to_string(value));
        ivfpq(b, index)->use_precomputed_table = value;
    });
}

int faiss_IndexIVFPQ_precompute_table(FaissIndexIVFPQ* index) {
    Boundary b(__func__);
    return b.run([&] { ivfpq(b, index)->precompute_table(); });
}

}  // extern "C"
