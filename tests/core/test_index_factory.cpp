// index_factory: every supported string builds the expected classes with the expected
// parameters, and the index trains, adds and searches on seeded data with a recall
// checked against exact search; reverse_index_factory round-trips.
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::Index;
using faiss::ScalarQuantizer;

namespace {

constexpr int kD = 32;

std::unique_ptr<Index> make(const char* s, faiss::MetricType m = faiss::METRIC_L2) {
    return std::unique_ptr<Index>(faiss::index_factory(kD, s, m));
}

template <class T>
T& as(Index* index) {
    auto* p = dynamic_cast<T*>(index);
    EXPECT_NE(p, nullptr) << "unexpected class " << typeid(*index).name();
    if (!p) throw std::runtime_error("wrong class");
    return *p;
}

// Recall@10 of index on clustered data (trained, filled and searched here).
double recall_of(Index& index, faiss::MetricType metric) {
    const size_t nb = 1500, nq = 30, k = 10;
    const auto xb = faiss::test::clustered_vectors(nb, kD, 30, 5);
    const auto xq = faiss::test::clustered_vectors(nq, kD, 30, 6);
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, kD, k, metric, rd, rl);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    std::vector<float> dis(nq * k);
    std::vector<idx_t> lab(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
    const size_t hits = faiss::test::count_overlap(lab.data(), rl.data(), nq, k);
    return double(hits) / double(nq * k);
}

TEST(IndexFactory, Flat) {
    auto l2 = make("Flat");
    EXPECT_EQ(typeid(*l2), typeid(faiss::IndexFlat));
    EXPECT_EQ(l2->d, kD);
    EXPECT_EQ(l2->metric_type, faiss::METRIC_L2);
    EXPECT_EQ(recall_of(*l2, faiss::METRIC_L2), 1.0);
    auto ip = make("Flat", faiss::METRIC_INNER_PRODUCT);
    EXPECT_EQ(ip->metric_type, faiss::METRIC_INNER_PRODUCT);
    EXPECT_EQ(recall_of(*ip, faiss::METRIC_INNER_PRODUCT), 1.0);
}

TEST(IndexFactory, PQ) {
    auto a = make("PQ8");
    EXPECT_EQ(as<faiss::IndexPQ>(a.get()).pq.M, 8u);
    EXPECT_EQ(as<faiss::IndexPQ>(a.get()).pq.nbits, 8u);
    EXPECT_TRUE(as<faiss::IndexPQ>(a.get()).do_polysemous_training);  // as Faiss
    auto b = make("PQ16x4np", faiss::METRIC_INNER_PRODUCT);
    EXPECT_EQ(as<faiss::IndexPQ>(b.get()).pq.M, 16u);
    EXPECT_EQ(as<faiss::IndexPQ>(b.get()).pq.nbits, 4u);
    EXPECT_EQ(b->metric_type, faiss::METRIC_INNER_PRODUCT);
    EXPECT_FALSE(as<faiss::IndexPQ>(b.get()).do_polysemous_training);  // "np"
    auto c = make("PQ16x5");
    EXPECT_GE(recall_of(*c, faiss::METRIC_L2), 0.4);
}

TEST(IndexFactory, ScalarQuantizers) {
    const std::pair<const char*, ScalarQuantizer::QuantizerType> cases[] = {
        {"SQ8", ScalarQuantizer::QT_8bit},
        {"SQ4", ScalarQuantizer::QT_4bit},
        {"SQ6", ScalarQuantizer::QT_6bit},
        {"SQfp16", ScalarQuantizer::QT_fp16},
        {"SQbf16", ScalarQuantizer::QT_bf16},
        {"SQ8_direct", ScalarQuantizer::QT_8bit_direct},
        {"SQ8_direct_signed", ScalarQuantizer::QT_8bit_direct_signed}};
    for (const auto& [s, qtype] : cases) {
        auto index = make(s);
        EXPECT_EQ(as<faiss::IndexScalarQuantizer>(index.get()).sq.qtype, qtype) << s;
        auto ivf =
            std::unique_ptr<Index>(faiss::index_factory(kD, (std::string("IVF8,") + s).c_str()));
        EXPECT_EQ(as<faiss::IndexIVFScalarQuantizer>(ivf.get()).sq.qtype, qtype) << s;
        EXPECT_TRUE(as<faiss::IndexIVFScalarQuantizer>(ivf.get()).by_residual) << s;
    }
    auto sq8 = make("SQ8");
    EXPECT_GE(recall_of(*sq8, faiss::METRIC_L2), 0.9);
}

TEST(IndexFactory, IVFFlatAndListCounts) {
    auto index = make("IVF16,Flat");
    auto& ivf = as<faiss::IndexIVFFlat>(index.get());
    EXPECT_EQ(ivf.nlist, 16u);
    EXPECT_TRUE(ivf.own_fields);
    EXPECT_EQ(typeid(*ivf.quantizer), typeid(faiss::IndexFlat));
    EXPECT_EQ(ivf.quantizer->d, kD);
    EXPECT_FALSE(ivf.cp.spherical);
    ivf.nprobe = 16;
    EXPECT_EQ(recall_of(*index, faiss::METRIC_L2), 1.0);

    EXPECT_EQ(as<faiss::IndexIVF>(make("IVF4k,Flat").get()).nlist, 4096u);
    EXPECT_EQ(as<faiss::IndexIVF>(make("IVF1M,Flat").get()).nlist, 1024u * 1024u);
    auto ip = make("IVF8,Flat", faiss::METRIC_INNER_PRODUCT);
    EXPECT_TRUE(as<faiss::IndexIVF>(ip.get()).cp.spherical);
    EXPECT_EQ(as<faiss::IndexIVF>(ip.get()).quantizer->metric_type, faiss::METRIC_INNER_PRODUCT);
}

TEST(IndexFactory, IVFPQ) {
    auto index = make("IVF8,PQ8x5");
    auto& ivf = as<faiss::IndexIVFPQ>(index.get());
    EXPECT_EQ(ivf.nlist, 8u);
    EXPECT_EQ(ivf.pq.M, 8u);
    EXPECT_EQ(ivf.pq.nbits, 5u);
    EXPECT_TRUE(ivf.by_residual);
    EXPECT_TRUE(ivf.do_polysemous_training);  // as Faiss, without "np"
    EXPECT_FALSE(as<faiss::IndexIVFPQ>(make("IVF8,PQ8np").get()).do_polysemous_training);
    ivf.nprobe = 8;
    EXPECT_GE(recall_of(*index, faiss::METRIC_L2), 0.28);  // measured 0.34
    EXPECT_EQ(as<faiss::IndexIVFPQ>(make("IVF8,PQ4np").get()).pq.nbits, 8u);
}

TEST(IndexFactory, IVFWithParenthesisedQuantizer) {
    auto index = make("IVF8(SQfp16),Flat");
    auto& ivf = as<faiss::IndexIVFFlat>(index.get());
    EXPECT_EQ(as<faiss::IndexScalarQuantizer>(ivf.quantizer).sq.qtype, ScalarQuantizer::QT_fp16);
    EXPECT_EQ(ivf.quantizer_trains_alone, 2);
    ivf.nprobe = 8;
    EXPECT_GE(recall_of(*index, faiss::METRIC_L2), 0.95);
}

TEST(IndexFactory, IDMapPrefixAndSuffix) {
    for (const char* s : {"IDMap,Flat", "Flat,IDMap"}) {
        auto index = make(s);
        EXPECT_EQ(typeid(*index), typeid(faiss::IndexIDMap)) << s;
        EXPECT_EQ(typeid(*as<faiss::IndexIDMap>(index.get()).index), typeid(faiss::IndexFlat));
        EXPECT_TRUE(as<faiss::IndexIDMap>(index.get()).own_fields);
    }
    for (const char* s : {"IDMap2,IVF8,SQ8", "IVF8,SQ8,IDMap2"}) {
        auto index = make(s);
        EXPECT_EQ(typeid(*index), typeid(faiss::IndexIDMap2)) << s;
        as<faiss::IndexIVFScalarQuantizer>(as<faiss::IndexIDMap2>(index.get()).index);
    }
    auto index = make("IDMap,Flat");
    std::vector<float> x = faiss::test::random_vectors(3, kD, 1);
    const idx_t ids[] = {100, 200, 300};
    index->add_with_ids(3, x.data(), ids);
    float dis;
    idx_t lab;
    index->search(1, x.data() + kD, 1, &dis, &lab);
    EXPECT_EQ(lab, 200);
}

TEST(IndexFactory, Refinement) {
    auto rflat = make("IVF8,PQ8x4,RFlat");
    auto& r = as<faiss::IndexRefineFlat>(rflat.get());
    as<faiss::IndexIVFPQ>(r.base_index);
    EXPECT_EQ(typeid(*r.refine_index), typeid(faiss::IndexFlat));
    EXPECT_TRUE(r.own_fields);
    EXPECT_TRUE(r.own_refine_index);
    r.k_factor = 32;
    dynamic_cast<faiss::IndexIVF*>(r.base_index)->nprobe = 8;
    EXPECT_GE(recall_of(*rflat, faiss::METRIC_L2), 0.9);

    auto refine = make("IVF8,Flat,Refine(SQfp16)");
    auto& rr = as<faiss::IndexRefine>(refine.get());
    EXPECT_EQ(typeid(rr), typeid(faiss::IndexRefine));
    EXPECT_EQ(as<faiss::IndexScalarQuantizer>(rr.refine_index).sq.qtype, ScalarQuantizer::QT_fp16);
    EXPECT_TRUE(rr.own_refine_index);

    // Faiss's order: IDMap wraps the refinement when given as a prefix, the refinement
    // wraps it when IDMap is written before RFlat.
    EXPECT_EQ(typeid(*make("IDMap,IVF8,Flat,RFlat")), typeid(faiss::IndexIDMap));
    EXPECT_EQ(typeid(*make("IVF8,Flat,IDMap,RFlat")), typeid(faiss::IndexRefineFlat));
    EXPECT_EQ(typeid(*make("IVF8,Flat,RFlat,IDMap")), typeid(faiss::IndexIDMap));
}

TEST(IndexFactory, ReverseRoundTrips) {
    const char* strings[] = {"Flat",
                             "PQ8x8",
                             "PQ16x4",
                             "SQ8",
                             "SQfp16",
                             "SQ8_direct",
                             "IVF16,Flat",
                             "IVF8,PQ8x8",
                             "IVF8,SQ4",
                             "IVF4096,SQbf16",
                             "IDMap,Flat",
                             "IDMap2,IVF8,Flat",
                             "IVF8,Flat,RFlat",
                             "IVF8,PQ4x8,Refine(SQ8)",
                             "IDMap,IVF8,Flat,RFlat",
                             "IVF8,Flat,IDMap,RFlat",
                             "IVF8(SQ8),Flat",
                             "Flat,Refine(Flat)"};
    for (const char* s : strings) {
        for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
            auto index = make(s, metric);
            const std::string back = faiss::reverse_index_factory(index.get());
            auto again = std::unique_ptr<Index>(faiss::index_factory(kD, back.c_str(), metric));
            EXPECT_EQ(faiss::reverse_index_factory(again.get()), back) << s;
            EXPECT_EQ(typeid(*again), typeid(*index)) << s << " -> " << back;
            EXPECT_EQ(again->metric_type, metric);
        }
    }
    EXPECT_EQ(faiss::reverse_index_factory(make("IVF1k,PQ8").get()), "IVF1024,PQ8x8");
    EXPECT_EQ(faiss::reverse_index_factory(make("Flat,IDMap").get()), "IDMap,Flat");
    EXPECT_EQ(faiss::reverse_index_factory(make("IVF8,Flat,IDMap,RFlat").get()),
              "IVF8,Flat,IDMap,RFlat");
}

TEST(IndexFactory, ReverseRejectsWhatNoStringBuilds) {
    faiss::IndexScalarQuantizer uniform(kD, ScalarQuantizer::QT_8bit_uniform);
    faiss::test::expect_code(
        faiss::ErrorCode::unsupported, [&] { faiss::reverse_index_factory(&uniform); },
        "scalar quantizer");
    faiss::test::expect_code(faiss::ErrorCode::invalid_argument,
                             [&] { faiss::reverse_index_factory(nullptr); });
    faiss::IndexFlat q(kD);
    faiss::IndexIVFPQ ivfpq(&q, kD, 4, 4, 8);
    ivfpq.by_residual = false;
    faiss::test::expect_code(
        faiss::ErrorCode::unsupported, [&] { faiss::reverse_index_factory(&ivfpq); },
        "by_residual");
}

}  // namespace
