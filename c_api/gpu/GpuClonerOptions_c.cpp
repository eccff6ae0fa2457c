// C bindings of faiss::gpu::GpuClonerOptions and GpuMultipleClonerOptions. Every handle
// holds a GpuMultipleClonerOptions (the plain options are its base part): the structs
// have no virtual functions, so the kind of a handle could not be checked otherwise,
// and one representation lets both kinds go to every function.
#include "GpuClonerOptions_c.h"

#include "../internal/boundary.h"

#include <faiss/gpu/GpuClonerOptions.h>

#include <memory>
#include <string>

using faiss::gpu::GpuMultipleClonerOptions;
using faiss_c::Boundary;

namespace {

using Options = GpuMultipleClonerOptions;

int new_options(const char* func, FaissGpuClonerOptions** p_options) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_options, "p_options");
        *p_options = reinterpret_cast<FaissGpuClonerOptions*>(new Options());
    });
}

template <class T, class Get>
T get(const char* func, const FaissGpuClonerOptions* options, T fallback, Get&& field) {
    Boundary b(func);
    return b.get(fallback, [&] { return T(field(*b.obj<Options>(options, "options"))); });
}

template <class Set>
int set(const char* func, FaissGpuClonerOptions* options, Set&& assign) {
    Boundary b(func);
    return b.run([&] { assign(*b.obj<Options>(options, "options")); });
}

}  // namespace

// Getter and setter of one field; bool fields travel as int.
#define FAISS_C_OPTIONS_FIELD(Class, CType, field)                                                 \
    CType faiss_##Class##_##field(const Faiss##Class* options) {                                   \
        return get<CType>(__func__, options, CType(-1), [](const Options& o) { return o.field; }); \
    }                                                                                              \
    int faiss_##Class##_set_##field(Faiss##Class* options, CType value) {                          \
        return set(__func__, options, [&](Options& o) { o.field = decltype(o.field)(value); });    \
    }

extern "C" {

int faiss_GpuClonerOptions_new(FaissGpuClonerOptions** p_options) {
    return new_options(__func__, p_options);
}

void faiss_GpuClonerOptions_free(FaissGpuClonerOptions* obj) {
    delete reinterpret_cast<Options*>(obj);
}

int faiss_GpuMultipleClonerOptions_new(FaissGpuMultipleClonerOptions** p_options) {
    return new_options(__func__, p_options);
}

void faiss_GpuMultipleClonerOptions_free(FaissGpuMultipleClonerOptions* obj) {
    faiss_GpuClonerOptions_free(obj);
}

FaissIndicesOptions faiss_GpuClonerOptions_indicesOptions(const FaissGpuClonerOptions* options) {
    return get<FaissIndicesOptions>(__func__, options, FaissIndicesOptions(-1),
                                    [](const Options& o) { return o.indicesOptions; });
}

int faiss_GpuClonerOptions_set_indicesOptions(FaissGpuClonerOptions* options,
                                              FaissIndicesOptions value) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(value >= INDICES_CPU && value <= INDICES_64_BIT,
                  "indicesOptions must be one of INDICES_CPU .. INDICES_64_BIT (0 .. 3), got " +
                      std::to_string(int(value)));
        b.obj<Options>(options, "options")->indicesOptions = faiss::gpu::IndicesOptions(int(value));
    });
}

FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, useFloat16CoarseQuantizer)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, useFloat16)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, usePrecomputed)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, long, reserveVecs)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, storeTransposed)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, verbose)
FAISS_C_OPTIONS_FIELD(GpuClonerOptions, int, allowCpuCoarseQuantizer)
FAISS_C_OPTIONS_FIELD(GpuMultipleClonerOptions, int, shard)
FAISS_C_OPTIONS_FIELD(GpuMultipleClonerOptions, int, shard_type)

}  // extern "C"
