#include <faiss/gpu/impl/IVFCloner.h>

#include <faiss/gpu/GpuIndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
#include <faiss/gpu/impl/CudaCheck.h>

#include <typeinfo>

namespace faiss::gpu::detail {

namespace {

template <class Config>
Config ivf_config(int device, const GpuClonerOptions& o) {
    Config c;
    c.device = device;
    c.indicesOptions = o.indicesOptions;
    c.flatConfig.useFloat16 = o.useFloat16CoarseQuantizer;
    c.use_cuvs = o.use_cuvs;
    return c;
}

/// Applies the options every GPU IVF copy takes after construction.
std::unique_ptr<Index> finish(std::unique_ptr<GpuIndexIVF> gpu, const GpuClonerOptions& o) {
    if (o.reserveVecs > 0) gpu->reserveMemory(size_t(o.reserveVecs));
    gpu->verbose = o.verbose;
    return gpu;
}

}  // namespace

std::unique_ptr<Index> ivf_cpu_to_gpu(GpuResourcesProvider* provider, int device,
                                      const Index& index, const GpuClonerOptions& options) {
    const std::type_info& t = typeid(index);
    const bool cpu_ivf = t == typeid(IndexIVFFlat) || t == typeid(IndexIVFScalarQuantizer) ||
                         t == typeid(IndexIVFPQ);
    if (cpu_ivf) require_device(device, "index_cpu_to_gpu");
    if (t == typeid(IndexIVFFlat)) {
        auto c = ivf_config<GpuIndexIVFFlatConfig>(device, options);
        return finish(std::make_unique<GpuIndexIVFFlat>(
                          provider, static_cast<const IndexIVFFlat*>(&index), c),
                      options);
    }
    if (t == typeid(IndexIVFScalarQuantizer)) {
        auto c = ivf_config<GpuIndexIVFScalarQuantizerConfig>(device, options);
        return finish(std::make_unique<GpuIndexIVFScalarQuantizer>(
                          provider, static_cast<const IndexIVFScalarQuantizer*>(&index), c),
                      options);
    }
    if (t == typeid(IndexIVFPQ)) {
        auto c = ivf_config<GpuIndexIVFPQConfig>(device, options);
        c.useFloat16LookupTables = options.useFloat16;
        c.usePrecomputedTables = options.usePrecomputed;
        return finish(
            std::make_unique<GpuIndexIVFPQ>(provider, static_cast<const IndexIVFPQ*>(&index), c),
            options);
    }
    // A GPU IVF index to another device or with other options: through a CPU copy.
    if (t == typeid(GpuIndexIVFFlat) || t == typeid(GpuIndexIVFScalarQuantizer) ||
        t == typeid(GpuIndexIVFPQ)) {
        return ivf_cpu_to_gpu(provider, device, *ivf_gpu_to_cpu(index), options);
    }
    return nullptr;
}

std::unique_ptr<Index> ivf_gpu_to_cpu(const Index& index) {
    const std::type_info& t = typeid(index);
    std::unique_ptr<Index> out;
    if (t == typeid(GpuIndexIVFFlat)) {
        auto cpu = std::make_unique<IndexIVFFlat>();
        static_cast<const GpuIndexIVFFlat&>(index).copyTo(cpu.get());
        out = std::move(cpu);
    } else if (t == typeid(GpuIndexIVFScalarQuantizer)) {
        auto cpu = std::make_unique<IndexIVFScalarQuantizer>();
        static_cast<const GpuIndexIVFScalarQuantizer&>(index).copyTo(cpu.get());
        out = std::move(cpu);
    } else if (t == typeid(GpuIndexIVFPQ)) {
        auto cpu = std::make_unique<IndexIVFPQ>();
        static_cast<const GpuIndexIVFPQ&>(index).copyTo(cpu.get());
        out = std::move(cpu);
    }
    if (out) out->verbose = index.verbose;
    return out;
}

}  // namespace faiss::gpu::detail
