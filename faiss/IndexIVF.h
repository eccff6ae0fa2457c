#pragma once

// IndexIVF: the inverted-file index family (Jégou, Douze & Schmid, "Product quantization
// for nearest neighbor search", TPAMI 2011, section IV.A). A coarse quantizer (usually an
// IndexFlat holding nlist centroids learned by k-means) assigns every vector to one list;
// a search visits only the nprobe lists whose centroids are nearest to the query and
// compares the query with the codes stored there. Subclasses decide how a vector is
// encoded (IndexIVFFlat: the raw floats) and provide the per-list scanner.
//
// Search: nprobe is taken from SearchParametersIVF when given, else from the field. As
// in Faiss, a value above nlist is clamped to nlist and 0 is rejected. max_codes > 0
// stops a query's scan once that many codes were visited (the list under way is
// finished). A batch is cut into one slice of queries per thread, each assigned and
// scanned by that thread alone; a single query that visits many codes is scanned in
// parallel over its probed lists. When a slice's queries visit each list half a time
// or more on average, the slice is scanned list by list (every list read once for all of its
// queries, in parts that stay in cache, rather than once per query), provided the
// scanner switches queries cheaply, max_codes is 0 and store_pairs is off; the results
// are the same.
//
// Ids: add() numbers vectors ntotal, ntotal+1 ...; add_with_ids() stores the given ids.
// Removal moves the last entry of a list into the freed slot (as Faiss).
//
// Files (FAISS_FORMAT.md §7): d, ntotal, metric, nlist, nprobe, quantizer and
// direct_map (type, array, hashtable) are the IVF header; invlists (ArrayInvertedLists
// codes / ids per list) is the "ilar" record. max_codes, parallel_mode, cp, own_fields
// and quantizer_trains_alone are never stored.
//
// Ownership: the quantizer is owned only when own_fields is set, the inverted lists only
// when own_invlists is set (the default for lists the index creates). An unowned
// quantizer must outlive the index.
//
// Thread safety: the Index rules. search, range_search, search_preassigned and
// reconstruct may run concurrently; train, add, remove_ids, reset, merge_from,
// make_direct_map and replace_invlists need exclusive access.

#include <faiss/Clustering.h>
#include <faiss/Index.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/invlists/InvertedLists.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace faiss {

/// The coarse quantizer and how it is trained (Faiss's Level1Quantizer).
struct Level1Quantizer {
    Index* quantizer = nullptr;  ///< maps a vector to its list (nlist centroids)
    size_t nlist = 0;            ///< number of inverted lists

    /// 0: k-means with cp on a flat index (the quantizer itself, or clustering_index),
    ///    centroids then stored in the quantizer;
    /// 1: call quantizer->train() (e.g. a quantizer that trains itself);
    /// 2: k-means on an L2 flat index, centroids added to the quantizer.
    char quantizer_trains_alone = 0;
    bool own_fields = false;  ///< delete the quantizer in the destructor

    ClusteringParameters cp;            ///< k-means options (niter = 10 by default, as Faiss)
    Index* clustering_index = nullptr;  ///< optional index used for k-means assignment

    Level1Quantizer(Index* quantizer, size_t nlist);
    Level1Quantizer();
    ~Level1Quantizer();
    Level1Quantizer(const Level1Quantizer&) = delete;
    Level1Quantizer& operator=(const Level1Quantizer&) = delete;

    /// Train the quantizer on n vectors x (n x d) unless it already holds nlist
    /// centroids. @throws FaissException (invalid_argument) if n < nlist.
    void train_q1(size_t n, const float* x, bool verbose, MetricType metric_type);
};

/// Per-call options of IVF searches.
struct SearchParametersIVF : SearchParameters {
    size_t nprobe = 1;     ///< lists visited per query (clamped to nlist; 0 rejected)
    size_t max_codes = 0;  ///< stop a query after that many codes; 0 = no limit
    SearchParameters* quantizer_params = nullptr;  ///< passed to quantizer->search; not owned
    void* inverted_list_context = nullptr;         ///< kept for Faiss compatibility (unused)
};
using IVFSearchParameters = SearchParametersIVF;

/// Counters of IVF searches, as Faiss's IndexIVFStats. search() and range_search() add
/// theirs to the global indexIVF_stats (once per call, under a lock); read or reset it
/// only while no search runs.
struct IndexIVFStats {
    size_t nq = 0;                 ///< queries
    size_t nlist = 0;              ///< non-empty lists visited
    size_t ndis = 0;               ///< codes compared with a query
    size_t nheap_updates = 0;      ///< results that entered a result heap
    double quantization_time = 0;  ///< ms in the coarse quantizer (summed over threads)
    double search_time = 0;        ///< ms scanning lists (summed over threads)

