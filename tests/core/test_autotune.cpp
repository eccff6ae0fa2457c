// ParameterSpace: parameters by name reach nested indexes (IDMap -> Refine -> IVF ->
// quantizer), bad names and values give clear errors, initialize lists the ranges, and
// explore returns Pareto-optimal operating points measured against the ground truth.
#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexRefine.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::Index;
using faiss::test::expect_code;

namespace {

std::unique_ptr<Index> make(int d, const char* s) {
    return std::unique_ptr<Index>(faiss::index_factory(d, s));
}

TEST(AutoTune, SetsNestedParameters) {
    auto index = make(16, "IDMap2,IVF32(IVF4,Flat),Flat,RFlat");
    faiss::ParameterSpace ps;
    ps.set_index_parameters(index.get(), "nprobe=7,k_factor_rf=3,quantizer_nprobe=2,max_codes=100");
    auto& idmap = dynamic_cast<faiss::IndexIDMap2&>(*index);
    auto& refine = dynamic_cast<faiss::IndexRefineFlat&>(*idmap.index);
    auto& ivf = dynamic_cast<faiss::IndexIVFFlat&>(*refine.base_index);
    auto& qivf = dynamic_cast<faiss::IndexIVFFlat&>(*ivf.quantizer);
    EXPECT_EQ(refine.k_factor, 3.0f);
    EXPECT_EQ(ivf.nprobe, 7u);
    EXPECT_EQ(ivf.max_codes, 100u);
    EXPECT_EQ(qivf.nprobe, 2u);
    ps.set_index_parameter(index.get(), "k_factor", 5);
    EXPECT_EQ(refine.k_factor, 5.0f);
    ps.set_index_parameter(index.get(), "verbose", 1);
    EXPECT_TRUE(ivf.verbose);
    EXPECT_TRUE(index->verbose);
    ps.set_index_parameters(index.get(), "");
    EXPECT_EQ(ivf.nprobe, 7u);
}

TEST(AutoTune, UnknownAndBadParameters) {
    faiss::ParameterSpace ps;
    auto flat = make(8, "Flat");
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.set_index_parameter(flat.get(), "nprobe", 4); },
        "could not set parameter 'nprobe' on faiss::IndexFlat");
    auto ivf = make(8, "IDMap,IVF8,Flat");
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.set_index_parameter(ivf.get(), "foo", 1); }, "'foo'");
    expect_code(
        ErrorCode::invalid_argument,
        [&] { ps.set_index_parameter(ivf.get(), "quantizer_nprobe", 2); },
        "could not set parameter 'nprobe' on faiss::IndexFlat");
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.set_index_parameter(ivf.get(), "nprobe", 0); },
        "nprobe must be an integer in [1, ");
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.set_index_parameter(ivf.get(), "nprobe", 2.5); },
        "integer");
    expect_code(
        ErrorCode::invalid_argument,
        [&] { ps.set_index_parameter(ivf.get(), "nprobe", std::nan("")); }, "finite");
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.set_index_parameters(ivf.get(), "nprobe"); },
        "'nprobe' at position 0: expected name=value");
    expect_code(
        ErrorCode::invalid_argument,
        [&] { ps.set_index_parameters(ivf.get(), "nprobe=4,max_codes=x"); },
        "'max_codes=x' at position 9: 'x' is not a number");
    expect_code(ErrorCode::invalid_argument, [&] { ps.set_index_parameter(nullptr, "nprobe", 1); });
    auto refine = make(8, "Flat,RFlat");
    expect_code(
        ErrorCode::invalid_argument,
        [&] { ps.set_index_parameter(refine.get(), "k_factor_rf", 0.5); }, "k_factor_rf");
}

TEST(AutoTune, InitializeAndCombinations) {
    auto index = make(16, "IDMap,IVF16,Flat,RFlat");
    faiss::ParameterSpace ps;
    ps.initialize(index.get());
    ASSERT_EQ(ps.parameter_ranges.size(), 2u);
    EXPECT_EQ(ps.parameter_ranges[0].name, "k_factor_rf");
    EXPECT_EQ(ps.parameter_ranges[0].values, (std::vector<double>{1, 2, 4, 8, 16, 32, 64}));
    EXPECT_EQ(ps.parameter_ranges[1].name, "nprobe");
    EXPECT_EQ(ps.parameter_ranges[1].values, (std::vector<double>{1, 2, 4, 8}));
    EXPECT_EQ(ps.n_combinations(), 28u);
    EXPECT_EQ(ps.combination_name(9), "k_factor_rf=4,nprobe=2");
    EXPECT_TRUE(ps.combination_ge(9, 1));
    EXPECT_FALSE(ps.combination_ge(9, 3));
    expect_code(
        ErrorCode::invalid_argument, [&] { ps.combination_name(28); }, "out of range");
    ps.set_index_parameters(index.get(), 9);
    auto& refine =
        dynamic_cast<faiss::IndexRefine&>(*dynamic_cast<faiss::IndexIDMap&>(*index).index);
    EXPECT_EQ(dynamic_cast<faiss::IndexIVF&>(*refine.base_index).nprobe, 2u);
    EXPECT_EQ(refine.k_factor, 4.0f);
    ps.initialize(make(16, "Flat").get());
    EXPECT_EQ(ps.n_combinations(), 1u);
}

