#pragma once

// IndexIVFFlat: an IVF index whose codes are the raw vectors (d float32, code_size =
// 4 * d, no residual), so search is exact inside the visited lists: with nprobe = nlist
// it returns the IndexFlat results. Metrics: METRIC_L2 and METRIC_INNER_PRODUCT.
// File format: tag "IwFl" (FAISS_FORMAT.md §8).
//
// Thread safety: as IndexIVF.

#include <faiss/IndexIVF.h>

namespace faiss {

struct IndexIVFFlat : IndexIVF {
    /// quantizer: d-dimensional coarse quantizer with (or to be trained to) nlist
    /// centroids; not owned unless own_fields is set.
    /// @throws FaissException (invalid_argument) for a null quantizer, dimension
    /// mismatch, nlist <= 0; (unsupported) for a metric other than L2 / inner product.
    IndexIVFFlat(Index* quantizer, size_t d, size_t nlist, MetricType metric = METRIC_L2);
    IndexIVFFlat();

    /// Codes are the vectors' bytes (n x 4d); list_nos is not used.
    void encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                        uint8_t* codes) const override;

    /// Scanner computing exact distances with the batched SIMD kernels.
    InvertedListScanner* get_InvertedListScanner(bool store_pairs = false,
                                                 const IDSelector* sel = nullptr) const override;

    /// Copy of the stored vector (d floats).
    void reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const override;
};

}  // namespace faiss
