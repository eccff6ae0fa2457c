#pragma once

// The temporary memory pool of one device: one cudaMalloc'd block handed out like a
// stack. Scratch buffers of a search are allocated and freed in nested order, so the
// stack stays compact; a buffer freed out of order is marked and reclaimed once every
// buffer above it is freed. Reuse is safe without waiting because all users of a pool
// queue their work on the same stream and a freed buffer is only reused by work queued
// after it (GpuResources' device lock serialises the users).
//
// Thread safety: allocate / release / available may be called from any thread.

#include <cstddef>
#include <mutex>
#include <vector>

namespace faiss::gpu::detail {

class TempMemoryPool {
  public:
    /// Takes `bytes` of device memory on the current device (none when 0).
    /// @throws FaissException (out_of_memory) when cudaMalloc fails.
    explicit TempMemoryPool(size_t bytes);
    /// Carves `bytes` at `base`, memory the caller owns and keeps alive (tests use host
    /// memory to check the bookkeeping without a device).
    TempMemoryPool(void* base, size_t bytes);
    ~TempMemoryPool();
    TempMemoryPool(const TempMemoryPool&) = delete;
    TempMemoryPool& operator=(const TempMemoryPool&) = delete;

    /// A block of at least `bytes` (256-byte aligned), or nullptr when it does not fit.
    void* allocate(size_t bytes);

    /// Returns true if p came from this pool (and frees it), false otherwise.
    bool release(void* p);

    /// Bytes still free at the top of the stack.
    size_t available() const;

    /// Total bytes of the pool.
    size_t capacity() const { return capacity_; }

    /// Blocks currently handed out.
    size_t live_blocks() const;

  private:
    struct Block {
        size_t offset;
        size_t bytes;
        bool live;
    };

    char* base_ = nullptr;
    size_t capacity_ = 0;
    bool owned_ = false;
    size_t top_ = 0;
    std::vector<Block> stack_;
    mutable std::mutex mutex_;
};

}  // namespace faiss::gpu::detail
