#include <faiss/gpu/GpuResources.h>

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <sstream>

namespace faiss::gpu {

std::string allocTypeToString(AllocType t) {
    switch (t) {
        case AllocType::Other:
            return "Other";
        case AllocType::FlatData:
            return "FlatData";
        case AllocType::IVFLists:
            return "IVFLists";
        case AllocType::Quantizer:
            return "Quantizer";
        case AllocType::QuantizerPrecomputedCodes:
            return "QuantizerPrecomputedCodes";
        case AllocType::TemporaryMemoryBuffer:
            return "TemporaryMemoryBuffer";
        case AllocType::TemporaryMemoryOverflow:
            return "TemporaryMemoryOverflow";
    }
    return "Unknown";
}

std::string memorySpaceToString(MemorySpace s) {
    switch (s) {
        case MemorySpace::Temporary:
            return "Temporary";
        case MemorySpace::Device:
            return "Device";
        case MemorySpace::Unified:
            return "Unified";
    }
    return "Unknown";
}

std::string AllocInfo::toString() const {
    std::ostringstream ss;
    ss << "type " << allocTypeToString(type) << " dev " << device << " space "
       << memorySpaceToString(space) << " stream " << static_cast<const void*>(stream);
    return ss.str();
}

std::string AllocRequest::toString() const {
    return AllocInfo::toString() + " size " + std::to_string(size) + " bytes";
}

AllocInfo makeDevAlloc(AllocType at, cudaStream_t st) {
    return AllocInfo(at, getCurrentDevice(), MemorySpace::Device, st);
}

AllocInfo makeTempAlloc(AllocType at, cudaStream_t st) {
    return AllocInfo(at, getCurrentDevice(), MemorySpace::Temporary, st);
}

GpuMemoryReservation::GpuMemoryReservation(GpuResources* r, int dev, cudaStream_t str, void* p,
                                           size_t sz)
    : res(r), device(dev), stream(str), data(p), size(sz) {}

GpuMemoryReservation::GpuMemoryReservation(GpuMemoryReservation&& m) noexcept
    : res(m.res), device(m.device), stream(m.stream), data(m.data), size(m.size) {
    m.data = nullptr;
    m.size = 0;
}

GpuMemoryReservation& GpuMemoryReservation::operator=(GpuMemoryReservation&& m) noexcept {
    if (this != &m) {
        release();
        res = m.res;
        device = m.device;
        stream = m.stream;
        data = m.data;
        size = m.size;
        m.data = nullptr;
        m.size = 0;
    }
    return *this;
}

GpuMemoryReservation::~GpuMemoryReservation() {
    release();
}

void GpuMemoryReservation::release() {
    if (data && res) res->deallocMemory(device, data);
    data = nullptr;
    size = 0;
}

GpuResources::~GpuResources() = default;

cublasHandle_t GpuResources::getBlasHandleCurrentDevice() {
    return getBlasHandle(getCurrentDevice());
}

cudaStream_t GpuResources::getDefaultStreamCurrentDevice() {
    return getDefaultStream(getCurrentDevice());
}

size_t GpuResources::getTempMemoryAvailableCurrentDevice() const {
    return getTempMemoryAvailable(getCurrentDevice());
}

bool GpuResources::supportsBFloat16CurrentDevice() {
    return supportsBFloat16(getCurrentDevice());
}

GpuMemoryReservation GpuResources::allocMemoryHandle(const AllocRequest& req) {
    void* p = allocMemory(req);
    return GpuMemoryReservation(this, req.device, req.stream, p, req.size);
}

void GpuResources::syncDefaultStream(int device) {
    detail::DeviceScope scope(device);
    FAISS_CUDA_CHECK(cudaStreamSynchronize(getDefaultStream(device)));
}

void GpuResources::syncDefaultStreamCurrentDevice() {
    syncDefaultStream(getCurrentDevice());
}

std::vector<cudaStream_t> GpuResources::getAlternateStreamsCurrentDevice() {
    return getAlternateStreams(getCurrentDevice());
}

cudaStream_t GpuResources::getAsyncCopyStreamCurrentDevice() {
    return getAsyncCopyStream(getCurrentDevice());
}

std::unique_lock<std::mutex> GpuResources::lockDevice(int device) {
    FAISS_REQUIRE(device >= 0, invalid_argument, "lockDevice: bad device %d", device);
    std::mutex* m = nullptr;
    {
        std::lock_guard<std::mutex> guard(locksMutex_);
        if (deviceLocks_.size() <= static_cast<size_t>(device)) {
            deviceLocks_.resize(device + 1);
        }
        if (!deviceLocks_[device]) deviceLocks_[device] = std::make_unique<std::mutex>();
        m = deviceLocks_[device].get();
    }
    return std::unique_lock<std::mutex>(*m);
}

GpuResourcesProvider::~GpuResourcesProvider() = default;

GpuResourcesProviderFromInstance::GpuResourcesProviderFromInstance(std::shared_ptr<GpuResources> p)
    : res_(std::move(p)) {}

GpuResourcesProviderFromInstance::~GpuResourcesProviderFromInstance() = default;

std::shared_ptr<GpuResources> GpuResourcesProviderFromInstance::getResources() {
    return res_;
}

}  // namespace faiss::gpu
