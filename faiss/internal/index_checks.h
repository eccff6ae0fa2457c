#pragma once

// Argument validation shared by the public Index methods, so every index reports the
// same problem with the same words.

#include <faiss/Index.h>

namespace faiss::internal {

/// n >= 0, x non-null when n > 0. `what` names the vectors in messages ("query", "training").
void check_vectors(const Index& index, idx_t n, const float* x, const char* what);

/// check_vectors for queries, plus k > 0 and the index being trained.
void check_search(const Index& index, idx_t n, const float* x, idx_t k);

/// check_search plus non-null output arrays when n > 0.
void check_search_outputs(const Index& index, idx_t n, const float* x, idx_t k,
                          const float* distances, const idx_t* labels);

/// check_vectors for queries, plus a non-null result made for nq = n queries.
void check_range_search(const Index& index, idx_t n, const float* x,
                        const RangeSearchResult* result);

/// check_vectors for additions, plus the index being trained.
void check_add(const Index& index, idx_t n, const float* x);

/// 0 <= key < ntotal.
void check_key(const Index& index, idx_t key);

/// Fill n result rows of k with padding (-1, +inf or -inf by metric).
void fill_padding(MetricType metric, idx_t n, idx_t k, float* distances, idx_t* labels);

}  // namespace faiss::internal
