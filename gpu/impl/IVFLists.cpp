#include <faiss/gpu/impl/IVFLists.h>

#include <faiss/gpu/impl/CudaCheck.h>

#include <algorithm>
#include <climits>

namespace faiss::gpu::detail {

IVFLists::IVFLists(GpuResources* res, int device, size_t nlist, size_t code_size, MemorySpace space)
    : res_(res), device_(device), code_size_(code_size), space_(space), lists_(nlist) {}

IVFLists::~IVFLists() {
    reset();
    res_->deallocMemory(device_, table_codes_);
    res_->deallocMemory(device_, table_ids_);
    res_->deallocMemory(device_, table_lengths_);
}

void* IVFLists::alloc(size_t bytes, cudaStream_t stream) {
    return res_->allocMemory(AllocRequest(AllocType::IVFLists, device_, space_, stream, bytes));
}

void IVFLists::reserve(size_t list, size_t n, cudaStream_t stream) {
    List& l = lists_[list];
    if (n <= l.capacity) return;
    FAISS_REQUIRE(n <= size_t(INT_MAX), unsupported,
                  "GPU inverted list %zu would hold %zu entries (at most %d)", list, n, INT_MAX);
    GpuMemoryReservation codes(res_, device_, stream, alloc(n * code_size_, stream),
                               n * code_size_);
    GpuMemoryReservation ids(res_, device_, stream, alloc(n * sizeof(int64_t), stream),
                             n * sizeof(int64_t));
    if (l.size > 0) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(codes.get(), l.codes, l.size * code_size_,
                                         cudaMemcpyDeviceToDevice, stream));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(ids.get(), l.ids, l.size * sizeof(int64_t),
                                         cudaMemcpyDeviceToDevice, stream));
        // The old arrays are freed next; the copies must have read them.
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    }
    res_->deallocMemory(device_, l.codes);
    res_->deallocMemory(device_, l.ids);
    l.codes = codes.data;
    l.ids = static_cast<int64_t*>(ids.data);
    codes.data = nullptr;
    ids.data = nullptr;
    l.capacity = n;
    dirty_ = true;
}

void IVFLists::append(size_t list, size_t n, const uint8_t* codes, const idx_t* ids,
                      cudaStream_t stream) {
    if (n == 0) return;
    List& l = lists_[list];
    if (l.size + n > l.capacity) {
        reserve(list, std::max({l.size + n, l.capacity + l.capacity / 2, size_t(64)}), stream);
    }
    FAISS_CUDA_CHECK(cudaMemcpyAsync(static_cast<char*>(l.codes) + l.size * code_size_, codes,
                                     n * code_size_, cudaMemcpyHostToDevice, stream));
    FAISS_CUDA_CHECK(
        cudaMemcpyAsync(l.ids + l.size, ids, n * sizeof(int64_t), cudaMemcpyHostToDevice, stream));
    l.host_ids.insert(l.host_ids.end(), ids, ids + n);
    l.size += n;
    dirty_ = true;
}

void IVFLists::append_from_device(size_t list, size_t n, const uint8_t* codes_dev,
                                  const int64_t* ids_dev, const idx_t* ids_host,
                                  cudaStream_t stream) {
    if (n == 0) return;
    List& l = lists_[list];
    if (l.size + n > l.capacity) {
        reserve(list, std::max({l.size + n, l.capacity + l.capacity / 2, size_t(64)}), stream);
    }
    FAISS_CUDA_CHECK(cudaMemcpyAsync(static_cast<char*>(l.codes) + l.size * code_size_, codes_dev,
                                     n * code_size_, cudaMemcpyDeviceToDevice, stream));
    FAISS_CUDA_CHECK(cudaMemcpyAsync(l.ids + l.size, ids_dev, n * sizeof(int64_t),
                                     cudaMemcpyDeviceToDevice, stream));
    l.host_ids.insert(l.host_ids.end(), ids_host, ids_host + n);
    l.size += n;
    dirty_ = true;
}

void IVFLists::read_codes(size_t list, size_t offset, size_t n, uint8_t* out,
                          cudaStream_t stream) const {
    if (n == 0) return;
    const List& l = lists_[list];
    FAISS_CUDA_CHECK(cudaMemcpyAsync(out, static_cast<const char*>(l.codes) + offset * code_size_,
                                     n * code_size_, cudaMemcpyDeviceToHost, stream));
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void IVFLists::assign(size_t list, size_t n, const uint8_t* codes, const idx_t* ids,
                      cudaStream_t stream) {
    List& l = lists_[list];
    l.size = 0;
    l.host_ids.clear();
    dirty_ = true;
    append(list, n, codes, ids, stream);
}

void IVFLists::reset() {
    for (List& l : lists_) {
        res_->deallocMemory(device_, l.codes);
        res_->deallocMemory(device_, l.ids);
        l = List();
    }
    dirty_ = true;
}

IVFLists::DeviceTables IVFLists::tables(cudaStream_t stream) {
    const size_t n = lists_.size();
    if (dirty_) {
        if (!table_codes_) {
            table_codes_ = alloc(n * sizeof(void*), stream);
            table_ids_ = alloc(n * sizeof(int64_t*), stream);
            table_lengths_ = alloc(n * sizeof(int), stream);
        }
        std::vector<const void*> codes(n);
        std::vector<const int64_t*> ids(n);
        std::vector<int> lengths(n);
        for (size_t i = 0; i < n; ++i) {
            codes[i] = lists_[i].codes;
            ids[i] = lists_[i].ids;
            lengths[i] = static_cast<int>(lists_[i].size);
        }
        // Pageable sources: the calls return once the bytes are staged, so the vectors
        // may go out of scope.
        FAISS_CUDA_CHECK(cudaMemcpyAsync(table_codes_, codes.data(), n * sizeof(void*),
                                         cudaMemcpyHostToDevice, stream));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(table_ids_, ids.data(), n * sizeof(int64_t*),
                                         cudaMemcpyHostToDevice, stream));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(table_lengths_, lengths.data(), n * sizeof(int),
                                         cudaMemcpyHostToDevice, stream));
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
        dirty_ = false;
    }
    DeviceTables t;
    t.codes = static_cast<const void* const*>(table_codes_);
    t.ids = static_cast<const int64_t* const*>(table_ids_);
    t.lengths = static_cast<const int*>(table_lengths_);
    return t;
}

}  // namespace faiss::gpu::detail
