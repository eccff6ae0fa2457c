#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>
#include <omp.h>

#include <cstring>

namespace faiss::test {

namespace {

std::vector<float> data(size_t n, int d, uint64_t seed) {
    return clustered_vectors(n, size_t(d), 6, seed);
}

template <class T, class... Args>
std::unique_ptr<Index> filled(size_t n, uint64_t seed, Args&&... args) {
    auto index = std::make_unique<T>(std::forward<Args>(args)...);
    const auto x = data(n, index->d, seed);
    index->train(idx_t(n), x.data());
    index->add(idx_t(n), x.data());
    return index;
}

std::unique_ptr<Index> idmap(bool two, size_t n) {
    auto sub = std::make_unique<IndexFlatL2>(8);
    std::unique_ptr<IndexIDMap> map;
    if (two) {
        map = std::make_unique<IndexIDMap2>(sub.release());
    } else {
        map = std::make_unique<IndexIDMap>(sub.release());
    }
    map->own_fields = true;
    const auto x = data(n, 8, 11);
    std::vector<idx_t> ids(n);
    for (size_t i = 0; i < n; i++)
        ids[i] = idx_t(1000 + 7 * i);
    map->add_with_ids(idx_t(n), x.data(), ids.data());
    return map;
}

// Trained on n vectors; the first n_add of them (all when 0) are added.
template <class IVF, class... Args>
std::unique_ptr<Index> ivf_n(size_t n, size_t n_add, int d, size_t nlist, MetricType metric,
                             DirectMap::Type dm, bool with_ids, Args&&... args) {
    auto* q = metric == METRIC_L2 ? static_cast<Index*>(new IndexFlatL2(d))
                                  : static_cast<Index*>(new IndexFlatIP(d));
    auto index = std::make_unique<IVF>(q, size_t(d), nlist, std::forward<Args>(args)..., metric);
    index->own_fields = true;
    const auto x = data(n, d, 21 + nlist);
    index->train(idx_t(n), x.data());
    if (n_add > 0) n = n_add;
    if (with_ids) {
        std::vector<idx_t> ids(n);
        for (size_t i = 0; i < n; i++)
            ids[i] = idx_t(5 * i + 3);
        index->add_with_ids(idx_t(n), x.data(), ids.data());
    } else {
        index->add(idx_t(n), x.data());
    }
    if (dm != DirectMap::NoMap) index->set_direct_map_type(dm);
    index->nprobe = 3;
    return index;
}

template <class IVF, class... Args>
std::unique_ptr<Index> ivf(size_t n, int d, size_t nlist, MetricType metric, DirectMap::Type dm,
                           bool with_ids, Args&&... args) {
    return ivf_n<IVF>(n, 0, d, nlist, metric, dm, with_ids, std::forward<Args>(args)...);
}

std::unique_ptr<Index> refine(bool flat, size_t n) {
    auto* base = new IndexPQ(8, 4, 4);
    std::unique_ptr<IndexRefine> r;
    if (flat) {
        r = std::make_unique<IndexRefineFlat>(base);
    } else {
        r = std::make_unique<IndexRefine>(base,
                                          new IndexScalarQuantizer(8, ScalarQuantizer::QT_8bit));
        r->own_refine_index = true;
    }
    r->own_fields = true;
    r->k_factor = 2.5f;
    const auto x = data(n, 8, 31);
    r->train(idx_t(n), x.data());
    r->add(idx_t(n), x.data());
    return r;
}

// IndexPreTransform of `chain` (applied in order) over `sub`; everything owned.
std::unique_ptr<Index> pretransform(std::vector<VectorTransform*> chain, Index* sub, size_t n,
                                    int d_in) {
    auto index = std::make_unique<IndexPreTransform>(sub);
    index->own_fields = true;
    for (size_t i = chain.size(); i-- > 0;)
        index->prepend_transform(chain[i]);
    const auto x = data(n, d_in, 51);
    index->train(idx_t(n), x.data());
    index->add(idx_t(n), x.data());
    return index;
}

}  // namespace

std::vector<IndexCase> all_index_cases() {
    using SQ = ScalarQuantizer;
    std::vector<IndexCase> cases = {
        {"FlatL2", [] { return filled<IndexFlatL2>(200, 1, 12); }},
        {"FlatIP", [] { return filled<IndexFlatIP>(200, 2, 12); }},
        {"FlatL1", [] { return filled<IndexFlat>(100, 3, 8, METRIC_L1); }},
        {"FlatLp",
         [] {
             auto index = std::make_unique<IndexFlat>(8, METRIC_Lp);
             index->metric_arg = 3;
             const auto x = data(100, 8, 4);
             index->add(100, x.data());
             return std::unique_ptr<Index>(std::move(index));
         }},
        {"FlatEmpty", [] { return std::unique_ptr<Index>(new IndexFlatIP(8)); }},
        {"IDMap", [] { return idmap(false, 150); }},
        {"IDMap2", [] { return idmap(true, 150); }},
        {"PQ8", [] { return filled<IndexPQ>(600, 5, 16, 4, 8); }},
        {"PQ4_IP", [] { return filled<IndexPQ>(300, 6, 16, 8, 4, METRIC_INNER_PRODUCT); }},
        {"PQ_untrained", [] { return std::unique_ptr<Index>(new IndexPQ(8, 2, 6)); }},
        {"IVFFlat",
         [] { return ivf<IndexIVFFlat>(400, 8, 8, METRIC_L2, DirectMap::NoMap, false); }},
        {"IVFFlat_IP_array",
         [] {
             return ivf<IndexIVFFlat>(400, 8, 8, METRIC_INNER_PRODUCT, DirectMap::Array, false);
         }},
        {"IVFFlat_sparse_hash",
         [] { return ivf_n<IndexIVFFlat>(64, 5, 8, 32, METRIC_L2, DirectMap::Hashtable, true); }},
        {"IVFPQ",
         [] { return ivf<IndexIVFPQ>(600, 16, 4, METRIC_L2, DirectMap::NoMap, false, 4, 8); }},
        {"IVFPQ_IP_6bit",
         [] {
             return ivf<IndexIVFPQ>(400, 16, 4, METRIC_INNER_PRODUCT, DirectMap::Array, false, 8,
                                    6);
         }},
    };
    const SQ::QuantizerType qtypes[] = {
        SQ::QT_8bit,        SQ::QT_4bit, SQ::QT_8bit_uniform, SQ::QT_4bit_uniform,      SQ::QT_fp16,
        SQ::QT_8bit_direct, SQ::QT_6bit, SQ::QT_bf16,         SQ::QT_8bit_direct_signed};
    for (SQ::QuantizerType qt : qtypes) {
        cases.push_back({"SQ" + std::to_string(int(qt)),
                         [qt] { return filled<IndexScalarQuantizer>(200, 40 + qt, 10, qt); }});
    }
    cases.push_back({"SQ8_untrained", [] {
                         return std::unique_ptr<Index>(new IndexScalarQuantizer(8, SQ::QT_8bit));
                     }});
    cases.push_back({"IVFSQ8", [] {
                         return ivf<IndexIVFScalarQuantizer>(400, 8, 4, METRIC_L2, DirectMap::NoMap,
                                                             false, SQ::QT_8bit);
                     }});
    cases.push_back({"IVFSQfp16_IP_hash", [] {
                         return ivf<IndexIVFScalarQuantizer>(300, 8, 4, METRIC_INNER_PRODUCT,
                                                             DirectMap::Hashtable, true,
                                                             SQ::QT_fp16);
                     }});
    cases.push_back({"IVFSQ6_noresidual", [] {
                         auto* q = new IndexFlatL2(8);
                         auto index = std::make_unique<IndexIVFScalarQuantizer>(
                             q, 8, 4, SQ::QT_6bit, METRIC_L2, false);
                         index->own_fields = true;
                         const auto x = data(300, 8, 77);
                         index->train(300, x.data());
                         index->add(300, x.data());
                         return std::unique_ptr<Index>(std::move(index));
                     }});
    cases.push_back({"IVFFlat_untrained", [] {
                         auto index = std::make_unique<IndexIVFFlat>(new IndexFlatL2(8), 8, 16);
                         index->own_fields = true;
                         return std::unique_ptr<Index>(std::move(index));
                     }});
    cases.push_back({"PCA_Flat", [] {
                         return pretransform({new PCAMatrix(16, 8)}, new IndexFlatL2(8), 300, 16);
                     }});
    cases.push_back({"PCAW_RR_IVFFlat", [] {
                         auto* ivf = new IndexIVFFlat(new IndexFlatL2(8), 8, 4);
                         ivf->own_fields = true;
                         return pretransform(
                             {new PCAMatrix(16, 8, -0.5f, true), new RandomRotationMatrix(8, 8)},
                             ivf, 300, 16);
                     }});
    cases.push_back({"OPQ_PQ", [] {
                         auto* opq = new OPQMatrix(16, 4);
                         opq->niter = 4;
                         return pretransform({opq}, new IndexPQ(16, 4, 4), 300, 16);
                     }});
    cases.push_back({"Norm_Center_Remap_IP", [] {
                         return pretransform(
                             {new CenteringTransform(12), new NormalizationTransform(12, 2.0f),
                              new RemapDimensionsTransform(12, 16, true)},
                             new IndexFlatIP(16), 200, 12);
                     }});
    cases.push_back({"HNSWFlat", [] { return filled<IndexHNSWFlat>(300, 61, 8, 8); }});
    cases.push_back(
        {"HNSWFlat_IP", [] { return filled<IndexHNSWFlat>(200, 62, 8, 4, METRIC_INNER_PRODUCT); }});
    cases.push_back(
        {"HNSWSQ", [] { return filled<IndexHNSWSQ>(300, 63, 8, ScalarQuantizer::QT_8bit, 8); }});
    cases.push_back({"HNSWPQ", [] { return filled<IndexHNSWPQ>(300, 64, 8, 2, 8, 4); }});
    cases.push_back(
        {"HNSWFlat_empty", [] { return std::unique_ptr<Index>(new IndexHNSWFlat(8, 16)); }});
    cases.push_back({"IVF_HNSWquantizer", [] {
                         auto* q = new IndexHNSWFlat(8, 4);
                         auto index = std::make_unique<IndexIVFFlat>(q, 8, 16);
                         index->own_fields = true;
                         const auto x = data(400, 8, 65);
                         index->train(400, x.data());
                         index->add(400, x.data());
                         index->nprobe = 4;
                         return std::unique_ptr<Index>(std::move(index));
                     }});
    cases.push_back({"RefineFlat", [] { return refine(true, 200); }});
    cases.push_back({"Refine_SQ", [] { return refine(false, 200); }});
    return cases;
}

const std::vector<std::pair<std::string, std::unique_ptr<Index>>>& built_index_cases() {
    static const auto built = [] {
        std::vector<std::pair<std::string, std::unique_ptr<Index>>> out;
        for (const IndexCase& c : all_index_cases())
            out.emplace_back(c.name, c.make());
        return out;
    }();
    return built;
}

std::vector<IndexCase> tiny_index_cases() {
    using SQ = ScalarQuantizer;
    std::vector<IndexCase> cases = {
        {"FlatL2", [] { return filled<IndexFlatL2>(3, 1, 4); }},
        {"IDMap2", [] { return idmap(true, 3); }},
        {"PQ", [] { return filled<IndexPQ>(16, 5, 4, 2, 2); }},
        {"SQ4", [] { return filled<IndexScalarQuantizer>(5, 6, 4, SQ::QT_4bit); }},
        {"IVFFlat_array",
         [] { return ivf<IndexIVFFlat>(6, 4, 2, METRIC_L2, DirectMap::Array, false); }},
        {"IVFFlat_hash",
         [] {
             return ivf<IndexIVFFlat>(6, 4, 3, METRIC_INNER_PRODUCT, DirectMap::Hashtable, true);
         }},
        {"IVFPQ",
         [] { return ivf<IndexIVFPQ>(8, 4, 2, METRIC_L2, DirectMap::NoMap, false, 2, 2); }},
        {"IVFSQ",
         [] {
             return ivf<IndexIVFScalarQuantizer>(6, 4, 2, METRIC_L2, DirectMap::NoMap, false,
                                                 SQ::QT_8bit);
         }},
        {"HNSWFlat", [] { return filled<IndexHNSWFlat>(5, 66, 4, 2); }},
        {"HNSWPQ", [] { return filled<IndexHNSWPQ>(16, 67, 4, 2, 2, 2); }},
        {"HNSWSQ_IP",
         [] { return filled<IndexHNSWSQ>(6, 68, 4, SQ::QT_fp16, 2, METRIC_INNER_PRODUCT); }},
        {"IDMap", [] { return idmap(false, 2); }},
        {"RR_Flat",
         [] { return pretransform({new RandomRotationMatrix(4, 4)}, new IndexFlatL2(4), 3, 4); }},
        {"PCA_Norm_Flat",
         [] {
             return pretransform({new PCAMatrix(4, 2), new NormalizationTransform(2)},
                                 new IndexFlatIP(2), 6, 4);
         }},
        {"LinearT_Center_Remap",
         [] {
             auto* lt = new LinearTransform(4, 4, true);
             lt->A = {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0};
             lt->b = {0.5f, 0, 0, -1};
             lt->is_trained = true;
             return pretransform(
                 {new CenteringTransform(4), lt, new RemapDimensionsTransform(4, 6, true)},
                 new IndexFlatL2(6), 8, 4);
         }},
        {"Refine_SQ",
         [] {
             auto r = std::make_unique<IndexRefine>(
                 new IndexFlatIP(4),
                 new IndexScalarQuantizer(4, SQ::QT_6bit, METRIC_INNER_PRODUCT));
             r->own_fields = r->own_refine_index = true;
             const auto x = data(5, 4, 9);
             r->train(5, x.data());
             r->add(5, x.data());
             return std::unique_ptr<Index>(std::move(r));
         }},
        {"RefineFlat",
         [] {
             auto r = std::make_unique<IndexRefineFlat>(new IndexFlatL2(4));
             r->own_fields = true;
             const auto x = data(4, 4, 3);
             r->add(4, x.data());
             return std::unique_ptr<Index>(std::move(r));
         }},
        {"FlatIP", [] { return filled<IndexFlatIP>(2, 7, 3); }},
        {"OPQ_PQ",
         [] {
             auto* pq = new IndexPQ(4, 2, 2);
             auto* opq = new OPQMatrix(4, 2);
             opq->niter = 2;
             opq->pq = &pq->pq;  // 2-bit codebooks: a handful of training vectors suffice
             return pretransform({opq}, pq, 8, 4);
         }},
        {"ITQ_Hadamard_Flat",
         [] {
             return pretransform({new ITQTransform(4, 4, false), new HadamardRotation(4, 7)},
                                 new IndexFlatL2(4), 8, 4);
         }},
    };
    // Every other scalar quantizer type (QT_4bit is above).
    const SQ::QuantizerType qtypes[] = {SQ::QT_8bit, SQ::QT_8bit_uniform,      SQ::QT_4bit_uniform,
                                        SQ::QT_fp16, SQ::QT_8bit_direct,       SQ::QT_6bit,
                                        SQ::QT_bf16, SQ::QT_8bit_direct_signed};
    for (SQ::QuantizerType qt : qtypes) {
        cases.push_back({"SQ" + std::to_string(int(qt)),
                         [qt] { return filled<IndexScalarQuantizer>(3, 80 + qt, 3, qt); }});
    }
    return cases;
}

std::vector<uint8_t> to_bytes(const Index* index) {
    VectorIOWriter w;
    write_index(index, &w);
    return w.data;
}

std::unique_ptr<Index> from_bytes(const std::vector<uint8_t>& bytes, int io_flags) {
    BufferIOReader r(bytes.data(), bytes.size());
    return std::unique_ptr<Index>(read_index(&r, io_flags));
}

std::vector<float> queries_for(int d, size_t nq, uint64_t seed) {
    return clustered_vectors(nq, size_t(d), 6, seed);
}

void expect_same_search(const Index& a, const Index& b, size_t nq, size_t k) {
    ASSERT_EQ(a.d, b.d);
    ASSERT_EQ(a.ntotal, b.ntotal);
    const auto xq = queries_for(a.d, nq, 99);
    std::vector<float> da(nq * k), db(nq * k);
    std::vector<idx_t> la(nq * k), lb(nq * k);
    a.search(idx_t(nq), xq.data(), idx_t(k), da.data(), la.data());
    b.search(idx_t(nq), xq.data(), idx_t(k), db.data(), lb.data());
    EXPECT_EQ(la, lb);
    EXPECT_EQ(0, std::memcmp(da.data(), db.data(), da.size() * sizeof(float)));
}

void SingleThreadedTest::SetUp() {
    saved_threads_ = omp_get_max_threads();
    omp_set_num_threads(1);
}

void SingleThreadedTest::TearDown() {
    omp_set_num_threads(saved_threads_);
}

}  // namespace faiss::test
