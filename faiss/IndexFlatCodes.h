#pragma once

// Base class of the indexes that store one fixed-size code per vector in a flat array
// and search it exhaustively (IndexFlat, and codec indexes such as scalar or product
// quantizers). A subclass provides the codec through sa_encode / sa_decode; this class
// provides storage, add, removal, reconstruction, merging, and a generic exact search
// over the decoded vectors (subclasses may replace it with a faster one).
//
// Thread safety: as Index. search, range_search, reconstruct* and sa_* may run
// concurrently; add, reset, remove_ids, merge_from, permute_entries need exclusive
// access.

#include <faiss/Index.h>
#include <faiss/impl/maybe_owned_vector.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct IndexFlatCodes : Index {
    /// Bytes per stored vector.
    size_t code_size;
    /// ntotal x code_size bytes; code i is at codes.data() + i * code_size. Owned, or a
    /// view of the index file when read with IO_FLAG_MMAP (then a read-only view throws
    /// on add / reset / remove_ids / merge_from / permute_entries, and a copy-on-write
    /// view is copied into memory by the first of them; see maybe_owned_vector.h).
    MaybeOwnedVector<uint8_t> codes;

    IndexFlatCodes();
    /// @throws FaissException (invalid_argument) for d < 0 or an unknown metric.
    IndexFlatCodes(size_t code_size, idx_t d, MetricType metric = METRIC_L2);

    /// Encode n vectors x (n x d) with sa_encode and append them (ids ntotal ...).
    void add(idx_t n, const float* x) override;

    /// Append n ready-made codes (n x code_size bytes). xids must be null: a flat code
    /// index numbers its vectors sequentially.
    virtual void add_sa_codes(idx_t n, const uint8_t* codes_in, const idx_t* xids = nullptr);

    /// Drop every vector.
    void reset() override;

    /// Decode vectors i0 .. i0 + ni - 1 into recons (ni x d).
    void reconstruct_n(idx_t i0, idx_t ni, float* recons) const override;

    /// Decode vector key into recons (d floats). @throws for key outside [0, ntotal).
    void reconstruct(idx_t key, float* recons) const override;

    /// code_size.
    size_t sa_code_size() const override;

    /// Remove the vectors sel accepts and compact the rest, which are renumbered in
    /// order (ids are positions). Returns the number removed.
    size_t remove_ids(const IDSelector& sel) override;

    /// Exact k-NN over the decoded vectors (metric_type, metric_arg). Honours
    /// params->sel. distances and labels are n x k, sorted best first, padded.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// All vectors within radius of each query (see Index::range_search).
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Other must be the same index type with the same d, code_size and metric.
    void check_compatible_for_merge(const Index& other) const override;

    /// Append the codes of other (which is emptied). add_id must be 0: ids are positions.
    void merge_from(Index& other, idx_t add_id = 0) override;

    /// Reorder the stored vectors: new vector i is old vector perm[i]. perm must be a
    /// permutation of 0 .. ntotal - 1 (checked).
    virtual void permute_entries(const idx_t* perm);

    /// Throws FaissException (unsupported) when codes is a read-only view of an index
    /// file (read with IO_FLAG_MMAP | IO_FLAG_READ_ONLY); operation names the refused
    /// call in the message. add, reset, remove_ids, merge_from, permute_entries and the
    /// codecs' train check it first, so a refused call changes nothing.
    void check_codes_writable(const char* operation) const;

    /// Distances by id computed on the codes: IndexFlat reads the floats, IndexScalar-
    /// Quantizer and IndexPQ score codes with their SIMD kernels, other codecs decode.
    /// The caller owns the result. @throws not_trained for an untrained SQ / PQ.
    DistanceComputer* get_distance_computer() const override;
};

}  // namespace faiss
