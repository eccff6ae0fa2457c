// bfKnn / bfKnn_tiling / bruteForceKnn against the CPU IndexFlat: layouts, float16,
// int32 indices, host and device arrays, given norms, paging.

#include "common/test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/gpu/GpuDistance.h>
#include <faiss/gpu/StandardGpuResources.h>

#include <gtest/gtest.h>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::MetricType;
using faiss::gpu::DistanceDataType;
using faiss::gpu::GpuDistanceParams;
using faiss::gpu::IndicesDataType;
using faiss::gpu::test::DeviceArray;
using faiss::test::expect_code;

struct Problem {
    int d = 48;
    idx_t nb = 6000;
    idx_t nq = 150;
    int k = 32;
    std::vector<float> xb, xq;
    std::vector<float> cd;
    std::vector<idx_t> ci;

    void make(MetricType metric, uint64_t seed) {
        xb = faiss::test::random_vectors(nb, d, seed);
        xq = faiss::test::random_vectors(nq, d, seed + 1);
        faiss::gpu::test::cpu_knn(xq.data(), xb.data(), nq, nb, d, k, metric, cd, ci);
    }
};

TEST(GpuDistance, LayoutsAndPlacements) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    for (MetricType metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Problem p;
        p.make(metric, metric == faiss::METRIC_L2 ? 1 : 2);
        auto xbt = faiss::gpu::test::transpose(p.xb, p.nb, p.d);
        auto xqt = faiss::gpu::test::transpose(p.xq, p.nq, p.d);
        DeviceArray dxb(p.xb.size() * 4), dxq(p.xq.size() * 4);
        for (int variant = 0; variant < 8; ++variant) {
            SCOPED_TRACE(testing::Message() << "metric " << int(metric) << " variant " << variant);
            const bool vcol = variant & 1, qcol = variant & 2, on_dev = variant & 4;
            const std::vector<float>& hv = vcol ? xbt : p.xb;
            const std::vector<float>& hq = qcol ? xqt : p.xq;
            GpuDistanceParams a;
            a.metric = metric;
            a.k = p.k;
            a.dims = p.d;
            a.numVectors = p.nb;
            a.numQueries = p.nq;
            a.vectorsRowMajor = !vcol;
            a.queriesRowMajor = !qcol;
            if (on_dev) {
                dxb.upload(hv.data(), hv.size() * 4);
                dxq.upload(hq.data(), hq.size() * 4);
                a.vectors = dxb.get();
                a.queries = dxq.get();
            } else {
                a.vectors = hv.data();
                a.queries = hq.data();
            }
            std::vector<float> gd(p.nq * p.k);
            std::vector<idx_t> gi(p.nq * p.k);
            a.outDistances = gd.data();
            a.outIndices = gi.data();
            faiss::gpu::bfKnn(&res, a);
            faiss::gpu::test::expect_same_knn(p.xq.data(), p.xb.data(), p.nq, p.nb, p.d, p.k,
                                              metric, p.cd, p.ci, gd, gi);
        }
    }
}

TEST(GpuDistance, Int32IndicesNormsAndDeviceOutputs) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    Problem p;
    p.make(faiss::METRIC_L2, 5);
    std::vector<float> norms(p.nb);
    for (idx_t i = 0; i < p.nb; ++i) {
        float s = 0;
        for (int j = 0; j < p.d; ++j)
            s += p.xb[i * p.d + j] * p.xb[i * p.d + j];
        norms[i] = s;
    }
    DeviceArray dd(p.nq * p.k * 4), di(p.nq * p.k * 4);
    GpuDistanceParams a;
    a.k = p.k;
    a.dims = p.d;
    a.vectors = p.xb.data();
    a.numVectors = p.nb;
    a.vectorNorms = norms.data();
    a.queries = p.xq.data();
    a.numQueries = p.nq;
    a.outDistances = static_cast<float*>(dd.get());
    a.outIndicesType = IndicesDataType::I32;
    a.outIndices = di.get();
    faiss::gpu::bfKnn(&res, a);
    std::vector<float> gd(p.nq * p.k);
    std::vector<int32_t> gi32(p.nq * p.k);
    dd.download(gd.data(), gd.size() * 4);
    di.download(gi32.data(), gi32.size() * 4);
    std::vector<idx_t> gi(gi32.begin(), gi32.end());
    faiss::gpu::test::expect_same_knn(p.xq.data(), p.xb.data(), p.nq, p.nb, p.d, p.k,
                                      faiss::METRIC_L2, p.cd, p.ci, gd, gi);

    // Distances ignored.
    a.outDistances = nullptr;
    a.ignoreOutDistances = true;
    faiss::gpu::bfKnn(&res, a);
    std::vector<int32_t> again(p.nq * p.k);
    di.download(again.data(), again.size() * 4);
    EXPECT_EQ(again, gi32);
}

