// C bindings of faiss::RangeSearchResult.
#include "RangeSearchResult_c.h"

#include "internal/boundary.h"

#include <faiss/RangeSearchResult.h>

#include <memory>
#include <string>

using faiss_c::Boundary;

namespace {

template <class H>
auto* result_of(const Boundary& b, H* rsr) {
    return b.obj<faiss::RangeSearchResult>(rsr, "rsr");
}

}  // namespace

extern "C" {

int faiss_RangeSearchResult_new(FaissRangeSearchResult** p_rsr, idx_t nq) {
    return faiss_RangeSearchResult_new_with(p_rsr, nq, 1);
}

int faiss_RangeSearchResult_new_with(FaissRangeSearchResult** p_rsr, idx_t nq, int alloc_lims) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_rsr, "p_rsr");
        b.require(nq >= 0, "nq must be >= 0, got " + std::to_string(nq));
        auto rsr = std::make_unique<faiss::RangeSearchResult>(size_t(nq), alloc_lims != 0);
        *p_rsr =
            faiss_c::handle_of<FaissRangeSearchResult, faiss::RangeSearchResult>(rsr.release());
    });
}

int faiss_RangeSearchResult_do_allocation(FaissRangeSearchResult* rsr) {
    Boundary b(__func__);
    return b.run([&] { result_of(b, rsr)->do_allocation(); });
}

void faiss_RangeSearchResult_free(FaissRangeSearchResult* obj) {
    delete reinterpret_cast<faiss::RangeSearchResult*>(obj);
}

size_t faiss_RangeSearchResult_nq(const FaissRangeSearchResult* rsr) {
    Boundary b(__func__);
    return b.get(size_t(-1), [&] { return result_of(b, rsr)->nq; });
}

size_t faiss_RangeSearchResult_buffer_size(const FaissRangeSearchResult* rsr) {
    Boundary b(__func__);
    return b.get(size_t(-1), [&] { return result_of(b, rsr)->buffer_size; });
}

int faiss_RangeSearchResult_lims(FaissRangeSearchResult* rsr, size_t** lims) {
    Boundary b(__func__);
    return b.run([&] {
        auto* result = result_of(b, rsr);
        *b.need(lims, "lims") = result->lims;
    });
}

int faiss_RangeSearchResult_labels(FaissRangeSearchResult* rsr, idx_t** labels, float** distances) {
    Boundary b(__func__);
    return b.run([&] {
        auto* result = result_of(b, rsr);
        b.need(labels, "labels");
        b.need(distances, "distances");
        *labels = result->labels;
        *distances = result->distances;
    });
}

}  // extern "C"
