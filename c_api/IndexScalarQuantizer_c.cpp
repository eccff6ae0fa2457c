// C bindings of faiss::IndexScalarQuantizer.
#include "IndexScalarQuantizer_c.h"

#include "internal/boundary.h"

#include <faiss/IndexScalarQuantizer.h>

#include <cstdint>
#include <memory>
#include <string>

using faiss_c::Boundary;

extern "C" {

int faiss_IndexScalarQuantizer_new(FaissIndexScalarQuantizer** p_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexScalarQuantizer>();
        *p_index = faiss_c::handle_of<FaissIndexScalarQuantizer, faiss::Index>(index.release());
    });
}

int faiss_IndexScalarQuantizer_new_with(FaissIndexScalarQuantizer** p_index, idx_t d,
                                        FaissQuantizerType qt, FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        b.require(d >= 0 && d <= INT32_MAX, "d must be in [0, 2^31), got " + std::to_string(d));
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexScalarQuantizer>(
            int(d), faiss::ScalarQuantizer::QuantizerType(qt), faiss::MetricType(metric));
        *p_index = faiss_c::handle_of<FaissIndexScalarQuantizer, faiss::Index>(index.release());
    });
}

FaissIndexScalarQuantizer* faiss_IndexScalarQuantizer_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexScalarQuantizer*>(base) ? index : nullptr;
}

void faiss_IndexScalarQuantizer_free(FaissIndexScalarQuantizer* obj) {
    faiss_Index_free(obj);
}

int faiss_IndexScalarQuantizer_info(const FaissIndexScalarQuantizer* index,
                                    FaissQuantizerType* p_qtype, size_t* p_code_size) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* sq = b.typed<faiss::IndexScalarQuantizer, faiss::Index>(
            index, "index", "an IndexScalarQuantizer");
        b.need(p_qtype, "p_qtype");
        b.need(p_code_size, "p_code_size");
        *p_qtype = FaissQuantizerType(sq->sq.qtype);
        *p_code_size = sq->code_size;
    });
}

}  // extern "C"
