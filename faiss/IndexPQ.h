#pragma once

// IndexPQ: every vector stored as its product-quantizer code (faiss/quantizers/
// ProductQuantizer.h), searched exhaustively by asymmetric distance computation (ADC):
// per query, a table of M x ksub distances between the query's sub-vectors and the
// centroids, then for each stored code the sum of M table entries.
//
// Supported: metrics L2 and inner product, search_type ST_PQ. The polysemous / Hamming
// search types (ST_HE, ST_generalized_HE, ST_SDC, ST_polysemous,
// ST_polysemous_generalize) are not implemented: search throws FaissException
// (unsupported) when one is selected. Polysemous training is likewise not implemented
// (do_polysemous_training = true makes train() throw). The fields exist so Faiss code and
// files keep their meaning.
//
// Thread safety: as IndexFlatCodes (concurrent const calls; train / add / reset need
// exclusive access). Batches of queries are spread over OpenMP threads; fewer queries
// than threads (a single query) have their scan split over the threads instead (from
// 65536 codes per thread), with results identical to a sequential scan.

#include <faiss/IndexFlatCodes.h>
#include <faiss/quantizers/ProductQuantizer.h>

namespace faiss {

struct IndexPQ : IndexFlatCodes {
    /// How search compares a query with the codes (values as in Faiss files).
    enum Search_type_t {
        ST_PQ,                     ///< asymmetric distances (the only one supported)
        ST_HE,                     ///< Hamming distance on codes (unsupported)
        ST_generalized_HE,         ///< (unsupported)
        ST_SDC,                    ///< symmetric distances (unsupported)
        ST_polysemous,             ///< Hamming filter then ADC (unsupported)
        ST_polysemous_generalize,  ///< (unsupported)
    };

    /// The codec; trained by train().
    ProductQuantizer pq;

    Search_type_t search_type = ST_PQ;
    /// Stored in files; unused (polysemous search is not implemented).
    bool encode_signs = false;
    /// Hamming threshold of polysemous search; stored in files, unused. Default M*nbits+1.
    int polysemous_ht = 0;
    /// Must stay false: polysemous training is not implemented.
    bool do_polysemous_training = false;

    /// Empty, untrained index (used by readers).
    IndexPQ();

    /// d-dimensional vectors, M sub-quantizers of nbits bits (1 .. 16), metric L2 or
    /// inner product.
    /// @throws FaissException (invalid_argument) for d % M != 0, bad nbits or d <= 0;
    /// (unsupported) for other metrics.
    IndexPQ(int d, size_t M, size_t nbits, MetricType metric = METRIC_L2);

    /// Train the product quantizer on n vectors x (n x d); n must be >= 2^nbits.
    void train(idx_t n, const float* x) override;

    /// k-NN by ADC. distances / labels are n x k, best first, padded with -1 and +inf
    /// (L2) / -inf (IP). Distances are the ADC estimates: squared L2 between the query
    /// and the decoded vector, or their inner product. Honours params->sel; a
    /// SearchParametersPQ may override search_type (only ST_PQ is accepted).
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// All stored vectors whose ADC distance is below radius (L2) or similarity above
    /// radius (IP).
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Encode n vectors (n x d) into bytes (n x pq.code_size). Needs a trained index.
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    /// Decode n codes into x (n x d).
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

    /// As IndexFlatCodes, and the product quantizers must be identical (same M, nbits
    /// and centroids): codes of different codebooks cannot share one index.
    void check_compatible_for_merge(const Index& other) const override;
};

/// Per-call options of IndexPQ::search.
struct SearchParametersPQ : SearchParameters {
    IndexPQ::Search_type_t search_type = IndexPQ::ST_PQ;
    int polysemous_ht = 0;  ///< unused (polysemous search is not implemented)
};

}  // namespace faiss