    IndexIVFStats() = default;
    void reset();
    void add(const IndexIVFStats& other);
};

/// Global counters filled by IndexIVF::search / range_search (faiss.cvar.indexIVF_stats
/// in Python).
extern IndexIVFStats indexIVF_stats;

/// Compares one query with the codes of one list at a time. Obtained from
/// IndexIVF::get_InvertedListScanner; one per thread (it holds the query state).
/// Scores in the result heap follow the internal "smaller is better" rule: distances as
/// they are, inner products negated.
struct InvertedListScanner {
    idx_t list_no = -1;               ///< list being scanned
    bool keep_max = false;            ///< true for similarity metrics (scores negated)
    bool store_pairs = false;         ///< labels are lo = (list_no << 32 | offset), not ids
    const IDSelector* sel = nullptr;  ///< only ids it accepts are kept; not owned
    size_t code_size = 0;             ///< bytes per code

    InvertedListScanner(bool store_pairs = false, const IDSelector* sel = nullptr);
    virtual ~InvertedListScanner() = default;

    /// Query vector (d floats) for the next lists; kept by pointer.
    virtual void set_query(const float* query_vector) = 0;

    /// Next list to scan and the query's distance to its centroid.
    virtual void set_list(idx_t list_no, float coarse_dis) = 0;

    /// Distance (or similarity) of the query to one code, in the metric's own sign.
    virtual float distance_to_code(const uint8_t* code) const = 0;

    /// Codes scored per score_codes call by the default scan_codes / scan_codes_range.
    static constexpr size_t kScoreBlock = 256;

    /// Distances (or similarities, in the metric's own sign) of n <= kScoreBlock codes
    /// (n x code_size) into out (n). list_size is the size of the list they come from, so
    /// a scanner may pick its method by it (e.g. tables only for long lists). The default
    /// calls distance_to_code per code; scanners with a batched kernel override this only.
    virtual void score_codes(const uint8_t* codes, size_t n, size_t list_size, float* out) const;

    /// Offer the n codes (n x code_size) with ids (n) of the current list to a max-heap
    /// of k entries (heap_scores / heap_ids, internal sign, see faiss/internal/topk.h).
    /// Returns the number of heap updates. The default scores blocks with score_codes.
    virtual size_t scan_codes(size_t n, const uint8_t* codes, const idx_t* ids, float* heap_scores,
                              idx_t* heap_ids, size_t k) const;

    /// True when set_query and set_list cost little next to scoring a few hundred codes,
    /// which lets a batch search visit the lists one by one and switch queries inside
    /// each list (see IndexIVF::search_preassigned). Default false.
    virtual bool cheap_query_switch() const { return false; }

    /// Append (label, distance) of each code within radius (distance < radius, or
    /// similarity > radius) to hits.
    virtual void scan_codes_range(size_t n, const uint8_t* codes, const idx_t* ids, float radius,
                                  std::vector<std::pair<idx_t, float>>& hits) const;

  protected:
    /// Label of entry j of the current list: its id, or its lo with store_pairs.
    idx_t label_of(const idx_t* ids, size_t j) const {
        return store_pairs ? lo_build(list_no, idx_t(j)) : ids[j];
    }
};

struct IndexIVF : Index, Level1Quantizer {
    InvertedLists* invlists = nullptr;  ///< the lists; owned if own_invlists
    bool own_invlists = false;
    size_t code_size = 0;  ///< bytes per stored code
    size_t nprobe = 1;     ///< lists visited per query
    size_t max_codes = 0;  ///< codes visited per query at most; 0 = no limit
    /// 0 (default): over queries for batches, over probed lists for one large query;
    /// 1 or 2: always over probed lists; 3: always over queries. Bit 1024
    /// (PARALLEL_MODE_NO_HEAP_INIT in Faiss) is ignored.
    int parallel_mode = 0;
    static constexpr int PARALLEL_MODE_NO_HEAP_INIT = 1024;

    DirectMap direct_map;     ///< id -> location, for reconstruct (see make_direct_map)
    bool by_residual = true;  ///< codes encode x - centroid (false for IVFFlat)

    /// quantizer: an index of dimension d (not owned unless own_fields is set later);
    /// code_size: bytes per code. The index is trained when the quantizer already holds
    /// nlist centroids.
    /// @throws FaissException (invalid_argument) for a null quantizer, d mismatch,
    /// nlist <= 0 or an unknown metric.
    IndexIVF(Index* quantizer, size_t d, size_t nlist, size_t code_size,
             MetricType metric = METRIC_L2);
    IndexIVF();
    ~IndexIVF() override;

