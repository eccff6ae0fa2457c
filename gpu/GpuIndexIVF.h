#pragma once

// Base class of the GPU inverted-file indexes (Faiss's GpuIndexIVF): GpuIndexIVFFlat,
// GpuIndexIVFScalarQuantizer and GpuIndexIVFPQ. The counterpart of faiss::IndexIVF.
//
// Layout: the coarse quantizer is a GpuIndexFlat (nlist centroids, L2 or inner product)
// owned by the index and exposed as `quantizer`; the inverted lists live in device
// memory, one array of codes and one of int64 ids per list, in the CPU index's code
// layout (so copies to and from the CPU types move bytes, never re-encode). The host
// keeps the centroids and the codec parameters (and a mirror of the ids, for remove_ids
// and reconstruct).
//
// Training: k-means of the centroids on the GPU (faiss::Clustering with `quantizer` as
// the assignment index, parameters `cp`), then the codec's training on the CPU
// (scalar-quantizer ranges, PQ codebooks), with the vectors assigned on the GPU.
// Adding: vectors are assigned to lists on the GPU, encoded on the CPU with the CPU
// index's own encoder (the codes are the ones the CPU index would store), then appended
// to the device lists. Search: the nprobe nearest lists of each query (on the GPU), then
// every entry of those lists scored by a scan kernel, and a per-query k-selection.
//
// Limits: nprobe and k up to 2048 (getMaxKSelection; larger throws unsupported, as in
// Faiss); d up to 8192. Ids are stored as 64-bit integers (INDICES_64_BIT only).
// Not supported (unsupported): range_search, IDSelector search parameters. Of
// SearchParametersIVF only nprobe is used (max_codes and quantizer_params are ignored:
// every probed list is scanned whole).
//
// Pointers, errors, thread safety: as <faiss/gpu/GpuIndex.h>. search, reconstruct and
// the list getters may run from several threads; train, add, remove_ids, reset,
// copyFrom, updateQuantizer and changes of nprobe need exclusive access.

#include <faiss/Clustering.h>
#include <faiss/IndexIVF.h>
#include <faiss/gpu/GpuIndex.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/GpuIndicesOptions.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace faiss {
namespace gpu {

namespace detail {
class IVFLists;
struct IvfCodecDevice;
}  // namespace detail

/// Options of a GPU IVF index.
struct GpuIndexIVFConfig : public GpuIndexConfig {
    /// How ids are stored: only INDICES_64_BIT is supported (others are refused).
    IndicesOptions indicesOptions = INDICES_64_BIT;
    /// Options of the coarse quantizer (its device is always the index's).
    GpuIndexFlatConfig flatConfig;
    /// Faiss compatibility field: a CPU coarse quantizer is not supported; true is
    /// refused.
    bool allowCpuCoarseQuantizer = false;
};

class GpuIndexIVF : public GpuIndex {
  public:
    ~GpuIndexIVF() override;

    /// Read the centroids back from `quantizer` after it was changed by hand (its
    /// ntotal must be nlist); the lists are not re-assigned (Faiss's updateQuantizer).
    void updateQuantizer();

    /// Number of inverted lists (nlist).
    idx_t getNumLists() const;
    /// Entries in list listId. @throws invalid_argument outside [0, nlist).
    idx_t getListLength(idx_t listId) const;
    /// Ids of the entries of list listId (host copy).
    std::vector<idx_t> getListIndices(idx_t listId) const;
    /// Codes of list listId (host copy, getListLength x code size bytes, the CPU
    /// layout; gpuFormat is accepted for Faiss compatibility: the layouts are the same).
    std::vector<uint8_t> getListVectorData(idx_t listId, bool gpuFormat = false) const;

    /// The coarse quantizer (owned by this index).
    GpuIndexFlat* getQuantizer();

    /// Reserve device memory for numVecs entries spread evenly over the lists.
    void reserveMemory(size_t numVecs);
    /// Faiss compatibility: the lists grow by 1.5x and are not trimmed; returns 0.
    size_t reclaimMemory();

    /// Drop every entry (training kept).
    void reset() override;

    /// k-means of the nlist centroids on the GPU (unless the quantizer already holds
    /// them) and the codec's training, on n vectors x (n x d, host or device). Does
    /// nothing when already trained (as Faiss). @throws invalid_argument for n < nlist.
    void train(idx_t n, const float* x) override;

