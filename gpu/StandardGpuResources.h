#pragma once

// The standard GpuResources: per device one default stream (or a user's), alternate
// streams, a copy stream, a cuBLAS handle and a temporary memory pool, all created on
// the device's first use; one pinned host staging buffer shared by all devices.
//
// Temporary memory: a pool of a fixed budget per device (setTempMemory; by default
// 512 MiB on cards of <= 4 GiB, 1 GiB on <= 8 GiB, 1.5 GiB above) carved like a stack
// for the scratch buffers of a search (distance tiles, staged queries, partial top-k
// lists). Requests the pool cannot hold fall back to cudaMalloc, so a small budget makes
// searches slower (smaller tiles, more allocations) but never wrong. The budget is
// fixed when a device is first used: set it before.
//
// Errors: constructors throw FaissException (cuda_error) when no CUDA device is present
// ("no CUDA device ..."), so a program learns at once rather than at its first search.
// Allocation failures throw out_of_memory with the size; CUDA / cuBLAS failures throw
// cuda_error naming the call. Nothing aborts.
//
// Thread safety: see <faiss/gpu/GpuResources.h>. One StandardGpuResources may serve any
// number of indexes and threads; configuration calls must not race with GPU work.

#include <faiss/gpu/GpuResources.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace faiss {
namespace gpu {

namespace detail {
struct DeviceState;
}  // namespace detail

/// The GpuResources implementation (use it through StandardGpuResources).
class StandardGpuResourcesImpl : public GpuResources {
  public:
    /// @throws FaissException (cuda_error) when no CUDA device is present.
    StandardGpuResourcesImpl();
    /// Frees everything (waits for the devices' streams first). Never throws.
    ~StandardGpuResourcesImpl() override;

    bool supportsBFloat16(int device) override;

    /// No temporary pool: every scratch buffer is cudaMalloc'd (slower).
    void noTempMemory();

    /// Temporary pool budget in bytes for devices not yet initialised.
    void setTempMemory(size_t size);

    /// Pinned host staging buffer size in bytes (default 256 MiB), before first use.
    void setPinnedMemory(size_t size);

    /// Use a user stream as the device's default (not owned).
    void setDefaultStream(int device, cudaStream_t stream) override;

    /// Go back to the stream this object created for the device.
    void revertDefaultStream(int device);

    cudaStream_t getDefaultStream(int device) override;

    /// Make the legacy null stream (0) the default stream of every device.
    void setDefaultNullStreamAllDevices();

    /// Print every allocation and free to stdout.
    void setLogMemoryAllocations(bool enable);

    void initializeForDevice(int device) override;
    cublasHandle_t getBlasHandle(int device) override;
    std::vector<cudaStream_t> getAlternateStreams(int device) override;
    void* allocMemory(const AllocRequest& req) override;
    void deallocMemory(int device, void* in) override;
    size_t getTempMemoryAvailable(int device) const override;

    /// Live allocations: device -> allocation type name -> (count, bytes).
    std::map<int, std::map<std::string, std::pair<int, size_t>>> getMemoryInfo() const;

    std::pair<void*, size_t> getPinnedMemory() override;
    cudaStream_t getAsyncCopyStream(int device) override;

  private:
    detail::DeviceState& state(int device);
    const detail::DeviceState* findState(int device) const;

    std::unordered_map<int, std::unique_ptr<detail::DeviceState>> devices_;
    std::unordered_map<int, cudaStream_t> userDefaultStreams_;
    mutable std::mutex mutex_;  // guards devices_ and the allocation records
    size_t tempMemSize_;        // bytes, or kTempMemDefault for the per-card default
    size_t pinnedMemSize_;
    void* pinnedMemAlloc_ = nullptr;
    size_t pinnedMemAllocSize_ = 0;
    bool nullStreamAllDevices_ = false;
    bool logMemory_ = false;
};

/// The resources object users create (Faiss's StandardGpuResources): a provider that
/// owns one StandardGpuResourcesImpl and forwards the configuration calls to it.
/// Typical use:
///   faiss::gpu::StandardGpuResources res;
///   faiss::gpu::GpuIndexFlatL2 index(&res, d);
class StandardGpuResources : public GpuResourcesProvider {
  public:
    /// @throws FaissException (cuda_error) when no CUDA device is present.
    StandardGpuResources();
    ~StandardGpuResources() override;

    std::shared_ptr<GpuResources> getResources() override;

    bool supportsBFloat16(int device);
    bool supportsBFloat16CurrentDevice();

    /// See StandardGpuResourcesImpl.
    void noTempMemory();
    void setTempMemory(size_t size);
    void setPinnedMemory(size_t size);
    void setDefaultStream(int device, cudaStream_t stream);
    void revertDefaultStream(int device);
    void setDefaultNullStreamAllDevices();
    std::map<int, std::map<std::string, std::pair<int, size_t>>> getMemoryInfo() const;
    cudaStream_t getDefaultStream(int device);
    size_t getTempMemoryAvailable(int device) const;
    void syncDefaultStreamCurrentDevice();
    void setLogMemoryAllocations(bool enable);

  private:
    std::shared_ptr<StandardGpuResourcesImpl> res_;
};

}  // namespace gpu
}  // namespace faiss
