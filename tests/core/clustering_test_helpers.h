#pragma once

// Helpers of the k-means tests: an index wrapper that records what Clustering does with
// it, and a naive double-precision Lloyd reference following the documented rules.

#include <faiss/Clustering.h>
#include <faiss/Index.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace faiss::test {

/// Delegates to `inner` and records the calls and the sum of distances of each search.
struct RecordingIndex : Index {
    std::unique_ptr<Index> inner;
    int n_reset = 0, n_train = 0, n_add = 0;
    mutable std::vector<idx_t> search_sizes;
    mutable std::vector<double> search_dis_sums;
    /// When >= 0, search() returns this label for query 0 (to test bad indexes).
    idx_t forced_label = -2;

    explicit RecordingIndex(std::unique_ptr<Index> inner_index);
    void train(idx_t n, const float* x) override;
    void add(idx_t n, const float* x) override;
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;
    void reset() override;
};

/// Result of the reference run.
struct LloydReference {
    std::vector<double> obj;       ///< per iteration
    std::vector<int> nsplit;       ///< per iteration
    std::vector<float> centroids;  ///< final, k x d
};

/// Lloyd iterations in double precision from the given k initial centroids (squared L2,
/// exact argmin with ties to the lower id), weighted means, empty clusters split from a
/// donor drawn as faiss/Clustering.h says, with the library's generator and the seed of
/// a first run (nredo index 0) of a Clustering whose seed is `seed`. Centroids are
/// rounded to float after each update, as the library stores them.
LloydReference reference_lloyd(size_t d, size_t n, size_t k, const float* x, const float* weights,
                               const std::vector<float>& init, int niter, int seed = 1234);

/// Sum over points of weight * squared distance to the nearest centroid, in double.
double reference_objective(size_t d, size_t n, size_t k, const float* x, const float* centroids,
                           const float* weights = nullptr);

/// IndexFlatL2, or IndexFlatIP for METRIC_INNER_PRODUCT.
std::unique_ptr<Index> make_flat(int d, MetricType metric = METRIC_L2);

}  // namespace faiss::test
