#pragma once

// The brute-force search engine behind IndexFlat, the knn_* functions and the generic
// IndexFlatCodes search. Private: never installed.
//
// Paths, chosen per call and per tile:
//  - GEMM path (nq >= kFusedMinQueries or kBlasMinQueries, L2 or inner product). With AVX2 /
//  AVX-512, fused
//    register-blocked kernels (faiss/internal/topk_fused.h) compute tiles of dot
//    products in registers and test them against the per-query top-k threshold before
//    anything reaches memory: "packed" layout for many queries, "rows" layout (database
//    read in place) for fewer. At the scalar level: OpenBLAS sgemm into a small
//    per-thread buffer, then the rows. The full nq x nb matrix is never materialised.
//  - Top-1 path (k = 1, many queries, database of at most 4 MB, L2 or inner product, AVX2 /
//    AVX-512): the database packed once per call, the query rows broadcast in place, the
//    running minimum kept per vector lane (no heap, no threshold callbacks).
//  - Direct path (few queries, or L1 / Linf / Lp): database chunks kept in cache while
//    each query of the tile scores them (fused row-order kernel, or the batched
//    distance kernels of faiss/utils/distances.h).
// Work is split over OpenMP threads by queries when there are many, otherwise by
// database ranges whose partial top-k are merged at the end. Small problems run on the
// calling thread without a parallel region.

#include <faiss/Index.h>
#include <faiss/MetricType.h>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace faiss {
struct IDSelector;
struct RangeSearchResult;
}  // namespace faiss

namespace faiss::internal {

/// Queries at or above this count use the GEMM path with OpenBLAS (Faiss uses the same
/// default)...
constexpr size_t kBlasMinQueries = 20;
/// ... or with the fused kernels, which pay off sooner (measured crossover at d = 128).
constexpr size_t kFusedMinQueries = 7;

/// The database side of a search.
struct ExactDatabase {
    size_t d = 0;
    size_t nb = 0;
    /// nb x d floats; when null, decode_block must produce them.
    const float* xb = nullptr;
    /// Writes vectors [i0, i0 + n) as n x d floats into out. Called concurrently from
    /// several threads on disjoint ranges.
    std::function<void(size_t i0, size_t n, float* out)> decode_block;
    /// Optional ||xb_i||^2 (nb), saves a pass for L2.
    const float* norms = nullptr;
    MetricType metric = METRIC_L2;
    float metric_arg = 0;
    /// Optional filter, tested on id_base + i.
    const IDSelector* sel = nullptr;
    /// Added to database positions to form result ids.
    int64_t id_base = 0;
};

/// k best of db for each of the nq queries xq (nq x d) into distances and labels
/// (nq x k), sorted best first, padded with (+inf | -inf, -1). Validates nothing: the
/// public callers check their arguments.
void exact_knn(const ExactDatabase& db, size_t nq, const float* xq, size_t k, float* distances,
               int64_t* labels);

/// exact_knn with k = 1. qnorms: optional ||xq_i||^2 (nq values, used for L2 only), for
/// callers that search the same queries repeatedly (k-means assignment). Many queries
/// against a small database take a top-1 kernel (no heap, no per-tile query packing);
/// its distances and labels are those of exact_knn.
void exact_nearest(const ExactDatabase& db, size_t nq, const float* xq, const float* qnorms,
                   float* distances, int64_t* labels);

/// All database vectors closer than radius (similarity above radius for inner product)
/// per query, published into result (result->nq must equal nq).
void exact_range_search(const ExactDatabase& db, size_t nq, const float* xq, float radius,
                        RangeSearchResult* result);

}  // namespace faiss::internal
