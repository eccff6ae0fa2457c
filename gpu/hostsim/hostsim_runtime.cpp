// Host simulation of the CUDA runtime and cuBLAS calls the GPU backend makes, for running
// test_gpu's device tests on a machine without a GPU (gpu/hostsim/run.sh). One fake
// device (ordinal 0) whose memory is host memory; every call runs synchronously, so the
// simulation checks the host-side logic (plans, offsets, layouts, leading dimensions,
// pointer kinds, memory accounting, error paths), never races between streams.
//
// Device allocations are registered so cudaPointerGetAttributes can classify pointers
// as the real runtime does (pageable host memory: cudaMemoryTypeUnregistered), and are
// filled with 0xff bytes (NaN floats, -1 integers) so a read of never-written device
// memory shows up in the results. cublasGemmEx checks its arguments as cuBLAS documents.

#include <faiss/utils/fp16.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace {

struct Alloc {
    size_t size;
    cudaMemoryType type;
};

std::mutex g_mutex;
std::map<const char*, Alloc> g_allocs;
thread_local cudaError_t g_last = cudaSuccess;
thread_local int g_device = 0;

constexpr size_t kTotal = size_t(16) << 30;  // reported device memory
constexpr size_t kMaxAlloc = size_t(8) << 30;
constexpr size_t kPoisonLimit = size_t(64) << 20;

cudaError_t fail(cudaError_t e) {
    g_last = e;
    return e;
}

cudaError_t do_alloc(void** p, size_t bytes, cudaMemoryType type) {
    if (!p) return fail(cudaErrorInvalidValue);
    if (bytes > kMaxAlloc) return fail(cudaErrorMemoryAllocation);
    void* m = std::malloc(bytes ? bytes : 1);
    if (!m) return fail(cudaErrorMemoryAllocation);
    if (bytes <= kPoisonLimit) std::memset(m, 0xff, bytes);
    std::lock_guard<std::mutex> g(g_mutex);
    g_allocs[static_cast<const char*>(m)] = Alloc{bytes, type};
    *p = m;
    return cudaSuccess;
}

cudaError_t do_free(void* p, bool host) {
    if (!p) return cudaSuccess;
    std::lock_guard<std::mutex> g(g_mutex);
    auto it = g_allocs.find(static_cast<const char*>(p));
    if (it == g_allocs.end() || (it->second.type == cudaMemoryTypeHost) != host) {
        std::fprintf(stderr, "hostsim: free of %p, not a live %s allocation\n", p,
                     host ? "pinned" : "device");
        return fail(cudaErrorInvalidValue);
    }
    g_allocs.erase(it);
    std::free(p);
    return cudaSuccess;
}

const Alloc* find_alloc(const void* p, const char** base) {
    std::lock_guard<std::mutex> g(g_mutex);
    const char* c = static_cast<const char*>(p);
    auto it = g_allocs.upper_bound(c);
    if (it == g_allocs.begin()) return nullptr;
    --it;
    if (c >= it->first + std::max<size_t>(it->second.size, 1)) return nullptr;
    if (base) *base = it->first;
    return &it->second;
}

bool is_device(const void* p) {
    const Alloc* a = find_alloc(p, nullptr);
    return a && (a->type == cudaMemoryTypeDevice || a->type == cudaMemoryTypeManaged);
}

// The direction must match where the pointers are (cudaMemcpyDefault excepted).
cudaError_t check_kind(void* dst, const void* src, cudaMemcpyKind kind) {
    bool ok = true;
    switch (kind) {
        case cudaMemcpyHostToDevice:
            ok = is_device(dst);
            break;
        case cudaMemcpyDeviceToHost:
            ok = is_device(src);
            break;
        case cudaMemcpyDeviceToDevice:
            ok = is_device(dst) && is_device(src);
            break;
        default:
            break;
    }
    if (!ok) {
        std::fprintf(stderr, "hostsim: cudaMemcpy kind %d with dst %p (%s) src %p (%s)\n",
                     int(kind), dst, is_device(dst) ? "device" : "host", src,
                     is_device(src) ? "device" : "host");
        return fail(cudaErrorInvalidValue);
    }
    return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaGetLastError(void) {
    cudaError_t e = g_last;
    g_last = cudaSuccess;
    return e;
}

cudaError_t cudaPeekAtLastError(void) {
    return g_last;
}

const char* cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess:
            return "no error";
        case cudaErrorMemoryAllocation:
            return "out of memory";
        case cudaErrorInvalidValue:
            return "invalid argument";
        case cudaErrorInvalidDevice:
            return "invalid device ordinal";
        default:
            return "hostsim error";
    }
}

const char* cudaGetErrorName(cudaError_t e) {
    switch (e) {
        case cudaSuccess:
            return "cudaSuccess";
        case cudaErrorMemoryAllocation:
            return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidValue:
            return "cudaErrorInvalidValue";
        case cudaErrorInvalidDevice:
            return "cudaErrorInvalidDevice";
        default:
            return "cudaErrorUnknown";
    }
}

cudaError_t cudaGetDeviceCount(int* n) {
    *n = 1;
    return cudaSuccess;
}

cudaError_t cudaGetDevice(int* d) {
    *d = g_device;
    return cudaSuccess;
}

cudaError_t cudaSetDevice(int d) {
    if (d != 0) return fail(cudaErrorInvalidDevice);
    g_device = d;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int d) {
    if (d != 0) return fail(cudaErrorInvalidDevice);
    std::memset(prop, 0, sizeof(*prop));
    std::strcpy(prop->name, "hostsim");
    prop->major = 9;
    prop->minor = 0;
    prop->totalGlobalMem = kTotal;
    return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* free_b, size_t* total_b) {
    *free_b = kTotal / 2;
    *total_b = kTotal;
    return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) {
    return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int) {
    *s = reinterpret_cast<cudaStream_t>(new char[1]);
    return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t s) {
    delete[] reinterpret_cast<char*>(s);
    return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t) {
    return cudaSuccess;
}

