// The k-selection of exact search: folds a tile of inner products into each query's
// running list of its best kp >= k candidates.
//
// One thread block per query row. Shared memory holds a pool of P (key, id) pairs
// (P a power of two): slots [0, kp) are the row's current best, sorted by (key, id);
// slots [kp, P) buffer new candidates. A tile element is a candidate only if its key is
// below the row's threshold, the key of its k-th best so far, so after the first few
// thousand elements almost nothing passes and the kernel runs at the speed of reading
// the tile. Candidates are appended with one shared atomic per warp (ballot + popc);
// when the buffer could overflow in the next round, the whole pool is sorted (bitonic
// network in shared memory), the best kp stay in front, the threshold tightens and the
// buffer empties. Ties are broken by the smaller id, as on the CPU.
//
// k up to 2048 with no template parameters: P is 2048 for k <= 1024 and 4096 beyond.

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/kernels/Kernels.h>

#include <algorithm>
#include <cmath>

namespace faiss::gpu::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int kPerThread = 4;
constexpr int kRound = kThreads * kPerThread;

struct TileArgs {
    const float* tile;
    int64_t tile_ld;
    int cols;
    bool l2;
    const float* qnorms;
    const float* vnorms;
    int64_t id_base;
    float* state_keys;
    int64_t* state_ids;
    int k;
    int kp;
    int pool;
};

__device__ __forceinline__ bool pair_less(float ka, int64_t ia, float kb, int64_t ib) {
    return ka < kb || (ka == kb && ia < ib);
}

// Sorts n (a power of two) pairs in shared memory by increasing (key, id).
// All threads of the block must call it.
__device__ void bitonic_sort(float* keys, int64_t* ids, int n) {
    for (int size = 2; size <= n; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            for (int i = threadIdx.x; i < n / 2; i += blockDim.x) {
                const int lo = 2 * i - (i & (stride - 1));
                const int hi = lo + stride;
                const bool ascending = (lo & size) == 0;
                const float klo = keys[lo], khi = keys[hi];
                const int64_t ilo = ids[lo], ihi = ids[hi];
                const bool swap =
                    ascending ? pair_less(khi, ihi, klo, ilo) : pair_less(klo, ilo, khi, ihi);
                if (swap) {
                    keys[lo] = khi;
                    keys[hi] = klo;
                    ids[lo] = ihi;
                    ids[hi] = ilo;
                }
            }
            __syncthreads();
        }
    }
}

// Sorts the pool, empties the buffer and tightens the threshold. Block-wide; callers
// have synchronised after their last append.
__device__ void flush_pool(float* keys, int64_t* ids, int* count, float* thresh, int k, int kp,
                           int pool) {
    bitonic_sort(keys, ids, pool);
    for (int i = kp + threadIdx.x; i < pool; i += blockDim.x) {
        keys[i] = INFINITY;
        ids[i] = -1;
    }
    if (threadIdx.x == 0) {
        *count = 0;
        *thresh = keys[k - 1];
    }
    __syncthreads();
}

