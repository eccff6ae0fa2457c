// ShardedSearch and the distributed build against one unsharded index.
#include "mpi_test_utils.h"

#include <common/test_utils.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/index_factory.h>
#include <faiss/mpi/ShardedSearch.h>
#include <faiss/mpi/distributed_build.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

namespace {

using faiss::idx_t;
namespace fm = faiss::mpi;

struct Knn {
    std::vector<float> d;
    std::vector<idx_t> l;
};

Knn sharded(const faiss::Index& shard, const std::vector<float>& xq, idx_t k,
            const faiss::SearchParameters* params = nullptr) {
    fm::ShardedSearch s(MPI_COMM_WORLD, &shard);
    const idx_t nq = idx_t(xq.size() / size_t(shard.d));
    Knn r{std::vector<float>(size_t(nq * k)), std::vector<idx_t>(size_t(nq * k))};
    // Queries only on the root: the other ranks pass nothing.
    if (mpi_test::rank() == 0) {
        s.search(nq, xq.data(), k, r.d.data(), r.l.data(), params);
    } else {
        s.search(0, nullptr, 0, nullptr, nullptr, params);
    }
    return r;
}

Knn full(const faiss::Index& index, const std::vector<float>& xq, idx_t k,
         const faiss::SearchParameters* params = nullptr) {
    const idx_t nq = idx_t(xq.size() / size_t(index.d));
    Knn r{std::vector<float>(size_t(nq * k)), std::vector<idx_t>(size_t(nq * k))};
    index.search(nq, xq.data(), k, r.d.data(), r.l.data(), params);
    return r;
}

/// Same labels and distances (distances up to a relative 1e-6: the shards' distance
/// kernels may block the sums differently).
void expect_same(const Knn& a, const Knn& b) {
    if (mpi_test::rank() != 0) return;
    ASSERT_EQ(a.l.size(), b.l.size());
    size_t label_diff = 0;
    for (size_t i = 0; i < a.l.size(); i++) {
        label_diff += a.l[i] != b.l[i];
        if (std::isinf(a.d[i]) || std::isinf(b.d[i])) {
            EXPECT_EQ(a.d[i], b.d[i]) << "result " << i;
        } else {
            EXPECT_NEAR(a.d[i], b.d[i], 1e-6 * std::max(1.0f, std::fabs(a.d[i]))) << "result " << i;
        }
    }
    EXPECT_EQ(label_diff, 0u);
}

class ShardedFlat : public ::testing::TestWithParam<faiss::MetricType> {};

TEST_P(ShardedFlat, EqualsUnsharded) {
    const size_t d = 24;
    const std::vector<float> xb = faiss::test::random_vectors(2000, d, 1);
    const std::vector<float> xq = faiss::test::random_vectors(40, d, 2);
    faiss::IndexFlat whole(int(d), GetParam());
    whole.add(2000, xb.data());
    faiss::IndexFlat shard(int(d), GetParam());
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    shard.add(idx_t(mine.size() / d), mine.data());
    expect_same(full(whole, xq, 10), sharded(shard, xq, 10));
}

TEST_P(ShardedFlat, FewerVectorsThanKArePadded) {
    const size_t d = 4;
    const std::vector<float> xb = faiss::test::random_vectors(6, d, 3);
    const std::vector<float> xq = faiss::test::random_vectors(3, d, 4);
    faiss::IndexFlat whole(int(d), GetParam());
    whole.add(6, xb.data());
    faiss::IndexFlat shard(int(d), GetParam());
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    shard.add(idx_t(mine.size() / d), mine.data());
    expect_same(full(whole, xq, 9), sharded(shard, xq, 9));
}

INSTANTIATE_TEST_SUITE_P(Metrics, ShardedFlat,
                         ::testing::Values(faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT));

/// The same trained, empty index on every rank (training is deterministic).
std::unique_ptr<faiss::Index> trained(const char* factory, const std::vector<float>& xt, size_t d) {
    std::unique_ptr<faiss::Index> index(faiss::index_factory(int(d), factory));
    index->train(idx_t(xt.size() / d), xt.data());
    return index;
}

TEST(ShardedIVF, SplitByVectorsEqualsUnsharded) {
    const size_t d = 16, nb = 3000;
    const std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 30, 5);
    const std::vector<float> xq = faiss::test::clustered_vectors(60, d, 30, 6);
    auto whole = trained("IVF32,Flat", xb, d);
    whole->add(idx_t(nb), xb.data());
    auto shard = trained("IVF32,Flat", xb, d);
    fm::add_distributed(MPI_COMM_WORLD, *shard, idx_t(mpi_test::my_rows(xb, d).size() / d),
                        mpi_test::my_rows(xb, d).data());
    faiss::SearchParametersIVF p;
    p.nprobe = 4;
    fm::ShardedSearch s(MPI_COMM_WORLD, shard.get());
    EXPECT_TRUE(s.routed());
    EXPECT_EQ(s.ntotal(), idx_t(nb));
    expect_same(full(*whole, xq, 10, &p), sharded(*shard, xq, 10, &p));
}

