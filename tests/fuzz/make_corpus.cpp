// Writes the seed corpus of fuzz_read_index: one tiny, valid file per index type the
// library reads (and a few VectorTransform and ProductQuantizer records), each a few
// hundred bytes to a few KB, so that mutations reach every serializer quickly.
//
//   make_corpus <output folder>
//
// Built by the fuzz build (tests/fuzz/CMakeLists.txt); tests/fuzz/make_corpus.sh runs it
// and adds the files written by faiss-cpu.

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
#include <faiss/quantizers/ProductQuantizer.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace faiss;
using SQ = ScalarQuantizer;

// n x d vectors around 3 centres, so that the codecs train on something structured.
std::vector<float> data(size_t n, int d, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> centres(3 * size_t(d)), x(n * size_t(d));
    for (float& c : centres)
        c = 4.0f * g(rng);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            x[i * d + j] = centres[(i % 3) * d + j] + 0.3f * g(rng);
    return x;
}

std::unique_ptr<Index> fill(Index* raw, size_t n, uint64_t seed = 1) {
    std::unique_ptr<Index> index(raw);
    const auto x = data(n, index->d, seed);
    index->train(idx_t(n), x.data());
    index->add(idx_t(n), x.data());
    return index;
}

std::unique_ptr<Index> idmap(bool two) {
    IndexIDMap* map =
        two ? new IndexIDMap2(new IndexFlatL2(4)) : new IndexIDMap(new IndexFlatL2(4));
    map->own_fields = true;
    const auto x = data(5, 4, 2);
    const std::vector<idx_t> ids = {10, 3, 77, 1000000007, 5};
    map->add_with_ids(5, x.data(), ids.data());
    return std::unique_ptr<Index>(map);
}

template <class IVF, class... Args>
std::unique_ptr<Index> ivf(int d, size_t nlist, size_t n, MetricType metric, DirectMap::Type dm,
                           Args... args) {
    Index* q = metric == METRIC_L2 ? static_cast<Index*>(new IndexFlatL2(d))
                                   : static_cast<Index*>(new IndexFlatIP(d));
    auto* index = new IVF(q, size_t(d), nlist, args..., metric);
    index->own_fields = true;
    const auto x = data(n, d, 3 + nlist);
    index->train(idx_t(n), x.data());
    if (dm == DirectMap::Hashtable) {
        std::vector<idx_t> ids(n);
        for (size_t i = 0; i < n; i++)
            ids[i] = idx_t(7 * i + 2);
        index->add_with_ids(idx_t(n), x.data(), ids.data());
    } else {
        index->add(idx_t(n), x.data());
    }
    if (dm != DirectMap::NoMap) index->set_direct_map_type(dm);
    index->nprobe = 2;
    return std::unique_ptr<Index>(index);
}

std::unique_ptr<Index> pretransform(std::vector<VectorTransform*> chain, Index* sub, size_t n,
                                    int d_in) {
    auto* index = new IndexPreTransform(sub);
    index->own_fields = true;
    for (size_t i = chain.size(); i-- > 0;)
        index->prepend_transform(chain[i]);
    return fill(index, n, 5);
}

std::unique_ptr<Index> refine(bool flat) {
    IndexRefine* r =
        flat ? new IndexRefineFlat(new IndexPQ(4, 2, 2))
             : new IndexRefine(new IndexFlatIP(4),
                               new IndexScalarQuantizer(4, SQ::QT_8bit, METRIC_INNER_PRODUCT));
    r->own_fields = true;
    r->own_refine_index = !flat || r->own_refine_index;
    r->k_factor = 2.0f;
    return fill(r, 6, 6);
}

std::unique_ptr<Index> ivf_hnsw_quantizer() {
    auto* index = new IndexIVFFlat(new IndexHNSWFlat(4, 2), 4, 4);
    index->own_fields = true;
    index->nprobe = 2;
    return fill(index, 12, 7);
}

struct Case {
    std::string name;
    std::function<std::unique_ptr<Index>()> make;
};

