#pragma once

// Result of Index::range_search, laid out as in Faiss: the results of query i are
// labels[lims[i] .. lims[i+1]) and distances[lims[i] .. lims[i+1]). Within a query the
// order is unspecified (sort if you need it).

#include <faiss/Index.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace faiss {

struct RangeSearchResult {
    size_t nq;           ///< number of queries
    size_t* lims;        ///< nq + 1 offsets, owned
    idx_t* labels;       ///< lims[nq] result ids, owned
    float* distances;    ///< lims[nq] result distances, owned
    size_t buffer_size;  ///< kept for Faiss compatibility (unused)

    /// alloc_lims = false lets a caller provide lims itself (as in Faiss).
    explicit RangeSearchResult(size_t nq, bool alloc_lims = true);
    virtual ~RangeSearchResult();
    RangeSearchResult(const RangeSearchResult&) = delete;
    RangeSearchResult& operator=(const RangeSearchResult&) = delete;

    /// With lims[i] holding the number of results of query i (as in Faiss), turn the
    /// counts into offsets and allocate labels and distances.
    virtual void do_allocation();

    /// Replace the content with per-query hit lists (id, distance). Used by indexes to
    /// publish results collected per query, possibly by different threads.
    void set_results(const std::vector<std::vector<std::pair<idx_t, float>>>& per_query);
};

}  // namespace faiss