TEST(ShardedIVF, ShardsTrainedApartAreSearchedWithoutRouting) {
    const size_t d = 8, nb = 2400;
    const int size = mpi_test::size();
    const std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 20, 13);
    const std::vector<float> xq = faiss::test::clustered_vectors(20, d, 20, 14);
    // Every rank builds every shard (its own rows, its own quantizer) for the reference.
    std::vector<std::unique_ptr<faiss::Index>> shards;
    for (int r = 0; r < size; r++) {
        int64_t first, count;
        fm::even_split(int64_t(nb), r, size, &first, &count);
        std::vector<float> part(xb.begin() + first * int64_t(d),
                                xb.begin() + (first + count) * int64_t(d));
        shards.push_back(trained("IVF8,Flat", part, d));
        std::vector<idx_t> ids(static_cast<size_t>(count));
        for (int64_t i = 0; i < count; i++)
            ids[size_t(i)] = first + i;
        shards.back()->add_with_ids(count, part.data(), ids.data());
    }
    faiss::SearchParametersIVF p;
    p.nprobe = 2;
    const idx_t k = 5, nq = 20;
    fm::ShardedSearch s(MPI_COMM_WORLD, shards[size_t(mpi_test::rank())].get());
    EXPECT_EQ(s.routed(), size == 1);
    const Knn got = sharded(*shards[size_t(mpi_test::rank())], xq, k, &p);
    // Reference: all candidates of all shards, best k by (distance, label).
    Knn want{std::vector<float>(size_t(nq * k)), std::vector<idx_t>(size_t(nq * k))};
    for (idx_t q = 0; q < nq; q++) {
        std::vector<std::pair<float, idx_t>> all;
        for (auto& sh : shards) {
            Knn one = full(
                *sh, std::vector<float>(xq.begin() + q * idx_t(d), xq.begin() + (q + 1) * idx_t(d)),
                k, &p);
            for (idx_t j = 0; j < k; j++)
                if (one.l[size_t(j)] >= 0) all.emplace_back(one.d[size_t(j)], one.l[size_t(j)]);
        }
        std::sort(all.begin(), all.end());
        for (idx_t j = 0; j < k; j++) {
            want.d[size_t(q * k + j)] = all[size_t(j)].first;
            want.l[size_t(q * k + j)] = all[size_t(j)].second;
        }
    }
    expect_same(want, got);
}

