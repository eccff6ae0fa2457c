// IndexIDMap / IndexIDMap2 over exact sub-indexes (L2 and inner product): external ids
// in results, selectors on external ids, range search, removal, reconstruction by id,
// merging, and bad input. Results are checked against double-precision brute force on
// the vectors that should be visible.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <vector>

using faiss::idx_t;
using faiss::IndexIDMap;
using faiss::IndexIDMap2;

using faiss::test::expect_code;

namespace {

constexpr int kDim = 8;

std::unique_ptr<faiss::Index> make_flat(faiss::MetricType metric) {
    if (metric == faiss::METRIC_L2) return std::make_unique<faiss::IndexFlatL2>(kDim);
    return std::make_unique<faiss::IndexFlatIP>(kDim);
}

/// Database vectors with unique, scattered external ids.
struct Dataset {
    std::vector<float> xb, xq;
    std::vector<idx_t> ids;
    size_t nb, nq;

    Dataset(size_t nb, size_t nq, uint64_t seed) : nb(nb), nq(nq) {
        xb = faiss::test::random_vectors(nb, kDim, seed);
        xq = faiss::test::random_vectors(nq, kDim, seed + 1);
        ids.resize(nb);
        for (size_t i = 0; i < nb; i++)
            ids[i] = idx_t(1000000000000LL + 7919 * i);
        std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
    }
};

/// Exact k-NN among the database vectors whose external id keep() accepts, reported
/// as external ids, padded with -1.
template <class Keep>
std::vector<idx_t> expected_labels(const Dataset& data, faiss::MetricType metric, size_t k,
                                   Keep keep) {
    std::vector<float> subset;
    std::vector<idx_t> subset_ids;
    for (size_t i = 0; i < data.nb; i++) {
        if (!keep(data.ids[i])) continue;
        subset.insert(subset.end(), data.xb.begin() + i * kDim, data.xb.begin() + (i + 1) * kDim);
        subset_ids.push_back(data.ids[i]);
    }
    std::vector<double> distances;
    std::vector<idx_t> labels;
    faiss::test::reference_knn(data.xq.data(), data.nq, subset.data(), subset_ids.size(), kDim, k,
                               metric, distances, labels);
    for (auto& label : labels)
        label = label < 0 ? -1 : subset_ids[size_t(label)];
    return labels;
}

std::vector<idx_t> search_labels(const faiss::Index& index, const Dataset& data, idx_t k,
                                 const faiss::SearchParameters* params = nullptr) {
    std::vector<float> distances(data.nq * k);
    std::vector<idx_t> labels(data.nq * k);
    index.search(idx_t(data.nq), data.xq.data(), k, distances.data(), labels.data(), params);
    return labels;
}

/// A sub-index owned by the test plus the map over it.
template <class Map>
struct Fixture {
    std::unique_ptr<faiss::Index> sub;
    std::unique_ptr<Map> map;
    explicit Fixture(faiss::MetricType metric)
        : sub(make_flat(metric)), map(std::make_unique<Map>(sub.get())) {}
};

const faiss::MetricType kMetrics[] = {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT};

struct ParamsWithKnob : faiss::SearchParameters {
    int knob = 3;
};

}  // namespace

TEST(IndexIDMap, SearchReturnsExternalIds) {
    Dataset data(300, 12, 1);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        EXPECT_EQ(f.map->d, kDim);
        EXPECT_EQ(f.map->metric_type, metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
        EXPECT_EQ(f.map->ntotal, idx_t(data.nb));
        EXPECT_EQ(f.map->id_map, data.ids);
        EXPECT_EQ(search_labels(*f.map, data, 10),
                  expected_labels(data, metric, 10, [](idx_t) { return true; }));
    }
}

TEST(IndexIDMap, PaddingStaysMinusOne) {
    Dataset data(5, 3, 2);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
        std::vector<float> distances(3 * 8);
        std::vector<idx_t> labels(3 * 8);
        f.map->search(3, data.xq.data(), 8, distances.data(), labels.data());
        for (size_t q = 0; q < 3; q++) {
            for (size_t j = 0; j < 8; j++) {
                const idx_t label = labels[q * 8 + j];
                if (j < 5) {
                    EXPECT_NE(std::find(data.ids.begin(), data.ids.end(), label), data.ids.end());
                } else {
                    EXPECT_EQ(label, -1);
                    EXPECT_TRUE(std::isinf(distances[q * 8 + j]));
                }
            }
        }
    }
}

