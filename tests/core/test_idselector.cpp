// The IDSelector family: membership against plain std::set references, argument
// checks, the Faiss include path, and concurrent use.
#include <faiss/FaissException.h>
#include <faiss/impl/IDSelector.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <vector>

using faiss::idx_t;

namespace {

void expect_invalid_argument(void (*make)()) {
    try {
        make();
        FAIL() << "no exception";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(e.code(), faiss::ErrorCode::invalid_argument) << e.what();
    }
}

}  // namespace

TEST(IDSelector, RangeIsHalfOpen) {
    faiss::IDSelectorRange sel(10, 20);
    EXPECT_FALSE(sel.assume_sorted);
    EXPECT_FALSE(sel.is_member(9));
    EXPECT_TRUE(sel.is_member(10));
    EXPECT_TRUE(sel.is_member(19));
    EXPECT_FALSE(sel.is_member(20));
    EXPECT_FALSE(sel.is_member(-1));

    faiss::IDSelectorRange empty(5, 5);
    for (idx_t id = -2; id < 10; id++)
        EXPECT_FALSE(empty.is_member(id));

    faiss::IDSelectorRange negative(-10, -2);
    EXPECT_TRUE(negative.is_member(-10));
    EXPECT_FALSE(negative.is_member(-2));
}

TEST(IDSelector, RangeRejectsReversedBounds) {
    expect_invalid_argument([] { faiss::IDSelectorRange sel(5, 4); });
}

TEST(IDSelector, RangeSortedBoundsMatchScan) {
    std::mt19937_64 rng(7);
    std::vector<idx_t> ids(300);
    for (auto& id : ids)
        id = idx_t(rng() % 200);
    std::sort(ids.begin(), ids.end());
    const std::pair<idx_t, idx_t> ranges[] = {{0, 0},     {0, 200},   {50, 51}, {-5, 3},
                                              {199, 400}, {300, 400}, {17, 90}};
    for (auto [lo, hi] : ranges) {
        faiss::IDSelectorRange sel(lo, hi, true);
        size_t jmin = 99, jmax = 99;
        sel.find_sorted_ids_bounds(ids.size(), ids.data(), &jmin, &jmax);
        ASSERT_LE(jmin, jmax);
        for (size_t j = 0; j < ids.size(); j++) {
            EXPECT_EQ(sel.is_member(ids[j]), j >= jmin && j < jmax)
                << "range [" << lo << "," << hi << ") j=" << j;
        }
    }
    faiss::IDSelectorRange sel(0, 10, true);
    size_t jmin = 1, jmax = 1;
    sel.find_sorted_ids_bounds(0, nullptr, &jmin, &jmax);
    EXPECT_EQ(jmin, 0u);
    EXPECT_EQ(jmax, 0u);
    EXPECT_THROW(sel.find_sorted_ids_bounds(3, nullptr, &jmin, &jmax), faiss::FaissException);
    EXPECT_THROW(sel.find_sorted_ids_bounds(0, nullptr, nullptr, &jmax), faiss::FaissException);
}

TEST(IDSelector, ArrayMembership) {
    const idx_t ids[] = {5, -3, 1000000000000LL, 5, 42};
    faiss::IDSelectorArray sel(5, ids);
    EXPECT_EQ(sel.n, 5u);
    EXPECT_EQ(sel.ids, ids);
    for (idx_t id : ids)
        EXPECT_TRUE(sel.is_member(id));
    for (idx_t id : {idx_t(0), idx_t(4), idx_t(6), idx_t(-1), idx_t(43)}) {
        EXPECT_FALSE(sel.is_member(id));
    }
    faiss::IDSelectorArray empty(0, nullptr);
    EXPECT_FALSE(empty.is_member(0));
    expect_invalid_argument([] { faiss::IDSelectorArray sel(3, nullptr); });
}

TEST(IDSelector, BatchMatchesSetOnMembersAndNonMembers) {
    std::mt19937_64 rng(3);
    for (size_t n : {size_t(1), size_t(7), size_t(1000), size_t(50000)}) {
        std::vector<idx_t> ids(n);
        for (auto& id : ids)
            id = idx_t(rng() % (4 * n + 10)) - idx_t(n);
        ids.push_back(ids.front());  // duplicates are fine
        ids.push_back(std::numeric_limits<idx_t>::max());
        ids.push_back(std::numeric_limits<idx_t>::min());
        std::set<idx_t> reference(ids.begin(), ids.end());
        faiss::IDSelectorBatch sel(ids.size(), ids.data());
        EXPECT_EQ(sel.set.size(), reference.size());
        EXPECT_EQ(sel.bloom.size() * 8, size_t(sel.mask) + 1);
        // every id of a dense window around the members, plus far away ones
        for (idx_t id = -idx_t(n) - 5; id < idx_t(3 * n + 20); id++) {
            ASSERT_EQ(sel.is_member(id), reference.count(id) == 1) << "n=" << n << " id=" << id;
        }
        for (int t = 0; t < 1000; t++) {
            idx_t id = idx_t(rng());
            ASSERT_EQ(sel.is_member(id), reference.count(id) == 1);
        }
        EXPECT_TRUE(sel.is_member(std::numeric_limits<idx_t>::max()));
        EXPECT_TRUE(sel.is_member(std::numeric_limits<idx_t>::min()));
    }
}