TEST(DistributedBuild, ListShardsMergedFileAndRouting) {
    const size_t d = 16, nb = 4000;
    const std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 40, 7);
    const std::vector<float> xq = faiss::test::clustered_vectors(50, d, 40, 8);
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    const idx_t n_mine = idx_t(mine.size() / d);
    std::unique_ptr<faiss::Index> index(faiss::index_factory(int(d), "IVF32,Flat"));
    fm::train_index_distributed(MPI_COMM_WORLD, index, n_mine, mine.data());
    ASSERT_TRUE(index->is_trained);
    fm::add_distributed(MPI_COMM_WORLD, *index, n_mine, mine.data());
    // A copy merged on rank 0, the original regrouped by list.
    std::unique_ptr<faiss::Index> merged = fm::index_from_bytes(fm::index_to_bytes(*index));
    fm::merge_index_to_root(MPI_COMM_WORLD, *merged);
    auto& ivf = dynamic_cast<faiss::IndexIVF&>(*index);
    fm::shard_ivf_by_list(MPI_COMM_WORLD, ivf);
    for (size_t l = 0; l < ivf.nlist; l++) {
        if (fm::ivf_list_owner(l, mpi_test::size()) != mpi_test::rank())
            EXPECT_EQ(ivf.get_list_size(l), 0u);
    }
    int64_t total = 0;
    MPI_Allreduce(&ivf.ntotal, &total, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(total, int64_t(nb));
    if (mpi_test::rank() == 0) EXPECT_EQ(merged->ntotal, idx_t(nb));

    for (size_t nprobe : {1, 5}) {
        faiss::SearchParametersIVF p;
        p.nprobe = nprobe;
        Knn a = mpi_test::rank() == 0 ? full(*merged, xq, 8, &p) : Knn{};
        fm::ShardedSearch s(MPI_COMM_WORLD, index.get());
        Knn b = sharded(*index, xq, 8, &p);
        expect_same(a, b);
        // nprobe 1: each query goes to the one rank that owns its list.
        int64_t scanned = 0, mine_q = 0;
        fm::ShardedSearch s1(MPI_COMM_WORLD, index.get());
        std::vector<float> dd(xq.size() / d * 8);
        std::vector<idx_t> ll(dd.size());
        s1.search(mpi_test::rank() == 0 ? idx_t(xq.size() / d) : 0, xq.data(), 8, dd.data(),
                  ll.data(), &p);
        mine_q = s1.last_local_queries();
        MPI_Allreduce(&mine_q, &scanned, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (nprobe == 1) EXPECT_EQ(scanned, int64_t(xq.size() / d));
    }
}

TEST(DistributedBuild, IVFPQCodebooksMatchSingleProcess) {
    const size_t d = 16, nb = 3000;
    const std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 20, 9);
    const std::vector<float> xq = faiss::test::clustered_vectors(30, d, 20, 10);
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    const idx_t n_mine = idx_t(mine.size() / d);
    std::unique_ptr<faiss::Index> index(faiss::index_factory(int(d), "IVF16,PQ4x4"));
    fm::train_index_distributed(MPI_COMM_WORLD, index, n_mine, mine.data());
    auto single = trained("IVF16,PQ4x4", xb, d);
    const auto& a = dynamic_cast<const faiss::IndexIVFPQ&>(*single);
    const auto& b = dynamic_cast<const faiss::IndexIVFPQ&>(*index);
    ASSERT_EQ(a.pq.centroids.size(), b.pq.centroids.size());
    double worst = 0;
    for (size_t i = 0; i < a.pq.centroids.size(); i++)
        worst = std::max(worst, double(std::fabs(a.pq.centroids[i] - b.pq.centroids[i])));
    EXPECT_LE(worst, 1e-3);
    fm::add_distributed(MPI_COMM_WORLD, *index, n_mine, mine.data());
    std::unique_ptr<faiss::Index> merged = fm::index_from_bytes(fm::index_to_bytes(*index));
    fm::merge_index_to_root(MPI_COMM_WORLD, *merged);
    faiss::SearchParametersIVF p;
    p.nprobe = 3;
    Knn want = mpi_test::rank() == 0 ? full(*merged, xq, 5, &p) : Knn{};
    expect_same(want, sharded(*index, xq, 5, &p));
}

