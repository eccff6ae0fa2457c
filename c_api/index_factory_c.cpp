// C bindings of faiss::index_factory and faiss::reverse_index_factory.
#include "index_factory_c.h"

#include "internal/boundary.h"

#include <faiss/index_factory.h>

#include <cstring>
#include <memory>
#include <string>

using faiss_c::Boundary;

extern "C" {

int faiss_index_factory(FaissIndex** p_index, int d, const char* description,
                        FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        b.need(description, "description");
        std::unique_ptr<faiss::Index> index(
            faiss::index_factory(d, description, faiss::MetricType(metric)));
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_reverse_index_factory(const FaissIndex* index, char* buf, size_t size) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* idx = b.obj<faiss::Index>(index, "index");
        b.need(buf, "buf");
        const std::string s = faiss::reverse_index_factory(idx);
        b.require(s.size() < size,
                  "buffer of " + std::to_string(size) + " bytes is too small for \"" + s + "\"");
        std::memcpy(buf, s.c_str(), s.size() + 1);
    });
}

}  // extern "C"
