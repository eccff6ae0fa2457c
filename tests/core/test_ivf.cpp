// IndexIVF / IndexIVFFlat: exactness at nprobe = nlist against IndexFlat, recall at small
// nprobe on clustered data, removal, merging, reconstruction through the direct map,
// selectors, range search, single-query and batch paths, per-call parameters, bad input.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::IndexFlat;
using faiss::IndexIVFFlat;

using faiss::test::expect_code;

namespace {

constexpr size_t kD = 16;
constexpr size_t kNlist = 16;

/// A trained and filled IVFFlat with its own flat quantizer, plus the same data in an
/// IndexFlat for reference.
struct Fixture {
    faiss::MetricType metric;
    std::vector<float> xb, xq;
    size_t nb, nq;
    std::unique_ptr<IndexFlat> quantizer;
    std::unique_ptr<IndexIVFFlat> ivf;
    std::unique_ptr<IndexFlat> flat;

    Fixture(size_t nb, size_t nq, faiss::MetricType metric = faiss::METRIC_L2, bool fill = true)
        : metric(metric), nb(nb), nq(nq) {
        xb = faiss::test::clustered_vectors(nb, kD, 20, 7);
        xq = faiss::test::clustered_vectors(nq, kD, 20, 8);
        quantizer = std::make_unique<IndexFlat>(kD, metric);
        ivf = std::make_unique<IndexIVFFlat>(quantizer.get(), kD, kNlist, metric);
        ivf->train(idx_t(nb), xb.data());
        flat = std::make_unique<IndexFlat>(kD, metric);
        if (fill) {
            ivf->add(idx_t(nb), xb.data());
            flat->add(idx_t(nb), xb.data());
        }
    }
};

/// Labels equal position by position, except where two neighbours are tied within
/// rounding (the engines compute distances in different orders).
void expect_same_results(const std::vector<float>& d1, const std::vector<idx_t>& l1,
                         const std::vector<float>& d2, const std::vector<idx_t>& l2) {
    ASSERT_EQ(l1.size(), l2.size());
    for (size_t i = 0; i < l1.size(); i++) {
        if (l1[i] == l2[i]) {
            if (l1[i] >= 0) EXPECT_NEAR(d1[i], d2[i], 1e-4 * (1 + std::fabs(d2[i]))) << i;
            continue;
        }
        EXPECT_NEAR(d1[i], d2[i], 1e-4 * (1 + std::fabs(d2[i]))) << "label mismatch at " << i;
    }
}

}  // namespace

TEST(IndexIVFFlat, FullProbeEqualsFlat) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Fixture f(2000, 40, metric);
        EXPECT_EQ(f.ivf->ntotal, 2000);
        f.ivf->nprobe = kNlist;
        const idx_t k = 10;
        std::vector<float> d1(f.nq * k), d2(f.nq * k);
        std::vector<idx_t> l1(f.nq * k), l2(f.nq * k);
        f.ivf->search(idx_t(f.nq), f.xq.data(), k, d1.data(), l1.data());
        f.flat->search(idx_t(f.nq), f.xq.data(), k, d2.data(), l2.data());
        expect_same_results(d1, l1, d2, l2);
        // single-query path gives the batch results
        for (size_t i = 0; i < f.nq; i += 7) {
            std::vector<float> d(k);
            std::vector<idx_t> l(k);
            f.ivf->search(1, f.xq.data() + i * kD, k, d.data(), l.data());
            for (idx_t j = 0; j < k; j++) {
                EXPECT_EQ(l[j], l1[i * k + j]);
                EXPECT_EQ(d[j], d1[i * k + j]);
            }
        }
    }
}

TEST(IndexIVFFlat, RecallAtSmallNprobe) {
    Fixture f(4000, 100);
    const idx_t k = 10;
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(f.xq.data(), f.nq, f.xb.data(), f.nb, kD, k, faiss::METRIC_L2, rd,
                               rl);
    std::vector<float> d(f.nq * k);
    std::vector<idx_t> l(f.nq * k);
    f.ivf->nprobe = 3;
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data());
    const size_t hits = faiss::test::count_overlap(l.data(), rl.data(), f.nq, k);
    double recall = double(hits) / double(f.nq * k);
    EXPECT_GT(recall, 0.8) << "recall@10 at nprobe=3 of 16 lists";
    // results sorted, labels distinct
    for (size_t i = 0; i < f.nq; i++) {
        for (idx_t j = 1; j < k; j++)
            EXPECT_LE(d[i * k + j - 1], d[i * k + j]);
    }
}