TEST(IDSelector, BatchBloomRejectsMostNonMembers) {
    // With ~8 filter bits per id, a one-hash filter lets through ~1/8 of the non-members;
    // a broken filter (all bits set) lets through all of them.
    std::vector<idx_t> ids(10000);
    for (size_t i = 0; i < ids.size(); i++)
        ids[i] = idx_t(i) * 3;
    faiss::IDSelectorBatch sel(ids.size(), ids.data());
    size_t set_bits = 0;
    for (uint8_t byte : sel.bloom)
        set_bits += size_t(__builtin_popcount(byte));
    const double fill = double(set_bits) / double(sel.bloom.size() * 8);
    EXPECT_LT(fill, 0.2) << "bits=" << sel.bloom.size() * 8;
    EXPECT_GT(fill, 0.05);
}

TEST(IDSelector, BatchEmptyAndBadInput) {
    faiss::IDSelectorBatch empty(0, nullptr);
    EXPECT_FALSE(empty.is_member(0));
    EXPECT_FALSE(empty.is_member(-1));
    expect_invalid_argument([] { faiss::IDSelectorBatch sel(2, nullptr); });
}

TEST(IDSelector, BitmapIsLsbFirstAndBounded) {
    const uint8_t bitmap[] = {0x05, 0x80, 0xff};  // ids 0, 2, 15, 16..23
    faiss::IDSelectorBitmap sel(2, bitmap);       // only the first two bytes
    std::set<idx_t> expected = {0, 2, 15};
    for (idx_t id = -3; id < 40; id++) {
        EXPECT_EQ(sel.is_member(id), expected.count(id) == 1) << id;
    }
    EXPECT_FALSE(sel.is_member(std::numeric_limits<idx_t>::min()));
    EXPECT_FALSE(sel.is_member(std::numeric_limits<idx_t>::max()));
    faiss::IDSelectorBitmap all3(3, bitmap);
    for (idx_t id = 16; id < 24; id++)
        EXPECT_TRUE(all3.is_member(id));
    EXPECT_FALSE(all3.is_member(24));

    faiss::IDSelectorBitmap empty(0, nullptr);
    EXPECT_FALSE(empty.is_member(0));
    expect_invalid_argument([] { faiss::IDSelectorBitmap sel(1, nullptr); });
}

TEST(IDSelector, Combinators) {
    faiss::IDSelectorRange low(0, 10);  // 0..9
    faiss::IDSelectorRange mid(5, 15);  // 5..14
    faiss::IDSelectorNot not_low(&low);
    faiss::IDSelectorAll all;
    faiss::IDSelectorAnd both(&low, &mid);
    faiss::IDSelectorOr either(&low, &mid);
    faiss::IDSelectorXOr one(&low, &mid);
    for (idx_t id = -5; id < 25; id++) {
        const bool a = id >= 0 && id < 10, b = id >= 5 && id < 15;
        EXPECT_EQ(not_low.is_member(id), !a) << id;
        EXPECT_TRUE(all.is_member(id));
        EXPECT_EQ(both.is_member(id), a && b) << id;
        EXPECT_EQ(either.is_member(id), a || b) << id;
        EXPECT_EQ(one.is_member(id), a != b) << id;
    }
    // combinators nest through the base class
    faiss::IDSelectorNot not_one(&one);
    faiss::IDSelectorAnd nested(&not_one, &either);  // == both
    for (idx_t id = -5; id < 25; id++)
        EXPECT_EQ(nested.is_member(id), both.is_member(id));
}

TEST(IDSelector, CombinatorsRejectNull) {
    expect_invalid_argument([] { faiss::IDSelectorNot sel(nullptr); });
    expect_invalid_argument([] {
        faiss::IDSelectorAll all;
        faiss::IDSelectorAnd sel(&all, nullptr);
    });
    expect_invalid_argument([] {
        faiss::IDSelectorAll all;
        faiss::IDSelectorOr sel(nullptr, &all);
    });
    expect_invalid_argument([] { faiss::IDSelectorXOr sel(nullptr, nullptr); });
}

TEST(IDSelector, ConcurrentLookupsAgree) {
    std::vector<idx_t> ids(20000);
    std::mt19937_64 rng(11);
    for (auto& id : ids)
        id = idx_t(rng() % 100000);
    faiss::IDSelectorBatch batch(ids.size(), ids.data());
    faiss::IDSelectorRange range(30000, 60000);
    faiss::IDSelectorAnd sel(&batch, &range);
    const idx_t n = 100000;
    std::vector<char> serial(n), parallel(n);
    for (idx_t i = 0; i < n; i++)
        serial[i] = sel.is_member(i);
#pragma omp parallel for num_threads(4)
    for (idx_t i = 0; i < n; i++)
        parallel[i] = sel.is_member(i);
    EXPECT_EQ(serial, parallel);
}
