// k-means centroid update on the device: sizes by atomics, a counting sort of the points
// by cluster, then one block per cluster averaging its points' rows (threads over the
// components, so every point's row is read coalesced).

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/kernels/KmeansKernels.h>

#include <algorithm>

namespace faiss::gpu::kernels {

namespace {

constexpr int kThreads = 256;

void check_launch(const char* name) {
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) {
        detail::throw_cuda_error(err, name, __func__, __FILE__, __LINE__);
    }
}

unsigned grid_for(int64_t work) {
    const int64_t blocks = (work + kThreads - 1) / kThreads;
    return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, 65535 * 8)));
}

__global__ void count_kernel(const int64_t* assign, int64_t n, unsigned long long* counts) {
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        const int64_t a = assign[i];
        if (a >= 0) atomicAdd(counts + a, 1ull);
    }
}

__global__ void scatter_kernel(const int64_t* assign, int64_t n, unsigned long long* cursor,
                               int64_t* order) {
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        const int64_t a = assign[i];
        if (a >= 0) order[atomicAdd(cursor + a, 1ull)] = i;
    }
}

__global__ void means_kernel(const float* x, int d, const int64_t* order, const int64_t* offsets,
                             float* centroids) {
    const int c = blockIdx.x;
    const int64_t begin = offsets[c], end = offsets[c + 1];
    if (begin == end) return;
    const double inv = 1.0 / double(end - begin);
    for (int t = threadIdx.x; t < d; t += blockDim.x) {
        double s = 0;
        for (int64_t p = begin; p < end; ++p)
            s += double(x[order[p] * d + t]);
        centroids[(int64_t)c * d + t] = float(s * inv);
    }
}

}  // namespace

void kmeans_count(const int64_t* assign, int64_t n, unsigned long long* counts,
                  cudaStream_t stream) {
    if (n <= 0) return;
    count_kernel<<<grid_for(n), kThreads, 0, stream>>>(assign, n, counts);
    check_launch("kmeans count kernel launch");
}

void kmeans_scatter(const int64_t* assign, int64_t n, unsigned long long* cursor, int64_t* order,
                    cudaStream_t stream) {
    if (n <= 0) return;
    scatter_kernel<<<grid_for(n), kThreads, 0, stream>>>(assign, n, cursor, order);
    check_launch("kmeans scatter kernel launch");
}

void kmeans_means(const float* x, int d, const int64_t* order, const int64_t* offsets, int k,
                  float* centroids, cudaStream_t stream) {
    if (k <= 0) return;
    const int threads = std::min(kThreads, (d + 31) / 32 * 32);
    means_kernel<<<k, threads, 0, stream>>>(x, d, order, offsets, centroids);
    check_launch("kmeans means kernel launch");
}

}  // namespace faiss::gpu::kernels
