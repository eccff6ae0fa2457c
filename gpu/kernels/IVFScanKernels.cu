// The inverted-list scan: one thread block per (probed list, query row) scores every
// entry of that list against the query and writes the scores to the row's candidate
// buffer, where the k-selection of SelectKernel.cu picks the best k.
//
// Flat, SQ8 and fp16 entries (one kernel template, three instances): the query (minus
// the list's centroid for L2 with residual codes) sits in shared memory, and one warp
// scores 4 entries per step, its lanes reading 4 consecutive components of each (16-byte
// float loads for flat, 4-byte for SQ8, 8-byte for fp16; d a multiple of 4), so a warp
// reads an entry's bytes in one coalesced sweep with 4 sweeps in flight; shuffle
// reductions end it. Other d take one component per lane and one entry per step.
//
// PQ (8-bit codes): the block first builds the list's distance table in shared memory,
// M x 256 entries (for L2 with residual codes: ||q - c - r_mj||^2 per sub-space, so no
// separate precomputed term is needed; for inner product <q, r_mj>, plus <q, c> once),
// then one thread per entry adds its M table values.
//
// Scores follow IVFKernels.h: -distance for L2, inner product otherwise.

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/kernels/IVFKernels.h>

#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>

namespace faiss::gpu::kernels {

namespace {

constexpr int kScanThreads = 256;
constexpr int kWarps = kScanThreads / 32;
constexpr int kUnroll = 4;
constexpr int kPqSub = 256;

void check_launch(const char* name) {
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) {
        detail::throw_cuda_error(err, name, __func__, __FILE__, __LINE__);
    }
}

__device__ __forceinline__ float warp_sum(float s) {
    for (int off = 16; off > 0; off >>= 1)
        s += __shfl_xor_sync(0xffffffffu, s, off);
    return s;
}

// <xq, c> over d components by warp 0 into *out (inner product with residual codes:
// the centroid's share of the score). Others leave it alone; caller synchronises.
__device__ void centroid_term(const float* xq, const float* c, int d, float* out) {
    if (threadIdx.x >= 32) return;
    float s = 0.f;
    for (int i = threadIdx.x; i < d; i += 32)
        s = fmaf(xq[i], c[i], s);
    s = warp_sum(s);
    if (threadIdx.x == 0) *out = s;
}

// Decoders of component i (and i .. i + 3) of entry j. sq holds vmin[d], vdiff[d].
template <IvfCodec C>
struct Decode;

template <>
struct Decode<IvfCodec::flat> {
    static __device__ __forceinline__ float one(const unsigned char* codes, int64_t j, int d, int i,
                                                const float*) {
        return reinterpret_cast<const float*>(codes)[j * d + i];
    }
    static __device__ __forceinline__ void four(const unsigned char* codes, int64_t j, int d, int i,
                                                const float*, float* v) {
        const float4 f = *reinterpret_cast<const float4*>(codes + (j * d + i) * 4);
        v[0] = f.x;
        v[1] = f.y;
        v[2] = f.z;
        v[3] = f.w;
    }
};

__device__ __forceinline__ float sq8_value(unsigned q, const float* sq, int d, int i) {
    return sq[i] + sq[d + i] * ((float(q) + 0.5f) / 255.f);
}

template <>
struct Decode<IvfCodec::sq8> {
    static __device__ __forceinline__ float one(const unsigned char* codes, int64_t j, int d, int i,
                                                const float* sq) {
        return sq8_value(codes[j * d + i], sq, d, i);
    }
    static __device__ __forceinline__ void four(const unsigned char* codes, int64_t j, int d, int i,
                                                const float* sq, float* v) {
        const uchar4 b = *reinterpret_cast<const uchar4*>(codes + j * d + i);
        v[0] = sq8_value(b.x, sq, d, i);
        v[1] = sq8_value(b.y, sq, d, i + 1);
        v[2] = sq8_value(b.z, sq, d, i + 2);
        v[3] = sq8_value(b.w, sq, d, i + 3);
    }
};

template <>
struct Decode<IvfCodec::fp16> {
    static __device__ __forceinline__ float one(const unsigned char* codes, int64_t j, int d, int i,
                                                const float*) {
        return __half2float(reinterpret_cast<const __half*>(codes)[j * d + i]);
    }
    static __device__ __forceinline__ void four(const unsigned char* codes, int64_t j, int d, int i,
                                                const float*, float* v) {
        const uint2 raw = *reinterpret_cast<const uint2*>(codes + (j * d + i) * 2);
        const float2 a = __half22float2(*reinterpret_cast<const __half2*>(&raw.x));
        const float2 b = __half22float2(*reinterpret_cast<const __half2*>(&raw.y));
        v[0] = a.x;
        v[1] = a.y;
        v[2] = b.x;
        v[3] = b.y;
    }
};

__device__ __forceinline__ float term(bool l2, float q, float v) {
    const float t = q - v;
    return l2 ? t * t : q * v;
}

// Shared memory: q[d], then sq[2d] for sq8.
template <IvfCodec C>
__global__ void __launch_bounds__(kScanThreads) scan_vec_kernel(IvfScanArgs a) {
    extern __shared__ __align__(16) float smem[];
    __shared__ float extra;
    float* q = smem;
    const int d = a.d;
    const int row = blockIdx.y;
    const int64_t slot = (int64_t)row * a.nprobe + blockIdx.x;
    const int64_t list = a.probes[slot];
    if (list < 0) return;
    const int len = a.list_lengths[list];
    if (len == 0) return;

    const float* xq = a.queries + (int64_t)row * d;
    const float* c = a.by_residual ? a.centroids + list * d : nullptr;
    const bool sub_centroid = a.by_residual && a.l2;
    for (int i = threadIdx.x; i < d; i += kScanThreads)
        q[i] = sub_centroid ? xq[i] - c[i] : xq[i];
    const float* sq = nullptr;
    if (C == IvfCodec::sq8) {
        float* s = smem + d;
        for (int i = threadIdx.x; i < 2 * d; i += kScanThreads)
            s[i] = a.sq_trained[i];
        sq = s;
    }
    if (threadIdx.x == 0) extra = 0.f;
    __syncthreads();
    if (a.by_residual && !a.l2) centroid_term(xq, c, d, &extra);
    __syncthreads();

    const unsigned char* codes = static_cast<const unsigned char*>(a.list_codes[list]);
    float* out = a.out + (int64_t)row * a.out_ld + a.offsets[slot];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x / 32;
    if ((d & 3) == 0) {
        // kUnroll entries per warp step: their loads are independent, so each warp keeps
        // several in flight.
        for (int64_t j0 = int64_t(warp) * kUnroll; j0 < len; j0 += kWarps * kUnroll) {
            float acc[kUnroll];
#pragma unroll
            for (int u = 0; u < kUnroll; ++u)
                acc[u] = 0.f;
            for (int i = lane * 4; i < d; i += 128) {
                const float4 q4 = *reinterpret_cast<const float4*>(q + i);
                const float qv[4] = {q4.x, q4.y, q4.z, q4.w};
#pragma unroll
                for (int u = 0; u < kUnroll; ++u) {
                    if (j0 + u < len) {
                        float v[4];
                        Decode<C>::four(codes, j0 + u, d, i, sq, v);
#pragma unroll
                        for (int t = 0; t < 4; ++t)
                            acc[u] += term(a.l2, qv[t], v[t]);
                    }
                }
            }
#pragma unroll
            for (int u = 0; u < kUnroll; ++u) {
                const float sum = warp_sum(acc[u]);
                if (lane == 0 && j0 + u < len) out[j0 + u] = a.l2 ? -sum : sum + extra;
            }
        }
        return;
    }
    for (int64_t j = warp; j < len; j += kWarps) {
        float acc = 0.f;
        for (int i = lane; i < d; i += 32)
            acc += term(a.l2, q[i], Decode<C>::one(codes, j, d, i, sq));
        acc = warp_sum(acc);
        if (lane == 0) out[j] = a.l2 ? -acc : acc + extra;
    }
}

// Shared memory: table[M * 256], then q[d].
__global__ void __launch_bounds__(kScanThreads) scan_pq_kernel(IvfScanArgs a) {
    extern __shared__ float smem[];
    __shared__ float extra;
    const int d = a.d, M = a.M, dsub = d / M;
    float* table = smem;
    float* q = smem + M * kPqSub;
    const int row = blockIdx.y;
    const int64_t slot = (int64_t)row * a.nprobe + blockIdx.x;
    const int64_t list = a.probes[slot];
    if (list < 0) return;
    const int len = a.list_lengths[list];
    if (len == 0) return;

    const float* xq = a.queries + (int64_t)row * d;
    const float* c = a.by_residual ? a.centroids + list * d : nullptr;
    const bool sub_centroid = a.by_residual && a.l2;
    for (int i = threadIdx.x; i < d; i += kScanThreads)
        q[i] = sub_centroid ? xq[i] - c[i] : xq[i];
    if (threadIdx.x == 0) extra = 0.f;
    __syncthreads();
    if (a.by_residual && !a.l2) centroid_term(xq, c, d, &extra);
    for (int e = threadIdx.x; e < M * kPqSub; e += kScanThreads) {
        const int m = e / kPqSub;
        const float* cen = a.pq_centroids + (int64_t)e * dsub;
        const float* qm = q + m * dsub;
        float s = 0.f;
        for (int t = 0; t < dsub; ++t)
            s += term(a.l2, qm[t], cen[t]);
        table[e] = s;
    }
    __syncthreads();

    const unsigned char* codes = static_cast<const unsigned char*>(a.list_codes[list]);
    float* out = a.out + (int64_t)row * a.out_ld + a.offsets[slot];
    const bool words = (M & 3) == 0;
    for (int64_t j = threadIdx.x; j < len; j += kScanThreads) {
        const unsigned char* code = codes + j * M;
        float s = 0.f;
        if (words) {
            const unsigned* w = reinterpret_cast<const unsigned*>(code);
            for (int m4 = 0; m4 < M / 4; ++m4) {
                const unsigned v = w[m4];
                const float* t = table + m4 * 4 * kPqSub;
                s += t[v & 255u] + t[kPqSub + ((v >> 8) & 255u)] +
                     t[2 * kPqSub + ((v >> 16) & 255u)] + t[3 * kPqSub + (v >> 24)];
            }
        } else {
            for (int m = 0; m < M; ++m)
                s += table[m * kPqSub + code[m]];
        }
        out[j] = a.l2 ? -s : s + extra;
    }
}

__global__ void pad_rows_kernel(float* out, int64_t ld, const int64_t* totals, int rows) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        float* o = out + (int64_t)r * ld;
        for (int64_t j = totals[r] + threadIdx.x; j < ld; j += blockDim.x)
            o[j] = -INFINITY;
    }
}