TEST(IndexIVFFlat, ParallelModesAgree) {
    Fixture f(3000, 8);
    const idx_t k = 5;
    f.ivf->nprobe = 8;
    std::vector<float> d0(f.nq * k), d1(f.nq * k);
    std::vector<idx_t> l0(f.nq * k), l1(f.nq * k);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d0.data(), l0.data());
    f.ivf->parallel_mode = 1;  // over probed lists, per query
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d1.data(), l1.data());
    EXPECT_EQ(l0, l1);
    EXPECT_EQ(d0, d1);
}

TEST(IndexIVFFlat, SearchParametersOverrideNprobe) {
    Fixture f(2000, 20);
    const idx_t k = 10;
    f.ivf->nprobe = 1;
    std::vector<float> d1(f.nq * k), d2(f.nq * k), d3(f.nq * k);
    std::vector<idx_t> l1(f.nq * k), l2(f.nq * k), l3(f.nq * k);
    faiss::SearchParametersIVF params;
    params.nprobe = 1000;  // clamped to nlist
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d1.data(), l1.data(), &params);
    f.flat->search(idx_t(f.nq), f.xq.data(), k, d2.data(), l2.data());
    expect_same_results(d1, l1, d2, l2);
    EXPECT_EQ(f.ivf->nprobe, 1u);
    // max_codes = 1 stops after the first non-empty list: same as nprobe = 1
    params.max_codes = 1;
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d3.data(), l3.data(), &params);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d1.data(), l1.data());
    EXPECT_EQ(l3, l1);
    params.nprobe = 0;
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.ivf->search(1, f.xq.data(), k, d1.data(), l1.data(), &params); });
}

TEST(IndexIVFFlat, SelectorFiltersDuringScan) {
    Fixture f(1500, 10);
    const idx_t k = 10;
    f.ivf->nprobe = kNlist;
    faiss::IDSelectorRange sel(100, 400);
    faiss::SearchParametersIVF params;
    params.sel = &sel;
    params.nprobe = kNlist;
    std::vector<float> d(f.nq * k);
    std::vector<idx_t> l(f.nq * k);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data(), &params);
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(f.xq.data(), f.nq, f.xb.data() + 100 * kD, 300, kD, k,
                               faiss::METRIC_L2, rd, rl);
    for (size_t i = 0; i < l.size(); i++) {
        EXPECT_TRUE(l[i] >= 100 && l[i] < 400) << l[i];
        EXPECT_NEAR(d[i], rd[i], 1e-3);
    }
    // a plain SearchParameters carries a selector too (nprobe from the index)
    faiss::SearchParameters plain;
    plain.sel = &sel;
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data(), &plain);
    for (idx_t id : l)
        EXPECT_TRUE(id == -1 || (id >= 100 && id < 400));
}

TEST(IndexIVFFlat, RangeSearchMatchesBruteForce) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Fixture f(1000, 12, metric);
        f.ivf->nprobe = kNlist;
        // radius = distance of the 20th neighbour of query 0: a few hits per query
        std::vector<float> dr(20);
        std::vector<idx_t> lr(20);
        f.flat->search(1, f.xq.data(), 20, dr.data(), lr.data());
        float radius = dr[19];
        faiss::RangeSearchResult r1(f.nq), r2(f.nq);
        f.ivf->range_search(idx_t(f.nq), f.xq.data(), radius, &r1);
        f.flat->range_search(idx_t(f.nq), f.xq.data(), radius, &r2);
        size_t total = 0;
        for (size_t i = 0; i < f.nq; i++) {
            std::set<idx_t> a(r1.labels + r1.lims[i], r1.labels + r1.lims[i + 1]);
            std::set<idx_t> b(r2.labels + r2.lims[i], r2.labels + r2.lims[i + 1]);
            EXPECT_EQ(a, b) << "query " << i;
            total += a.size();
        }
        EXPECT_GT(total, 0u);
        EXPECT_LT(total, f.nq * f.nb);
    }
}

