// C bindings of faiss::gpu::GpuIndex and GpuIndexConfig.
#include "GpuIndex_c.h"

#include "../internal/boundary.h"

#include <faiss/gpu/GpuIndex.h>

using faiss_c::Boundary;

extern "C" {

int faiss_GpuIndexConfig_device(const FaissGpuIndexConfig* config) {
    Boundary b(__func__);
    return b.get(-1, [&] { return b.obj<faiss::gpu::GpuIndexConfig>(config, "config")->device; });
}

FaissGpuIndex* faiss_GpuIndex_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::gpu::GpuIndex*>(base) ? index : nullptr;
}

int faiss_GpuIndex_getDevice(const FaissGpuIndex* index, int* p_device) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* gpu =
            b.typed<faiss::gpu::GpuIndex, faiss::Index>(index, "index", "a GPU index");
        *b.need(p_device, "p_device") = gpu->getDevice();
    });
}

}  // extern "C"
