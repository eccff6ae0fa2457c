#pragma once

// IndexIVFScalarQuantizer: an IVF index whose list entries are ScalarQuantizer codes
// (faiss/quantizers/ScalarQuantizer.h). With by_residual (the default, as Faiss), each
// entry encodes x - centroid[list] and the quantizer is trained on those residuals, which
// spreads the quantization levels over a much smaller range than the raw vectors.
//
// Search compares the query with the codes directly (code-domain SIMD kernels, no
// decoding to floats). L2 with residuals scans with the query minus the list centroid;
// inner product with residuals adds <query, centroid> to <query, residual>.
// Metrics: METRIC_L2 and METRIC_INNER_PRODUCT.
//
// Files (FAISS_FORMAT.md §10.3, tag "IwSq"): IVF header, sq (ScalarQuantizer record),
// code_size, by_residual, inverted lists. code_size always equals sq.code_size.
//
// Standalone codec (sa_encode / sa_decode): the list number on coarse_code_size() bytes,
// little-endian, followed by the SQ code, as Faiss's IVF codes.
//
// Thread safety: as IndexIVF.

#include <faiss/IndexIVF.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss {

struct IndexIVFScalarQuantizer : IndexIVF {
    /// The codec of the list entries; its fields map 1:1 onto the Faiss file record.
    ScalarQuantizer sq;

    /// quantizer: d-dimensional coarse quantizer with (or to be trained to) nlist
    /// centroids; not owned unless own_fields is set. The index is trained once the
    /// quantizer holds its centroids and sq needs no training (fp16, bf16, direct types).
    /// @throws FaissException (invalid_argument) for a null quantizer, dimension mismatch,
    /// nlist <= 0, an unknown qtype; (unsupported) for a metric other than L2 / inner
    /// product or an unimplemented qtype.
    IndexIVFScalarQuantizer(Index* quantizer, size_t d, size_t nlist,
                            ScalarQuantizer::QuantizerType qtype, MetricType metric = METRIC_L2,
                            bool by_residual = true);
    IndexIVFScalarQuantizer();

    /// Train sq on x (n x d), on the residuals to the centroids assign (n) when
    /// by_residual.
    void train_encoder(idx_t n, const float* x, const idx_t* assign) override;

    /// SQ codes (n x code_size) of x (n x d), of x - centroid[list_nos[i]] when
    /// by_residual; a vector with list -1 gets an all-zero code. @throws not_trained.
    void encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                        uint8_t* codes) const override;

    /// Scanner computing distances on the codes with the SQ kernels.
    InvertedListScanner* get_InvertedListScanner(bool store_pairs = false,
                                                 const IDSelector* sel = nullptr) const override;

    /// Decoded entry (d floats), centroid added back when by_residual.
    void reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const override;

    /// Bytes needed for a list number in [0, nlist): 0 for nlist = 1.
    size_t coarse_code_size() const;

    /// coarse_code_size() + code_size.
    size_t sa_code_size() const override;

    /// Assign the n vectors x (n x d) to lists and write list number + SQ code for each
    /// (n x sa_code_size() bytes). @throws not_trained.
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;

    /// Decode n codes made by sa_encode into x (n x d). @throws invalid_argument for a
    /// list number outside [0, nlist).
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

    /// As IndexIVF, plus the same SQ type and trained ranges.
    void check_compatible_for_merge(const Index& other) const override;
};

}  // namespace faiss
