#pragma once

// IndexPQ: every vector stored as its product-quantizer code (faiss/quantizers/
// ProductQuantizer.h), searched exhaustively by asymmetric distance computation (ADC):
// per query, a table of M x ksub distances between the query's sub-vectors and the
// centroids, then for each stored code the sum of M table entries.
//
// Search types (search_type, or per call SearchParametersPQ):
//  - ST_PQ: ADC as above; metrics L2 and inner product, any nbits.
//  - ST_SDC: symmetric distances: the query is encoded too and the distance is the sum
//    of the M centroid-to-centroid distances of pq.sdc_table (computed for the call when
//    pq.sdc_table is empty).
//  - ST_HE: Hamming distance between the query's code and each stored code (all M * 8
//    bits), returned as integer-valued float distances.
//  - ST_generalized_HE: number of sub-codes that differ between query code and stored
//    code, returned as integer-valued float distances.
//  - ST_polysemous: only codes whose Hamming distance to the query's code is below
//    polysemous_ht get their ADC distance; the others are never returned. Meaningful
//    after polysemous training (PolysemousTraining.h), which orders each sub-quantizer's
//    centroids so that close centroids have close indices (Douze, Jegou, Perronnin,
//    "Polysemous codes", ECCV 2016).
//  - ST_polysemous_generalize: as ST_polysemous with the generalized Hamming distance.
// All search types but ST_PQ need METRIC_L2 and nbits == 8 (Hamming distance between
// sub-codes of other widths is not defined here) and throw FaissException (unsupported)
// otherwise; range_search supports ST_PQ only.
//
// Thread safety: as IndexFlatCodes (concurrent const calls; train / add / reset need
// exclusive access). Batches of queries are spread over OpenMP threads; fewer queries
// than threads (a single query) have their scan split over the threads instead (from
// 65536 codes per thread), with results identical to a sequential scan.

#include <faiss/IndexFlatCodes.h>
#include <faiss/PolysemousTraining.h>
#include <faiss/quantizers/ProductQuantizer.h>

namespace faiss {

struct IndexPQ : IndexFlatCodes {
    /// How search compares a query with the codes (values as in Faiss files).
    enum Search_type_t {
        ST_PQ,                     ///< asymmetric distances
        ST_HE,                     ///< Hamming distance on codes
        ST_generalized_HE,         ///< number of differing sub-codes
        ST_SDC,                    ///< symmetric distances
        ST_polysemous,             ///< Hamming filter then ADC
        ST_polysemous_generalize,  ///< generalized Hamming filter then ADC
    };

    /// The codec; trained by train().
    ProductQuantizer pq;

    Search_type_t search_type = ST_PQ;
    /// Stored in files; unused (as in current Faiss).
    bool encode_signs = false;
    /// Hamming threshold of the polysemous search types: codes at Hamming distance
    /// >= polysemous_ht from the query's code are skipped. Default M * nbits + 1 (none).
    int polysemous_ht = 0;
    /// When true, train() runs polysemous_training after the k-means, which permutes
    /// each sub-quantizer's centroids (ADC results are unchanged by it).
    bool do_polysemous_training = false;
    /// Options of the centroid permutation run by train() when do_polysemous_training.
    PolysemousTraining polysemous_training;

    /// Empty, untrained index (used by readers).
    IndexPQ();

    /// d-dimensional vectors, M sub-quantizers of nbits bits (1 .. 16), metric L2 or
    /// inner product.
    /// @throws FaissException (invalid_argument) for d % M != 0, bad nbits or d <= 0;
    /// (unsupported) for other metrics.
    IndexPQ(int d, size_t M, size_t nbits, MetricType metric = METRIC_L2);

    /// Train the product quantizer on n vectors x (n x d); n must be >= 2^nbits. Then,
    /// if do_polysemous_training, permute the centroids (polysemous_training) and fill
    /// pq.sdc_table.
    void train(idx_t n, const float* x) override;

    /// k-NN by the selected search type (see the file comment). distances / labels are
    /// n x k, best first, padded with -1 and +inf (L2) / -inf (IP). ADC distances are
    /// squared L2 between the query and the decoded vector, or their inner product.
    /// Honours params->sel; a SearchParametersPQ overrides search_type and (when > 0)
    /// polysemous_ht for this call.
    /// @throws FaissException (unsupported) for a non-ST_PQ type with nbits != 8 or a
    /// metric other than L2.
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
    /// Hamming threshold of the polysemous types for this call; 0 (default): the
    /// index's polysemous_ht.
    int polysemous_ht = 0;
};

/// Counters of IndexPQ searches (as Faiss's indexPQ_stats): queries, codes scanned and,
/// for the polysemous types, codes that passed the Hamming filter. Updated atomically by
/// every search; read them between searches.
struct IndexPQStats {
    size_t nq = 0;
    size_t ncode = 0;
    size_t n_hamming_pass = 0;
    void reset();
};

extern IndexPQStats indexPQ_stats;

}  // namespace faiss
