#pragma once

// The device copy of a GPU IVF index's codec: the centroids (for residual codes), the
// codec's own parameters (scalar-quantizer ranges, PQ codebooks) and the scan fields
// that point at them. Rebuilt after training and copies. Private.

#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/kernels/IVFKernels.h>

#include <cstddef>

namespace faiss::gpu::detail {

struct IvfCodecDevice {
    kernels::IvfScanArgs args;  ///< codec fields only (see IvfSearchContext)
    GpuMemoryReservation centroids;
    GpuMemoryReservation params;

    /// Copy n host floats into a new device array held by dst (waits).
    static void upload(GpuResources* res, int device, const float* host, size_t n,
                       GpuMemoryReservation& dst);
};

}  // namespace faiss::gpu::detail
