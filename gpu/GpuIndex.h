#pragma once

// Base class of the GPU indexes (Faiss's GpuIndex): a faiss::Index whose data lives on
// one CUDA device, served by a shared GpuResources.
//
// Pointers: every array argument (vectors, queries, distances, labels, reconstruction
// outputs) may be host memory or device memory of this index's device; the library
// looks at each pointer (cudaPointerGetAttributes) and copies as needed. Device memory
// of another device is refused (invalid_argument). Host inputs larger than the
// temporary budget are streamed in pieces. Calls return once results are in place.
//
// Limits: k <= getMaxKSelection() (2048); larger k throws unsupported. Search
// parameters carrying an IDSelector are refused (unsupported).
//
// Errors: FaissException with invalid_argument (bad sizes, null pointers, wrong device),
// unsupported, cuda_error (no device, CUDA / cuBLAS failure) or out_of_memory (the
// index is left as it was; the process continues).
//
// Thread safety: as faiss::Index: search / reconstruct may run from several threads at
// once (the work is serialised on the device by the resources' device lock); add,
// reset, copyFrom need exclusive access to the index.

#include <faiss/Index.h>
#include <faiss/gpu/GpuResources.h>

#include <memory>

namespace faiss {
namespace gpu {

/// Where a GPU index lives and how it stores its data.
struct GpuIndexConfig {
    /// CUDA device ordinal of the index.
    int device = 0;
    /// Space of the index's own storage: Device (default) or Unified.
    MemorySpace memorySpace = MemorySpace::Device;
    /// Faiss compatibility field: cuVS is not part of this library; true is refused.
    bool use_cuvs = false;
};

class GpuIndex : public faiss::Index {
  public:
    /// @throws FaissException: invalid_argument for dims < 0, a device ordinal not
    /// present, use_cuvs; cuda_error when no device is present.
    GpuIndex(std::shared_ptr<GpuResources> resources, int dims, faiss::MetricType metric,
             float metricArg, GpuIndexConfig config);
    ~GpuIndex() override;

    /// The CUDA device of this index.
    int getDevice() const;

    /// The resources this index uses (shared).
    std::shared_ptr<GpuResources> getResources();

    /// Host inputs of at least this many bytes are copied to the device in pieces
    /// rather than in one temporary buffer (default: whatever fits the budget).
    void setMinPagingSize(size_t size);
    size_t getMinPagingSize() const;

    /// Add n vectors x (n x d, host or device); ids ntotal .. ntotal + n - 1.
    void add(idx_t n, const float* x) override;

    /// As add with caller-chosen ids; refused (unsupported) by indexes that number
    /// their vectors sequentially (the flat indexes), as in Faiss.
    void add_with_ids(idx_t n, const float* x, const idx_t* ids) override;

    /// labels (n x k) of the k nearest vectors of each query.
    void assign(idx_t n, const float* x, idx_t* labels, idx_t k = 1) const override;

    /// k nearest neighbours of n queries x (n x d) into distances and labels (n x k),
    /// each host or device memory. Rows sorted best first, padded with (-1, +inf)
    /// (-inf for inner product). @throws unsupported for k > 2048 or params->sel.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// search, then the stored vectors of the results into recons (n x k x d).
    void search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                                float* recons,
                                const SearchParameters* params = nullptr) const override;

    /// residual = x - reconstruct(key) (host arrays of d floats).
    void compute_residual(const float* x, float* residual, idx_t key) const override;

    /// residuals[i] = xs[i] - reconstruct(keys[i]) for i < n (host arrays).
    void compute_residual_n(idx_t n, const float* xs, float* residuals,
                            const idx_t* keys) const override;

  protected:
    /// Copy d, ntotal, metric and is_trained from a CPU index.
    void copyFrom(const faiss::Index* index);
    /// Copy d, ntotal, metric and is_trained to a CPU index.
    void copyTo(faiss::Index* index) const;

    /// Whether addImpl_ needs ids (false: sequential numbering).
    virtual bool addImplRequiresIDs_() const = 0;
    /// Add n vectors; x is device memory of this device (n x d).
    virtual void addImpl_(idx_t n, const float* x, const idx_t* ids) = 0;
    /// Search n queries held in host or device memory into outputs in host or device
    /// memory; arguments are already checked, the device lock is held.
    virtual void searchImpl_(idx_t n, const float* x, int k, float* distances, idx_t* labels,
                             const SearchParameters* params) const = 0;

    /// Add n vectors (host or device memory) through addImpl_, copying host data to
    /// the device in pieces. The caller holds the device lock with the device current.
    void addPaged_(idx_t n, const float* x, const idx_t* ids);

    /// Throws invalid_argument if p is device memory of another device; true when p
    /// is memory the device can read directly (its own device memory or managed).
    bool isDevicePointer_(const void* p) const;

    std::shared_ptr<GpuResources> resources_;
    const GpuIndexConfig config_;
    size_t minPagedSize_;
};

/// Whether index is a GPU index of this library.
bool isGpuIndex(const faiss::Index* index);

/// Whether a CPU index of this type can be copied to the GPU (IndexFlat family,
/// IndexIVFFlat, IndexIVFScalarQuantizer, IndexIVFPQ; L2 or inner product).
bool isGpuIndexImplemented(const faiss::Index* index);

}  // namespace gpu
}  // namespace faiss