cudaError_t cudaMalloc(void** p, size_t bytes) {
    return do_alloc(p, bytes, cudaMemoryTypeDevice);
}

cudaError_t cudaMallocManaged(void** p, size_t bytes, unsigned int) {
    return do_alloc(p, bytes, cudaMemoryTypeManaged);
}

cudaError_t cudaHostAlloc(void** p, size_t bytes, unsigned int) {
    return do_alloc(p, bytes, cudaMemoryTypeHost);
}

cudaError_t cudaFree(void* p) {
    return do_free(p, false);
}

cudaError_t cudaFreeHost(void* p) {
    return do_free(p, true);
}

cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attr, const void* p) {
    std::memset(attr, 0, sizeof(*attr));
    const char* base = nullptr;
    const Alloc* a = find_alloc(p, &base);
    attr->type = a ? a->type : cudaMemoryTypeUnregistered;
    attr->device = a ? 0 : -2;
    attr->devicePointer = a && a->type != cudaMemoryTypeHost ? const_cast<void*>(p) : nullptr;
    attr->hostPointer = a && a->type == cudaMemoryTypeDevice ? nullptr : const_cast<void*>(p);
    return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t n, cudaMemcpyKind kind) {
    if (cudaError_t e = check_kind(dst, src, kind)) return e;
    if (n) std::memmove(dst, src, n);
    return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t n, cudaMemcpyKind kind,
                            cudaStream_t) {
    return cudaMemcpy(dst, src, n, kind);
}

cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch,
                              size_t width, size_t height, cudaMemcpyKind kind, cudaStream_t) {
    if (width > dpitch || width > spitch) return fail(cudaErrorInvalidPitchValue);
    if (cudaError_t e = check_kind(dst, src, kind)) return e;
    for (size_t r = 0; r < height; ++r)
        std::memmove(static_cast<char*>(dst) + r * dpitch,
                     static_cast<const char*>(src) + r * spitch, width);
    return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t) {
    if (!is_device(p)) return fail(cudaErrorInvalidValue);
    std::memset(p, v, n);
    return cudaSuccess;
}

// ---- cuBLAS ----------------------------------------------------------------------------

cublasStatus_t cublasCreate_v2(cublasHandle_t* h) {
    *h = reinterpret_cast<cublasHandle_t>(new char[1]);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t h) {
    delete[] reinterpret_cast<char*>(h);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(cublasHandle_t, cudaStream_t) {
    return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"

namespace {

float load(const void* p, cudaDataType_t t, size_t i) {
    if (t == CUDA_R_16F) return faiss::decode_fp16(static_cast<const uint16_t*>(p)[i]);
    return static_cast<const float*>(p)[i];
}

}  // namespace

// C (m x n, column-major) = op(A) op(B); the checks cuBLAS documents for its arguments.
extern "C" cublasStatus_t cublasGemmEx(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb,
                                       int m, int n, int k, const void* alpha, const void* A,
                                       cudaDataType_t at, int lda, const void* B, cudaDataType_t bt,
                                       int ldb, const void* beta, void* C, cudaDataType_t ct,
                                       int ldc, cublasComputeType_t compute, cublasGemmAlgo_t) {
    const bool tra = ta != CUBLAS_OP_N, trb = tb != CUBLAS_OP_N;
    if (m < 0 || n < 0 || k < 0 || lda < std::max(1, tra ? k : m) ||
        ldb < std::max(1, trb ? n : k) || ldc < std::max(1, m)) {
        std::fprintf(stderr,
                     "hostsim: cublasGemmEx bad shape m %d n %d k %d lda %d ldb %d ldc %d\n", m, n,
                     k, lda, ldb, ldc);
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (at != bt || (at != CUDA_R_32F && at != CUDA_R_16F) || ct != CUDA_R_32F ||
        compute != CUBLAS_COMPUTE_32F) {
        return CUBLAS_STATUS_NOT_SUPPORTED;
    }
    if (!is_device(A) || !is_device(B) || !is_device(C)) {
        std::fprintf(stderr, "hostsim: cublasGemmEx with a host pointer\n");
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    const float al = *static_cast<const float*>(alpha), be = *static_cast<const float*>(beta);
    float* c = static_cast<float*>(C);
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < m; ++i) {
            float s = 0.f;
            for (int p = 0; p < k; ++p) {
                const float a =
                    tra ? load(A, at, size_t(i) * lda + p) : load(A, at, size_t(p) * lda + i);
                const float b =
                    trb ? load(B, bt, size_t(p) * ldb + j) : load(B, bt, size_t(j) * ldb + p);
                s += a * b;
            }
            float& out = c[size_t(j) * ldc + i];
            out = al * s + (be != 0.f ? be * out : 0.f);
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}

// cudaFuncSetAttribute and kernel launches only happen inside gpu/kernels/*.cu, which
// the simulation replaces (hostsim_kernels.cpp).

/// 1 if [p, p + bytes) lies inside one live device (or managed) allocation; used by the
/// kernel stand-ins to check every range a kernel would touch.
extern "C" int hostsim_device_range(const void* p, size_t bytes) {
    const char* base = nullptr;
    const Alloc* a = find_alloc(p, &base);
    if (!a || (a->type != cudaMemoryTypeDevice && a->type != cudaMemoryTypeManaged)) return 0;
    return static_cast<const char*>(p) + bytes <= base + a->size ? 1 : 0;
}
