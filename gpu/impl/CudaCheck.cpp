#include <faiss/gpu/impl/CudaCheck.h>

namespace faiss::gpu::detail {

void throw_cuda_error(cudaError_t err, const char* call, const char* function, const char* file,
                      int line) {
    cudaGetLastError();
    ErrorCode code =
        err == cudaErrorMemoryAllocation ? ErrorCode::out_of_memory : ErrorCode::cuda_error;
    internal::throw_exception(
        code, function, file, line,
        internal::format_message("CUDA call %s failed: %s (%s)", call, cudaGetErrorName(err),
                                 cudaGetErrorString(err)));
}

const char* cublas_status_name(cublasStatus_t status) {
    switch (status) {
        case CUBLAS_STATUS_SUCCESS:
            return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED:
            return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_ALLOC_FAILED:
            return "CUBLAS_STATUS_ALLOC_FAILED";
        case CUBLAS_STATUS_INVALID_VALUE:
            return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_ARCH_MISMATCH:
            return "CUBLAS_STATUS_ARCH_MISMATCH";
        case CUBLAS_STATUS_MAPPING_ERROR:
            return "CUBLAS_STATUS_MAPPING_ERROR";
        case CUBLAS_STATUS_EXECUTION_FAILED:
            return "CUBLAS_STATUS_EXECUTION_FAILED";
        case CUBLAS_STATUS_INTERNAL_ERROR:
            return "CUBLAS_STATUS_INTERNAL_ERROR";
        case CUBLAS_STATUS_NOT_SUPPORTED:
            return "CUBLAS_STATUS_NOT_SUPPORTED";
        case CUBLAS_STATUS_LICENSE_ERROR:
            return "CUBLAS_STATUS_LICENSE_ERROR";
        default:
            return "CUBLAS_STATUS_(unknown)";
    }
}

void throw_cublas_error(cublasStatus_t status, const char* call, const char* function,
                        const char* file, int line) {
    cudaGetLastError();
    ErrorCode code =
        status == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::out_of_memory : ErrorCode::cuda_error;
    internal::throw_exception(
        code, function, file, line,
        internal::format_message("cuBLAS call %s failed: %s (%d)", call, cublas_status_name(status),
                                 static_cast<int>(status)));
}

int device_count(const char** why) {
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        cudaGetLastError();
        if (why) *why = cudaGetErrorString(err);
        return 0;
    }
    if (n == 0 && why) *why = "the CUDA runtime reports 0 devices";
    return n;
}

void require_device(int device, const char* what) {
    const char* why = "";
    int n = device_count(&why);
    if (n == 0) {
        FAISS_THROW_CODE(cuda_error, "no CUDA device is present for %s: %s", what, why);
    }
    FAISS_REQUIRE(device >= 0 && device < n, invalid_argument,
                  "%s: device %d is not present (%d CUDA device(s): 0 .. %d)", what, device, n,
                  n - 1);
}

DeviceScope::DeviceScope(int device) {
    FAISS_CUDA_CHECK(cudaGetDevice(&previous_));
    if (previous_ != device) {
        FAISS_CUDA_CHECK(cudaSetDevice(device));
    } else {
        previous_ = -1;
    }
}

DeviceScope::~DeviceScope() {
    if (previous_ >= 0) {
        if (cudaSetDevice(previous_) != cudaSuccess) cudaGetLastError();
    }
}

PointerKind pointer_kind(const void* p, int device, const char* what) {
    if (p == nullptr) return PointerKind::host;
    cudaPointerAttributes attr{};
    cudaError_t err = cudaPointerGetAttributes(&attr, p);
    if (err != cudaSuccess) {
        // Older runtimes report plain host memory as an invalid value.
        cudaGetLastError();
        return PointerKind::host;
    }
    if (attr.type == cudaMemoryTypeManaged) return PointerKind::device;
    if (attr.type == cudaMemoryTypeDevice) {
        FAISS_REQUIRE(attr.device == device, invalid_argument,
                      "%s is memory of device %d, but the work runs on device %d", what,
                      attr.device, device);
        return PointerKind::device;
    }
    return PointerKind::host;
}

}  // namespace faiss::gpu::detail