TEST(IndexIDMap, SelectorFiltersOnExternalIds) {
    Dataset data(400, 10, 3);
    // every third external id, as a hash set
    std::vector<idx_t> chosen;
    for (size_t i = 0; i < data.nb; i += 3)
        chosen.push_back(data.ids[i]);
    faiss::IDSelectorBatch batch(chosen.size(), chosen.data());
    const std::set<idx_t> chosen_set(chosen.begin(), chosen.end());
    // a range over external ids
    const idx_t lo = 1000000000000LL, hi = lo + 7919 * 100;
    faiss::IDSelectorRange range(lo, hi);
    faiss::IDSelectorNot not_range(&range);

    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());

        faiss::SearchParameters params;
        params.sel = &batch;
        EXPECT_EQ(
            search_labels(*f.map, data, 7, &params),
            expected_labels(data, metric, 7, [&](idx_t id) { return chosen_set.count(id) == 1; }));
        EXPECT_EQ(params.sel, &batch);

        params.sel = &not_range;
        EXPECT_EQ(
            search_labels(*f.map, data, 7, &params),
            expected_labels(data, metric, 7, [&](idx_t id) { return !(id >= lo && id < hi); }));

        // a SearchParameters subclass goes down with its selector swapped, then restored
        ParamsWithKnob knob_params;
        knob_params.sel = &range;
        EXPECT_EQ(search_labels(*f.map, data, 7, &knob_params),
                  expected_labels(data, metric, 7, [&](idx_t id) { return id >= lo && id < hi; }));
        EXPECT_EQ(knob_params.sel, &range);
        EXPECT_EQ(knob_params.knob, 3);

        // a selector that accepts nothing: all padding
        faiss::IDSelectorRange none(0, 0);
        params.sel = &none;
        for (idx_t label : search_labels(*f.map, data, 4, &params))
            EXPECT_EQ(label, -1);
    }
}

TEST(IndexIDMap, ConcurrentSearchesSharingParams) {
    Dataset data(300, 8, 4);
    Fixture<IndexIDMap> f(faiss::METRIC_L2);
    f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
    const idx_t lo = 1000000000000LL, hi = lo + 7919 * 150;
    faiss::IDSelectorRange range(lo, hi);
    faiss::SearchParameters plain;
    plain.sel = &range;
    ParamsWithKnob knob;
    knob.sel = &range;
    const auto expected =
        expected_labels(data, faiss::METRIC_L2, 5, [&](idx_t id) { return id >= lo && id < hi; });
    std::vector<int> ok(64, 0);
#pragma omp parallel for num_threads(4)
    for (int t = 0; t < 64; t++) {
        const faiss::SearchParameters* params =
            (t % 2) ? static_cast<const faiss::SearchParameters*>(&plain) : &knob;
        ok[t] = search_labels(*f.map, data, 5, params) == expected;
    }
    for (int t = 0; t < 64; t++)
        EXPECT_TRUE(ok[t]) << t;
    EXPECT_EQ(knob.sel, &range);
}

TEST(IndexIDMap, RangeSearchTranslatesLabels) {
    Dataset data(300, 6, 5);
    const idx_t lo = 1000000000000LL, hi = lo + 7919 * 200;
    faiss::IDSelectorRange range(lo, hi);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
        const float radius = metric == faiss::METRIC_L2 ? 0.5f : 2.0f;
        for (const faiss::IDSelector* sel : {static_cast<const faiss::IDSelector*>(nullptr),
                                             static_cast<const faiss::IDSelector*>(&range)}) {
            faiss::SearchParameters params;
            params.sel = sel;
            faiss::RangeSearchResult result(data.nq);
            f.map->range_search(idx_t(data.nq), data.xq.data(), radius, &result, &params);
            size_t total = 0;
            for (size_t q = 0; q < data.nq; q++) {
                std::set<idx_t> got(result.labels + result.lims[q],
                                    result.labels + result.lims[q + 1]);
                std::set<idx_t> want;
                for (size_t i = 0; i < data.nb; i++) {
                    if (sel && !sel->is_member(data.ids[i])) continue;
                    const double dis = faiss::test::reference_distance(
                        data.xq.data() + q * kDim, data.xb.data() + i * kDim, kDim, metric);
                    const bool inside = metric == faiss::METRIC_L2 ? dis < radius : dis > radius;
                    // skip values too close to the radius to call in float
                    if (std::fabs(dis - radius) < 1e-5) continue;
                    if (inside) want.insert(data.ids[i]);
                }
                for (idx_t id : want)
                    EXPECT_EQ(got.count(id), 1u) << "q=" << q << " id=" << id;
                for (idx_t id : got) {
                    EXPECT_TRUE(!sel || sel->is_member(id)) << id;
                    EXPECT_NE(std::find(data.ids.begin(), data.ids.end(), id), data.ids.end());
                }
                total += got.size();
            }
            EXPECT_GT(total, 0u);
        }
    }
}

