#pragma once

// Inverted file with scalar-quantizer entries on one GPU (Faiss's
// GpuIndexIVFScalarQuantizer): the counterpart of faiss::IndexIVFScalarQuantizer for
// QT_8bit (one byte per component on a trained per-dimension range) and QT_fp16 (IEEE
// half per component), with or without residual encoding (by_residual, default on).
// The list entries are the CPU index's codes; the scan decodes each component as the CPU
// decoder does (vmin + vdiff * (q + 0.5) / 255, or the half value) and compares it with
// the query in float32, so distances equal the CPU's up to float rounding.
// Metrics: METRIC_L2 and METRIC_INNER_PRODUCT. Other quantizer types are refused
// (unsupported).
//
// Memory: ntotal x (d or 2d) bytes of codes plus 8 bytes of id each, the centroids and
// the ranges (2d floats), on the index's device.
//
// See <faiss/gpu/GpuIndexIVF.h> for training, adding, search, limits and thread safety.

#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/gpu/GpuIndexIVF.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss {
namespace gpu {

/// Options of a GpuIndexIVFScalarQuantizer.
struct GpuIndexIVFScalarQuantizerConfig : public GpuIndexIVFConfig {
    /// Faiss compatibility field: the lists always use the CPU layout here; no effect.
    bool interleavedLayout = true;
};

class GpuIndexIVFScalarQuantizer : public GpuIndexIVF {
  public:
    /// A GPU copy of a CPU IndexIVFScalarQuantizer (trained or not, with its lists).
    /// @throws FaissException: invalid_argument for null; unsupported for a qtype other
    /// than QT_8bit / QT_fp16, a metric other than L2 / inner product, d > 8192.
    GpuIndexIVFScalarQuantizer(
        GpuResourcesProvider* provider, const faiss::IndexIVFScalarQuantizer* index,
        GpuIndexIVFScalarQuantizerConfig config = GpuIndexIVFScalarQuantizerConfig());

    /// An empty, untrained index: nlist lists, quantizer type qtype (QT_8bit or
    /// QT_fp16), residual encoding when encodeResidual.
    GpuIndexIVFScalarQuantizer(
        GpuResourcesProvider* provider, int dims, idx_t nlist,
        faiss::ScalarQuantizer::QuantizerType qtype, faiss::MetricType metric = faiss::METRIC_L2,
        bool encodeResidual = true,
        GpuIndexIVFScalarQuantizerConfig config = GpuIndexIVFScalarQuantizerConfig());

    ~GpuIndexIVFScalarQuantizer() override;

    /// Replace this index's content by a copy of a CPU IndexIVFScalarQuantizer.
    void copyFrom(const faiss::IndexIVFScalarQuantizer* index);

    /// Replace a CPU IndexIVFScalarQuantizer's content by this index's.
    void copyTo(faiss::IndexIVFScalarQuantizer* index) const;

    /// The codec (a copy kept in step with the one used for encoding; read-only for
    /// users: changing it does not change the index).
    faiss::ScalarQuantizer sq;
    /// Whether entries encode x - centroid (read-only for users).
    bool by_residual = true;

  protected:
    void uploadCodec_(detail::IvfCodecDevice& dev) override;
    void decode_(idx_t list, const uint8_t* code, float* out) const override;

  private:
    void installCodec_(faiss::ScalarQuantizer::QuantizerType qtype, bool residual);
};

}  // namespace gpu
}  // namespace faiss
