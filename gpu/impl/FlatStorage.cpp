#include <faiss/gpu/impl/FlatStorage.h>

#include <faiss/gpu/impl/CudaCheck.h>

#include <algorithm>

namespace faiss::gpu::detail {

FlatStorage::FlatStorage(GpuResources* res, int device, int d, bool fp16, MemorySpace space)
    : res_(res), device_(device), d_(d), fp16_(fp16), space_(space) {}

FlatStorage::~FlatStorage() {
    reset();
}

void FlatStorage::reserve(idx_t n) {
    if (n <= capacity_) return;
    const size_t es = fp16_ ? 2 : 4;
    cudaStream_t stream = res_->getDefaultStream(device_);
    GpuMemoryReservation vec = res_->allocMemoryHandle(
        AllocRequest(AllocType::FlatData, device_, space_, stream, size_t(n) * d_ * es));
    GpuMemoryReservation nrm = res_->allocMemoryHandle(
        AllocRequest(AllocType::FlatData, device_, space_, stream, size_t(n) * sizeof(float)));
    if (size_ > 0) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(vec.get(), vectors_, size_t(size_) * d_ * es,
                                         cudaMemcpyDeviceToDevice, stream));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(nrm.get(), norms_, size_t(size_) * sizeof(float),
                                         cudaMemcpyDeviceToDevice, stream));
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    }
    res_->deallocMemory(device_, vectors_);
    res_->deallocMemory(device_, norms_);
    vectors_ = vec.data;
    norms_ = static_cast<float*>(nrm.data);
    vec.data = nullptr;
    nrm.data = nullptr;
    capacity_ = n;
}

void FlatStorage::grow_for(idx_t extra) {
    const idx_t needed = size_ + extra;
    if (needed <= capacity_) return;
    const idx_t grown = std::max(needed, capacity_ + capacity_ / 2);
    try {
        reserve(grown);
    } catch (const FaissException& e) {
        // The headroom is a convenience: settle for the exact size when it does not fit.
        if (e.code() != ErrorCode::out_of_memory || grown == needed) throw;
        reserve(needed);
    }
}

void FlatStorage::append(const float* x, idx_t n, cudaStream_t stream) {
    if (n <= 0) return;
    grow_for(n);
    const size_t es = fp16_ ? 2 : 4;
    char* dst = static_cast<char*>(vectors_) + size_t(size_) * d_ * es;
    if (fp16_) {
        kernels::convert_matrix(x, ElemType::f32, d_, dst, ElemType::f16, d_, n, d_, stream);
    } else {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(dst, x, size_t(n) * d_ * sizeof(float),
                                         cudaMemcpyDeviceToDevice, stream));
    }
    kernels::vector_norms(dst, fp16_ ? ElemType::f16 : ElemType::f32, n, d_, true, d_,
                          norms_ + size_, stream);
    size_ += n;
}

void FlatStorage::reset() {
    res_->deallocMemory(device_, vectors_);
    res_->deallocMemory(device_, norms_);
    vectors_ = nullptr;
    norms_ = nullptr;
    size_ = 0;
    capacity_ = 0;
}

MatrixView FlatStorage::view() const {
    MatrixView v;
    v.data = vectors_;
    v.type = fp16_ ? ElemType::f16 : ElemType::f32;
    v.n = size_;
    v.d = d_;
    v.row_major = true;
    v.ld = d_;
    v.on_device = true;
    return v;
}

void FlatStorage::read_rows(idx_t i0, idx_t n, float* out, cudaStream_t stream) const {
    if (n <= 0) return;
    const char* src = static_cast<const char*>(vectors_) + size_t(i0) * d_ * (fp16_ ? 2 : 4);
    if (fp16_) {
        kernels::convert_matrix(src, ElemType::f16, d_, out, ElemType::f32, d_, n, d_, stream);
    } else {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(out, src, size_t(n) * d_ * sizeof(float),
                                         cudaMemcpyDeviceToDevice, stream));
    }
}

void FlatStorage::gather(const int64_t* keys, idx_t n, float* out, cudaStream_t stream) const {
    kernels::gather_rows(vectors_, fp16_ ? ElemType::f16 : ElemType::f32, d_, d_, keys, n, out,
                         stream);
}

}  // namespace faiss::gpu::detail
