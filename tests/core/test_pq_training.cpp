// Product-quantizer training: the small-dimension assignment index that the sub-space
// k-means uses (against a double-precision brute force), training quality against exact
// search, results independent of the thread count, the training sample of IndexIVFPQ,
// and IndexPQ single-query search split over threads.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/internal/kmeans_small_d.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include "common/test_utils.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using faiss::idx_t;
using faiss::test::expect_code;

namespace {

// Restores the OpenMP thread count when the test ends.
class ThreadCountGuard {
  public:
    ThreadCountGuard() : saved_(omp_get_max_threads()) {}
    ~ThreadCountGuard() { omp_set_num_threads(saved_); }

  private:
    int saved_;
};

// Fraction of the true k nearest neighbours (exact search) that index returns.
double recall_at_k(const faiss::Index& index, const std::vector<float>& xb,
                   const std::vector<float>& xq, size_t d, size_t k) {
    const size_t nq = xq.size() / d, nb = xb.size() / d;
    std::vector<float> D(nq * k);
    std::vector<idx_t> I(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
    std::vector<double> rD;
    std::vector<idx_t> rI;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, faiss::METRIC_L2, rD, rI);
    const size_t hits = faiss::test::count_overlap(I.data(), rI.data(), nq, k);
    return double(hits) / double(nq * k);
}

}  // namespace

// Dimensions around the specialised widths (2, 4, 8, 12, 16) and the generic path,
// centroid counts that are not a multiple of any kernel block.
TEST(SmallDimL2Assigner, NearestCentroidMatchesReference) {
    for (size_t d : {1, 2, 3, 4, 7, 8, 12, 16, 20}) {
        for (size_t k : {1, 5, 64, 100, 256, 300}) {
            auto c = faiss::test::random_vectors(k, d, 100 + d + k);
            auto x = faiss::test::random_vectors(97, d, 200 + d);
            faiss::internal::kmeans::SmallDimL2Assigner index{idx_t(d)};
            index.add(idx_t(k), c.data());
            std::vector<float> D(97);
            std::vector<idx_t> I(97);
            index.search(97, x.data(), 1, D.data(), I.data());
            for (size_t i = 0; i < 97; i++) {
                ASSERT_GE(I[i], 0);
                ASSERT_LT(I[i], idx_t(k));
                double best = std::numeric_limits<double>::infinity();
                for (size_t j = 0; j < k; j++)
                    best = std::min(
                        best, faiss::test::reference_distance(x.data() + i * d, c.data() + j * d, d,
                                                              faiss::METRIC_L2));
                const double own = faiss::test::reference_distance(
                    x.data() + i * d, c.data() + size_t(I[i]) * d, d, faiss::METRIC_L2);
                ASSERT_NEAR(own, best, 1e-5 * (1 + best)) << "d=" << d << " k=" << k;
                ASSERT_NEAR(D[i], own, 1e-5 * (1 + own)) << "d=" << d << " k=" << k;
            }
        }
    }
}

TEST(SmallDimL2Assigner, TiesResetAndBadInput) {
    const size_t d = 4, k = 70;
    auto c = faiss::test::random_vectors(k, d, 3);
    // Centroids 5, 40 and 69 are equal to the point: the first of them wins.
    std::vector<float> x(c.begin() + 69 * d, c.begin() + 70 * d);
    for (size_t t = 0; t < d; t++)
        c[5 * d + t] = c[40 * d + t] = x[t];
    faiss::internal::kmeans::SmallDimL2Assigner index{idx_t(d)};
    index.add(idx_t(k), c.data());
    float D;
    idx_t I;
    index.search(1, x.data(), 1, &D, &I);
    EXPECT_EQ(I, 5);
    EXPECT_EQ(D, 0.0f);
    std::vector<float> r(d);
    index.reconstruct(40, r.data());
    EXPECT_EQ(r, x);
    std::vector<float> D2(2);
    std::vector<idx_t> I2(2);
    expect_code(faiss::ErrorCode::unsupported,
                [&] { index.search(1, x.data(), 2, D2.data(), I2.data()); });
    index.reset();
    index.search(1, x.data(), 1, &D, &I);
    EXPECT_EQ(I, -1);
    EXPECT_TRUE(std::isinf(D));
}

// 4-d sub-spaces (the case the direct kernel serves): recall against exact search, and
// bit-identical codebooks whatever the thread count (sub-spaces train in parallel).
TEST(ProductQuantizerTraining, RecallAndSameCodebooksForAnyThreadCount) {
    ThreadCountGuard guard;
    const size_t d = 32, nb = 5000, nq = 50;
    auto all = faiss::test::clustered_vectors(nb + nq, d, 40, 7);
    std::vector<float> xb(all.begin(), all.begin() + nb * d), xq(all.begin() + nb * d, all.end());
    std::vector<std::vector<float>> codebooks;
    for (int nt : {1, 2, 3}) {
        omp_set_num_threads(nt);
        faiss::IndexPQ index(int(d), 8, 6);
        index.pq.cp.niter = 10;
        index.train(idx_t(nb), xb.data());
        codebooks.push_back(index.pq.centroids);
        if (nt == 1) {
            index.add(idx_t(nb), xb.data());
            // Measured 0.166: within-cluster neighbours of this data are hard for 8 x 6
            // bits; a broken encoder or table gives about 10 / nb = 0.002.
            EXPECT_GT(recall_at_k(index, xb, xq, d, 10), 0.1);
        }
    }
    EXPECT_EQ(codebooks[0], codebooks[1]);
    EXPECT_EQ(codebooks[0], codebooks[2]);
}