TEST(GpuDistance, Float16Inputs) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    Problem p;
    p.k = 10;
    p.xb = faiss::test::clustered_vectors(p.nb, p.d, 30, 7);
    p.xq = faiss::test::clustered_vectors(p.nq, p.d, 30, 8);
    faiss::gpu::test::cpu_knn(p.xq.data(), p.xb.data(), p.nq, p.nb, p.d, p.k, faiss::METRIC_L2,
                              p.cd, p.ci);
    auto hb = faiss::gpu::test::to_half(p.xb);
    auto hq = faiss::gpu::test::to_half(p.xq);
    for (int variant = 0; variant < 3; ++variant) {
        GpuDistanceParams a;
        a.k = p.k;
        a.dims = p.d;
        a.numVectors = p.nb;
        a.numQueries = p.nq;
        a.vectors = variant == 1 ? static_cast<const void*>(p.xb.data()) : hb.data();
        a.vectorType = variant == 1 ? DistanceDataType::F32 : DistanceDataType::F16;
        a.queries = variant == 2 ? static_cast<const void*>(p.xq.data()) : hq.data();
        a.queryType = variant == 2 ? DistanceDataType::F32 : DistanceDataType::F16;
        std::vector<float> gd(p.nq * p.k);
        std::vector<idx_t> gi(p.nq * p.k);
        a.outDistances = gd.data();
        a.outIndices = gi.data();
        faiss::gpu::bfKnn(&res, a);
        size_t hits = faiss::test::count_overlap(gi.data(), p.ci.data(), p.nq, p.k);
        EXPECT_GE(double(hits) / double(p.nq * p.k), 0.99) << "variant " << variant;
    }
}

// Small memory limits force many database pages and query chunks.
TEST(GpuDistance, TilingMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    for (int k : {7, 700}) {
        Problem p;
        p.k = k;
        p.nb = 9000;
        p.make(faiss::METRIC_INNER_PRODUCT, 11 + k);
        GpuDistanceParams a;
        a.metric = faiss::METRIC_INNER_PRODUCT;
        a.k = p.k;
        a.dims = p.d;
        a.vectors = p.xb.data();
        a.numVectors = p.nb;
        a.queries = p.xq.data();
        a.numQueries = p.nq;
        std::vector<float> gd(p.nq * p.k);
        std::vector<idx_t> gi(p.nq * p.k);
        a.outDistances = gd.data();
        a.outIndices = gi.data();
        faiss::gpu::bfKnn_tiling(&res, a, 1000 * p.d * 4 + 123, 40 * p.d * 4);
        faiss::gpu::test::expect_same_knn(p.xq.data(), p.xb.data(), p.nq, p.nb, p.d, p.k,
                                          faiss::METRIC_INNER_PRODUCT, p.cd, p.ci, gd, gi);
    }
    Problem p;
    p.make(faiss::METRIC_L2, 30);
    std::vector<float> gd(p.nq * p.k);
    std::vector<idx_t> gi(p.nq * p.k);
    faiss::gpu::bruteForceKnn(&res, faiss::METRIC_L2, p.xb.data(), true, p.nb, p.xq.data(), true,
                              p.nq, p.d, p.k, gd.data(), gi.data());
    faiss::gpu::test::expect_same_knn(p.xq.data(), p.xb.data(), p.nq, p.nb, p.d, p.k,
                                      faiss::METRIC_L2, p.cd, p.ci, gd, gi);
}

TEST(GpuDistance, BadInput) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    Problem p;
    p.make(faiss::METRIC_L2, 40);
    std::vector<float> gd(p.nq * 3000);
    std::vector<idx_t> gi(p.nq * 3000);
    GpuDistanceParams good;
    good.k = 5;
    good.dims = p.d;
    good.vectors = p.xb.data();
    good.numVectors = p.nb;
    good.queries = p.xq.data();
    good.numQueries = p.nq;
    good.outDistances = gd.data();
    good.outIndices = gi.data();
    auto with = [&](auto change) {
        GpuDistanceParams a = good;
        change(a);
        return a;
    };
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::bfKnn(&res, with([](GpuDistanceParams& a) { a.k = 2049; })); });
    expect_code(ErrorCode::invalid_argument, [&] {
        faiss::gpu::bfKnn(&res, with([](GpuDistanceParams& a) { a.queries = nullptr; }));
    });
    expect_code(ErrorCode::invalid_argument, [&] {
        faiss::gpu::bfKnn(&res, with([](GpuDistanceParams& a) { a.device = 1000; }));
    });
    expect_code(ErrorCode::unsupported, [&] {
        faiss::gpu::bfKnn(&res, with([](GpuDistanceParams& a) { a.metric = faiss::METRIC_L1; }));
    });
    expect_code(ErrorCode::unsupported, [&] {
        faiss::gpu::bfKnn(
            &res, with([](GpuDistanceParams& a) { a.vectorType = DistanceDataType::BF16; }));
    });
    faiss::gpu::bfKnn(&res, good);
}

}  // namespace
