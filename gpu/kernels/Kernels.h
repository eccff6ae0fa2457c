#pragma once

// Launchers of the GPU backend's kernels (gpu/kernels/*.cu). Every launcher queues its
// kernel on `stream` and throws FaissException (cuda_error) if the launch fails; errors
// during execution surface at the caller's next synchronisation. Private.
//
// Matrices of vectors are described by (data, type, n, d, row_major, ld):
//   row_major: vector i, component j at data[i * ld + j] (ld >= d)
//   column-major: vector i, component j at data[j * ld + i] (ld >= n)

#include <cuda_runtime.h>

#include <cstdint>

namespace faiss::gpu::kernels {

enum class ElemType { f32, f16 };

/// Bytes of one element.
inline int elem_size(ElemType t) {
    return t == ElemType::f16 ? 2 : 4;
}

/// out[i] = squared L2 norm of vector i (float accumulation), i < n.
void vector_norms(const void* x, ElemType type, int64_t n, int d, bool row_major, int64_t ld,
                  float* out, cudaStream_t stream);

/// dst[r * dst_ld + c] = src[r * src_ld + c] converted, for r < rows, c < cols
/// (a plain 2-D elementwise conversion, so it serves both layouts).
void convert_matrix(const void* src, ElemType src_type, int64_t src_ld, void* dst,
                    ElemType dst_type, int64_t dst_ld, int64_t rows, int64_t cols,
                    cudaStream_t stream);

/// out (n x d float32, row-major) = rows keys[i] of x (row-major, ld), keys on device
/// and in range.
void gather_rows(const void* x, ElemType type, int d, int64_t ld, const int64_t* keys, int64_t n,
                 float* out, cudaStream_t stream);

/// Per-query state of the k-selection: rows lists of kp (key, id) pairs, sorted by
/// increasing key; empty slots are (+inf, -1). Keys are L2 distances or negated inner
/// products, so smaller is always better.
struct SelectState {
    float* keys = nullptr;   ///< rows x kp
    int64_t* ids = nullptr;  ///< rows x kp
    int kp = 0;              ///< slots per row: the power of two >= k
    int k = 0;
};

/// The slots per row used for a given k.
int select_slots(int k);

/// Set rows of state to empty.
void select_init(const SelectState& state, int rows, cudaStream_t stream);

/// Fold one tile of inner products into the state. tile is rows x cols (row stride
/// tile_ld), entry (r, c) = <query r, vector c>. For L2 (l2 true) the key is
/// qnorms[r] + vnorms[c] - 2 <q, v>, else -<q, v>. Vector c has id id_base + c.
/// state rows are those of the tile's queries (state pointers already offset).
void select_tile(const float* tile, int64_t tile_ld, int rows, int cols, bool l2,
                 const float* qnorms, const float* vnorms, int64_t id_base,
                 const SelectState& state, cudaStream_t stream);

/// Write the k best of each row: distances (rows x k, may be null) as L2 distances
/// clamped at 0 or as inner products; labels (rows x k) as int64 or int32. Empty
/// slots give label -1 and distance +inf (L2) or -inf (inner product).
void select_finalize(const SelectState& state, int rows, bool l2, float* distances, void* labels,
                     bool labels_i32, cudaStream_t stream);

}  // namespace faiss::gpu::kernels
