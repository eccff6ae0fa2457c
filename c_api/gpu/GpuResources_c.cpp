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
#include <utility>

using faiss::gpu::GpuResourcesProvider;
using faiss::gpu::StandardGpuResources;
using faiss_c::Boundary;

using faiss::gpu::GpuResources;

namespace {

GpuResources* resources_of(const Boundary& b, FaissGpuResources* res) {
    return b.obj<GpuResources>(res, "res");
}

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

int faiss_GpuResourcesProvider_getResources(FaissGpuResourcesProvider* provider,
                                            FaissGpuResources** p_res) {
    Boundary b(__func__);
    return b.run([&] {
        auto* prov = b.obj<GpuResourcesProvider>(provider, "provider");
        b.need(p_res, "p_res");
        *p_res = reinterpret_cast<FaissGpuResources*>(prov->getResources().get());
    });
}

int faiss_GpuResources_initializeForDevice(FaissGpuResources* res, int device) {
    Boundary b(__func__);
    return b.run([&] { resources_of(b, res)->initializeForDevice(device); });
}

int faiss_GpuResources_getBlasHandle(FaissGpuResources* res, int device,
                                     struct cublasContext** p_handle) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_handle, "p_handle");
        *p_handle = r->getBlasHandle(device);
    });
}

int faiss_GpuResources_getDefaultStream(FaissGpuResources* res, int device,
                                        struct CUstream_st** p_stream) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_stream, "p_stream");
        *p_stream = r->getDefaultStream(device);
    });
}

int faiss_GpuResources_getPinnedMemory(FaissGpuResources* res, void** p_data, size_t* p_size) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_data, "p_data");
        b.need(p_size, "p_size");
        const std::pair<void*, size_t> pinned = r->getPinnedMemory();
        *p_data = pinned.first;
        *p_size = pinned.second;
    });
}

int faiss_GpuResources_getAsyncCopyStream(FaissGpuResources* res, int device,
                                          struct CUstream_st** p_stream) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_stream, "p_stream");
        *p_stream = r->getAsyncCopyStream(device);
    });
}

int faiss_GpuResources_getBlasHandleCurrentDevice(FaissGpuResources* res,
                                                  struct cublasContext** p_handle) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_handle, "p_handle");
        *p_handle = r->getBlasHandleCurrentDevice();
    });
}

int faiss_GpuResources_getDefaultStreamCurrentDevice(FaissGpuResources* res,
                                                     struct CUstream_st** p_stream) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_stream, "p_stream");
        *p_stream = r->getDefaultStreamCurrentDevice();
    });
}

int faiss_GpuResources_syncDefaultStream(FaissGpuResources* res, int device) {
    Boundary b(__func__);
    return b.run([&] { resources_of(b, res)->syncDefaultStream(device); });
}

int faiss_GpuResources_syncDefaultStreamCurrentDevice(FaissGpuResources* res) {
    Boundary b(__func__);
    return b.run([&] { resources_of(b, res)->syncDefaultStreamCurrentDevice(); });
}

int faiss_GpuResources_getAsyncCopyStreamCurrentDevice(FaissGpuResources* res,
                                                       struct CUstream_st** p_stream) {
    Boundary b(__func__);
    return b.run([&] {
        auto* r = resources_of(b, res);
        b.need(p_stream, "p_stream");
        *p_stream = r->getAsyncCopyStreamCurrentDevice();
    });
}

int faiss_StandardGpuResources_setDefaultStream(FaissStandardGpuResources* res, int device,
                                                struct CUstream_st* stream) {
    Boundary b(__func__);
    return b.run([&] { standard_of(b, res)->setDefaultStream(device, stream); });
}

int faiss_StandardGpuResources_setDefaultNullStreamAllDevices(FaissStandardGpuResources* res) {
    Boundary b(__func__);
    return b.run([&] { standard_of(b, res)->setDefaultNullStreamAllDevices(); });
}

int faiss_gpu_sync_all_devices(void) {
    Boundary b(__func__);
    return b.run([] { faiss::gpu::synchronizeAllDevices(); });
}

int faiss_get_num_gpus(int* p_output) {
    Boundary b(__func__);
    return b.run([&] { *b.need(p_output, "p_output") = faiss::gpu::getNumDevices(); });
}

}  // extern "C"