TEST(IndexIDMap, RemoveIdsByExternalId) {
    Dataset data(300, 10, 6);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
        std::vector<idx_t> doomed;
        for (size_t i = 1; i < data.nb; i += 4)
            doomed.push_back(data.ids[i]);
        doomed.push_back(-5);  // not stored: ignored
        faiss::IDSelectorBatch sel(doomed.size(), doomed.data());
        EXPECT_EQ(f.map->remove_ids(sel), doomed.size() - 1);
        const idx_t remaining = idx_t(data.nb - (doomed.size() - 1));
        EXPECT_EQ(f.map->ntotal, remaining);
        EXPECT_EQ(f.sub->ntotal, remaining);
        EXPECT_EQ(f.map->id_map.size(), size_t(remaining));
        const std::set<idx_t> doomed_set(doomed.begin(), doomed.end());
        EXPECT_EQ(search_labels(*f.map, data, 10), expected_labels(data, metric, 10, [&](idx_t id) {
                      return doomed_set.count(id) == 0;
                  }));
        faiss::IDSelectorRange nothing(0, 1);
        EXPECT_EQ(f.map->remove_ids(nothing), 0u);
        faiss::IDSelectorAll all;
        EXPECT_EQ(f.map->remove_ids(all), size_t(remaining));
        EXPECT_EQ(f.map->ntotal, 0);
        for (idx_t label : search_labels(*f.map, data, 3))
            EXPECT_EQ(label, -1);
    }
}

TEST(IndexIDMap, DuplicateIdsAllowedButNoReconstruct) {
    Fixture<IndexIDMap> f(faiss::METRIC_L2);
    auto xb = faiss::test::random_vectors(4, kDim, 7);
    const idx_t ids[] = {5, 5, 6, 5};
    f.map->add_with_ids(4, xb.data(), ids);
    EXPECT_EQ(f.map->ntotal, 4);
    std::vector<float> recons(kDim);
    expect_code(faiss::ErrorCode::unsupported, [&] { f.map->reconstruct(5, recons.data()); });
    faiss::IDSelectorRange five(5, 6);
    EXPECT_EQ(f.map->remove_ids(five), 3u);
    EXPECT_EQ(f.map->id_map, std::vector<idx_t>{6});
}

TEST(IndexIDMap2, ReconstructByExternalId) {
    Dataset data(200, 5, 8);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap2> f(metric);
        f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
        f.map->check_consistency();
        std::vector<float> recons(kDim);
        for (size_t i = 0; i < data.nb; i += 17) {
            f.map->reconstruct(data.ids[i], recons.data());
            for (int j = 0; j < kDim; j++)
                ASSERT_EQ(recons[j], data.xb[i * kDim + j]);
        }
        expect_code(faiss::ErrorCode::invalid_argument,
                    [&] { f.map->reconstruct(3, recons.data()); });

        // after removal: removed ids are gone, the others still map to their vectors
        faiss::IDSelectorRange low(data.ids[0] - 1, data.ids[0] + 1);  // exactly ids[0]
        EXPECT_EQ(f.map->remove_ids(low), 1u);
        f.map->check_consistency();
        expect_code(faiss::ErrorCode::invalid_argument,
                    [&] { f.map->reconstruct(data.ids[0], recons.data()); });
        for (size_t i = 1; i < data.nb; i += 13) {
            f.map->reconstruct(data.ids[i], recons.data());
            for (int j = 0; j < kDim; j++)
                ASSERT_EQ(recons[j], data.xb[i * kDim + j]);
        }

        // search_and_reconstruct goes through reconstruct by external id
        std::vector<float> distances(data.nq * 3), all_recons(data.nq * 3 * kDim);
        std::vector<idx_t> labels(data.nq * 3);
        f.map->search_and_reconstruct(idx_t(data.nq), data.xq.data(), 3, distances.data(),
                                      labels.data(), all_recons.data());
        for (size_t r = 0; r < labels.size(); r++) {
            const size_t i =
                size_t(std::find(data.ids.begin(), data.ids.end(), labels[r]) - data.ids.begin());
            ASSERT_LT(i, data.nb);
            for (int j = 0; j < kDim; j++) {
                ASSERT_EQ(all_recons[r * kDim + j], data.xb[i * kDim + j]);
            }
        }
    }
}

