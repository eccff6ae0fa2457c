#pragma once

// Device queries and helpers of the public surface (Faiss's faiss/gpu/utils/DeviceUtils.h,
// the part that needs no CUDA types). Safe to call from any thread.

#include <cstddef>

namespace faiss {
namespace gpu {

/// Number of CUDA devices; 0 (never an exception) when there is none or no usable
/// driver, so callers can test for a GPU.
int getNumDevices();

/// The calling thread's current CUDA device. @throws FaissException (cuda_error).
int getCurrentDevice();

/// Make device the calling thread's current one. @throws FaissException
/// (invalid_argument for an ordinal not present, cuda_error).
void setCurrentDevice(int device);

/// Wait until every device is idle. @throws FaissException (cuda_error).
void synchronizeAllDevices();

/// Largest k the GPU k-selection serves (2048).
int getMaxKSelection();

/// Bytes of device memory (free, total) of device. @throws FaissException.
void getDeviceMemoryInfo(int device, size_t* freeBytes, size_t* totalBytes);

}  // namespace gpu
}  // namespace faiss