TEST(DistributedBuild, PreTransformOverIVFTrainsLikeSingleProcess) {
    const size_t d = 16, nb = 2000;
    const std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 20, 15);
    const std::vector<float> xq = faiss::test::clustered_vectors(25, d, 20, 16);
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    const idx_t n_mine = idx_t(mine.size() / d);
    std::unique_ptr<faiss::Index> index(faiss::index_factory(int(d), "PCA8,IVF16,Flat"));
    fm::train_index_distributed(MPI_COMM_WORLD, index, n_mine, mine.data());
    ASSERT_TRUE(index->is_trained);
    auto single = trained("PCA8,IVF16,Flat", xb, d);
    const auto* a = faiss::extract_index_ivf(single.get());
    const auto* b = faiss::extract_index_ivf(index.get());
    std::vector<float> ca(16 * 8), cb(16 * 8);
    a->quantizer->reconstruct_n(0, 16, ca.data());
    b->quantizer->reconstruct_n(0, 16, cb.data());
    for (size_t i = 0; i < ca.size(); i++)
        EXPECT_NEAR(ca[i], cb[i], 1e-4 * std::max(1.0f, std::fabs(ca[i]))) << i;
    fm::add_distributed(MPI_COMM_WORLD, *index, n_mine, mine.data());
    std::unique_ptr<faiss::Index> merged = fm::index_from_bytes(fm::index_to_bytes(*index));
    fm::merge_index_to_root(MPI_COMM_WORLD, *merged);
    faiss::SearchParametersIVF p;
    p.nprobe = 4;
    Knn want = mpi_test::rank() == 0 ? full(*merged, xq, 5, &p) : Knn{};
    expect_same(want, sharded(*index, xq, 5, &p));
}

TEST(ShardedHNSW, OffsetsLabelsAndFindsNeighbours) {
    const size_t d = 12, nb = 1200;
    const std::vector<float> xb = faiss::test::random_vectors(nb, d, 11);
    const std::vector<float> xq = faiss::test::random_vectors(30, d, 12);
    faiss::IndexHNSWFlat shard(int(d), 16);
    shard.hnsw.efSearch = 128;
    const std::vector<float> mine = mpi_test::my_rows(xb, d);
    shard.add(idx_t(mine.size() / d), mine.data());
    const Knn got = sharded(shard, xq, 1);
    if (mpi_test::rank() != 0) return;
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), 30, xb.data(), nb, d, 1, faiss::METRIC_L2, rd, rl);
    size_t hits = 0;
    for (size_t i = 0; i < 30; i++)
        hits += got.l[i] == rl[i];
    EXPECT_GE(hits, 28u);
}

TEST(ShardedSearchErrors, MismatchedShardsFailEverywhere) {
    if (mpi_test::size() == 1) GTEST_SKIP() << "needs 2 ranks";
    const int d = mpi_test::size() > 1 && mpi_test::rank() == 1 ? 8 : 4;
    faiss::IndexFlatL2 shard(d);
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [&] { fm::ShardedSearch s(MPI_COMM_WORLD, &shard); },
        mpi_test::size() > 1 ? "dimension" : nullptr);
}

TEST(DistributedBuildErrors, DifferentIndexClassesAreRejectedEverywhere) {
    if (mpi_test::size() == 1) GTEST_SKIP() << "needs 2 ranks";
    const size_t d = 8;
    const std::vector<float> x = mpi_test::my_rows(faiss::test::random_vectors(500, d, 2), d);
    std::unique_ptr<faiss::Index> index(
        faiss::index_factory(int(d), mpi_test::rank() == 1 ? "PQ2x4" : "IVF4,Flat"));
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument,
        [&] { fm::train_index_distributed(MPI_COMM_WORLD, index, idx_t(x.size() / d), x.data()); },
        "different classes");
}

TEST(ShardedSearchErrors, MergeOfHNSWIsUnsupportedWithoutHanging) {
    if (mpi_test::size() == 1) GTEST_SKIP() << "needs 2 ranks";
    faiss::IndexHNSWFlat shard(4, 8);
    const std::vector<float> x = faiss::test::random_vectors(20, 4, 1);
    shard.add(20, x.data());
    faiss::test::expect_code(faiss::ErrorCode::unsupported,
                             [&] { fm::merge_index_to_root(MPI_COMM_WORLD, shard); });
}

}  // namespace
