#include <faiss/gpu/StandardGpuResources.h>

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/TempMemoryPool.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <cstdio>
#include <limits>

namespace faiss::gpu {

namespace detail {

/// Everything StandardGpuResourcesImpl owns on one device.
struct DeviceState {
    int device = -1;
    cudaStream_t defaultStream = nullptr;
    cudaStream_t asyncCopyStream = nullptr;
    std::vector<cudaStream_t> alternateStreams;
    cublasHandle_t blas = nullptr;
    std::unique_ptr<TempMemoryPool> temp;
    bool bf16 = false;
    /// Live allocations outside the pool (pointer -> request), for getMemoryInfo.
    std::unordered_map<void*, AllocRequest> allocs;

    ~DeviceState() {
        if (device < 0) return;
        if (cudaSetDevice(device) != cudaSuccess) cudaGetLastError();
        if (defaultStream && cudaStreamSynchronize(defaultStream) != cudaSuccess) {
            cudaGetLastError();
        }
        temp.reset();
        if (blas) cublasDestroy(blas);
        for (cudaStream_t s : alternateStreams)
            cudaStreamDestroy(s);
        if (asyncCopyStream) cudaStreamDestroy(asyncCopyStream);
        if (defaultStream) cudaStreamDestroy(defaultStream);
        for (auto& a : allocs) {
            if (cudaFree(a.first) != cudaSuccess) cudaGetLastError();
        }
        cudaGetLastError();
    }
};

}  // namespace detail

namespace {

constexpr size_t kTempMemDefault = std::numeric_limits<size_t>::max();
constexpr size_t kDefaultPinnedMem = size_t(256) << 20;
constexpr int kNumAlternateStreams = 2;

/// Faiss's per-card default: 512 MiB up to 4 GiB cards, 1 GiB up to 8 GiB, else 1.5 GiB.
size_t default_temp_memory(int device) {
    size_t free_b = 0, total_b = 0;
    FAISS_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    const size_t gib = size_t(1) << 30;
    if (total_b <= 4 * gib) return gib / 2;
    if (total_b <= 8 * gib) return gib;
    return gib + gib / 2;
}

cudaStream_t new_stream() {
    cudaStream_t s = nullptr;
    FAISS_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return s;
}

}  // namespace

StandardGpuResourcesImpl::StandardGpuResourcesImpl()
    : tempMemSize_(kTempMemDefault), pinnedMemSize_(kDefaultPinnedMem) {
    const char* why = "";
    if (detail::device_count(&why) == 0) {
        FAISS_THROW_CODE(cuda_error, "no CUDA device is present: %s", why);
    }
}

StandardGpuResourcesImpl::~StandardGpuResourcesImpl() {
    int previous = -1;
    if (cudaGetDevice(&previous) != cudaSuccess) cudaGetLastError();
    devices_.clear();
    if (pinnedMemAlloc_ && cudaFreeHost(pinnedMemAlloc_) != cudaSuccess) cudaGetLastError();
    if (previous >= 0 && cudaSetDevice(previous) != cudaSuccess) cudaGetLastError();
}

bool StandardGpuResourcesImpl::supportsBFloat16(int device) {
    return state(device).bf16;
}

void StandardGpuResourcesImpl::noTempMemory() {
    setTempMemory(0);
}

void StandardGpuResourcesImpl::setTempMemory(size_t size) {
    std::lock_guard<std::mutex> guard(mutex_);
    tempMemSize_ = size;
}

void StandardGpuResourcesImpl::setPinnedMemory(size_t size) {
    std::lock_guard<std::mutex> guard(mutex_);
    pinnedMemSize_ = size;
}

void StandardGpuResourcesImpl::setDefaultStream(int device, cudaStream_t stream) {
    detail::require_device(device, "setDefaultStream");
    std::lock_guard<std::mutex> guard(mutex_);
    userDefaultStreams_[device] = stream;
}

void StandardGpuResourcesImpl::revertDefaultStream(int device) {
    std::lock_guard<std::mutex> guard(mutex_);
    userDefaultStreams_.erase(device);
}

cudaStream_t StandardGpuResourcesImpl::getDefaultStream(int device) {
    detail::DeviceState& st = state(device);
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = userDefaultStreams_.find(device);
    if (it != userDefaultStreams_.end()) return it->second;
    if (nullStreamAllDevices_) return nullptr;
    return st.defaultStream;
}

void StandardGpuResourcesImpl::setDefaultNullStreamAllDevices() {
    std::lock_guard<std::mutex> guard(mutex_);
    nullStreamAllDevices_ = true;
}

void StandardGpuResourcesImpl::setLogMemoryAllocations(bool enable) {
    std::lock_guard<std::mutex> guard(mutex_);
    logMemory_ = enable;
}

void StandardGpuResourcesImpl::initializeForDevice(int device) {
    state(device);
}

detail::DeviceState& StandardGpuResourcesImpl::state(int device) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = devices_.find(device);
    if (it != devices_.end()) return *it->second;

