#include <faiss/RangeSearchResult.h>

#include <faiss/internal/checks.h>

namespace faiss {

RangeSearchResult::RangeSearchResult(size_t nq, bool alloc_lims)
        : nq(nq), lims(nullptr), labels(nullptr), distances(nullptr), buffer_size(0) {
    if (alloc_lims) {
        lims = new size_t[nq + 1]();
    }
}

RangeSearchResult::~RangeSearchResult() {
    delete[] lims;
    delete[] labels;
    delete[] distances;
}

void RangeSearchResult::do_allocation() {
    FAISS_REQUIRE(lims != nullptr, invalid_argument, "lims is not allocated");
    // As in Faiss: on entry lims[i] is the number of results of query i.
    size_t offset = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t count = lims[i];
        lims[i] = offset;
        offset += count;
    }
    lims[nq] = offset;
    delete[] labels;
    delete[] distances;
    labels = nullptr;
    distances = nullptr;
    labels = new idx_t[offset];
    distances = new float[offset];
}

void RangeSearchResult::set_results(
        const std::vector<std::vector<std::pair<idx_t, float>>>& per_query) {
    FAISS_REQUIRE(per_query.size() == nq, invalid_argument,
                  "got results for %zu queries, the result was made for nq=%zu",
                  per_query.size(), nq);
    if (!lims) lims = new size_t[nq + 1]();
    for (size_t i = 0; i < nq; i++) lims[i] = per_query[i].size();
    do_allocation();
    for (size_t i = 0; i < nq; i++) {
        size_t at = lims[i];
        for (const auto& hit : per_query[i]) {
            labels[at] = hit.first;
            distances[at] = hit.second;
            at++;
        }
    }
}

}  // namespace faiss
