// Coarse assignment shapes of IVF add and k-means on embeddings: hundreds of queries
// against a few hundred centroids of a few hundred dimensions, where the fused GEMM path
// packs the centroids once for all query blocks, every chunk of d at once.
#include "test_flat_check.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <vector>

namespace faiss::test {
namespace {

TEST(IVFCoarseAssign, ManyQueriesAgainstCentroidsMatchReference) {
    // d = 389: several chunks of d, the last one ragged; nb: one database block (250,
    // not a multiple of the panel width) and several (1100); nq: more than one query
    // block (the packed centroids are reused), not a multiple of 4 or 8. One thread,
    // so the queries are not split into tiles small enough for the row kernel.
    const int saved_threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const size_t d = 389;
    for (size_t nb : {size_t(250), size_t(1100)}) {
        const size_t nq = 600;
        auto xb = random_vectors(nb, d, 40 + nb);
        auto xq = random_vectors(nq, d, 41 + d);
        for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT}) {
            IndexFlat index(idx_t(d), m);
            index.add(idx_t(nb), xb.data());
            for (size_t k : {size_t(1), size_t(4)}) {
                std::vector<float> D(nq * k);
                std::vector<idx_t> I(nq * k);
                index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
                SCOPED_TRACE(testing::Message()
                             << "d=" << d << " nb=" << nb << " k=" << k << " metric=" << int(m));
                expect_knn_matches(xq.data(), nq, xb.data(), nb, d, k, m, D.data(), I.data());
            }
        }
    }
    omp_set_num_threads(saved_threads);
}

TEST(IVFCoarseAssign, AddAppendsEveryVectorToItsNearestList) {
    // IndexIVFFlat appends straight from the caller's vectors: each stored code must be
    // the vector's bytes, under its id, in the list of its nearest centroid.
    const size_t d = 40, nlist = 16, n = 3000;
    auto xt = random_vectors(2000, d, 5);
    auto x = random_vectors(n, d, 6);
    IndexFlatL2 quantizer{idx_t(d)};
    IndexIVFFlat index(&quantizer, d, nlist);
    index.train(2000, xt.data());
    index.add(idx_t(n / 2), x.data());
    std::vector<idx_t> ids(n / 2);
    for (size_t i = 0; i < n / 2; i++)
        ids[i] = idx_t(10000 + i);
    index.add_with_ids(idx_t(n / 2), x.data() + (n / 2) * d, ids.data());
    ASSERT_EQ(index.ntotal, idx_t(n));

    std::vector<idx_t> assign(n);
    quantizer.assign(idx_t(n), x.data(), assign.data());
    std::vector<int> found(n, 0);
    for (size_t l = 0; l < nlist; l++) {
        const size_t sz = index.invlists->list_size(l);
        const idx_t* lid = index.invlists->get_ids(l);
        const float* codes = reinterpret_cast<const float*>(index.invlists->get_codes(l));
        for (size_t o = 0; o < sz; o++) {
            const size_t i = lid[o] >= 10000 ? size_t(lid[o] - 10000) + n / 2 : size_t(lid[o]);
            ASSERT_LT(i, n);
            EXPECT_EQ(assign[i], idx_t(l)) << "vector " << i;
            EXPECT_TRUE(std::equal(codes + o * d, codes + (o + 1) * d, x.data() + i * d))
                << "vector " << i;
            found[i]++;
        }
    }
    for (size_t i = 0; i < n; i++)
        EXPECT_EQ(found[i], 1) << "vector " << i;
}

}  // namespace
}  // namespace faiss::test
