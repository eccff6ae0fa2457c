#pragma once

// IndexIVFPQ: an IVF index whose list entries are product-quantizer codes (Jégou, Douze &
// Schmid, "Product quantization for nearest neighbor search", TPAMI 2011, section IV,
// "IVFADC"). With by_residual (the default) a vector x assigned to list l is stored as the
// PQ code of x - centroid[l]; otherwise as the PQ code of x.
//
// Search compares the query with the codes of the probed lists by asymmetric distance
// computation: one table of M x ksub terms per (query, list), then M look-ups per code.
// For L2 with by_residual the table splits as
//   ||x - c - r||^2 = ||x - c||^2 + (||r||^2 + 2 <c, r>) - 2 <x, r>,
// the first term is the coarse distance, the second depends only on the list (the
// precomputed table, use_precomputed_table = 1), the third only on the query, so a list
// costs M x ksub additions instead of a residual distance table. Inner product with
// by_residual: <x, c + r> = <x, c> + <x, r>, one query table for every list.
// Distances returned are those ADC estimates: squared L2 to (or inner product with) the
// decoded vector, up to float rounding. As in Faiss, search_preassigned must be given the
// coarse distances (centroid_dis) when by_residual is set and the table uses them (L2
// with the precomputed table, inner product); without them that term is taken as 0.
//
// Supported: METRIC_L2 and METRIC_INNER_PRODUCT; nbits 1 .. 16 (nbits = 8 has a
// dedicated byte look-up loop, other widths go through a bit-stream decoder); selectors;
// range search; remove_ids, direct maps, merge_from (identical product quantizers only).
// Polysemous training (do_polysemous_training, PolysemousTraining.h) renumbers the PQ
// centroids after training; ADC results are unaffected.
// polysemous_ht > 0 turns on the polysemous filter of the scan (nbits == 8 and METRIC_L2
// only): a code gets its ADC distance only when its Hamming distance to the query's code
// in that list is below polysemous_ht.
// Not supported (throw FaissException unsupported): polysemous_ht > 0 with nbits != 8 or
// inner product, use_precomputed_table = 2 (the MultiIndexQuantizer layout).
//
// Files (FAISS_FORMAT.md §9, tag "IwPQ"): the IVF header, by_residual, code_size, pq, the
// inverted lists. polysemous_ht, scan_table_threshold, do_polysemous_training,
// use_precomputed_table and precomputed_table are not stored; a reader calls
// precompute_table() again for trained by_residual indexes.
//
// Thread safety: as IndexIVF. precompute_table() and changes to pq need exclusive access.

#include <faiss/IndexIVF.h>
#include <faiss/PolysemousTraining.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

/// Largest precomputed table (bytes) precompute_table() builds when use_precomputed_table
/// is 0; above it the table is skipped and residual tables are computed per list (as
/// Faiss's precomputed_table_max_bytes).
extern size_t precomputed_table_max_bytes;

struct IndexIVFPQ : IndexIVF {
    ProductQuantizer pq;  ///< codec of the residuals (or of the vectors if !by_residual)

    /// When true, training renumbers the PQ centroids for Hamming comparisons
    /// (PolysemousTraining.h) after the k-means.
    bool do_polysemous_training = false;
    /// Options of that training; not owned; nullptr (default): default options.
    PolysemousTraining* polysemous_training = nullptr;
    /// Lists with fewer codes than this are scanned by decoding each code and computing
    /// its distance directly, skipping the per-list table. 0 (default): always a table.
    size_t scan_table_threshold = 0;
    /// Hamming threshold of the polysemous scan filter; 0 (default): no filter.
    int polysemous_ht = 0;
    /// -1: never use a precomputed table; 0: not built (precompute_table() decides);
    /// 1: built (L2 with by_residual only); 2: unsupported (MultiIndexQuantizer layout).
    int use_precomputed_table = 0;
    /// nlist x M x ksub floats, entry (l * M + m) * ksub + j = ||r_mj||^2 + 2 <c_l,m, r_mj>
    /// for centroid c_l and sub-centroid r_mj. Empty unless use_precomputed_table == 1.
    std::vector<float> precomputed_table;

    /// quantizer: d-dimensional coarse quantizer (nlist centroids, trained or to be
    /// trained; not owned unless own_fields is set). M sub-quantizers of nbits bits.
    /// @throws FaissException (invalid_argument) for a null quantizer, d mismatch,
    /// nlist <= 0, M == 0, d % M != 0, nbits outside 1 .. 16; (unsupported) for a metric
    /// other than L2 / inner product.
    IndexIVFPQ(Index* quantizer, size_t d, size_t nlist, size_t M, size_t nbits_per_idx,
               MetricType metric = METRIC_L2);
    /// Empty shell for readers.
    IndexIVFPQ();

    /// Coarse k-means (unless the quantizer holds nlist centroids), then the PQ on the
    /// residuals of at most pq.ksub * pq.cp.max_points_per_centroid of the vectors (a
    /// seeded sample, as Faiss). Needs n >= nlist and n >= 2^nbits training vectors x
    /// (n x d).
    void train(idx_t n, const float* x) override;

    /// PQ training on x (n x d), residuals to the centroids assign (n) when by_residual;
    /// then polysemous training when do_polysemous_training, then precompute_table() when
    /// by_residual.
    void train_encoder(idx_t n, const float* x, const idx_t* assign) override;

    /// Codes (n x code_size) of x (n x d) assigned to lists list_nos (n; -1: the code is
    /// left zero).
    void encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                        uint8_t* codes) const override;

    /// Code of one vector x for list key (as Faiss's encode).
    void encode(idx_t key, const float* x, uint8_t* code) const;
    /// Codes of n vectors; with compute_keys the lists are assigned first into keys (n).
    void encode_multiple(size_t n, idx_t* keys, const float* x, uint8_t* codes,
                         bool compute_keys = false) const;
    /// Decode n codes (n x code_size) stored in lists keys (n) into x (n x d).
    void decode_multiple(size_t n, const idx_t* keys, const uint8_t* xcodes, float* x) const;

    /// Look-up-table scanner (one per thread; holds the query tables).
    /// @throws FaissException (unsupported) for polysemous_ht > 0 with nbits != 8 or
    /// inner product, or use_precomputed_table == 2.
    InvertedListScanner* get_InvertedListScanner(bool store_pairs = false,
                                                 const IDSelector* sel = nullptr) const override;

    /// Decoded entry offset of list list_no (centroid added back when by_residual).
    void reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const override;

    /// Standalone codes: the list number (little-endian, the fewest bytes that hold
    /// nlist - 1) followed by the PQ code, as Faiss's IndexIVF codec.
    size_t sa_code_size() const override;
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

    /// As IndexIVF, and the product quantizers must be identical.
    void check_compatible_for_merge(const Index& other) const override;

    /// Build precomputed_table when it pays: L2 metric, by_residual, use_precomputed_table
    /// not -1, and (when it is 0) the table fits in precomputed_table_max_bytes; sets
    /// use_precomputed_table to 1 then. Otherwise leaves the table empty.
    /// @throws FaissException (unsupported) for use_precomputed_table == 2.
    void precompute_table();

  private:
    size_t coarse_code_size() const;

  private:
    // Polysemous renumbering of pq after its k-means (no-op unless
    // do_polysemous_training); x (n x d) are the PQ training vectors.
    void optimize_for_hamming(size_t n, const float* x);
};

}  // namespace faiss
