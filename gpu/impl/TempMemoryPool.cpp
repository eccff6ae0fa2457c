#include <faiss/gpu/impl/TempMemoryPool.h>

#include <faiss/gpu/impl/CudaCheck.h>

namespace faiss::gpu::detail {

namespace {
constexpr size_t kAlign = 256;
}  // namespace

TempMemoryPool::TempMemoryPool(size_t bytes) {
    if (bytes == 0) return;
    void* p = nullptr;
    cudaError_t err = cudaMalloc(&p, bytes);
    if (err != cudaSuccess) {
        cudaGetLastError();
        int dev = -1;
        cudaGetDevice(&dev);
        FAISS_THROW_CODE(out_of_memory,
                         "cudaMalloc of the temporary memory pool (%zu bytes) on device %d "
                         "failed: %s; lower it with setTempMemory",
                         bytes, dev, cudaGetErrorString(err));
    }
    base_ = static_cast<char*>(p);
    capacity_ = bytes;
    owned_ = true;
}

TempMemoryPool::TempMemoryPool(void* base, size_t bytes)
    : base_(static_cast<char*>(base)), capacity_(base ? bytes : 0) {}

TempMemoryPool::~TempMemoryPool() {
    if (owned_ && cudaFree(base_) != cudaSuccess) cudaGetLastError();
}

void* TempMemoryPool::allocate(size_t bytes) {
    std::lock_guard<std::mutex> guard(mutex_);
    size_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
    if (base_ == nullptr || rounded > capacity_ - top_) return nullptr;
    stack_.push_back(Block{top_, rounded, true});
    void* p = base_ + top_;
    top_ += rounded;
    return p;
}

bool TempMemoryPool::release(void* p) {
    std::lock_guard<std::mutex> guard(mutex_);
    char* c = static_cast<char*>(p);
    if (base_ == nullptr || c < base_ || c >= base_ + capacity_) return false;
    size_t offset = static_cast<size_t>(c - base_);
    for (size_t i = stack_.size(); i-- > 0;) {
        if (stack_[i].offset == offset && stack_[i].live) {
            stack_[i].live = false;
            break;
        }
    }
    while (!stack_.empty() && !stack_.back().live) {
        top_ = stack_.back().offset;
        stack_.pop_back();
    }
    return true;
}

size_t TempMemoryPool::available() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return capacity_ - top_;
}

size_t TempMemoryPool::live_blocks() const {
    std::lock_guard<std::mutex> guard(mutex_);
    size_t n = 0;
    for (const Block& b : stack_)
        n += b.live ? 1 : 0;
    return n;
}

}  // namespace faiss::gpu::detail