TEST(IndexIDMap2, RejectsDuplicateIds) {
    Fixture<IndexIDMap2> f(faiss::METRIC_L2);
    auto xb = faiss::test::random_vectors(6, kDim, 9);
    const idx_t first[] = {10, 20, 30};
    f.map->add_with_ids(3, xb.data(), first);
    const idx_t repeated_in_batch[] = {40, 41, 40};
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->add_with_ids(3, xb.data() + 3 * kDim, repeated_in_batch); });
    const idx_t already_there[] = {50, 20, 60};
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->add_with_ids(3, xb.data() + 3 * kDim, already_there); });
    // nothing was added by the failed calls
    EXPECT_EQ(f.map->ntotal, 3);
    EXPECT_EQ(f.sub->ntotal, 3);
    f.map->check_consistency();
    const idx_t fresh[] = {40, 50, 60};
    f.map->add_with_ids(3, xb.data() + 3 * kDim, fresh);
    f.map->check_consistency();
    EXPECT_EQ(f.map->rev_map.at(50), 4);

    // a hand-edited id_map with a repeat is caught by construct_rev_map
    f.map->id_map[0] = 60;
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.map->construct_rev_map(); });
    expect_code(faiss::ErrorCode::internal, [&] { f.map->check_consistency(); });
}

TEST(IndexIDMap, MergeFromShiftsIds) {
    Dataset data(240, 8, 10);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap2> a(metric), b(metric);
        const idx_t half = idx_t(data.nb / 2);
        a.map->add_with_ids(half, data.xb.data(), data.ids.data());
        // b's ids are stored minus 5 and shifted back by add_id
        std::vector<idx_t> shifted(data.ids.begin() + half, data.ids.end());
        for (auto& id : shifted)
            id -= 5;
        b.map->add_with_ids(half, data.xb.data() + half * kDim, shifted.data());
        a.map->merge_from(*b.map, 5);
        EXPECT_EQ(a.map->ntotal, idx_t(data.nb));
        EXPECT_EQ(b.map->ntotal, 0);
        EXPECT_EQ(b.sub->ntotal, 0);
        EXPECT_TRUE(b.map->rev_map.empty());
        a.map->check_consistency();
        EXPECT_EQ(search_labels(*a.map, data, 6),
                  expected_labels(data, metric, 6, [](idx_t) { return true; }));

        // merging ids that are already present is refused, nothing moves
        Fixture<IndexIDMap> c(metric);
        c.map->add_with_ids(1, data.xb.data(), data.ids.data());
        expect_code(faiss::ErrorCode::invalid_argument, [&] { a.map->merge_from(*c.map); });
        EXPECT_EQ(c.map->ntotal, 1);
        EXPECT_EQ(a.map->ntotal, idx_t(data.nb));
        // a plain IndexIDMap accepts the same merge
        Fixture<IndexIDMap> d(metric);
        d.map->add_with_ids(half, data.xb.data(), data.ids.data());
        d.map->merge_from(*c.map);
        EXPECT_EQ(d.map->ntotal, half + 1);
    }
}

TEST(IndexIDMap, MergeFromRejectsIncompatible) {
    Fixture<IndexIDMap> a(faiss::METRIC_L2), ip(faiss::METRIC_INNER_PRODUCT);
    auto flat = make_flat(faiss::METRIC_L2);
    EXPECT_THROW(a.map->merge_from(*flat), faiss::FaissException);
    EXPECT_THROW(a.map->merge_from(*a.map), faiss::FaissException);
    EXPECT_THROW(a.map->merge_from(*ip.map), faiss::FaissException);
}

TEST(IndexIDMap, ResetAndAddAgain) {
    Dataset data(50, 4, 11);
    Fixture<IndexIDMap2> f(faiss::METRIC_L2);
    f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());
    f.map->reset();
    EXPECT_EQ(f.map->ntotal, 0);
    EXPECT_EQ(f.sub->ntotal, 0);
    EXPECT_TRUE(f.map->id_map.empty());
    EXPECT_TRUE(f.map->rev_map.empty());
    f.map->add_with_ids(idx_t(data.nb), data.xb.data(), data.ids.data());  // same ids again
    f.map->check_consistency();
    EXPECT_EQ(search_labels(*f.map, data, 3),
              expected_labels(data, faiss::METRIC_L2, 3, [](idx_t) { return true; }));
}

