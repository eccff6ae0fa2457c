#pragma once

// Nearest-centroid assignment for k-means in few dimensions (the sub-spaces of a product
// quantizer: dsub = 2 .. 16 typically). A GEMM of inner dimension dsub runs far below
// peak and then needs a second pass over the n x k distance matrix for the minimum; this
// index computes the exact squared differences against centroids stored transposed and
// keeps the running minimum in registers (simd::PQKernels::l2_transposed_nearest).
// Private: used as the assignment index of Clustering by ProductQuantizer::train.

#include <faiss/Index.h>

#include <vector>

namespace faiss::internal::kmeans {

/// Exact L2 index restricted to k = 1 search (all Clustering needs). Distances are the
/// squared L2 distances formed directly (no norms), so they are exact also far from the
/// origin. Single-threaded: the caller parallelises (ProductQuantizer trains its
/// sub-spaces in parallel). Not thread-safe for add/reset; search may run concurrently.
struct SmallDimL2Assigner : Index {
    explicit SmallDimL2Assigner(idx_t d);

    void add(idx_t n, const float* x) override;
    void reset() override;
    /// k must be 1 (FaissException unsupported otherwise); no search parameters.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;
    void reconstruct(idx_t key, float* recons) const override;

  private:
    std::vector<float> xb_;  // ntotal x d, as added
    std::vector<float> ct_;  // d x ntotal: component t of vector j at t * ntotal + j
};

}  // namespace faiss::internal::kmeans
