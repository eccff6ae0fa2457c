#pragma once

// Distances between one query and stored vectors addressed by id: the access path of
// graph indexes (HNSW), which visit stored vectors in an order only the search knows.
// Index::get_distance_computer() returns one for the index's storage; flat float,
// scalar-quantizer and product-quantizer storages have dedicated fast versions, every
// other index a generic one that reconstructs vectors.
//
// Values follow the index's metric as search() reports them: squared L2, inner product
// (larger is closer), L1, Linf or Lp (no root). Callers that need "smaller is closer"
// negate inner products themselves (is_similarity_metric in MetricType.h).
//
// Thread safety: one object per thread (it holds the query and scratch buffers). The
// index it came from must outlive it and must not be modified while it is used, except
// that vectors appended after the computer was made may be addressed once the append
// has returned.

#include <faiss/Index.h>

#include <cstddef>

namespace faiss {

struct DistanceComputer {
    virtual ~DistanceComputer() = default;

    /// Set the query (d floats of the index's dimension). The pointer must stay valid
    /// until the next set_query or the computer's destruction.
    virtual void set_query(const float* x) = 0;

    /// Distance between the query and stored vector i (0 <= i < ntotal, not checked).
    virtual float operator()(idx_t i) = 0;

    /// out[j] = (*this)(ids[j]) for j < n. Implementations prefetch and use the batched
    /// SIMD kernels; the default calls operator() n times.
    virtual void distances_by_ids(size_t n, const idx_t* ids, float* out);

    /// Four distances at once (the Faiss name); calls distances_by_ids.
    void distances_batch_4(idx_t id0, idx_t id1, idx_t id2, idx_t id3, float& dis0, float& dis1,
                           float& dis2, float& dis3);

    /// Distance between stored vectors i and j (same metric as operator()).
    virtual float symmetric_dis(idx_t i, idx_t j) = 0;
};

}  // namespace faiss
