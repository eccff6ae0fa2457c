// index_factory graph strings: HNSW<M> with Flat / SQ / PQ storage and IVF<n>_HNSW<M>
// coarse quantizers; search recall, reverse_index_factory, and ParameterSpace reaching
// efSearch directly and through quantizer_efSearch.
#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <memory>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::Index;
using faiss::IndexHNSW;

namespace {

constexpr int kD = 16;

std::unique_ptr<Index> make(const char* s, faiss::MetricType m = faiss::METRIC_L2) {
    return std::unique_ptr<Index>(faiss::index_factory(kD, s, m));
}

IndexHNSW& hnsw(const std::unique_ptr<Index>& index) {
    return dynamic_cast<IndexHNSW&>(*index);
}

double recall_of(Index& index) {
    const size_t nb = 1000, nq = 20, k = 10;
    const auto xb = faiss::test::clustered_vectors(nb, kD, 20, 31);
    const auto xq = faiss::test::clustered_vectors(nq, kD, 20, 32);
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, kD, k, index.metric_type, rd, rl);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    std::vector<float> dis(nq * k);
    std::vector<idx_t> lab(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
    const size_t hits = faiss::test::count_overlap(lab.data(), rl.data(), nq, k);
    return double(hits) / double(nq * k);
}

TEST(IndexFactoryHNSW, StorageKinds) {
    for (const char* s : {"HNSW16", "HNSW16,Flat", "HNSW16_Flat"}) {
        auto index = make(s, faiss::METRIC_INNER_PRODUCT);
        EXPECT_EQ(typeid(*index), typeid(faiss::IndexHNSWFlat)) << s;
        EXPECT_EQ(hnsw(index).hnsw.nb_neighbors(1), 16) << s;
        EXPECT_EQ(index->metric_type, faiss::METRIC_INNER_PRODUCT);
    }
    EXPECT_EQ(hnsw(make("HNSW")).hnsw.nb_neighbors(1), 32);

    for (const char* s : {"HNSW8_SQ8", "HNSW8,SQ8"}) {
        auto index = make(s);
        EXPECT_EQ(typeid(*index), typeid(faiss::IndexHNSWSQ)) << s;
        EXPECT_EQ(dynamic_cast<faiss::IndexScalarQuantizer&>(*hnsw(index).storage).sq.qtype,
                  faiss::ScalarQuantizer::QT_8bit);
    }
    auto pq = make("HNSW8_PQ4x6");
    EXPECT_EQ(typeid(*pq), typeid(faiss::IndexHNSWPQ));
    auto& storage = dynamic_cast<faiss::IndexPQ&>(*hnsw(pq).storage);
    EXPECT_EQ(storage.pq.M, 4u);
    EXPECT_EQ(storage.pq.nbits, 6u);
    faiss::test::expect_code(
        faiss::ErrorCode::unsupported, [] { make("HNSW8_PQ4", faiss::METRIC_INNER_PRODUCT); },
        "'PQ4' at position 6: HNSW over PQ storage is built for METRIC_L2");
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [] { make("HNSW8_Flot"); },
        "'Flot' at position 6: unknown HNSW storage");
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [] { make("HNSW8_SQ8,Flat"); },
        "'Flat' at position 10: unexpected token after the HNSW index");
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [] { make("HNSW8_PQ3"); }, "3 does not divide d=16");
}

TEST(IndexFactoryHNSW, SearchesAndIVFQuantizer) {
    auto flat = make("HNSW16");
    faiss::ParameterSpace ps;
    ps.set_index_parameters(flat.get(), "efSearch=64,efConstruction=80,prune_headroom=0.1");
    EXPECT_EQ(hnsw(flat).hnsw.efSearch, 64);
    EXPECT_EQ(hnsw(flat).hnsw.prune_headroom, 0.1f);
    EXPECT_EQ(hnsw(flat).hnsw.efConstruction, 80);
    EXPECT_GE(recall_of(*flat), 0.95);
    auto sq = make("HNSW16_SQ8", faiss::METRIC_INNER_PRODUCT);
    ps.set_index_parameter(sq.get(), "efSearch", 64);
    EXPECT_GE(recall_of(*sq), 0.85);

    auto ivf = make("IVF16_HNSW8,Flat");
    auto& ivf_flat = dynamic_cast<faiss::IndexIVFFlat&>(*ivf);
    EXPECT_EQ(typeid(*ivf_flat.quantizer), typeid(faiss::IndexHNSWFlat));
    EXPECT_EQ(ivf_flat.quantizer_trains_alone, 2);
    ps.set_index_parameters(ivf.get(), "nprobe=16,quantizer_efSearch=40");
    EXPECT_EQ(dynamic_cast<IndexHNSW&>(*ivf_flat.quantizer).hnsw.efSearch, 40);
    EXPECT_EQ(recall_of(*ivf), 1.0);
    EXPECT_EQ(ivf_flat.quantizer->ntotal, 16);

    ps.initialize(ivf.get());
    ASSERT_EQ(ps.parameter_ranges.size(), 2u);
    EXPECT_EQ(ps.parameter_ranges[0].name, "nprobe");
    EXPECT_EQ(ps.parameter_ranges[1].name, "quantizer_efSearch");
    EXPECT_EQ(ps.parameter_ranges[1].values.front(), 16);
    EXPECT_EQ(ps.parameter_ranges[1].values.back(), 512);
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument,
        [&] { ps.set_index_parameter(flat.get(), "efSearch", 0); }, "efSearch must be an integer");
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument,
        [&] { ps.set_index_parameter(flat.get(), "nprobe", 4); },
        "could not set parameter 'nprobe' on faiss::IndexHNSWFlat");
}

TEST(IndexFactoryHNSW, ReverseRoundTrips) {
    for (const char* s : {"HNSW16", "HNSW8_SQ8", "HNSW8_SQfp16", "HNSW8_PQ4x8", "IVF16_HNSW8,Flat",
                          "IVF16_HNSW32,PQ4x8", "IDMap,HNSW16", "PCA8,HNSW16,RFlat"}) {
        auto index = make(s);
        EXPECT_EQ(faiss::reverse_index_factory(index.get()), s);
    }
    EXPECT_EQ(faiss::reverse_index_factory(make("HNSW16,SQ4").get()), "HNSW16_SQ4");
}

}  // namespace
