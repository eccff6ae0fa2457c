#pragma once
// Per-call search parameters (nprobe, efSearch, k_factor) turned into the
// SearchParameters objects of the index's structure, so that concurrent searches with
// different values never touch the index's fields.
#include <faiss/Index.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace faiss_serve {

struct CallOptions {
    std::optional<size_t> nprobe;
    std::optional<int> efSearch;
    std::optional<float> k_factor;
};

/// The parameter objects of one call; top is what to pass to index.search.
struct ParamsChain {
    std::vector<std::unique_ptr<faiss::SearchParameters>> owned;
    faiss::SearchParameters* top = nullptr;
};

/// Walks index (IDMap, PreTransform, Refine wrappers down to IVF / HNSW) and builds the
/// parameters, taking defaults from the index's fields and sel (may be null) as the
/// selector. @throws ApiError (400) naming an option that applies to no part of index.
ParamsChain build_search_params(const faiss::Index& index, const CallOptions& opts,
                                const faiss::IDSelector* sel);

}  // namespace faiss_serve