TEST(IndexIDMap, BadInput) {
    expect_code(faiss::ErrorCode::invalid_argument, [] { IndexIDMap map(nullptr); });
    expect_code(faiss::ErrorCode::invalid_argument, [] { IndexIDMap2 map(nullptr); });
    auto xb = faiss::test::random_vectors(3, kDim, 12);
    {
        auto full = make_flat(faiss::METRIC_L2);
        full->add(3, xb.data());
        expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIDMap map(full.get()); });
    }
    Fixture<IndexIDMap> f(faiss::METRIC_L2);
    const idx_t ids[] = {1, 2, 3};
    expect_code(faiss::ErrorCode::unsupported, [&] { f.map->add(3, xb.data()); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->add_with_ids(3, xb.data(), nullptr); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->add_with_ids(-1, xb.data(), ids); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { f.map->add_with_ids(3, nullptr, ids); });
    EXPECT_EQ(f.map->ntotal, 0);
    f.map->add_with_ids(3, xb.data(), ids);

    float distances[3];
    idx_t labels[3];
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->search(1, xb.data(), 0, distances, labels); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->search(1, xb.data(), 3, nullptr, labels); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->search(-2, xb.data(), 3, distances, labels); });
    faiss::RangeSearchResult wrong_nq(2);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->range_search(1, xb.data(), 1.0f, &wrong_nq); });
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->range_search(1, xb.data(), 1.0f, nullptr); });

    // the sub-index modified behind the map's back is detected, not trusted
    f.sub->add(1, xb.data());
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.map->search(1, xb.data(), 3, distances, labels); });

    // an empty shell without sub-index refuses to work
    IndexIDMap shell;
    expect_code(faiss::ErrorCode::invalid_argument, [&] { shell.add_with_ids(3, xb.data(), ids); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { shell.reset(); });
    EXPECT_THROW(faiss::IDSelectorTranslated(f.map->id_map, nullptr), faiss::FaissException);
}

TEST(IndexIDMap, EmptyIndexSearch) {
    Dataset data(0, 3, 13);
    for (auto metric : kMetrics) {
        Fixture<IndexIDMap> f(metric);
        for (idx_t label : search_labels(*f.map, data, 4))
            EXPECT_EQ(label, -1);
        f.map->add_with_ids(0, nullptr, nullptr);
        EXPECT_EQ(f.map->ntotal, 0);
    }
}

namespace {

/// A flat L2 index that must be trained first and counts destructions.
struct TrainableFlat : faiss::IndexFlatL2 {
    static int destroyed;
    explicit TrainableFlat(int d) : faiss::IndexFlatL2(d) { is_trained = false; }
    void train(idx_t n, const float* x) override {
        faiss::IndexFlatL2::train(n, x);
        is_trained = true;
    }
    ~TrainableFlat() override { destroyed++; }
};
int TrainableFlat::destroyed = 0;

}  // namespace

TEST(IndexIDMap, TrainForwardsAndOwnFieldsDeletes) {
    auto xb = faiss::test::random_vectors(10, kDim, 14);
    std::vector<idx_t> ids(10);
    std::iota(ids.begin(), ids.end(), 100);
    TrainableFlat::destroyed = 0;
    {
        auto* sub = new TrainableFlat(kDim);
        IndexIDMap map(sub);
        map.own_fields = true;
        EXPECT_FALSE(map.is_trained);
        expect_code(faiss::ErrorCode::not_trained,
                    [&] { map.add_with_ids(10, xb.data(), ids.data()); });
        map.train(10, xb.data());
        EXPECT_TRUE(map.is_trained);
        map.add_with_ids(10, xb.data(), ids.data());
        idx_t label = -7;
        float distance = -1;
        map.search(1, xb.data() + 4 * kDim, 1, &distance, &label);
        EXPECT_EQ(label, 104);
    }
    EXPECT_EQ(TrainableFlat::destroyed, 1);
    {
        TrainableFlat sub(kDim);
        { IndexIDMap map(&sub); }  // not owned: not deleted
        EXPECT_EQ(TrainableFlat::destroyed, 1);
    }
    EXPECT_EQ(TrainableFlat::destroyed, 2);
}