std::vector<Case> index_cases() {
    std::vector<Case> cases = {
        {"flat_l2", [] { return fill(new IndexFlatL2(4), 3); }},
        {"flat_ip", [] { return fill(new IndexFlatIP(4), 3); }},
        {"flat_l1", [] { return fill(new IndexFlat(3, METRIC_L1), 2); }},
        {"flat_empty", [] { return std::unique_ptr<Index>(new IndexFlatL2(4)); }},
        {"idmap", [] { return idmap(false); }},
        {"idmap2", [] { return idmap(true); }},
        {"pq", [] { return fill(new IndexPQ(4, 2, 2), 8); }},
        {"pq_ip_untrained",
         [] { return std::unique_ptr<Index>(new IndexPQ(4, 2, 1, METRIC_INNER_PRODUCT)); }},
        {"ivfflat", [] { return ivf<IndexIVFFlat>(4, 3, 10, METRIC_L2, DirectMap::NoMap); }},
        {"ivfflat_ip_array",
         [] { return ivf<IndexIVFFlat>(4, 3, 10, METRIC_INNER_PRODUCT, DirectMap::Array); }},
        {"ivfflat_hash",
         [] { return ivf<IndexIVFFlat>(3, 2, 6, METRIC_L2, DirectMap::Hashtable); }},
        {"ivfflat_hnsw_quantizer", ivf_hnsw_quantizer},
        {"ivfpq",
         [] {
             return ivf<IndexIVFPQ>(4, 2, 12, METRIC_L2, DirectMap::NoMap, size_t(2), size_t(2));
         }},
        {"ivfpq_ip_array",
         [] {
             return ivf<IndexIVFPQ>(4, 2, 12, METRIC_INNER_PRODUCT, DirectMap::Array, size_t(2),
                                    size_t(3));
         }},
        {"ivfsq8",
         [] {
             return ivf<IndexIVFScalarQuantizer>(4, 2, 8, METRIC_L2, DirectMap::NoMap, SQ::QT_8bit);
         }},
        {"ivfsq_fp16_ip_hash",
         [] {
             return ivf<IndexIVFScalarQuantizer>(4, 2, 6, METRIC_INNER_PRODUCT,
                                                 DirectMap::Hashtable, SQ::QT_fp16);
         }},
        {"hnsw_flat", [] { return fill(new IndexHNSWFlat(4, 2), 8, 8); }},
        {"hnsw_flat_ip", [] { return fill(new IndexHNSWFlat(3, 2, METRIC_INNER_PRODUCT), 6, 9); }},
        {"hnsw_sq", [] { return fill(new IndexHNSWSQ(4, SQ::QT_8bit, 2), 8, 10); }},
        {"hnsw_pq", [] { return fill(new IndexHNSWPQ(4, 2, 2, 2), 8, 11); }},
        {"hnsw_empty", [] { return std::unique_ptr<Index>(new IndexHNSWFlat(4, 2)); }},
        {"pre_pca_flat",
         [] { return pretransform({new PCAMatrix(4, 2)}, new IndexFlatL2(2), 6, 4); }},
        {"pre_pcaw_rr_ivf",
         [] {
             auto* sub = new IndexIVFFlat(new IndexFlatL2(2), 2, 2);
             sub->own_fields = true;
             return pretransform({new PCAMatrix(4, 2, -0.5f, true), new RandomRotationMatrix(2, 2)},
                                 sub, 8, 4);
         }},
        {"pre_opq_pq",
         [] {
             auto* sub = new IndexPQ(4, 2, 2);
             auto* opq = new OPQMatrix(4, 2);
             opq->niter = 2;
             opq->pq = &sub->pq;  // 2-bit codebooks: a handful of training vectors suffice
             return pretransform({opq}, sub, 8, 4);
         }},
        {"pre_rr_flat",
         [] { return pretransform({new RandomRotationMatrix(3, 4)}, new IndexFlatL2(4), 3, 3); }},
        {"pre_norm_center_remap_ip",
         [] {
             return pretransform({new CenteringTransform(3), new NormalizationTransform(3),
                                  new RemapDimensionsTransform(3, 4, true)},
                                 new IndexFlatIP(4), 4, 3);
         }},
        {"pre_itq_hadamard",
         [] {
             return pretransform({new ITQTransform(4, 4, false), new HadamardRotation(4, 7)},
                                 new IndexFlatL2(4), 8, 4);
         }},
        {"refine_sq", [] { return refine(false); }},
        {"refine_flat", [] { return refine(true); }},
    };
    const SQ::QuantizerType qtypes[] = {
        SQ::QT_8bit,        SQ::QT_4bit, SQ::QT_8bit_uniform, SQ::QT_4bit_uniform,      SQ::QT_fp16,
        SQ::QT_8bit_direct, SQ::QT_6bit, SQ::QT_bf16,         SQ::QT_8bit_direct_signed};
    for (SQ::QuantizerType qt : qtypes) {
        cases.push_back({"sq_qt" + std::to_string(int(qt)),
                         [qt] { return fill(new IndexScalarQuantizer(3, qt), 3, 12 + qt); }});
    }
    return cases;
}

std::unique_ptr<VectorTransform> trained(VectorTransform* raw, size_t n) {
    std::unique_ptr<VectorTransform> vt(raw);
    const auto x = data(n, vt->d_in, 13);
    vt->train(idx_t(n), x.data());
    return vt;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <output folder>\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    try {
        for (const Case& c : index_cases()) {
            const auto index = c.make();
            write_index(index.get(), (dir + "/idx_" + c.name + ".faissindex").c_str());
        }
        write_index(nullptr, (dir + "/idx_null.faissindex").c_str());
        const std::pair<const char*, std::function<std::unique_ptr<VectorTransform>()>> vts[] = {
            {"pca", [] { return trained(new PCAMatrix(4, 2, -0.5f, true), 6); }},
            {"rr", [] { return trained(new RandomRotationMatrix(3, 4), 1); }},
            {"norm", [] { return trained(new NormalizationTransform(4, 1.5f), 1); }},
            {"center", [] { return trained(new CenteringTransform(3), 4); }},
            {"remap", [] { return trained(new RemapDimensionsTransform(4, 3, false), 1); }},
            {"itq", [] { return trained(new ITQTransform(4, 2, true), 8); }},
            {"hadamard", [] { return trained(new HadamardRotation(3, 5), 1); }},
        };
        for (const auto& [name, make] : vts)
            write_VectorTransform(make().get(), (dir + "/vt_" + name + ".faissvt").c_str());
        for (int nbits : {1, 3}) {
            ProductQuantizer pq(4, 2, size_t(nbits));
            const auto x = data(16, 4, 14);
            pq.train(16, x.data());
            write_ProductQuantizer(&pq,
                                   (dir + "/pq_" + std::to_string(nbits) + "bit.faisspq").c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
