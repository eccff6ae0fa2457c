#pragma once

// Exact (brute-force) search over raw float vectors: the reference every approximate
// index is measured against, and the coarse quantizer / assignment step of k-means.
//
// Metrics: METRIC_L2 (squared distances), METRIC_INNER_PRODUCT, METRIC_L1, METRIC_Linf,
// METRIC_Lp (p = metric_arg). Batches of queries use a blocked GEMM engine; small
// batches use SIMD distance kernels; large work is spread over the OpenMP threads.
//
// Storage: codes holds the vectors as raw float bytes (code_size = d * 4), so
// get_xb() views them as an ntotal x d float array and sa_encode / sa_decode are copies.
//
// Thread safety: search, range_search, reconstruct*, compute_distance_subset and sa_*
// may run concurrently; add, reset, remove_ids, merge_from, sync_l2norms need exclusive
// access.

#include <faiss/IndexFlatCodes.h>

#include <vector>

namespace faiss {

struct IndexFlat : IndexFlatCodes {
    /// @throws FaissException (invalid_argument) for d < 0 or an unknown metric.
    explicit IndexFlat(idx_t d, MetricType metric = METRIC_L2);
    IndexFlat();

    /// Exact k-NN of the n queries x (n x d) into distances and labels (n x k), sorted
    /// best first; ties keep the smaller id. Fewer than k candidates (small index,
    /// selector, NaN) -> padding (-1, +inf) or (-1, -inf) for inner product. A NaN
    /// query or stored vector never matches. Honours params->sel.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// All vectors with distance < radius (inner product: similarity > radius) for each
    /// of the n queries into result (made with nq = n). Honours params->sel.
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Copy vector key into recons (d floats). @throws for key outside [0, ntotal).
    void reconstruct(idx_t key, float* recons) const override;

    /// distances[i * k + j] = distance between x_i and stored vector labels[i * k + j]
    /// for the n queries x (n x d); a label -1 gives the padding distance.
    /// @throws FaissException for labels outside [-1, ntotal).
    void compute_distance_subset(idx_t n, const float* x, idx_t k, float* distances,
                                 const idx_t* labels) const;

    /// The stored vectors as an ntotal x d array (invalidated by add / remove / reset).
    float* get_xb() { return reinterpret_cast<float*>(codes.data()); }
    const float* get_xb() const { return reinterpret_cast<const float*>(codes.data()); }

    /// Codes are the float bytes of the vectors: n x (d * 4) bytes.
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;
};

/// IndexFlat with METRIC_L2. cached_l2norms, once filled by sync_l2norms(), saves the
/// database norm pass of batched searches; add() keeps it in sync, other modifications
/// clear it.
struct IndexFlatL2 : IndexFlat {
    /// ||xb_i||^2 for every stored vector, or empty.
    std::vector<float> cached_l2norms;

    explicit IndexFlatL2(idx_t d) : IndexFlat(d, METRIC_L2) {}
    IndexFlatL2() : IndexFlat(0, METRIC_L2) {}

    /// Compute cached_l2norms for the current content.
    void sync_l2norms();
    /// Drop cached_l2norms.
    void clear_l2norms();

    void add(idx_t n, const float* x) override;
    void reset() override;
    size_t remove_ids(const IDSelector& sel) override;
    void merge_from(Index& other, idx_t add_id = 0) override;
    void permute_entries(const idx_t* perm) override;
};

/// IndexFlat with METRIC_INNER_PRODUCT (cosine similarity after normalize_L2).
struct IndexFlatIP : IndexFlat {
    explicit IndexFlatIP(idx_t d) : IndexFlat(d, METRIC_INNER_PRODUCT) {}
    IndexFlatIP() : IndexFlat(0, METRIC_INNER_PRODUCT) {}
};

}  // namespace faiss