TEST(IndexIVFFlat, RemoveIds) {
    Fixture f(1200, 10);
    f.ivf->nprobe = kNlist;
    faiss::IDSelectorRange sel(0, 600);
    EXPECT_EQ(f.ivf->remove_ids(sel), 600u);
    EXPECT_EQ(f.ivf->ntotal, 600);
    EXPECT_EQ(f.ivf->invlists->compute_ntotal(), 600u);
    const idx_t k = 5;
    std::vector<float> d(f.nq * k);
    std::vector<idx_t> l(f.nq * k);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data());
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(f.xq.data(), f.nq, f.xb.data() + 600 * kD, 600, kD, k,
                               faiss::METRIC_L2, rd, rl);
    for (size_t i = 0; i < l.size(); i++) {
        EXPECT_GE(l[i], 600);
        EXPECT_NEAR(d[i], rd[i], 1e-3);
    }
    // hashtable direct map follows removals
    f.ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
    faiss::IDSelectorRange sel2(600, 700);
    EXPECT_EQ(f.ivf->remove_ids(sel2), 100u);
    std::vector<float> v(kD);
    for (idx_t id = 700; id < 1200; id += 37) {
        f.ivf->reconstruct(id, v.data());
        for (size_t j = 0; j < kD; j++)
            EXPECT_EQ(v[j], f.xb[id * kD + j]);
    }
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.ivf->reconstruct(650, v.data()); });
    // an Array map cannot follow removals
    f.ivf->reset();
    f.ivf->add(10, f.xb.data());
    f.ivf->make_direct_map();
    expect_code(faiss::ErrorCode::unsupported, [&] { f.ivf->remove_ids(sel); });
}

TEST(IndexIVFFlat, ReconstructWithDirectMaps) {
    Fixture f(500, 1);
    std::vector<float> v(kD), vn(3 * kD);
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { f.ivf->reconstruct(3, v.data()); },
        "make_direct_map");
    f.ivf->reconstruct_n(10, 3, vn.data());  // needs no direct map
    for (size_t j = 0; j < 3 * kD; j++)
        EXPECT_EQ(vn[j], f.xb[10 * kD + j]);
    f.ivf->make_direct_map();
    EXPECT_EQ(f.ivf->direct_map.type, faiss::DirectMap::Array);
    for (idx_t id : {0, 123, 499}) {
        f.ivf->reconstruct(id, v.data());
        for (size_t j = 0; j < kD; j++)
            EXPECT_EQ(v[j], f.xb[id * kD + j]);
    }
    f.ivf->add(1, f.xb.data());  // Array map follows sequential adds
    f.ivf->reconstruct(500, v.data());
    EXPECT_EQ(v[0], f.xb[0]);
    std::vector<idx_t> ids = {1000};
    expect_code(faiss::ErrorCode::unsupported,
                [&] { f.ivf->add_with_ids(1, f.xb.data(), ids.data()); });
    f.ivf->make_direct_map(false);
    EXPECT_TRUE(f.ivf->direct_map.no());

    // add_with_ids + hashtable
    f.ivf->reset();
    std::vector<idx_t> xids(100);
    for (size_t i = 0; i < 100; i++)
        xids[i] = idx_t(1000 + 3 * i);
    f.ivf->add_with_ids(100, f.xb.data(), xids.data());
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.ivf->make_direct_map(); });
    f.ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
    f.ivf->reconstruct(1000 + 3 * 42, v.data());
    for (size_t j = 0; j < kD; j++)
        EXPECT_EQ(v[j], f.xb[42 * kD + j]);
    ids[0] = 5000;
    f.ivf->add_with_ids(1, f.xb.data() + 7 * kD, ids.data());  // map kept up to date
    f.ivf->reconstruct(5000, v.data());
    EXPECT_EQ(v[0], f.xb[7 * kD]);
}

TEST(IndexIVFFlat, MergeFrom) {
    Fixture f(1000, 10, faiss::METRIC_L2, false);
    IndexIVFFlat other(f.quantizer.get(), kD, kNlist);
    ASSERT_TRUE(other.is_trained);
    f.ivf->add(600, f.xb.data());
    other.add(400, f.xb.data() + 600 * kD);
    f.ivf->merge_from(other, 600);
    EXPECT_EQ(f.ivf->ntotal, 1000);
    EXPECT_EQ(other.ntotal, 0);
    EXPECT_EQ(other.invlists->compute_ntotal(), 0u);
    f.flat->add(1000, f.xb.data());
    f.ivf->nprobe = kNlist;
    const idx_t k = 10;
    std::vector<float> d1(f.nq * k), d2(f.nq * k);
    std::vector<idx_t> l1(f.nq * k), l2(f.nq * k);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d1.data(), l1.data());
    f.flat->search(idx_t(f.nq), f.xq.data(), k, d2.data(), l2.data());
    expect_same_results(d1, l1, d2, l2);

    IndexFlat q2(kD);
    IndexIVFFlat wrong(&q2, kD, kNlist / 2);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.ivf->merge_from(wrong); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.ivf->merge_from(*f.flat); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.ivf->merge_from(*f.ivf); });
}

