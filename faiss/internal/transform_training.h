#pragma once

// Training-set helpers shared by the vector transforms. Private: never installed.

#include <faiss/Index.h>

#include <cstddef>
#include <vector>

namespace faiss::internal {

/// The training vectors to use: x itself when n <= max_points (or max_points == 0),
/// otherwise a seeded random sample (seed 1234, as Faiss) of max_points rows copied into
/// storage, with n set to max_points. Prints a line naming `who` when verbose.
const float* subsample_training_rows(size_t d, idx_t& n, size_t max_points, const float* x,
                                     std::vector<float>& storage, const char* who, bool verbose);

}  // namespace faiss::internal