    /// Learn the nlist centroids by k-means on x (n x d) unless the quantizer already
    /// holds them, then the encoder (train_encoder). Needs n >= nlist.
    void train(idx_t n, const float* x) override;

    /// Encoder training after the quantizer (residual codebooks ...). No-op here.
    virtual void train_encoder(idx_t n, const float* x, const idx_t* assign);

    /// Add n vectors with ids ntotal ... (see add_with_ids).
    void add(idx_t n, const float* x) override;

    /// Assign the n vectors x (n x d) to lists with the quantizer, encode and append them
    /// with ids xids (n). @throws FaissException (not_trained) if untrained.
    void add_with_ids(idx_t n, const float* x, const idx_t* xids) override;

    /// add_with_ids with the list numbers given (coarse_idx, n; -1 = do not store; the
    /// vector still counts in ntotal, as Faiss). xids may be null (sequential ids).
    virtual void add_core(idx_t n, const float* x, const idx_t* xids, const idx_t* coarse_idx);

    /// Encode n vectors assigned to lists list_nos into codes (n x code_size).
    virtual void encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                                uint8_t* codes) const = 0;

    /// A scanner for this index's codes (caller owns it).
    virtual InvertedListScanner* get_InvertedListScanner(bool store_pairs = false,
                                                         const IDSelector* sel = nullptr) const = 0;

    /// Decode entry offset of list list_no into recons (d floats).
    virtual void reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const = 0;

    /// k nearest neighbours (see the file comment). params may be SearchParametersIVF or
    /// a plain SearchParameters (selector only).
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// Search given the lists to visit: assign and centroid_dis are n x nprobe (list -1
    /// skipped), nprobe taken from params or the field. store_pairs: labels are lo values.
    /// stats, if given, receives this call's counters (added to what it holds).
    virtual void search_preassigned(idx_t n, const float* x, idx_t k, const idx_t* assign,
                                    const float* centroid_dis, float* distances, idx_t* labels,
                                    bool store_pairs, const SearchParametersIVF* params = nullptr,
                                    IndexIVFStats* stats = nullptr) const;

    /// All stored vectors within radius of each query among the nprobe nearest lists.
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// range_search given the lists to visit (n x nprobe).
    virtual void range_search_preassigned(idx_t n, const float* x, float radius,
                                          const idx_t* assign, const float* centroid_dis,
                                          RangeSearchResult* result, bool store_pairs = false,
                                          const SearchParametersIVF* params = nullptr,
                                          IndexIVFStats* stats = nullptr) const;

    /// Empty the lists and direct map (training kept).
    void reset() override;

    /// Remove the vectors whose id sel accepts; returns how many. Not supported with an
    /// Array direct map.
    size_t remove_ids(const IDSelector& sel) override;

    /// Vector with id key, via the direct map. @throws FaissException (invalid_argument)
    /// without a direct map (call make_direct_map()) or for an unknown id.
    void reconstruct(idx_t key, float* recons) const override;

    /// Vectors with ids i0 .. i0 + ni - 1 (ni x d) found by scanning the lists; needs no
    /// direct map. @throws if one of these ids is not stored.
    void reconstruct_n(idx_t i0, idx_t ni, float* recons) const override;

    /// Move the vectors of other (same class, d, nlist, code_size, metric) into this
    /// index, ids shifted by add_id; other is emptied. Direct maps must be NoMap.
    void merge_from(Index& other, idx_t add_id = 0) override;
    void check_compatible_for_merge(const Index& other) const override;

    /// Size of list list_no.
    size_t get_list_size(size_t list_no) const;

    /// Build (true) an Array direct map (ids must be 0..ntotal-1) or drop it (false).
    void make_direct_map(bool new_maintain_direct_map = true);

    /// Switch the direct map to type (Hashtable for ids from add_with_ids).
    void set_direct_map_type(DirectMap::Type type);

    /// Use il as lists (same nlist and code_size); deletes the old ones if owned.
    void replace_invlists(InvertedLists* il, bool own = false);

  protected:
    void check_ready() const;
    /// Throws FaissException (unsupported) when the lists are a read-only memory mapping
    /// (IO_FLAG_MMAP | IO_FLAG_READ_ONLY): retraining would leave the stored codes encoded
    /// with the old quantizer or codec.
    void check_retrainable() const;
    size_t effective_nprobe(const SearchParameters* params) const;
    void search_one_parallel(const float* x, idx_t k, const idx_t* assign, const float* cdis,
                             size_t nprobe, float* heap_s, idx_t* heap_i, bool store_pairs,
                             const IDSelector* sel, IndexIVFStats& stats) const;
};

}  // namespace faiss

// extract_index_ivf / try_extract_index_ivf, declared here before IVFlib.h existed.
#include <faiss/IVFlib.h>
