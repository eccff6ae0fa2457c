#pragma once

// Inverted file with product-quantizer entries on one GPU (Faiss's GpuIndexIVFPQ): the
// counterpart of faiss::IndexIVFPQ with 8-bit sub-codes (nbits = 8, ksub = 256), M
// sub-quantizers dividing d (the usual M: 1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48,
// 56, 64, 96 ...), residual encoding (by_residual) as the CPU index.
//
// Search: for each (query, probed list) the scan builds the M x 256 distance table in
// shared memory (L2 with residuals: ||q - c - r_mj||^2 directly, inner product:
// <q, r_mj> plus <q, c> once) and sums M table entries per code. This gives the ADC
// distances of the CPU index (up to float rounding: the CPU splits the L2 table into a
// precomputed term and a query term). usePrecomputedTables / setPrecomputedCodes are
// accepted for compatibility: the per-list table is built on the fly either way.
// Metrics: METRIC_L2 and METRIC_INNER_PRODUCT. Refused (unsupported): nbits != 8, M
// whose table does not fit the device's shared memory (M x 1 KiB + 4d bytes <= 226 KiB).
//
// Memory: ntotal x M bytes of codes plus 8 bytes of id each, the centroids and the
// codebooks (M x 256 x d / M floats), on the index's device.
//
// See <faiss/gpu/GpuIndexIVF.h> for training, adding, search, limits and thread safety.

#include <faiss/IndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVF.h>
#include <faiss/quantizers/ProductQuantizer.h>

namespace faiss {
namespace gpu {

/// Options of a GpuIndexIVFPQ.
struct GpuIndexIVFPQConfig : public GpuIndexIVFConfig {
    /// Faiss compatibility field: tables are float32 here; no effect.
    bool useFloat16LookupTables = false;
    /// Faiss compatibility field (see the file comment): recorded, no effect on results.
    bool usePrecomputedTables = false;
    /// Faiss compatibility field: the lists always use the CPU layout here; no effect.
    bool interleavedLayout = false;
    /// Faiss compatibility field: no effect.
    bool useMMCodeDistance = false;
};

class GpuIndexIVFPQ : public GpuIndexIVF {
  public:
    /// A GPU copy of a CPU IndexIVFPQ (trained or not, with its lists).
    /// @throws FaissException: invalid_argument for null; unsupported for nbits != 8,
    /// polysemous_ht > 0, a metric other than L2 / inner product, d > 8192, too large M.
    GpuIndexIVFPQ(GpuResourcesProvider* provider, const faiss::IndexIVFPQ* index,
                  GpuIndexIVFPQConfig config = GpuIndexIVFPQConfig());

    /// An empty, untrained index: nlist lists, subQuantizers (M, dividing dims) codes of
    /// bitsPerCode (8) bits.
    GpuIndexIVFPQ(GpuResourcesProvider* provider, int dims, idx_t nlist, idx_t subQuantizers,
                  idx_t bitsPerCode, faiss::MetricType metric = faiss::METRIC_L2,
                  GpuIndexIVFPQConfig config = GpuIndexIVFPQConfig());

    ~GpuIndexIVFPQ() override;

    /// Replace this index's content by a copy of a CPU IndexIVFPQ.
    void copyFrom(const faiss::IndexIVFPQ* index);

    /// Replace a CPU IndexIVFPQ's content by this index's, then precompute_table() on
    /// it (as the file reader does).
    void copyTo(faiss::IndexIVFPQ* index) const;

    /// Recorded for compatibility (see the file comment).
    void setPrecomputedCodes(bool enable);
    bool getPrecomputedCodes() const;

    /// M.
    int getNumSubQuantizers() const;
    /// nbits (8).
    int getBitsPerCode() const;
    /// ksub (256).
    int getCentroidsPerSubQuantizer() const;

    /// The codec (a copy kept in step with the one used for encoding; read-only for
    /// users).
    faiss::ProductQuantizer pq;

  protected:
    void uploadCodec_(detail::IvfCodecDevice& dev) override;
    void decode_(idx_t list, const uint8_t* code, float* out) const override;

  private:
    void installCodec_(size_t M, size_t nbits, bool residual);

    bool usePrecomputed_;
};

}  // namespace gpu
}  // namespace faiss
