#pragma once

// Turning CUDA and cuBLAS status codes into FaissExceptions, and small device helpers.
// Private to the GPU backend (includes the CUDA headers).

#include <faiss/internal/checks.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>

namespace faiss::gpu::detail {

/// Throws FaissException for a failed CUDA call: out_of_memory for
/// cudaErrorMemoryAllocation, cuda_error otherwise. Clears the thread's last-error state
/// so a non-sticky error does not resurface in the next check.
[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* function,
                                   const char* file, int line);

/// Throws FaissException (cuda_error; out_of_memory for CUBLAS_STATUS_ALLOC_FAILED).
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* function,
                                     const char* file, int line);

/// "CUBLAS_STATUS_..." name of a status.
const char* cublas_status_name(cublasStatus_t status);

/// Number of devices; 0 when none or no driver, with the reason in *why when given.
int device_count(const char** why);

/// Throws cuda_error "no CUDA device ..." when there is none, invalid_argument when
/// device is not an ordinal present.
void require_device(int device, const char* what);

/// Sets the current device for the scope and restores the previous one after.
class DeviceScope {
  public:
    explicit DeviceScope(int device);
    ~DeviceScope();
    DeviceScope(const DeviceScope&) = delete;
    DeviceScope& operator=(const DeviceScope&) = delete;

  private:
    int previous_ = -1;
};

/// Where a pointer's memory is, as far as a kernel on `device` is concerned.
enum class PointerKind {
    host,    ///< host memory (pageable or pinned): copied by the library
    device,  ///< device memory of `device`, or managed memory: used in place
};

/// Classifies p for use on device. @throws invalid_argument (naming what) when p is
/// device memory of another device.
PointerKind pointer_kind(const void* p, int device, const char* what);

/// Largest k the selection kernel serves.
constexpr int kMaxKSelection = 2048;

}  // namespace faiss::gpu::detail

/// Check a CUDA runtime call; throws FaissException naming the call on failure.
#define FAISS_CUDA_CHECK(call)                                                                 \
    do {                                                                                       \
        cudaError_t faiss_cuda_err_ = (call);                                                  \
        if (faiss_cuda_err_ != cudaSuccess) {                                                  \
            ::faiss::gpu::detail::throw_cuda_error(faiss_cuda_err_, #call, __func__, __FILE__, \
                                                   __LINE__);                                  \
        }                                                                                      \
    } while (0)

/// Check a cuBLAS call; throws FaissException naming the call on failure.
#define FAISS_CUBLAS_CHECK(call)                                                                  \
    do {                                                                                          \
        cublasStatus_t faiss_cublas_st_ = (call);                                                 \
        if (faiss_cublas_st_ != CUBLAS_STATUS_SUCCESS) {                                          \
            ::faiss::gpu::detail::throw_cublas_error(faiss_cublas_st_, #call, __func__, __FILE__, \
                                                     __LINE__);                                   \
        }                                                                                         \
    } while (0)