    detail::require_device(device, "StandardGpuResources");
    detail::DeviceScope scope(device);
    auto st = std::make_unique<detail::DeviceState>();
    st->device = device;
    cudaDeviceProp prop{};
    FAISS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    st->bf16 = prop.major >= 8;
    st->defaultStream = new_stream();
    st->asyncCopyStream = new_stream();
    for (int i = 0; i < kNumAlternateStreams; ++i)
        st->alternateStreams.push_back(new_stream());
    FAISS_CUBLAS_CHECK(cublasCreate(&st->blas));
    FAISS_CUBLAS_CHECK(cublasSetStream(st->blas, st->defaultStream));
    size_t temp = tempMemSize_ == kTempMemDefault ? default_temp_memory(device) : tempMemSize_;
    st->temp = std::make_unique<detail::TempMemoryPool>(temp);
    if (logMemory_) {
        std::printf("StandardGpuResources: device %d initialised, temporary pool %zu bytes\n",
                    device, temp);
    }
    detail::DeviceState& ref = *st;
    devices_.emplace(device, std::move(st));
    return ref;
}

const detail::DeviceState* StandardGpuResourcesImpl::findState(int device) const {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = devices_.find(device);
    return it == devices_.end() ? nullptr : it->second.get();
}

cublasHandle_t StandardGpuResourcesImpl::getBlasHandle(int device) {
    return state(device).blas;
}

std::vector<cudaStream_t> StandardGpuResourcesImpl::getAlternateStreams(int device) {
    return state(device).alternateStreams;
}

cudaStream_t StandardGpuResourcesImpl::getAsyncCopyStream(int device) {
    return state(device).asyncCopyStream;
}

void* StandardGpuResourcesImpl::allocMemory(const AllocRequest& req) {
    if (req.size == 0) return nullptr;
    detail::DeviceState& st = state(req.device);
    AllocRequest rec = req;
    if (req.space == MemorySpace::Temporary) {
        if (void* p = st.temp->allocate(req.size)) {
            if (logMemory_) std::printf("GpuResources: alloc %s (pool)\n", req.toString().c_str());
            return p;
        }
        rec.type = AllocType::TemporaryMemoryOverflow;
    }
    detail::DeviceScope scope(req.device);
    void* p = nullptr;
    cudaError_t err = req.space == MemorySpace::Unified ? cudaMallocManaged(&p, req.size)
                                                        : cudaMalloc(&p, req.size);
    if (err != cudaSuccess) {
        cudaGetLastError();
        size_t free_b = 0, total_b = 0;
        if (cudaMemGetInfo(&free_b, &total_b) != cudaSuccess) cudaGetLastError();
        FAISS_THROW_CODE(out_of_memory,
                         "%s of %zu bytes (%s) on device %d failed: %s (%zu of %zu bytes free)",
                         req.space == MemorySpace::Unified ? "cudaMallocManaged" : "cudaMalloc",
                         req.size, allocTypeToString(req.type).c_str(), req.device,
                         cudaGetErrorString(err), free_b, total_b);
    }
    std::lock_guard<std::mutex> guard(mutex_);
    st.allocs.emplace(p, rec);
    if (logMemory_) std::printf("GpuResources: alloc %s -> %p\n", rec.toString().c_str(), p);
    return p;
}

