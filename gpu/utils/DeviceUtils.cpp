#include <faiss/gpu/utils/DeviceUtils.h>

#include <faiss/gpu/impl/CudaCheck.h>

namespace faiss::gpu {

int getNumDevices() {
    return detail::device_count(nullptr);
}

int getCurrentDevice() {
    detail::require_device(0, "getCurrentDevice");
    int dev = -1;
    FAISS_CUDA_CHECK(cudaGetDevice(&dev));
    return dev;
}

void setCurrentDevice(int device) {
    detail::require_device(device, "setCurrentDevice");
    FAISS_CUDA_CHECK(cudaSetDevice(device));
}

void synchronizeAllDevices() {
    int n = getNumDevices();
    for (int i = 0; i < n; ++i) {
        detail::DeviceScope scope(i);
        FAISS_CUDA_CHECK(cudaDeviceSynchronize());
    }
}

int getMaxKSelection() {
    return detail::kMaxKSelection;
}

void getDeviceMemoryInfo(int device, size_t* freeBytes, size_t* totalBytes) {
    FAISS_REQUIRE(freeBytes && totalBytes, invalid_argument,
                  "getDeviceMemoryInfo: null output pointer");
    detail::require_device(device, "getDeviceMemoryInfo");
    detail::DeviceScope scope(device);
    FAISS_CUDA_CHECK(cudaMemGetInfo(freeBytes, totalBytes));
}

}  // namespace faiss::gpu
