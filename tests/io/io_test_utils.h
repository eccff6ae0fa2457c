#pragma once

// Shared by the index-file tests: one small, seeded index of every type that can be
// saved, and in-memory save / load helpers.

#include <faiss/Index.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace faiss::test {

struct IndexCase {
    std::string name;
    /// Builds the index (trained, filled) on the case's data.
    std::function<std::unique_ptr<Index>()> make;
};

/// Every saveable type, small (a few hundred vectors, d = 8..16): flat (3 metrics classes,
/// L1 / Lp), IDMap / IDMap2, PQ, SQ (every qtype), IVFFlat / IVFPQ / IVFSQ (L2 and IP,
/// direct maps), Refine / RefineFlat.
std::vector<IndexCase> all_index_cases();

/// all_index_cases() built once per test run (the indexes must not be modified).
const std::vector<std::pair<std::string, std::unique_ptr<Index>>>& built_index_cases();

/// Tiny cases (a handful of vectors) of every type, for the byte-by-byte truncation and
/// corruption tests: flat L2 / IP, IDMap / IDMap2, PQ, SQ (every qtype), IVFFlat / IVFPQ /
/// IVFSQ, HNSW Flat / PQ / SQ, PreTransform (RR, PCA, OPQ, ITQ, Hadamard, normalization,
/// centering, remap), Refine / RefineFlat.
std::vector<IndexCase> tiny_index_cases();

std::vector<uint8_t> to_bytes(const Index* index);
std::unique_ptr<Index> from_bytes(const std::vector<uint8_t>& bytes, int io_flags = 0);

/// Queries for an index of dimension d.
std::vector<float> queries_for(int d, size_t nq, uint64_t seed);

/// Search both indexes with the same queries and expect bit-identical results.
void expect_same_search(const Index& a, const Index& b, size_t nq = 7, size_t k = 5);

/// Fixture for thousands of searches on tiny indexes: one OpenMP thread while a test
/// runs, since a thread team per search would cost far more than the search itself.
class SingleThreadedTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

  private:
    int saved_threads_ = 1;
};

}  // namespace faiss::test