TEST(AutoTune, OperatingPointsKeepParetoFront) {
    faiss::OperatingPoints ops;
    EXPECT_TRUE(ops.add(0.5, 1.0, "a"));
    EXPECT_TRUE(ops.add(0.9, 2.0, "b"));
    EXPECT_FALSE(ops.add(0.4, 1.5, "dominated"));
    EXPECT_TRUE(ops.add(0.6, 0.5, "c"));    // removes "a"
    ASSERT_EQ(ops.optimal_pts.size(), 3u);  // sentinel, c, b
    EXPECT_EQ(ops.optimal_pts[1].key, "c");
    EXPECT_EQ(ops.optimal_pts[2].key, "b");
    EXPECT_EQ(ops.all_pts.size(), 4u);
    EXPECT_EQ(ops.t_for_perf(0.7), 2.0);
    EXPECT_EQ(ops.t_for_perf(0.95), 1e50);
    faiss::OperatingPoints other;
    other.add(1.0, 3.0, "x");
    EXPECT_EQ(ops.merge_with(other, "o:"), 1);
    EXPECT_EQ(ops.optimal_pts.back().key, "o:x");
}

TEST(AutoTune, ExploreFindsRecallTimeFront) {
    const int d = 16;
    const size_t nb = 2000, nq = 40, k = 10;
    const auto xb = faiss::test::clustered_vectors(nb, d, 50, 3);
    const auto xq = faiss::test::clustered_vectors(nq, d, 50, 4);
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, faiss::METRIC_L2, rd, rl);
    auto index = make(d, "IVF32,Flat");
    index->train(idx_t(nb), xb.data());
    index->add(idx_t(nb), xb.data());

    faiss::OneRecallAtRCriterion crit{idx_t(nq), 1};
    crit.set_groundtruth(int(k), nullptr, rl.data());
    faiss::ParameterSpace ps;
    ps.verbose = 0;
    ps.initialize(index.get());
    EXPECT_EQ(ps.n_combinations(), 5u);  // nprobe 1 .. 16
    faiss::OperatingPoints ops;
    ps.explore(index.get(), nq, xq.data(), crit, &ops);
    EXPECT_GE(ops.all_pts.size(), 2u);
    EXPECT_LE(ops.all_pts.size(), 5u);
    // The front is sorted by perf and time, every point measured is dominated or on it.
    for (size_t i = 1; i < ops.optimal_pts.size(); i++) {
        EXPECT_GT(ops.optimal_pts[i].perf, ops.optimal_pts[i - 1].perf);
        EXPECT_GE(ops.optimal_pts[i].t, ops.optimal_pts[i - 1].t);
    }
    // nprobe = 16 of 32 lists finds nearly every true nearest neighbour.
    EXPECT_GE(ops.optimal_pts.back().perf, 0.95);
    for (const auto& p : ops.all_pts)
        EXPECT_LE(p.perf, 1.0);

    faiss::IntersectionCriterion inter{idx_t(nq), idx_t(k)};
    inter.set_groundtruth(int(k), nullptr, rl.data());
    std::vector<float> D(nq * k);
    std::vector<idx_t> I(nq * k);
    ps.set_index_parameters(index.get(), "nprobe=32");
    index->search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
    EXPECT_GE(inter.evaluate(D.data(), I.data()), 0.99);
    expect_code(
        ErrorCode::invalid_argument,
        [&] { ps.explore(index.get(), nq - 1, xq.data(), crit, &ops); }, "nq");
    faiss::OneRecallAtRCriterion empty{idx_t(nq), 1};
    expect_code(
        ErrorCode::invalid_argument, [&] { empty.evaluate(D.data(), I.data()); }, "ground truth");
}

}  // namespace
