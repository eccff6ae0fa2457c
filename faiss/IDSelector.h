#pragma once

// Id filters: a search, range_search or remove_ids only considers the ids a selector
// accepts. Selectors are read-only during a search and may be shared across threads.

#include <faiss/Index.h>

namespace faiss {

/// Decides whether an id takes part. is_member must be thread-safe (const, no state).
struct IDSelector {
    virtual bool is_member(idx_t id) const = 0;
    virtual ~IDSelector() = default;
};

}  // namespace faiss
