#pragma once

// Flat index of scalar-quantized vectors: every vector is stored as one ScalarQuantizer
// code (faiss/quantizers/ScalarQuantizer.h) and search scans all codes, computing the
// distances on the codes without decoding them to floats first.
//
// Metrics: METRIC_L2 (squared distances) and METRIC_INNER_PRODUCT.
// Training: the range types (QT_8bit, QT_4bit, QT_6bit, *_uniform) must be trained
// before add/search; QT_fp16, QT_bf16 and the direct types are trained from the start.
//
// Thread safety: search, range_search, reconstruct* and sa_* may run concurrently;
// train, add, reset, remove_ids and merge_from need exclusive access.

#include <faiss/IndexFlatCodes.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss {

struct IndexScalarQuantizer : IndexFlatCodes {
    /// The codec; its fields map 1:1 onto the Faiss file record.
    ScalarQuantizer sq;

    /// @throws FaissException: invalid_argument for d < 0 or an unknown qtype,
    /// unsupported for a metric other than L2 / inner product or an unimplemented qtype.
    IndexScalarQuantizer(int d, ScalarQuantizer::QuantizerType qtype,
                         MetricType metric = METRIC_L2);
    IndexScalarQuantizer();

    /// Learn the quantizer ranges from n vectors x (n x d); non-finite values are
    /// rejected (invalid_argument).
    void train(idx_t n, const float* x) override;

    /// k nearest codes of each of the n queries x (n x d) into distances and labels
    /// (n x k), sorted best first, ties by smaller id, padded with (-1, +inf) or
    /// (-1, -inf) for inner product. Distances are those of the decoded vectors.
    /// Honours params->sel. @throws not_trained before training.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// All codes with distance < radius (inner product: similarity > radius) for each
    /// of the n queries into result (made with nq = n). Honours params->sel.
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Encode n vectors x (n x d) into bytes (n x code_size). @throws not_trained.
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;

    /// As IndexFlatCodes, plus the same quantizer type, range statistic and trained
    /// ranges (codes of differently trained quantizers do not mean the same vectors).
    void check_compatible_for_merge(const Index& other) const override;

    /// Decode n codes (n x code_size bytes) into x (n x d). @throws not_trained.
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;
};

}  // namespace faiss

// Faiss declares the IVF variant in this header; code that includes only this one finds it.
#include <faiss/IndexIVFScalarQuantizer.h>