TEST(IndexIVFFlat, EmptyAndSmallResults) {
    Fixture f(300, 4, faiss::METRIC_INNER_PRODUCT, false);
    const idx_t k = 5;
    std::vector<float> d(f.nq * k);
    std::vector<idx_t> l(f.nq * k);
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data());
    for (size_t i = 0; i < l.size(); i++) {
        EXPECT_EQ(l[i], -1);
        EXPECT_EQ(d[i], -INFINITY);
    }
    f.ivf->add(2, f.xb.data());
    f.ivf->nprobe = kNlist;
    f.ivf->search(1, f.xq.data(), k, d.data(), l.data());
    EXPECT_GE(l[0], 0);
    EXPECT_GE(l[1], 0);
    EXPECT_EQ(l[2], -1);
    EXPECT_EQ(d[2], -INFINITY);
    std::vector<idx_t> sizes;
    size_t sum = 0;
    for (size_t i = 0; i < kNlist; i++)
        sum += f.ivf->get_list_size(i);
    EXPECT_EQ(sum, 2u);
}

TEST(IndexIVFFlat, ExtractIndexIVF) {
    Fixture f(300, 1, faiss::METRIC_L2, false);
    faiss::IndexIDMap wrapped(f.ivf.get());
    EXPECT_EQ(faiss::extract_index_ivf(&wrapped), f.ivf.get());
    EXPECT_EQ(faiss::try_extract_index_ivf(f.flat.get()), nullptr);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { faiss::extract_index_ivf(static_cast<faiss::Index*>(f.flat.get())); });
}

TEST(IndexIVFFlat, BadInput) {
    IndexFlat q(kD);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIVFFlat(nullptr, kD, 4); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIVFFlat(&q, kD + 1, 4); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIVFFlat(&q, kD, 0); });
    expect_code(faiss::ErrorCode::unsupported, [&] { IndexIVFFlat(&q, kD, 4, faiss::METRIC_L1); });

    IndexIVFFlat ivf(&q, kD, 8);
    EXPECT_FALSE(ivf.is_trained);
    auto x = faiss::test::random_vectors(100, kD, 3);
    std::vector<float> d(10);
    std::vector<idx_t> l(10);
    expect_code(faiss::ErrorCode::not_trained, [&] { ivf.add(10, x.data()); });
    expect_code(faiss::ErrorCode::not_trained,
                [&] { ivf.search(1, x.data(), 10, d.data(), l.data()); });
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { ivf.train(5, x.data()); }, "at least nlist = 8");
    expect_code(faiss::ErrorCode::invalid_argument, [&] { ivf.train(-1, x.data()); });
    ivf.train(100, x.data());
    EXPECT_TRUE(ivf.is_trained);
    EXPECT_EQ(q.ntotal, 8);
    expect_code(faiss::ErrorCode::invalid_argument, [&] { ivf.add(-1, x.data()); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { ivf.add(1, nullptr); });
    ivf.add(100, x.data());
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { ivf.search(1, x.data(), 0, d.data(), l.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { ivf.search(1, nullptr, 1, d.data(), l.data()); });
    std::vector<idx_t> bad_assign = {99};
    std::vector<float> cd = {0};
    faiss::SearchParametersIVF p1;
    expect_code(faiss::ErrorCode::invalid_argument, [&] {
        ivf.search_preassigned(1, x.data(), 1, bad_assign.data(), cd.data(), d.data(), l.data(),
                               false, &p1);
    });
    faiss::RangeSearchResult wrong_nq(3);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { ivf.range_search(1, x.data(), 1.0f, &wrong_nq); });
    ivf.parallel_mode = 7;
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { ivf.search(1, x.data(), 1, d.data(), l.data()); });
}

