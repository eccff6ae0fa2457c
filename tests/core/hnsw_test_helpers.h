#pragma once

// Recall measurement shared by the HNSW tests.

#include <faiss/Index.h>
#include <faiss/IndexFlat.h>

#include "common/test_utils.h"

#include <cstdint>
#include <set>
#include <vector>

namespace faiss::test {

/// nb base and nq query vectors drawn from the same clusters (one clustered_vectors
/// call, split), so queries fall inside the data as real queries do.
inline void clustered_split(size_t nb, size_t nq, size_t d, size_t nclusters, uint64_t seed,
                            std::vector<float>& xb, std::vector<float>& xq) {
    const std::vector<float> all = clustered_vectors(nb + nq, d, nclusters, seed);
    xb.assign(all.begin(), all.begin() + nb * d);
    xq.assign(all.begin() + nb * d, all.end());
}

/// Fraction of the exact k nearest neighbours (IndexFlat, same metric) of each query
/// found among the k results of index. params go to index.search.
inline double recall_at_k(const Index& index, const std::vector<float>& xb,
                          const std::vector<float>& xq, size_t d, size_t k, MetricType metric,
                          const SearchParameters* params = nullptr) {
    const size_t nb = xb.size() / d, nq = xq.size() / d;
    IndexFlat flat(int(d), metric);
    flat.add(idx_t(nb), xb.data());
    std::vector<float> Dr(nq * k), D(nq * k);
    std::vector<idx_t> Ir(nq * k), I(nq * k);
    flat.search(idx_t(nq), xq.data(), idx_t(k), Dr.data(), Ir.data(), params);
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data(), params);
    size_t hits = 0, total = 0;
    for (size_t i = 0; i < nq; i++) {
        std::set<idx_t> truth;
        for (size_t j = 0; j < k; j++) {
            if (Ir[i * k + j] >= 0) truth.insert(Ir[i * k + j]);
        }
        total += truth.size();
        for (size_t j = 0; j < k; j++)
            hits += truth.count(I[i * k + j]);
    }
    return total ? double(hits) / double(total) : 1.0;
}

}  // namespace faiss::test
