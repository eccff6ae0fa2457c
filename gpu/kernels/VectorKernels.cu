// Elementwise and per-vector kernels: norms, type conversion, row gathering, and the
// initialisation / output of the k-selection state.

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/kernels/Kernels.h>

#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>

namespace faiss::gpu::kernels {

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float to_float(float v) {
    return v;
}
__device__ __forceinline__ float to_float(__half v) {
    return __half2float(v);
}

template <typename T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
    return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
    return __float2half_rn(v);
}

/// Grid size for `work` items at kThreads per block and `per_block` items per block,
/// capped so grid-stride loops cover the rest.
unsigned grid_for(int64_t work, int64_t per_block) {
    int64_t blocks = (work + per_block - 1) / per_block;
    return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, 65535 * 8)));
}

void check_launch(const char* name) {
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) {
        detail::throw_cuda_error(err, name, __func__, __FILE__, __LINE__);
    }
}

// One warp per vector: lanes read consecutive components (coalesced).
template <typename T>
__global__ void norms_row_major_kernel(const T* x, int64_t n, int d, int64_t ld, float* out) {
    const int lane = threadIdx.x & 31;
    const int64_t warps = (int64_t)gridDim.x * (blockDim.x / 32);
    for (int64_t v = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / 32; v < n; v += warps) {
        const T* p = x + v * ld;
        float s = 0.f;
        for (int j = lane; j < d; j += 32) {
            float f = to_float(p[j]);
            s = fmaf(f, f, s);
        }
        for (int off = 16; off > 0; off >>= 1)
            s += __shfl_xor_sync(0xffffffffu, s, off);
        if (lane == 0) out[v] = s;
    }
}

// One thread per vector: consecutive threads read consecutive vectors (coalesced).
template <typename T>
__global__ void norms_col_major_kernel(const T* x, int64_t n, int d, int64_t ld, float* out) {
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += stride) {
        float s = 0.f;
        for (int j = 0; j < d; ++j) {
            float f = to_float(x[j * ld + v]);
            s = fmaf(f, f, s);
        }
        out[v] = s;
    }
}

template <typename Tin, typename Tout>
__global__ void convert_kernel(const Tin* src, int64_t src_ld, Tout* dst, int64_t dst_ld,
                               int64_t rows, int64_t cols) {
    const int64_t total = rows * cols;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        int64_t r = t / cols, c = t % cols;
        dst[r * dst_ld + c] = from_float<Tout>(to_float(src[r * src_ld + c]));
    }
}

template <typename T>
__global__ void gather_kernel(const T* x, int d, int64_t ld, const int64_t* keys, int64_t n,
                              float* out) {
    const int64_t total = n * d;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        int64_t i = t / d, j = t % d;
        out[t] = to_float(x[keys[i] * ld + j]);
    }
}

__global__ void select_init_kernel(float* keys, int64_t* ids, int64_t total) {
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        keys[t] = INFINITY;
        ids[t] = -1;
    }
}

__global__ void select_finalize_kernel(const float* keys, const int64_t* ids, int rows, int kp,
                                       int k, bool l2, float* distances, void* labels,
                                       bool labels_i32) {
    const int64_t total = (int64_t)rows * k;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        int64_t r = t / k, c = t % k;
        float key = keys[r * kp + c];
        int64_t id = ids[r * kp + c];
        float dist;
        if (id < 0) {
            dist = l2 ? INFINITY : -INFINITY;
        } else {
            dist = l2 ? fmaxf(key, 0.f) : -key;
        }
        if (distances) distances[t] = dist;
        if (labels_i32) {
            static_cast<int32_t*>(labels)[t] = static_cast<int32_t>(id);
        } else {
            static_cast<int64_t*>(labels)[t] = id;
        }
    }
}

}  // namespace

void vector_norms(const void* x, ElemType type, int64_t n, int d, bool row_major, int64_t ld,
                  float* out, cudaStream_t stream) {
    if (n <= 0) return;
    if (row_major) {
        unsigned grid = grid_for(n, kThreads / 32);
        if (type == ElemType::f16) {
            norms_row_major_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const __half*>(x), n,
                                                                  d, ld, out);
        } else {
            norms_row_major_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const float*>(x), n,
                                                                  d, ld, out);
        }
    } else {
        unsigned grid = grid_for(n, kThreads);
        if (type == ElemType::f16) {
            norms_col_major_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const __half*>(x), n,
                                                                  d, ld, out);
        } else {
            norms_col_major_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const float*>(x), n,
                                                                  d, ld, out);
        }
    }
    check_launch("vector_norms kernel launch");
}

void convert_matrix(const void* src, ElemType src_type, int64_t src_ld, void* dst,
                    ElemType dst_type, int64_t dst_ld, int64_t rows, int64_t cols,
                    cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return;
    unsigned grid = grid_for(rows * cols, kThreads);
    if (src_type == ElemType::f32 && dst_type == ElemType::f16) {
        convert_kernel<<<grid, kThreads, 0, stream>>>(
            static_cast<const float*>(src), src_ld, static_cast<__half*>(dst), dst_ld, rows, cols);
    } else if (src_type == ElemType::f16 && dst_type == ElemType::f32) {
        convert_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const __half*>(src), src_ld,
                                                      static_cast<float*>(dst), dst_ld, rows, cols);
    } else if (src_type == ElemType::f32) {
        convert_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const float*>(src), src_ld,
                                                      static_cast<float*>(dst), dst_ld, rows, cols);
    } else {
        convert_kernel<<<grid, kThreads, 0, stream>>>(
            static_cast<const __half*>(src), src_ld, static_cast<__half*>(dst), dst_ld, rows, cols);
    }
    check_launch("convert_matrix kernel launch");
}

void gather_rows(const void* x, ElemType type, int d, int64_t ld, const int64_t* keys, int64_t n,
                 float* out, cudaStream_t stream) {
    if (n <= 0 || d <= 0) return;
    unsigned grid = grid_for(n * d, kThreads);
    if (type == ElemType::f16) {
        gather_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const __half*>(x), d, ld, keys, n,
                                                     out);
    } else {
        gather_kernel<<<grid, kThreads, 0, stream>>>(static_cast<const float*>(x), d, ld, keys, n,
                                                     out);
    }
    check_launch("gather_rows kernel launch");
}

void select_init(const SelectState& state, int rows, cudaStream_t stream) {
    int64_t total = (int64_t)rows * state.kp;
    if (total <= 0) return;
    select_init_kernel<<<grid_for(total, kThreads), kThreads, 0, stream>>>(state.keys, state.ids,
                                                                           total);
    check_launch("select_init kernel launch");
}

void select_finalize(const SelectState& state, int rows, bool l2, float* distances, void* labels,
                     bool labels_i32, cudaStream_t stream) {
    int64_t total = (int64_t)rows * state.k;
    if (total <= 0) return;
    select_finalize_kernel<<<grid_for(total, kThreads), kThreads, 0, stream>>>(
        state.keys, state.ids, rows, state.kp, state.k, l2, distances, labels, labels_i32);
    check_launch("select_finalize kernel launch");
}

}  // namespace faiss::gpu::kernels
