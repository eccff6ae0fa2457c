#pragma once

// Scalar quantizer: encodes each component of a d-dimensional float vector on its own,
// with 4, 6 or 8 bits on a trained range, or as a 16-bit float. Code layouts follow
// Faiss byte for byte (see shared/FAISS_FORMAT.md section 10), so codes and trained
// parameters can be exchanged with Faiss files.
//
// Range-based types (QT_8bit, QT_4bit, QT_6bit, and the _uniform variants) map
// x -> u = clamp((x - vmin) / vdiff, 0, 1) -> q = trunc(u * (2^bits - 1)), and decode
// q -> vmin + vdiff * (q + 0.5) / (2^bits - 1). A component that is NaN, or a dimension
// with vdiff = 0, encodes as q = 0. fp16 rounds to nearest with ties away from zero
// and bf16 adds 0x8000 to the float bits before truncating, both as faiss-cpu does
// (checked byte for byte against faiss-cpu 1.15.1 for QT 0-8).
//
// Thread safety: after train(), all const methods may run concurrently. train() and
// changing the public fields need exclusive access.

#include <faiss/MetricType.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct ScalarQuantizer {
    /// Faiss's values (they are stored in index files).
    enum QuantizerType {
        QT_8bit = 0,                ///< 8 bits per component, range per dimension
        QT_4bit = 1,                ///< 4 bits per component, range per dimension
        QT_8bit_uniform = 2,        ///< 8 bits, one range for all dimensions
        QT_4bit_uniform = 3,        ///< 4 bits, one range for all dimensions
        QT_fp16 = 4,                ///< IEEE half float per component
        QT_8bit_direct = 5,         ///< byte = (uint8)x, for x already in [0, 255]
        QT_6bit = 6,                ///< 6 bits per component, range per dimension
        QT_bf16 = 7,                ///< bfloat16 per component
        QT_8bit_direct_signed = 8,  ///< byte = (uint8)(x + 128), for x in [-128, 127]
    };

    /// How train() chooses [vmin, vmin + vdiff] from the training values of a range.
    enum RangeStat {
        RS_minmax = 0,     ///< [min, max], widened by rangestat_arg * (max - min) each side
        RS_meanstd = 1,    ///< mean -/+ rangestat_arg * std
        RS_quantiles = 2,  ///< the rangestat_arg and 1 - rangestat_arg quantiles
        RS_optim = 3,      ///< not supported here: train() throws
    };

    QuantizerType qtype = QT_8bit;
    RangeStat rangestat = RS_minmax;
    float rangestat_arg = 0;
    /// Vector dimension.
    size_t d = 0;
    /// Bits per component (4, 6, 8 or 16).
    size_t bits = 0;
    /// Bytes per encoded vector (set_derived_sizes).
    size_t code_size = 0;
    /// Trained parameters, Faiss's layout: vmin[d] then vdiff[d] for the per-dimension
    /// range types, vmin, vdiff for the uniform ones, empty for the others.
    std::vector<float> trained;

    ScalarQuantizer() = default;
    /// @throws FaissException: unsupported for a qtype value this library does not
    /// implement, invalid_argument for an unknown one.
    ScalarQuantizer(size_t d, QuantizerType qtype);

    /// Recompute bits and code_size from qtype and d (checks qtype as the constructor).
    void set_derived_sizes();

    /// True when qtype has parameters to learn (the range types).
    bool needs_training() const;
    /// Number of floats `trained` holds once trained (0 for types without training).
    size_t trained_size() const;
    /// True when encode/decode may run: no training needed or `trained` is filled.
    bool is_ready() const;

    /// Learn the ranges from n training vectors x (n x d). No-op for types that need
    /// no training. @throws invalid_argument for n <= 0 (range types), null x,
    /// non-finite values; unsupported for RS_optim or an unknown rangestat.
    void train(size_t n, const float* x);

    /// Encode n vectors x (n x d) into codes (n x code_size bytes). @throws not_trained.
    void compute_codes(const float* x, uint8_t* codes, size_t n) const;

    /// Decode n codes (n x code_size bytes) into x (n x d floats). @throws not_trained.
    void decode(const uint8_t* codes, float* x, size_t n) const;

    /// out[i] = distance between query x (d floats) and decoded code i, for the n codes
    /// (n x code_size bytes), computed on the codes directly: squared L2 for METRIC_L2,
    /// inner product for METRIC_INNER_PRODUCT. @throws unsupported for other metrics.
    void compute_distances(MetricType metric, const float* x, const uint8_t* codes, size_t n,
                           float* out) const;
};

}  // namespace faiss
