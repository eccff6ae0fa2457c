#pragma once

// Device storage of a flat GPU index: ntotal vectors of dimension d, row-major, float32
// or float16, and their squared L2 norms (float32, of the stored values). Grows by
// reallocation (1.5x) and keeps its content when an allocation fails. Callers hold the
// device lock and have made the device current. Private.

#include <faiss/Index.h>
#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/impl/KnnEngine.h>

namespace faiss::gpu::detail {

class FlatStorage {
  public:
    FlatStorage(GpuResources* res, int device, int d, bool fp16, MemorySpace space);
    ~FlatStorage();
    FlatStorage(const FlatStorage&) = delete;
    FlatStorage& operator=(const FlatStorage&) = delete;

    idx_t size() const { return size_; }
    int dim() const { return d_; }
    bool is_fp16() const { return fp16_; }

    /// Make room for n vectors in total (no-op when there is).
    /// @throws FaissException (out_of_memory); the content is kept.
    void reserve(idx_t n);

    /// Make room for `extra` more vectors, growing by at least 1.5x so that many small
    /// appends cost amortised linear copying. @throws as reserve.
    void grow_for(idx_t extra);

    /// Append n vectors from device memory x (n x d float32).
    void append(const float* x, idx_t n, cudaStream_t stream);

    /// Drop every vector and free the memory.
    void reset();

    /// The stored vectors as a device matrix view.
    MatrixView view() const;

    /// Squared norms of the stored vectors (device, size() floats).
    const float* norms() const { return norms_; }

    /// Vectors i0 .. i0 + n - 1 as float32 into out (device memory, n x d).
    void read_rows(idx_t i0, idx_t n, float* out, cudaStream_t stream) const;

    /// Vectors keys[i] (device array, all in range) as float32 into out (device, n x d).
    void gather(const int64_t* keys, idx_t n, float* out, cudaStream_t stream) const;

  private:
    GpuResources* res_;
    int device_;
    int d_;
    bool fp16_;
    MemorySpace space_;
    void* vectors_ = nullptr;
    float* norms_ = nullptr;
    idx_t size_ = 0;
    idx_t capacity_ = 0;
};

}  // namespace faiss::gpu::detail
