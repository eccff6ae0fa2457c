#pragma once

// Inverted file with raw float32 entries on one GPU (Faiss's GpuIndexIVFFlat): the
// counterpart of faiss::IndexIVFFlat. Within the probed lists the distances are exact,
// so with the same centroids and nprobe the results are those of the CPU IndexIVFFlat
// (ties aside). Metrics: METRIC_L2 and METRIC_INNER_PRODUCT.
//
// Memory: ntotal x d x 4 bytes of list entries plus 8 bytes of id each, and the
// nlist x d centroids (twice: quantizer and scan), on the index's device.
//
// See <faiss/gpu/GpuIndexIVF.h> for training, adding, search, limits and thread safety.

#include <faiss/IndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVF.h>

namespace faiss {
namespace gpu {

/// Options of a GpuIndexIVFFlat.
struct GpuIndexIVFFlatConfig : public GpuIndexIVFConfig {
    /// Faiss compatibility field: the lists always use the CPU layout here (d floats
    /// per entry); the value has no effect.
    bool interleavedLayout = true;
};

class GpuIndexIVFFlat : public GpuIndexIVF {
  public:
    /// A GPU copy of a CPU IndexIVFFlat (trained or not, with its lists).
    /// @throws FaissException: invalid_argument for null, unsupported for a metric other
    /// than L2 / inner product or d > 8192, cuda_error / out_of_memory from the device.
    GpuIndexIVFFlat(GpuResourcesProvider* provider, const faiss::IndexIVFFlat* index,
                    GpuIndexIVFFlatConfig config = GpuIndexIVFFlatConfig());

    /// An empty, untrained index with nlist lists of dimension dims.
    GpuIndexIVFFlat(GpuResourcesProvider* provider, int dims, idx_t nlist,
                    faiss::MetricType metric = faiss::METRIC_L2,
                    GpuIndexIVFFlatConfig config = GpuIndexIVFFlatConfig());

    ~GpuIndexIVFFlat() override;

    /// Replace this index's content by a copy of a CPU IndexIVFFlat (d, metric, nlist,
    /// nprobe, cp, centroids, lists).
    void copyFrom(const faiss::IndexIVFFlat* index);

    /// Replace a CPU IndexIVFFlat's content by this index's (see GpuIndexIVF::copyTo).
    void copyTo(faiss::IndexIVFFlat* index) const;

  protected:
    void uploadCodec_(detail::IvfCodecDevice& dev) override;
    void decode_(idx_t list, const uint8_t* code, float* out) const override;

  private:
    void installCodec_();
};

}  // namespace gpu
}  // namespace faiss
