// C bindings of faiss::gpu::index_cpu_to_gpu, index_cpu_to_gpu_multiple and
// index_gpu_to_cpu.
#include "GpuAutoTune_c.h"

#include "../internal/boundary.h"

#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuClonerOptions.h>
#include <faiss/gpu/GpuResources.h>

#include <memory>
#include <string>
#include <vector>

using faiss::gpu::GpuMultipleClonerOptions;
using faiss::gpu::GpuResourcesProvider;
using faiss_c::Boundary;

namespace {

// Options handles hold a GpuMultipleClonerOptions (GpuClonerOptions_c.cpp).
const GpuMultipleClonerOptions* options_of(const FaissGpuClonerOptions* options) {
    return reinterpret_cast<const GpuMultipleClonerOptions*>(options);
}

int cpu_to_gpu(const char* func, FaissGpuResourcesProvider* provider, int device,
               const FaissIndex* index, const FaissGpuClonerOptions* options,
               FaissGpuIndex** p_out) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_out, "p_out");
        auto* prov = b.obj<GpuResourcesProvider>(provider, "provider");
        const auto* cpu = b.obj<faiss::Index>(index, "index");
        std::unique_ptr<faiss::Index> gpu(
            faiss::gpu::index_cpu_to_gpu(prov, device, cpu, options_of(options)));
        *p_out = faiss_c::handle_of<FaissGpuIndex, faiss::Index>(gpu.release());
    });
}

int cpu_to_gpu_multiple(const char* func, FaissGpuResourcesProvider* const* providers_vec,
                        size_t providers_vec_size, const int* devices, size_t devices_size,
                        const FaissIndex* index, const FaissGpuClonerOptions* options,
                        FaissGpuIndex** p_out) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_out, "p_out");
        b.need(providers_vec, "providers_vec");
        b.need(devices, "devices");
        const auto* cpu = b.obj<faiss::Index>(index, "index");
        b.require(providers_vec_size == devices_size,
                  std::to_string(providers_vec_size) + " providers for " +
                      std::to_string(devices_size) + " devices");
        std::vector<GpuResourcesProvider*> provs;
        for (size_t i = 0; i < providers_vec_size; i++) {
            const std::string what = "providers_vec[" + std::to_string(i) + "]";
            provs.push_back(b.obj<GpuResourcesProvider>(providers_vec[i], what.c_str()));
        }
        std::vector<int> devs(devices, devices + devices_size);
        std::unique_ptr<faiss::Index> gpu(
            faiss::gpu::index_cpu_to_gpu_multiple(provs, devs, cpu, options_of(options)));
        *p_out = faiss_c::handle_of<FaissGpuIndex, faiss::Index>(gpu.release());
    });
}

}  // namespace

extern "C" {

int faiss_index_gpu_to_cpu(const FaissIndex* gpu_index, FaissIndex** p_out) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_out, "p_out");
        const auto* gpu = b.obj<faiss::Index>(gpu_index, "gpu_index");
        std::unique_ptr<faiss::Index> cpu(faiss::gpu::index_gpu_to_cpu(gpu));
        *p_out = faiss_c::handle_of<FaissIndex, faiss::Index>(cpu.release());
    });
}

int faiss_index_cpu_to_gpu(FaissGpuResourcesProvider* provider, int device, const FaissIndex* index,
                           FaissGpuIndex** p_out) {
    return cpu_to_gpu(__func__, provider, device, index, nullptr, p_out);
}

int faiss_index_cpu_to_gpu_with_options(FaissGpuResourcesProvider* provider, int device,
                                        const FaissIndex* index,
                                        const FaissGpuClonerOptions* options,
                                        FaissGpuIndex** p_out) {
    return cpu_to_gpu(__func__, provider, device, index, options, p_out);
}

int faiss_index_cpu_to_gpu_multiple(FaissGpuResourcesProvider* const* providers_vec,
                                    const int* devices, size_t devices_size,
                                    const FaissIndex* index, FaissGpuIndex** p_out) {
    return cpu_to_gpu_multiple(__func__, providers_vec, devices_size, devices, devices_size, index,
                               nullptr, p_out);
}

int faiss_index_cpu_to_gpu_multiple_with_options(FaissGpuResourcesProvider* const* providers_vec,
                                                 size_t providers_vec_size, const int* devices,
                                                 size_t devices_size, const FaissIndex* index,
                                                 const FaissGpuMultipleClonerOptions* options,
                                                 FaissGpuIndex** p_out) {
    return cpu_to_gpu_multiple(__func__, providers_vec, providers_vec_size, devices, devices_size,
                               index, options, p_out);
}

}  // extern "C"
