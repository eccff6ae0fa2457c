#pragma once

// GPU resources: what GPU indexes and brute-force search need on each device (a stream,
// a cuBLAS handle, temporary device memory, pinned host staging memory), behind the
// abstract interface of Faiss's GpuResources. StandardGpuResources
// (<faiss/gpu/StandardGpuResources.h>) is the implementation users create.
//
// CUDA types: cudaStream_t and cublasHandle_t are declared here as the same opaque
// pointer types the CUDA headers declare, so this header needs no CUDA include and
// compiles in code (SWIG, the C API, user code) built without the CUDA toolkit.
//
// Thread safety contract (one resources object shared by several indexes and threads):
// - Every library call that runs GPU work (GpuIndex add / search / reconstruct, bfKnn)
//   holds the device's lock (lockDevice) from its first enqueue to its last wait, so
//   any number of indexes and host threads may share one GpuResources: calls on one
//   device are serialised (they share that device's stream and temporary memory), calls
//   on different devices run in parallel.
// - allocMemory / deallocMemory / getMemoryInfo are safe from any thread.
// - Configuration calls (setTempMemory, setPinnedMemory, noTempMemory,
//   setDefaultStream, revertDefaultStream, setDefaultNullStreamAllDevices,
//   setLogMemoryAllocations) must not run while another thread uses the object.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

// The CUDA runtime and cuBLAS declare these exact typedefs; repeating them is allowed.
typedef struct CUstream_st* cudaStream_t;
typedef struct cublasContext* cublasHandle_t;

namespace faiss {
namespace gpu {

class GpuResources;

/// What an allocation is for (reported by getMemoryInfo and memory logging).
enum AllocType {
    Other = 0,                      ///< anything else
    FlatData = 1,                   ///< vectors of a flat index
    IVFLists = 2,                   ///< inverted list data
    Quantizer = 3,                  ///< quantizer data
    QuantizerPrecomputedCodes = 4,  ///< precomputed tables
    TemporaryMemoryBuffer = 10,     ///< the temporary memory pool itself
    TemporaryMemoryOverflow = 11,   ///< temporary requests the pool could not hold
};

/// Name of an AllocType, e.g. "FlatData".
std::string allocTypeToString(AllocType t);

/// Where an allocation lives.
enum MemorySpace {
    Temporary = 0,  ///< the device's temporary pool (falls back to cudaMalloc when full)
    Device = 1,     ///< cudaMalloc
    Unified = 2,    ///< cudaMallocManaged
};

/// Name of a MemorySpace, e.g. "Device".
std::string memorySpaceToString(MemorySpace s);

/// Describes an allocation (without its size).
struct AllocInfo {
    AllocInfo() = default;
    AllocInfo(AllocType at, int dev, MemorySpace sp, cudaStream_t st)
        : type(at), device(dev), space(sp), stream(st) {}

    /// "type=... device=... space=... stream=..." for logs.
    std::string toString() const;

    AllocType type = AllocType::Other;
    int device = 0;
    MemorySpace space = MemorySpace::Device;
    /// The stream the memory is used on: it may be reused once work queued on this
    /// stream before the free has run.
    cudaStream_t stream = nullptr;
};

/// AllocInfo for the current device.
AllocInfo makeDevAlloc(AllocType at, cudaStream_t st);
/// AllocInfo for temporary memory on the current device.
AllocInfo makeTempAlloc(AllocType at, cudaStream_t st);

/// An allocation request: AllocInfo plus a size in bytes.
struct AllocRequest : public AllocInfo {
    AllocRequest() = default;
    AllocRequest(const AllocInfo& info, size_t sz) : AllocInfo(info), size(sz) {}
    AllocRequest(AllocType at, int dev, MemorySpace sp, cudaStream_t st, size_t sz)
        : AllocInfo(at, dev, sp, st), size(sz) {}

    std::string toString() const;

    size_t size = 0;  ///< bytes
};

/// RAII owner of one allocation made through GpuResources::allocMemoryHandle; frees it
/// on destruction (the resources object must outlive it). Movable, not copyable.
struct GpuMemoryReservation {
    GpuMemoryReservation() = default;
    GpuMemoryReservation(GpuResources* r, int dev, cudaStream_t str, void* p, size_t sz);
    GpuMemoryReservation(GpuMemoryReservation&& m) noexcept;
    GpuMemoryReservation& operator=(GpuMemoryReservation&& m) noexcept;
    GpuMemoryReservation(const GpuMemoryReservation&) = delete;
    GpuMemoryReservation& operator=(const GpuMemoryReservation&) = delete;
    ~GpuMemoryReservation();

