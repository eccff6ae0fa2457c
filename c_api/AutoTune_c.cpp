// C bindings of faiss::ParameterSpace and faiss::ParameterRange.
#include "AutoTune_c.h"

#include "internal/boundary.h"

#include <faiss/AutoTune.h>

#include <cstring>
#include <memory>
#include <string>

using faiss_c::Boundary;

extern "C" {

const char* faiss_ParameterRange_name(const FaissParameterRange* range) {
    if (!range) return nullptr;
    return reinterpret_cast<const faiss::ParameterRange*>(range)->name.c_str();
}

void faiss_ParameterRange_values(FaissParameterRange* range, double** p_values, size_t* p_size) {
    auto* r = reinterpret_cast<faiss::ParameterRange*>(range);
    if (p_values) *p_values = r ? r->values.data() : nullptr;
    if (p_size) *p_size = r ? r->values.size() : 0;
}

int faiss_ParameterSpace_new(FaissParameterSpace** p_space) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_space, "p_space");
        *p_space = reinterpret_cast<FaissParameterSpace*>(new faiss::ParameterSpace());
    });
}

void faiss_ParameterSpace_free(FaissParameterSpace* space) {
    delete reinterpret_cast<faiss::ParameterSpace*>(space);
}

int faiss_ParameterSpace_initialize(FaissParameterSpace* space, const FaissIndex* index) {
    Boundary b(__func__);
    return b.run([&] {
        b.obj<faiss::ParameterSpace>(space, "space")
            ->initialize(b.obj<faiss::Index>(index, "index"));
    });
}

size_t faiss_ParameterSpace_n_combinations(const FaissParameterSpace* space) {
    Boundary b(__func__);
    return b.get(size_t(0),
                 [&] { return b.obj<faiss::ParameterSpace>(space, "space")->n_combinations(); });
}

int faiss_ParameterSpace_combination_name(const FaissParameterSpace* space, size_t cno, char* buf,
                                          size_t size) {
    Boundary b(__func__);
    return b.run([&] {
        const std::string s = b.obj<faiss::ParameterSpace>(space, "space")->combination_name(cno);
        b.need(buf, "buf");
        b.require(s.size() < size,
                  "buffer of " + std::to_string(size) + " bytes is too small for \"" + s + "\"");
        std::memcpy(buf, s.c_str(), s.size() + 1);
    });
}

int faiss_ParameterSpace_set_index_parameters(const FaissParameterSpace* space, FaissIndex* index,
                                              const char* params) {
    Boundary b(__func__);
    return b.run([&] {
        b.obj<faiss::ParameterSpace>(space, "space")
            ->set_index_parameters(b.obj<faiss::Index>(index, "index"), b.need(params, "params"));
    });
}

int faiss_ParameterSpace_set_index_parameters_cno(const FaissParameterSpace* space,
                                                  FaissIndex* index, size_t cno) {
    Boundary b(__func__);
    return b.run([&] {
        b.obj<faiss::ParameterSpace>(space, "space")
            ->set_index_parameters(b.obj<faiss::Index>(index, "index"), cno);
    });
}

int faiss_ParameterSpace_set_index_parameter(const FaissParameterSpace* space, FaissIndex* index,
                                             const char* name, double value) {
    Boundary b(__func__);
    return b.run([&] {
        b.obj<faiss::ParameterSpace>(space, "space")
            ->set_index_parameter(b.obj<faiss::Index>(index, "index"), b.need(name, "name"), value);
    });
}

void faiss_ParameterSpace_display(const FaissParameterSpace* space) {
    if (space) reinterpret_cast<const faiss::ParameterSpace*>(space)->display();
}

int faiss_ParameterSpace_add_range(FaissParameterSpace* space, const char* name,
                                   FaissParameterRange** p_range) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_range, "p_range");
        faiss::ParameterRange& r =
            b.obj<faiss::ParameterSpace>(space, "space")->add_range(b.need(name, "name"));
        *p_range = reinterpret_cast<FaissParameterRange*>(&r);
    });
}

}  // extern "C"
