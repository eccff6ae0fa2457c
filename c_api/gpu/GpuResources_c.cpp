// C bindings of faiss::gpu::GpuResourcesProvider, faiss::gpu::StandardGpuResources and
// the device count.
#include "GpuResources_c.h"
#include "DeviceUtils_c.h"
#include "StandardGpuResources_c.h"

#include "../internal/boundary.h"

#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <memory>

using faiss::gpu::GpuResourcesProvider;
using faiss::gpu::StandardGpuResources;
using faiss_c::Boundary;

namespace {

// Handles are made from the GpuResourcesProvider base pointer (faiss_c::handle_of).
StandardGpuResources* standard_of(const Boundary& b, FaissStandardGpuResources* res) {
    return b.typed<StandardGpuResources, GpuResourcesProvider>(res, "res",
                                                               "a StandardGpuResources");
}

}  // namespace

extern "C" {

void faiss_GpuResourcesProvider_free(FaissGpuResourcesProvider* obj) {
    delete reinterpret_cast<GpuResourcesProvider*>(obj);
}

void faiss_StandardGpuResources_free(FaissStandardGpuResources* obj) {
    faiss_GpuResourcesProvider_free(obj);
}

int faiss_StandardGpuResources_new(FaissStandardGpuResources** p_res) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_res, "p_res");
        std::unique_ptr<GpuResourcesProvider> res = std::make_unique<StandardGpuResources>();
        *p_res = faiss_c::handle_of<FaissStandardGpuResources, GpuResourcesProvider>(res.release());
    });
}

int faiss_StandardGpuResources_noTempMemory(FaissStandardGpuResources* res) {
    Boundary b(__func__);
    return b.run([&] { standard_of(b, res)->noTempMemory(); });
}

int faiss_StandardGpuResources_setTempMemory(FaissStandardGpuResources* res, size_t size) {
    Boundary b(__func__);
    return b.run([&] { standard_of(b, res)->setTempMemory(size); });
}

int faiss_StandardGpuResources_setPinnedMemory(FaissStandardGpuResources* res, size_t size) {
    Boundary b(__func__);
    return b.run([&] { standard_of(b, res)->setPinnedMemory(size); });
}

int faiss_get_num_gpus(int* p_output) {
    Boundary b(__func__);
    return b.run([&] { *b.need(p_output, "p_output") = faiss::gpu::getNumDevices(); });
}

}  // extern "C"