    void* get() { return data; }
    /// Free now (no-op when empty).
    void release();

    GpuResources* res = nullptr;
    int device = 0;
    cudaStream_t stream = nullptr;
    void* data = nullptr;
    size_t size = 0;
};

/// Abstract per-device resources (Faiss's interface). Device numbers are CUDA ordinals.
/// Methods taking a device initialise it on first use (initializeForDevice).
/// Errors: FaissException with code cuda_error (no device, bad ordinal, CUDA or cuBLAS
/// failure) or out_of_memory (allocation failed; the process continues).
class GpuResources {
  public:
    virtual ~GpuResources();

    /// Create the stream, cuBLAS handle and temporary pool of a device (idempotent).
    virtual void initializeForDevice(int device) = 0;

    /// Whether the device computes in bfloat16 (compute capability >= 8.0).
    virtual bool supportsBFloat16(int device) = 0;

    /// The device's cuBLAS handle (owned by this object). Use it on getDefaultStream.
    virtual cublasHandle_t getBlasHandle(int device) = 0;

    /// The stream all work of this object on the device is ordered on.
    virtual cudaStream_t getDefaultStream(int device) = 0;

    /// Make a user stream the default for the device (not owned; it must outlive its
    /// use). Not concurrently with work on the device.
    virtual void setDefaultStream(int device, cudaStream_t stream) = 0;

    /// Extra streams owned by this object for overlapping work on the device.
    virtual std::vector<cudaStream_t> getAlternateStreams(int device) = 0;

    /// Allocate req.size bytes on req.device in req.space; returns nullptr for size 0.
    /// @throws FaissException (out_of_memory) naming the size when it cannot.
    virtual void* allocMemory(const AllocRequest& req) = 0;

    /// Free memory from allocMemory (any order). nullptr is ignored. Never throws.
    virtual void deallocMemory(int device, void* in) = 0;

    /// Bytes the device's temporary pool can still hand out without overflowing.
    virtual size_t getTempMemoryAvailable(int device) const = 0;

    /// The pinned host staging buffer (pointer, bytes); (nullptr, 0) when none.
    virtual std::pair<void*, size_t> getPinnedMemory() = 0;

    /// A stream for host <-> device copies that overlap compute.
    virtual cudaStream_t getAsyncCopyStream(int device) = 0;

    // Conveniences on the current device (cudaGetDevice).
    cublasHandle_t getBlasHandleCurrentDevice();
    cudaStream_t getDefaultStreamCurrentDevice();
    size_t getTempMemoryAvailableCurrentDevice() const;
    bool supportsBFloat16CurrentDevice();

    /// allocMemory, returning an owner that frees on destruction.
    GpuMemoryReservation allocMemoryHandle(const AllocRequest& req);

    /// Block the host until the device's default stream is idle.
    void syncDefaultStream(int device);
    void syncDefaultStreamCurrentDevice();

    std::vector<cudaStream_t> getAlternateStreamsCurrentDevice();
    cudaStream_t getAsyncCopyStreamCurrentDevice();

    /// Beyond Faiss: the lock that serialises GPU work of this object on one device
    /// (see the contract at the top). Held by library calls while they run; a caller
    /// that enqueues its own work on getDefaultStream may hold it too. Not recursive.
    std::unique_lock<std::mutex> lockDevice(int device);

  private:
    std::mutex locksMutex_;
    std::vector<std::unique_ptr<std::mutex>> deviceLocks_;
};

/// Something that hands out a GpuResources (StandardGpuResources is one). GPU indexes
/// keep the shared_ptr, so the resources live as long as any index using them.
class GpuResourcesProvider {
  public:
    virtual ~GpuResourcesProvider();
    virtual std::shared_ptr<GpuResources> getResources() = 0;
};

/// A provider wrapping an existing GpuResources.
class GpuResourcesProviderFromInstance : public GpuResourcesProvider {
  public:
    explicit GpuResourcesProviderFromInstance(std::shared_ptr<GpuResources> p);
    ~GpuResourcesProviderFromInstance() override;
    std::shared_ptr<GpuResources> getResources() override;

  private:
    std::shared_ptr<GpuResources> res_;
};

}  // namespace gpu
}  // namespace faiss