TEST(IndexIVFFlat, PretrainedQuantizerSkipsTraining) {
    auto x = faiss::test::random_vectors(50, kD, 4);
    IndexFlat q(kD);
    q.add(4, x.data());
    IndexIVFFlat ivf(&q, kD, 4);
    EXPECT_TRUE(ivf.is_trained);
    ivf.train(2, x.data());  // fewer points than nlist is fine: nothing to learn
    EXPECT_EQ(q.ntotal, 4);
    ivf.add(50, x.data());
    EXPECT_EQ(ivf.invlists->compute_ntotal(), 50u);
    // vector i of the first 4 sits in list i (its own centroid)
    for (size_t l = 0; l < 4; l++) {
        const idx_t* ids = ivf.invlists->get_ids(l);
        size_t n = ivf.invlists->list_size(l);
        EXPECT_NE(std::find(ids, ids + n, idx_t(l)), ids + n);
    }
}

TEST(InvertedLists, ArrayBasics) {
    faiss::ArrayInvertedLists il(3, 2);
    uint8_t c[4] = {1, 2, 3, 4};
    idx_t ids[2] = {10, 11};
    EXPECT_EQ(il.add_entries(1, 2, ids, c), 0u);
    EXPECT_EQ(il.add_entry(1, 12, c), 2u);
    EXPECT_EQ(il.list_size(1), 3u);
    EXPECT_EQ(il.get_single_id(1, 1), 11);
    EXPECT_EQ(il.get_single_code(1, 1)[0], 3);
    il.update_entry(1, 0, 20, c + 2);
    EXPECT_EQ(il.get_ids(1)[0], 20);
    EXPECT_EQ(il.get_codes(1)[0], 3);
    faiss::ArrayInvertedLists other(3, 2);
    other.add_entries(2, 2, ids, c);
    il.merge_from(&other, 100);
    EXPECT_EQ(il.get_ids(2)[1], 111);
    EXPECT_EQ(other.compute_ntotal(), 0u);
    EXPECT_EQ(il.compute_ntotal(), 5u);
    EXPECT_THROW(il.list_size(3), faiss::FaissException);
    EXPECT_THROW(il.get_single_id(0, 0), faiss::FaissException);
    EXPECT_THROW(il.update_entries(1, 2, 2, ids, c), faiss::FaissException);
    faiss::ArrayInvertedLists bad(4, 2);
    EXPECT_THROW(il.merge_from(&bad, 0), faiss::FaissException);
    il.reset();
    EXPECT_EQ(il.compute_ntotal(), 0u);
    EXPECT_EQ(faiss::lo_listno(faiss::lo_build(7, 9)), 7);
    EXPECT_EQ(faiss::lo_offset(faiss::lo_build(7, 9)), 9);
}

TEST(IndexIVFFlat, LargeSingleQueryParallelOverLists) {
    // One query scanning more than 65536 codes takes the parallel-over-lists path
    // (parallel_mode 0); mode 3 scans the same lists on one thread.
    const size_t d = 4, nb = 70000, nlist = 4;
    auto xb = faiss::test::random_vectors(nb, d, 11);
    auto xq = faiss::test::random_vectors(3, d, 12);
    IndexFlat q(d);
    IndexIVFFlat ivf(&q, d, nlist);
    ivf.train(idx_t(nb), xb.data());
    ivf.add(idx_t(nb), xb.data());
    ivf.nprobe = nlist;
    const idx_t k = 20;
    for (size_t i = 0; i < 3; i++) {
        std::vector<float> d0(k), d1(k);
        std::vector<idx_t> l0(k), l1(k);
        ivf.parallel_mode = 0;
        ivf.search(1, xq.data() + i * d, k, d0.data(), l0.data());
        ivf.parallel_mode = 3;
        ivf.search(1, xq.data() + i * d, k, d1.data(), l1.data());
        EXPECT_EQ(l0, l1);
        EXPECT_EQ(d0, d1);
        std::vector<double> rd;
        std::vector<idx_t> rl;
        faiss::test::reference_knn(xq.data() + i * d, 1, xb.data(), nb, d, size_t(k),
                                   faiss::METRIC_L2, rd, rl);
        for (idx_t j = 0; j < k; j++)
            EXPECT_NEAR(d0[j], rd[j], 1e-5);
    }
}

