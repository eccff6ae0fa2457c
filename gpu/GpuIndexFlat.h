#pragma once

// Exact (brute-force) search on one GPU (Faiss's GpuIndexFlat, GpuIndexFlatL2,
// GpuIndexFlatIP): the counterpart of faiss::IndexFlat, with the vectors stored on the
// device in float32 or float16.
//
// Search: distances come from cuBLAS GEMM (x . y, plus the norms for L2), computed tile
// by tile (a block of queries against a block of the database) so the full nq x ntotal
// matrix never exists; each tile is reduced at once by a GPU k-selection kernel (in
// registers and shared memory) that keeps every query's k best, for k up to 2048.
// Metrics: METRIC_L2 (squared distances) and METRIC_INNER_PRODUCT.
//
// float16 storage (GpuIndexFlatConfig::useFloat16) halves the memory; queries are
// rounded to float16 for the GEMM (float32 accumulation), so distances and ranks are
// approximate (recall@10 about 0.99+ on typical data).
//
// Memory: the stored vectors (ntotal x d x 4 or 2 bytes) plus ntotal float norms, on the
// index's device; searches use the resources' temporary pool.
//
// Thread safety and pointers: see <faiss/gpu/GpuIndex.h>.

#include <faiss/IndexFlat.h>
#include <faiss/gpu/GpuIndex.h>

#include <memory>

namespace faiss {
namespace gpu {

namespace detail {
class FlatStorage;
}  // namespace detail

/// Options of a flat GPU index.
struct GpuIndexFlatConfig : public GpuIndexConfig {
    /// Store the vectors as float16 (half the memory, approximate distances).
    bool useFloat16 = false;
    /// Faiss compatibility field (deprecated there); must stay false.
    bool storeTransposed = false;
};

class GpuIndexFlat : public GpuIndex {
  public:
    /// A copy on the GPU of a CPU IndexFlat (L2 or inner product): d, metric and
    /// vectors. @throws FaissException as GpuIndex, plus unsupported for other metrics.
    GpuIndexFlat(GpuResourcesProvider* provider, const faiss::IndexFlat* index,
                 GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlat(std::shared_ptr<GpuResources> resources, const faiss::IndexFlat* index,
                 GpuIndexFlatConfig config = GpuIndexFlatConfig());

    /// An empty index of dimension dims with metric L2 or inner product.
    GpuIndexFlat(GpuResourcesProvider* provider, int dims, faiss::MetricType metric,
                 GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlat(std::shared_ptr<GpuResources> resources, int dims, faiss::MetricType metric,
                 GpuIndexFlatConfig config = GpuIndexFlatConfig());

    ~GpuIndexFlat() override;

    /// Replace this index's content with a copy of a CPU IndexFlat (d, metric, vectors).
    void copyFrom(const faiss::IndexFlat* index);

    /// Replace a CPU IndexFlat's content with this index's (d, metric, vectors as
    /// float32; float16 storage is widened).
    void copyTo(faiss::IndexFlat* index) const;

    /// Number of stored vectors (ntotal).
    size_t getNumVecs() const;

    /// Drop every vector (frees the device storage).
    void reset() override;

    /// No-op: a flat index needs no training (n and x are checked as in add).
    void train(idx_t n, const float* x) override;

    /// Append n vectors x (n x d, host or device memory).
    void add(idx_t n, const float* x) override;

    /// Vector key into out (d floats, host or device). @throws for key outside
    /// [0, ntotal).
    void reconstruct(idx_t key, float* out) const override;

    /// Vectors i0 .. i0 + num - 1 into out (num x d, host or device).
    void reconstruct_n(idx_t i0, idx_t num, float* out) const override;

    /// Vectors keys[0..n) (host or device) into out (n x d, host or device).
    void reconstruct_batch(idx_t n, const idx_t* keys, float* out) const override;

    void compute_residual(const float* x, float* residual, idx_t key) const override;
    void compute_residual_n(idx_t n, const float* xs, float* residuals,
                            const idx_t* keys) const override;

    /// The stored data (for other GPU code of this library). Not for users.
    detail::FlatStorage* getGpuData() { return data_.get(); }
    const detail::FlatStorage* getGpuData() const { return data_.get(); }

  protected:
    bool addImplRequiresIDs_() const override;
    void addImpl_(idx_t n, const float* x, const idx_t* ids) override;
    void searchImpl_(idx_t n, const float* x, int k, float* distances, idx_t* labels,
                     const SearchParameters* params) const override;

    const GpuIndexFlatConfig flatConfig_;
    std::unique_ptr<detail::FlatStorage> data_;
};

/// GpuIndexFlat with METRIC_L2 (squared Euclidean distances).
class GpuIndexFlatL2 : public GpuIndexFlat {
  public:
    /// A GPU copy of a CPU IndexFlatL2.
    GpuIndexFlatL2(GpuResourcesProvider* provider, faiss::IndexFlatL2* index,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlatL2(std::shared_ptr<GpuResources> resources, faiss::IndexFlatL2* index,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());

    /// An empty L2 index of dimension dims.
    GpuIndexFlatL2(GpuResourcesProvider* provider, int dims,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlatL2(std::shared_ptr<GpuResources> resources, int dims,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());

    /// As GpuIndexFlat::copyFrom; index must use METRIC_L2 (invalid_argument).
    void copyFrom(faiss::IndexFlat* index);
    /// As GpuIndexFlat::copyTo; index must use METRIC_L2 (invalid_argument).
    void copyTo(faiss::IndexFlat* index);
};

/// GpuIndexFlat with METRIC_INNER_PRODUCT.
class GpuIndexFlatIP : public GpuIndexFlat {
  public:
    /// A GPU copy of a CPU IndexFlatIP.
    GpuIndexFlatIP(GpuResourcesProvider* provider, faiss::IndexFlatIP* index,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlatIP(std::shared_ptr<GpuResources> resources, faiss::IndexFlatIP* index,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());

    /// An empty inner-product index of dimension dims.
    GpuIndexFlatIP(GpuResourcesProvider* provider, int dims,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());
    GpuIndexFlatIP(std::shared_ptr<GpuResources> resources, int dims,
                   GpuIndexFlatConfig config = GpuIndexFlatConfig());

    /// As GpuIndexFlat::copyFrom; index must use METRIC_INNER_PRODUCT.
    void copyFrom(faiss::IndexFlat* index);
    /// As GpuIndexFlat::copyTo; index must use METRIC_INNER_PRODUCT.
    void copyTo(faiss::IndexFlat* index);
};

}  // namespace gpu
}  // namespace faiss