    /// Add n vectors (host or device, n x d) with ids xids (host, n), or ntotal,
    /// ntotal + 1 ... when xids is null. A vector with NaN components is counted in
    /// ntotal but stored in no list (as the CPU index). @throws not_trained.
    void add_with_ids(idx_t n, const float* x, const idx_t* xids) override;

    /// Remove the entries whose id sel accepts; returns how many.
    size_t remove_ids(const IDSelector& sel) override;

    /// The stored (decoded) vector with id key into recons (d floats, host or device).
    /// @throws invalid_argument when no entry has that id.
    void reconstruct(idx_t key, float* recons) const override;
    /// Vectors with ids i0 .. i0 + ni - 1 (ni x d, host or device).
    void reconstruct_n(idx_t i0, idx_t ni, float* recons) const override;
    /// Vectors with ids keys[0..n) (host) into recons (n x d, host or device).
    void reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const override;

    /// Not supported on the GPU (unsupported).
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// k-means parameters of train() (niter 10 by default, as IndexIVF).
    ClusteringParameters cp;
    /// Number of inverted lists.
    idx_t nlist;
    /// Lists visited per query (1 .. 2048; above nlist it is clamped to nlist).
    /// SearchParametersIVF::nprobe overrides it per call.
    size_t nprobe = 1;
    /// The coarse quantizer, a GpuIndexFlat owned by this index (see getQuantizer).
    faiss::Index* quantizer = nullptr;

  protected:
    /// dims, nlist > 0, metric L2 or inner product. @throws invalid_argument /
    /// unsupported for bad values or options.
    GpuIndexIVF(GpuResourcesProvider* provider, int dims, faiss::MetricType metric, float metricArg,
                idx_t nlist, GpuIndexIVFConfig config);

    /// Copy the IVF part of a CPU index (d, metric, nlist, nprobe, cp, centroids, lists)
    /// into this index; the subclasses' copyFrom install a codec of the CPU index's type
    /// (setCodec_) and then call this. @throws invalid_argument / unsupported for a CPU
    /// index that does not fit (code size, d, metric, quantizer).
    void copyFrom(const faiss::IndexIVF* index);
    /// The checks of copyFrom that do not depend on the codec (subclasses run them
    /// before changing anything).
    static void checkCopySource_(const faiss::IndexIVF* index);

    /// Write the IVF part into a CPU index of the matching type: a new IndexFlatL2 /
    /// IndexFlatIP quantizer (owned, own_fields set) with the centroids, new
    /// ArrayInvertedLists (owned) with the lists, no direct map.
    void copyTo(faiss::IndexIVF* index) const;

    /// Install the host codec (a CPU index of the matching type with an IndexFlat
    /// quantizer and empty lists; its is_trained field means "encoder trained") and
    /// allocate empty device lists for its code size.
    void setCodec_(std::unique_ptr<faiss::IndexIVF> codec);

    /// The subclass's codec parameters moved to the device (called with the device
    /// lock held after training and copies); fills the scan's codec fields.
    virtual void uploadCodec_(detail::IvfCodecDevice& dev) = 0;

    /// Decode one code of list `list` into out (d floats, host).
    virtual void decode_(idx_t list, const uint8_t* code, float* out) const = 0;

    bool addImplRequiresIDs_() const override;
    void addImpl_(idx_t n, const float* x, const idx_t* ids) override;
    void searchImpl_(idx_t n, const float* x, int k, float* distances, idx_t* labels,
                     const SearchParameters* params) const override;

    /// The host codec (its quantizer holds the centroids on the host).
    std::unique_ptr<faiss::IndexIVF> codec_;

  private:
    void addHost_(idx_t n, const float* x, const idx_t* ids);
    void uploadAll_();
    void checkList_(idx_t listId) const;

    const GpuIndexIVFConfig ivfConfig_;
    std::unique_ptr<GpuIndexFlat> ownedQuantizer_;
    std::unique_ptr<detail::IVFLists> lists_;
    std::unique_ptr<detail::IvfCodecDevice> codecDev_;
};

}  // namespace gpu
}  // namespace faiss