// Each sub-space k-means reaches the objective of a plain Clustering with IndexFlatL2 on
// the same sub-vectors (same seed; distances rounded differently, so not identical).
TEST(ProductQuantizerTraining, ObjectiveMatchesPlainClustering) {
    const size_t d = 24, M = 6, dsub = 4, n = 3000;
    auto x = faiss::test::clustered_vectors(n, d, 25, 9);
    faiss::ProductQuantizer pq(d, M, 6);
    pq.cp.niter = 15;
    pq.train(n, x.data());
    for (size_t m = 0; m < M; m++) {
        std::vector<float> xs(n * dsub);
        for (size_t i = 0; i < n; i++)
            for (size_t t = 0; t < dsub; t++)
                xs[i * dsub + t] = x[i * d + m * dsub + t];
        faiss::Clustering clus(int(dsub), int(pq.ksub), pq.cp);
        faiss::IndexFlatL2 flat{idx_t(dsub)};
        clus.train(idx_t(n), xs.data(), flat);
        double ours = 0, plain = 0;
        for (size_t i = 0; i < n; i++) {
            double bo = 1e300, bp = 1e300;
            for (size_t j = 0; j < pq.ksub; j++) {
                bo = std::min(
                    bo, faiss::test::reference_distance(
                            xs.data() + i * dsub, pq.get_centroids(m, j), dsub, faiss::METRIC_L2));
                bp = std::min(bp, faiss::test::reference_distance(xs.data() + i * dsub,
                                                                  clus.centroids.data() + j * dsub,
                                                                  dsub, faiss::METRIC_L2));
            }
            ours += bo;
            plain += bp;
        }
        EXPECT_LT(ours, 1.03 * plain) << "sub-space " << m;
    }
}

// More training vectors than ksub * max_points_per_centroid: IndexIVFPQ trains its
// product quantizer on a seeded sample (as Faiss); results do not depend on threads and
// recall stays good.
TEST(ProductQuantizerTraining, IvfpqTrainsOnSampleDeterministically) {
    ThreadCountGuard guard;
    const size_t d = 16, nt_vecs = 3000, nb = 3000, nq = 40, nlist = 16;
    auto all = faiss::test::clustered_vectors(nt_vecs + nb + nq, d, 30, 13);
    const float* xt = all.data();
    std::vector<float> xb(all.begin() + nt_vecs * d, all.begin() + (nt_vecs + nb) * d);
    std::vector<float> xq(all.begin() + (nt_vecs + nb) * d, all.end());
    std::vector<std::vector<float>> codebooks;
    for (int nt : {1, 2}) {
        omp_set_num_threads(nt);
        faiss::IndexFlatL2 quantizer{idx_t(d)};
        faiss::IndexIVFPQ index(&quantizer, d, nlist, 4, 4);
        index.pq.cp.max_points_per_centroid = 64;  // 16 * 64 = 1024 < 3000 vectors
        index.pq.cp.niter = 10;
        index.train(idx_t(nt_vecs), xt);
        codebooks.push_back(index.pq.centroids);
        index.add(idx_t(nb), xb.data());
        index.nprobe = nlist;
        // Measured 0.142 (4 x 4 bits); a broken encoder or table gives about 0.003.
        EXPECT_GT(recall_at_k(index, xb, xq, d, 10), 0.08);
    }
    EXPECT_EQ(codebooks[0], codebooks[1]);
}

// One query (fewer queries than threads): the scan is split over the threads and the
// partial results merged; identical to the single-thread result, with and without a
// selector, for k = 1 and for k larger than the selected set.
TEST(IndexPQ, SingleQuerySplitOverThreadsIsExact) {
    ThreadCountGuard guard;
    const size_t d = 8, nb = 140000;
    auto xb = faiss::test::clustered_vectors(nb, d, 50, 17);
    auto xq = faiss::test::clustered_vectors(2, d, 50, 18);
    faiss::IndexPQ index(int(d), 4, 4);
    index.pq.cp.niter = 4;
    index.train(4096, xb.data());
    index.add(idx_t(nb), xb.data());
    faiss::IDSelectorRange few(139990, 139995);
    faiss::SearchParameters params;
    params.sel = &few;
    for (size_t k : {1, 10, 100}) {
        for (const faiss::SearchParameters* p :
             {(const faiss::SearchParameters*)nullptr, (const faiss::SearchParameters*)&params}) {
            std::vector<std::vector<float>> Ds;
            std::vector<std::vector<idx_t>> Is;
            for (int nt : {1, 2, 4}) {
                omp_set_num_threads(nt);
                std::vector<float> D(2 * k);
                std::vector<idx_t> I(2 * k);
                index.search(1, xq.data(), idx_t(k), D.data(), I.data(), p);
                index.search(1, xq.data() + d, idx_t(k), D.data() + k, I.data() + k, p);
                Ds.push_back(D);
                Is.push_back(I);
            }
            for (size_t r = 1; r < Ds.size(); r++) {
                EXPECT_EQ(Is[r], Is[0]) << "k=" << k;
                EXPECT_EQ(Ds[r], Ds[0]) << "k=" << k;
            }
            if (p) {
                size_t found = 0;
                for (size_t r = 0; r < k; r++)
                    found += Is[0][r] >= 0;
                EXPECT_EQ(found, std::min<size_t>(k, 5));
            }
        }
    }
}