void StandardGpuResourcesImpl::deallocMemory(int device, void* in) {
    if (in == nullptr) return;
    std::unique_lock<std::mutex> guard(mutex_);
    auto it = devices_.find(device);
    if (it == devices_.end()) return;
    detail::DeviceState& st = *it->second;
    guard.unlock();
    if (st.temp && st.temp->release(in)) return;
    guard.lock();
    auto a = st.allocs.find(in);
    if (a == st.allocs.end()) return;
    if (logMemory_) std::printf("GpuResources: free %p (%s)\n", in, a->second.toString().c_str());
    st.allocs.erase(a);
    guard.unlock();
    int previous = -1;
    if (cudaGetDevice(&previous) != cudaSuccess) cudaGetLastError();
    if (previous != device && cudaSetDevice(device) != cudaSuccess) cudaGetLastError();
    if (cudaFree(in) != cudaSuccess) cudaGetLastError();
    if (previous >= 0 && previous != device && cudaSetDevice(previous) != cudaSuccess) {
        cudaGetLastError();
    }
}

size_t StandardGpuResourcesImpl::getTempMemoryAvailable(int device) const {
    const detail::DeviceState* st = findState(device);
    return st && st->temp ? st->temp->available() : 0;
}

std::map<int, std::map<std::string, std::pair<int, size_t>>>
StandardGpuResourcesImpl::getMemoryInfo() const {
    std::map<int, std::map<std::string, std::pair<int, size_t>>> out;
    std::lock_guard<std::mutex> guard(mutex_);
    for (const auto& d : devices_) {
        auto& per_type = out[d.first];
        if (d.second->temp && d.second->temp->capacity() > 0) {
            auto& e = per_type[allocTypeToString(AllocType::TemporaryMemoryBuffer)];
            e.first += 1;
            e.second += d.second->temp->capacity();
        }
        for (const auto& a : d.second->allocs) {
            auto& e = per_type[allocTypeToString(a.second.type)];
            e.first += 1;
            e.second += a.second.size;
        }
    }
    return out;
}

std::pair<void*, size_t> StandardGpuResourcesImpl::getPinnedMemory() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!pinnedMemAlloc_ && pinnedMemSize_ > 0) {
        // Pinned memory only speeds copies up: without it they go through pageable memory.
        if (cudaHostAlloc(&pinnedMemAlloc_, pinnedMemSize_, cudaHostAllocDefault) == cudaSuccess) {
            pinnedMemAllocSize_ = pinnedMemSize_;
        } else {
            cudaGetLastError();
            pinnedMemAlloc_ = nullptr;
            pinnedMemSize_ = 0;
        }
    }
    return {pinnedMemAlloc_, pinnedMemAllocSize_};
}

StandardGpuResources::StandardGpuResources() : res_(std::make_shared<StandardGpuResourcesImpl>()) {}

StandardGpuResources::~StandardGpuResources() = default;

std::shared_ptr<GpuResources> StandardGpuResources::getResources() {
    return res_;
}

bool StandardGpuResources::supportsBFloat16(int device) {
    return res_->supportsBFloat16(device);
}

bool StandardGpuResources::supportsBFloat16CurrentDevice() {
    return res_->supportsBFloat16CurrentDevice();
}

void StandardGpuResources::noTempMemory() {
    res_->noTempMemory();
}

void StandardGpuResources::setTempMemory(size_t size) {
    res_->setTempMemory(size);
}

void StandardGpuResources::setPinnedMemory(size_t size) {
    res_->setPinnedMemory(size);
}

void StandardGpuResources::setDefaultStream(int device, cudaStream_t stream) {
    res_->setDefaultStream(device, stream);
}

void StandardGpuResources::revertDefaultStream(int device) {
    res_->revertDefaultStream(device);
}

void StandardGpuResources::setDefaultNullStreamAllDevices() {
    res_->setDefaultNullStreamAllDevices();
}

std::map<int, std::map<std::string, std::pair<int, size_t>>> StandardGpuResources::getMemoryInfo()
    const {
    return res_->getMemoryInfo();
}

cudaStream_t StandardGpuResources::getDefaultStream(int device) {
    return res_->getDefaultStream(device);
}

size_t StandardGpuResources::getTempMemoryAvailable(int device) const {
    return res_->getTempMemoryAvailable(device);
}

void StandardGpuResources::syncDefaultStreamCurrentDevice() {
    res_->syncDefaultStreamCurrentDevice();
}

void StandardGpuResources::setLogMemoryAllocations(bool enable) {
    res_->setLogMemoryAllocations(enable);
}

}  // namespace faiss::gpu