TEST(IndexIVFFlat, NaNQueryGetsPadding) {
    Fixture f(500, 2);
    f.ivf->nprobe = 4;
    std::vector<float> q(f.xq.begin(), f.xq.begin() + 2 * kD);
    q[3] = NAN;
    const idx_t k = 3;
    std::vector<float> d(2 * k);
    std::vector<idx_t> l(2 * k);
    f.ivf->search(2, q.data(), k, d.data(), l.data());
    for (idx_t j = 0; j < k; j++) {
        EXPECT_EQ(l[j], -1);
        EXPECT_EQ(d[j], INFINITY);
        EXPECT_GE(l[k + j], 0);
    }
}

TEST(IndexIVFFlat, SearchStatistics) {
    Fixture f(800, 6);
    f.ivf->nprobe = kNlist;
    const idx_t k = 4;
    std::vector<float> d(f.nq * k);
    std::vector<idx_t> l(f.nq * k);
    faiss::indexIVF_stats.reset();
    f.ivf->search(idx_t(f.nq), f.xq.data(), k, d.data(), l.data());
    EXPECT_EQ(faiss::indexIVF_stats.nq, f.nq);
    EXPECT_EQ(faiss::indexIVF_stats.ndis, f.nq * f.nb);  // every list visited
    EXPECT_GE(faiss::indexIVF_stats.nheap_updates, f.nq * size_t(k));
    EXPECT_GE(faiss::indexIVF_stats.search_time, 0.0);
    // search_preassigned reports to the stats object it is given, not the global one
    faiss::IndexIVFStats mine;
    std::vector<idx_t> assign(f.nq, 0);
    faiss::SearchParametersIVF p1;
    f.ivf->search_preassigned(idx_t(f.nq), f.xq.data(), k, assign.data(), nullptr, d.data(),
                              l.data(), false, &p1, &mine);
    EXPECT_EQ(mine.nq, f.nq);
    EXPECT_EQ(mine.ndis, f.nq * f.ivf->get_list_size(0));
    EXPECT_EQ(faiss::indexIVF_stats.nq, f.nq);
}

TEST(IndexIVFFlat, ListMajorBatchEqualsPerQueryScan) {
    // A batch whose queries visit every list several times is scanned list by list
    // (parallel_mode 0); mode 3 scans query by query. Lists of 5000 codes span two
    // list-major parts (256 KB of 64-byte codes each). Same results to the bit, same
    // counters, for both metrics, a selector, one and two threads.
    const size_t d = 16, nb = 20000, nlist = 4, nq = 30;
    auto xb = faiss::test::clustered_vectors(nb, d, 4, 21);
    auto xq = faiss::test::clustered_vectors(nq, d, 4, 22);
    faiss::IDSelectorRange odd_half(nb / 2, nb);
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        IndexFlat q(d, metric);
        IndexIVFFlat ivf(&q, d, nlist, metric);
        ivf.train(idx_t(nb), xb.data());
        ivf.add(idx_t(nb), xb.data());
        ASSERT_GT(ivf.get_list_size(0) + ivf.get_list_size(1), 8192u);
        for (const faiss::IDSelector* sel :
             {(const faiss::IDSelector*)nullptr, (const faiss::IDSelector*)&odd_half}) {
            for (int threads : {1, 2}) {
                faiss::SearchParametersIVF p;
                p.nprobe = 3;
                p.sel = sel;
                const idx_t k = 7;
                std::vector<float> d0(nq * k), d1(nq * k);
                std::vector<idx_t> l0(nq * k), l1(nq * k);
                const int saved = omp_get_max_threads();
                omp_set_num_threads(threads);
                faiss::IndexIVFStats s0, s1;
                ivf.parallel_mode = 0;
                faiss::indexIVF_stats.reset();
                ivf.search(idx_t(nq), xq.data(), k, d0.data(), l0.data(), &p);
                s0 = faiss::indexIVF_stats;
                ivf.parallel_mode = 3;
                faiss::indexIVF_stats.reset();
                ivf.search(idx_t(nq), xq.data(), k, d1.data(), l1.data(), &p);
                s1 = faiss::indexIVF_stats;
                omp_set_num_threads(saved);
                EXPECT_EQ(l0, l1) << "threads " << threads;
                EXPECT_EQ(d0, d1) << "threads " << threads;
                EXPECT_EQ(s0.ndis, s1.ndis);
                EXPECT_EQ(s0.nlist, s1.nlist);
                if (sel) {
                    for (idx_t l : l0)
                        EXPECT_TRUE(l < 0 || size_t(l) >= nb / 2);
                }
            }
        }
    }
}