__global__ void __launch_bounds__(kThreads) select_tile_kernel(TileArgs a) {
    extern __shared__ __align__(16) unsigned char smem[];
    int64_t* ids = reinterpret_cast<int64_t*>(smem);
    float* keys = reinterpret_cast<float*>(ids + a.pool);
    int* count = reinterpret_cast<int*>(keys + a.pool);
    float* thresh = reinterpret_cast<float*>(count + 1);

    const int row = blockIdx.x;
    float* row_keys = a.state_keys + (int64_t)row * a.kp;
    int64_t* row_ids = a.state_ids + (int64_t)row * a.kp;
    for (int i = threadIdx.x; i < a.pool; i += kThreads) {
        if (i < a.kp) {
            keys[i] = row_keys[i];
            ids[i] = row_ids[i];
        } else {
            keys[i] = INFINITY;
            ids[i] = -1;
        }
    }
    if (threadIdx.x == 0) {
        *count = 0;
        *thresh = row_keys[a.k - 1];
    }
    __syncthreads();

    const float* src = a.tile + (int64_t)row * a.tile_ld;
    const float qn = a.l2 ? a.qnorms[row] : 0.f;
    const int capacity = a.pool - a.kp;
    const int lane = threadIdx.x & 31;
    bool changed = false;

    for (int base = 0; base < a.cols; base += kRound) {
        // Every thread reads the count before any thread appends again, so all take
        // the same decision.
        const bool full = *count > capacity - kRound;
        __syncthreads();
        if (full) {
            flush_pool(keys, ids, count, thresh, a.k, a.kp, a.pool);
            changed = true;
        }
        const float th = *thresh;
        float key[kPerThread];
#pragma unroll
        for (int u = 0; u < kPerThread; ++u) {
            const int j = base + u * kThreads + threadIdx.x;
            key[u] = INFINITY;
            if (j < a.cols) {
                const float ip = src[j];
                key[u] = a.l2 ? fmaf(-2.f, ip, qn + a.vnorms[j]) : -ip;
            }
        }
#pragma unroll
        for (int u = 0; u < kPerThread; ++u) {
            // NaN and +inf keys never pass: a NaN distance never enters a result.
            const bool take = key[u] < th;
            const unsigned mask = __ballot_sync(0xffffffffu, take);
            if (mask != 0) {
                int slot0 = 0;
                if (lane == 0) slot0 = atomicAdd(count, __popc(mask));
                slot0 = __shfl_sync(0xffffffffu, slot0, 0);
                if (take) {
                    const int pos = a.kp + slot0 + __popc(mask & ((1u << lane) - 1u));
                    keys[pos] = key[u];
                    ids[pos] = a.id_base + base + u * kThreads + threadIdx.x;
                }
            }
        }
        __syncthreads();
    }
    if (*count > 0) {
        flush_pool(keys, ids, count, thresh, a.k, a.kp, a.pool);
        changed = true;
    }
    if (changed) {
        for (int i = threadIdx.x; i < a.kp; i += kThreads) {
            row_keys[i] = keys[i];
            row_ids[i] = ids[i];
        }
    }
}

int next_pow2(int v) {
    int p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

}  // namespace

int select_slots(int k) {
    return next_pow2(k);
}

void select_tile(const float* tile, int64_t tile_ld, int rows, int cols, bool l2,
                 const float* qnorms, const float* vnorms, int64_t id_base,
                 const SelectState& state, cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return;
    TileArgs a{tile,    tile_ld,    cols,      l2,      qnorms,   vnorms,
               id_base, state.keys, state.ids, state.k, state.kp, next_pow2(state.kp + kRound)};
    const size_t smem = size_t(a.pool) * (sizeof(float) + sizeof(int64_t)) + 2 * sizeof(int);
    if (smem > 48 * 1024) {
        FAISS_CUDA_CHECK(cudaFuncSetAttribute(select_tile_kernel,
                                              cudaFuncAttributeMaxDynamicSharedMemorySize,
                                              static_cast<int>(smem)));
    }
    // The kernel's column loop runs on int and steps kRound past the last column, so very
    // wide rows (an IVF candidate row may hold up to INT_MAX entries) go in slices; the
    // state carries over and ids still increase, so the result is the same.
    constexpr int kMaxCols = 1 << 30;
    for (int c0 = 0; c0 < cols; c0 += std::min(kMaxCols, cols - c0)) {
        a.tile = tile + c0;
        a.cols = std::min(kMaxCols, cols - c0);
        a.vnorms = vnorms ? vnorms + c0 : nullptr;
        a.id_base = id_base + c0;
        select_tile_kernel<<<rows, kThreads, smem, stream>>>(a);
        cudaError_t err = cudaGetLastError();
        if (err != cudaSuccess) {
            detail::throw_cuda_error(err, "select_tile kernel launch", __func__, __FILE__,
                                     __LINE__);
        }
    }
}

}  // namespace faiss::gpu::kernels
