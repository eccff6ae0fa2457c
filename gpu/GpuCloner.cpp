// index_cpu_to_gpu / index_gpu_to_cpu: a recursive copy over the index tree. Leaves
// (flat indexes) change side; wrappers (IndexIDMap, IndexIDMap2, IndexPreTransform) are
// rebuilt on the CPU around the converted leaf, keeping their ids and transforms.
// Types are matched exactly (typeid), so a subclass with other semantics is never
// silently converted as its base.
#include <faiss/gpu/GpuCloner.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/clone_index.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/impl/IVFCloner.h>
#include <faiss/gpu/utils/DeviceUtils.h>
#include <faiss/index_io.h>
#include <faiss/internal/checks.h>
#include <faiss/io/io.h>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <typeinfo>

namespace faiss {
namespace gpu {

namespace {

// "IndexHNSWFlat" for a faiss::IndexHNSWFlat: the name users know the type by.
std::string class_name(const Index& index) {
    const std::type_info& info = typeid(index);
    int status = 0;
    char* demangled = abi::__cxa_demangle(info.name(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : info.name();
    std::free(demangled);
    for (const char* prefix : {"faiss::gpu::", "faiss::"}) {
        const std::string p(prefix);
        if (name.compare(0, p.size(), p) == 0) return name.substr(p.size());
    }
    return name;
}

[[noreturn]] void throw_unsupported(const Index& index) {
    FAISS_THROW_CODE(
        unsupported,
        "index_cpu_to_gpu: %s has no GPU version in this library (convertible: IndexFlat, "
        "IndexFlatL2, IndexFlatIP, IndexIVFFlat, IndexIVFScalarQuantizer, IndexIVFPQ, and "
        "IndexIDMap, IndexIDMap2, IndexPreTransform around one of them)",
        class_name(index).c_str());
}

bool is_flat(const Index& index) {
    const std::type_info& t = typeid(index);
    return t == typeid(IndexFlat) || t == typeid(IndexFlatL2) || t == typeid(IndexFlatIP);
}

bool is_gpu_flat(const Index& index) {
    const std::type_info& t = typeid(index);
    return t == typeid(GpuIndexFlat) || t == typeid(GpuIndexFlatL2) || t == typeid(GpuIndexFlatIP);
}

void copy_index_fields(const Index& from, Index& to) {
    to.d = from.d;
    to.ntotal = from.ntotal;
    to.verbose = from.verbose;
    to.is_trained = from.is_trained;
    to.metric_type = from.metric_type;
    to.metric_arg = from.metric_arg;
}

// A deep copy of a transform, through its file record (the one copy path every
// transform type has).
VectorTransform* clone_transform(const VectorTransform* vt) {
    VectorIOWriter writer;
    write_VectorTransform(vt, &writer);
    VectorIOReader reader;
    reader.data = std::move(writer.data);
    return read_VectorTransform(&reader);
}

// Rebuild a wrapper around `converted`, the converted copy of its inner index.
template <class Convert>
std::unique_ptr<Index> convert_wrapper(const Index& index, Convert&& convert) {
    if (auto* map = dynamic_cast<const IndexIDMap*>(&index)) {
        const bool map2 = typeid(index) == typeid(IndexIDMap2);
        if (!map2 && typeid(index) != typeid(IndexIDMap)) return nullptr;
        FAISS_REQUIRE(map->index, invalid_argument, "%s has no sub-index",
                      class_name(index).c_str());
        std::unique_ptr<Index> sub = convert(*map->index);
        std::unique_ptr<IndexIDMap> out;
        if (map2) {
            out = std::make_unique<IndexIDMap2>();
        } else {
            out = std::make_unique<IndexIDMap>();
        }
        copy_index_fields(index, *out);
        out->id_map = map->id_map;
        out->index = sub.release();
        out->own_fields = true;
        if (map2) static_cast<IndexIDMap2&>(*out).construct_rev_map();
        return out;
    }
    if (typeid(index) == typeid(IndexPreTransform)) {
        const auto& pt = static_cast<const IndexPreTransform&>(index);
        FAISS_REQUIRE(pt.index, invalid_argument, "IndexPreTransform has no sub-index");
        std::unique_ptr<Index> sub = convert(*pt.index);
        auto out = std::make_unique<IndexPreTransform>();
        out->own_fields = true;
        copy_index_fields(index, *out);
        for (const VectorTransform* vt : pt.chain) {
            out->chain.push_back(nullptr);  // grown first: the transform is then owned
            out->chain.back() = clone_transform(vt);
        }
        out->index = sub.release();
        return out;
    }
    return nullptr;
}

void check_device(int device) {
    FAISS_REQUIRE(device >= 0, invalid_argument, "device must be >= 0, got %d", device);
    const int count = getNumDevices();
    FAISS_REQUIRE(count > 0, cuda_error,
                  "no CUDA device is present (copy of an index to GPU device %d)", device);
    FAISS_REQUIRE(device < count, invalid_argument,
                  "device must be < %d (the number of CUDA devices), got %d", count, device);
}

// The CPU index holding a GPU flat index's vectors, of the class matching its metric.
std::unique_ptr<IndexFlat> flat_to_cpu(const GpuIndexFlat& gpu) {
    std::unique_ptr<IndexFlat> cpu;
    if (gpu.metric_type == METRIC_L2) {
        cpu = std::make_unique<IndexFlatL2>();
    } else if (gpu.metric_type == METRIC_INNER_PRODUCT) {
        cpu = std::make_unique<IndexFlatIP>();
    } else {
        cpu = std::make_unique<IndexFlat>(0, gpu.metric_type);
    }
    gpu.copyTo(cpu.get());
    cpu->verbose = gpu.verbose;
    return cpu;
}

struct ToGpu {
    GpuResourcesProvider* provider;
    int device;
    const GpuClonerOptions& options;

    std::unique_ptr<Index> flat(const IndexFlat& cpu) const {
        FAISS_REQUIRE(cpu.metric_type == METRIC_L2 || cpu.metric_type == METRIC_INNER_PRODUCT,
                      unsupported,
                      "index_cpu_to_gpu: %s with metric %d has no GPU version (GPU flat "
                      "indexes support METRIC_L2 and METRIC_INNER_PRODUCT)",
                      class_name(cpu).c_str(), int(cpu.metric_type));
        check_device(device);
        GpuIndexFlatConfig config;
        config.device = device;
        config.useFloat16 = options.useFloat16;
        config.storeTransposed = options.storeTransposed;
        config.use_cuvs = options.use_cuvs;
        std::unique_ptr<GpuIndexFlat> gpu;
        if (cpu.metric_type == METRIC_L2) {
            gpu = std::make_unique<GpuIndexFlatL2>(provider, cpu.d, config);
        } else {
            gpu = std::make_unique<GpuIndexFlatIP>(provider, cpu.d, config);
        }
        // The base class's copyFrom takes a const source (the subclasses' hide it).
        static_cast<GpuIndexFlat&>(*gpu).copyFrom(&cpu);
        gpu->verbose = options.verbose;
        return gpu;
    }

    std::unique_ptr<Index> operator()(const Index& index) const {
        if (is_flat(index)) return flat(static_cast<const IndexFlat&>(index));
        if (is_gpu_flat(index)) {
            // Another device, or other options: through a CPU copy.
            return flat(*flat_to_cpu(static_cast<const GpuIndexFlat&>(index)));
        }
        if (auto out = convert_wrapper(index, *this)) return out;
        if (auto out = detail::ivf_cpu_to_gpu(provider, device, index, options)) return out;
        throw_unsupported(index);
    }
};

struct ToCpu {
    std::unique_ptr<Index> operator()(const Index& index) const {
        if (is_gpu_flat(index)) return flat_to_cpu(static_cast<const GpuIndexFlat&>(index));
        if (auto out = convert_wrapper(index, *this)) return out;
        if (auto out = detail::ivf_gpu_to_cpu(index)) return out;
        FAISS_REQUIRE(!isGpuIndex(&index), unsupported,
                      "index_gpu_to_cpu: %s has no CPU counterpart in this library",
                      class_name(index).c_str());
        // A CPU part: copied as it is.
        return std::unique_ptr<Index>(clone_index(&index));
    }
};

}  // namespace

faiss::Index* index_gpu_to_cpu(const faiss::Index* gpu_index) {
    FAISS_REQUIRE(gpu_index, invalid_argument, "index_gpu_to_cpu: gpu_index is null");
    return ToCpu()(*gpu_index).release();
}

faiss::Index* index_cpu_to_gpu(GpuResourcesProvider* provider, int device,
                               const faiss::Index* index, const GpuClonerOptions* options) {
    FAISS_REQUIRE(provider, invalid_argument, "index_cpu_to_gpu: provider is null");
    FAISS_REQUIRE(index, invalid_argument, "index_cpu_to_gpu: index is null");
    FAISS_REQUIRE(device >= 0, invalid_argument, "index_cpu_to_gpu: device must be >= 0, got %d",
                  device);
    const GpuClonerOptions defaults;
    return ToGpu{provider, device, options ? *options : defaults}(*index).release();
}

faiss::Index* index_cpu_to_gpu_multiple(std::vector<GpuResourcesProvider*>& provider,
                                        std::vector<int>& devices, const faiss::Index* index,
                                        const GpuMultipleClonerOptions* options) {
    FAISS_REQUIRE(!devices.empty(), invalid_argument, "index_cpu_to_gpu_multiple: no device given");
    FAISS_REQUIRE(provider.size() == devices.size(), invalid_argument,
                  "index_cpu_to_gpu_multiple: %zu providers for %zu devices", provider.size(),
                  devices.size());
    FAISS_REQUIRE(devices.size() == 1, unsupported,
                  "index_cpu_to_gpu_multiple: copying to %zu GPUs needs IndexReplicas / "
                  "IndexShards, which this library does not have yet; copy to one GPU",
                  devices.size());
    return index_cpu_to_gpu(provider[0], devices[0], index, options);
}

}  // namespace gpu
}  // namespace faiss