__global__ void map_results_kernel(const int64_t* positions, const float* scores, int rows, int k,
                                   int nprobe, const int64_t* probes, const int64_t* offsets,
                                   const int64_t* const* list_ids, bool l2, float* distances,
                                   int64_t* labels) {
    const int64_t total = (int64_t)rows * k;
    for (int64_t e = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; e < total;
         e += (int64_t)gridDim.x * blockDim.x) {
        const int64_t r = e / k;
        const int64_t pos = positions[e];
        if (pos < 0) {
            labels[e] = -1;
            distances[e] = l2 ? INFINITY : -INFINITY;
            continue;
        }
        const int64_t* off = offsets + r * nprobe;
        const int p = ivf_probe_of(off, nprobe, pos);
        const int64_t list = probes[r * nprobe + p];
        labels[e] = list_ids[list][pos - off[p]];
        distances[e] = l2 ? -scores[e] : scores[e];
    }
}

unsigned grid_for(int64_t work, int per_block) {
    const int64_t blocks = (work + per_block - 1) / per_block;
    return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, 65535)));
}

template <IvfCodec C>
void launch_vec(const IvfScanArgs& a, cudaStream_t stream) {
    const size_t smem = size_t(a.d) * (C == IvfCodec::sq8 ? 3 : 1) * sizeof(float);
    if (smem > 48 * 1024) {
        FAISS_CUDA_CHECK(cudaFuncSetAttribute(
            scan_vec_kernel<C>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
    }
    scan_vec_kernel<C><<<dim3(a.nprobe, a.rows), kScanThreads, smem, stream>>>(a);
    check_launch("ivf scan kernel launch");
}

}  // namespace

size_t ivf_pq_shared_bytes(int d, int M) {
    return (size_t(M) * kPqSub + size_t(d)) * sizeof(float);
}

void ivf_scan(const IvfScanArgs& a, cudaStream_t stream) {
    if (a.rows <= 0 || a.nprobe <= 0) return;
    switch (a.codec) {
        case IvfCodec::flat:
            launch_vec<IvfCodec::flat>(a, stream);
            break;
        case IvfCodec::sq8:
            launch_vec<IvfCodec::sq8>(a, stream);
            break;
        case IvfCodec::fp16:
            launch_vec<IvfCodec::fp16>(a, stream);
            break;
        case IvfCodec::pq8: {
            const size_t smem = ivf_pq_shared_bytes(a.d, a.M);
            if (smem > 48 * 1024) {
                FAISS_CUDA_CHECK(cudaFuncSetAttribute(
                    scan_pq_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
            }
            scan_pq_kernel<<<dim3(a.nprobe, a.rows), kScanThreads, smem, stream>>>(a);
            check_launch("ivf pq scan kernel launch");
            break;
        }
    }
}

void ivf_pad_rows(float* out, int64_t ld, const int64_t* totals, int rows, cudaStream_t stream) {
    if (rows <= 0) return;
    pad_rows_kernel<<<grid_for(rows, 1), 256, 0, stream>>>(out, ld, totals, rows);
    check_launch("ivf pad kernel launch");
}

void ivf_map_results(const int64_t* positions, const float* scores, int rows, int k, int nprobe,
                     const int64_t* probes, const int64_t* offsets, const int64_t* const* list_ids,
                     bool l2, float* distances, int64_t* labels, cudaStream_t stream) {
    const int64_t total = int64_t(rows) * k;
    if (total <= 0) return;
    map_results_kernel<<<grid_for(total, 256), 256, 0, stream>>>(
        positions, scores, rows, k, nprobe, probes, offsets, list_ids, l2, distances, labels);
    check_launch("ivf map kernel launch");
}

}  // namespace faiss::gpu::kernels
