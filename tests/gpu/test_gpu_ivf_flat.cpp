// GpuIndexIVFFlat against the CPU IndexIVFFlat: the same results for the same centroids
// and lists, adding on the GPU, training on the GPU, conversions both ways, files,
// remove_ids / reconstruct, device pointers and bad input.

#include "common/test_utils.h"
#include "gpu/gpu_ivf_test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVFFlat.h>
#include <faiss/gpu/StandardGpuResources.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <thread>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::MetricType;
using faiss::gpu::test::DeviceArray;
using faiss::gpu::test::expect_gpu_matches_cpu;
using faiss::test::expect_code;

constexpr double kTol = 1e-4;

struct CpuIvf {
    std::unique_ptr<faiss::IndexFlat> quantizer;
    std::unique_ptr<faiss::IndexIVFFlat> index;
};

CpuIvf make_cpu(int d, size_t nlist, MetricType metric, const std::vector<float>& xb,
                bool add = true) {
    CpuIvf c;
    if (metric == faiss::METRIC_L2) {
        c.quantizer = std::make_unique<faiss::IndexFlatL2>(d);
    } else {
        c.quantizer = std::make_unique<faiss::IndexFlatIP>(d);
    }
    c.index = std::make_unique<faiss::IndexIVFFlat>(c.quantizer.get(), d, nlist, metric);
    const idx_t nb = idx_t(xb.size() / d);
    c.index->train(nb, xb.data());
    if (add) c.index->add(nb, xb.data());
    return c;
}

void check_copy(MetricType metric, int d, size_t nlist, idx_t nb, uint64_t seed) {
    SCOPED_TRACE(testing::Message() << "metric=" << int(metric) << " d=" << d);
    faiss::gpu::StandardGpuResources res;
    auto xb = faiss::test::clustered_vectors(nb, d, 20, seed);
    auto xq = faiss::test::clustered_vectors(200, d, 20, seed + 1);
    CpuIvf cpu = make_cpu(d, nlist, metric, xb);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get());
    EXPECT_EQ(gpu.ntotal, nb);
    EXPECT_EQ(gpu.getNumLists(), idx_t(nlist));
    for (size_t l = 0; l < nlist; ++l)
        ASSERT_EQ(gpu.getListLength(idx_t(l)), idx_t(cpu.index->invlists->list_size(l)));
    for (size_t nprobe : {size_t(1), size_t(5), nlist}) {
        for (size_t k : {size_t(1), size_t(10), size_t(100)})
            expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 200, k, nprobe, kTol);
    }
    expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 20, 2048, nlist, kTol);
    // End to end (the coarse search may break centroid ties differently).
    std::vector<float> cd(200 * 10), gd(200 * 10);
    std::vector<idx_t> ci(200 * 10), gi(200 * 10);
    cpu.index->nprobe = 4;
    gpu.nprobe = 4;
    cpu.index->search(200, xq.data(), 10, cd.data(), ci.data());
    gpu.search(200, xq.data(), 10, gd.data(), gi.data());
    EXPECT_GE(faiss::gpu::test::identical_rows(ci, gi, 200, 10), 0.97);
}

TEST(GpuIndexIVFFlat, CopyFromMatchesCpuL2) {
    FAISS_GPU_REQUIRE_DEVICE();
    check_copy(faiss::METRIC_L2, 32, 64, 20000, 1);
    check_copy(faiss::METRIC_L2, 7, 16, 3000, 2);
    check_copy(faiss::METRIC_L2, 130, 32, 4000, 3);
}

TEST(GpuIndexIVFFlat, CopyFromMatchesCpuIP) {
    FAISS_GPU_REQUIRE_DEVICE();
    check_copy(faiss::METRIC_INNER_PRODUCT, 32, 64, 20000, 4);
    check_copy(faiss::METRIC_INNER_PRODUCT, 5, 10, 2000, 5);
}

TEST(GpuIndexIVFFlat, AddOnGpuStoresWhatCpuStores) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 24;
    const size_t nlist = 50;
    auto xt = faiss::test::clustered_vectors(5000, d, 30, 7);
    auto xb = faiss::test::clustered_vectors(8000, d, 30, 8);
    auto xq = faiss::test::clustered_vectors(100, d, 30, 9);
    CpuIvf cpu = make_cpu(d, nlist, faiss::METRIC_L2, xt, false);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get());
    std::vector<idx_t> ids(8000);
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] = idx_t(3 * i + 11);
    // Two calls, the second from device memory.
    gpu.add_with_ids(3000, xb.data(), ids.data());
    DeviceArray dx(5000 * d * sizeof(float));
    dx.upload(xb.data() + 3000 * d, 5000 * d * sizeof(float));
    gpu.add_with_ids(5000, static_cast<const float*>(dx.get()), ids.data() + 3000);
    cpu.index->add_with_ids(8000, xb.data(), ids.data());
    ASSERT_EQ(gpu.ntotal, 8000);
    size_t same = 0;
    for (size_t l = 0; l < nlist; ++l) {
        auto g = gpu.getListIndices(idx_t(l));
        const idx_t* c = cpu.index->invlists->get_ids(l);
        const size_t n = cpu.index->invlists->list_size(l);
        for (idx_t id : g)
            same += std::find(c, c + n, id) != c + n;
    }
    EXPECT_GE(same, size_t(8000 * 0.995));  // GEMM vs CPU rounding at centroid ties
    faiss::IndexIVFFlat back;
    gpu.copyTo(&back);
    expect_gpu_matches_cpu(back, gpu, xq.data(), 100, 20, 8, kTol);
    // Sequential ids continue from ntotal.
    gpu.add(10, xb.data());
    EXPECT_EQ(gpu.ntotal, 8010);
    std::vector<float> v(d);
    gpu.reconstruct(8005, v.data());
    for (int j = 0; j < d; ++j)
        EXPECT_EQ(v[j], xb[5 * d + j]);
}

TEST(GpuIndexIVFFlat, TrainOnGpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 16;
    auto xb = faiss::test::clustered_vectors(10000, d, 40, 12);
    auto xq = faiss::test::clustered_vectors(100, d, 40, 13);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, d, 100);
    EXPECT_FALSE(gpu.is_trained);
    gpu.train(10000, xb.data());
    EXPECT_TRUE(gpu.is_trained);
    EXPECT_EQ(gpu.quantizer->ntotal, 100);
    gpu.add(10000, xb.data());
    // nprobe = nlist is exact search.
    gpu.nprobe = 100;
    std::vector<float> gd(100 * 10), fd;
    std::vector<idx_t> gi(100 * 10), fi;
    gpu.search(100, xq.data(), 10, gd.data(), gi.data());
    faiss::gpu::test::cpu_knn(xq.data(), xb.data(), 100, 10000, d, 10, faiss::METRIC_L2, fd, fi);
    faiss::gpu::test::expect_same_ivf_results(100, 10, faiss::METRIC_L2, fd, fi, gd, gi, kTol);
    // A few lists already find most neighbours on clustered data.
    gpu.nprobe = 8;
    gpu.search(100, xq.data(), 10, gd.data(), gi.data());
    EXPECT_GE(faiss::test::count_overlap(gi.data(), fi.data(), 100, 10), size_t(0.8 * 1000));
}

TEST(GpuIndexIVFFlat, RoundTripAndFile) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 20;
    auto xb = faiss::test::clustered_vectors(6000, d, 20, 21);
    auto xq = faiss::test::clustered_vectors(50, d, 20, 22);
    CpuIvf cpu = make_cpu(d, 32, faiss::METRIC_INNER_PRODUCT, xb);
    cpu.index->nprobe = 6;
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get());
    EXPECT_EQ(gpu.nprobe, 6u);
    faiss::IndexIVFFlat back;
    gpu.copyTo(&back);
    EXPECT_EQ(back.ntotal, cpu.index->ntotal);
    EXPECT_EQ(back.nprobe, 6u);
    EXPECT_EQ(back.metric_type, faiss::METRIC_INNER_PRODUCT);
    for (size_t l = 0; l < back.nlist; ++l) {
        const size_t n = back.invlists->list_size(l);
        ASSERT_EQ(n, cpu.index->invlists->list_size(l));
        EXPECT_TRUE(std::equal(back.invlists->get_ids(l), back.invlists->get_ids(l) + n,
                               cpu.index->invlists->get_ids(l)));
        EXPECT_EQ(0, std::memcmp(back.invlists->get_codes(l), cpu.index->invlists->get_codes(l),
                                 n * back.code_size));
    }
    auto read = faiss::gpu::test::write_and_read(back);
    auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(read.get());
    ASSERT_NE(ivf, nullptr);
    std::vector<float> d1(50 * 10), d2(50 * 10);
    std::vector<idx_t> i1(50 * 10), i2(50 * 10);
    ivf->search(50, xq.data(), 10, d1.data(), i1.data());
    cpu.index->search(50, xq.data(), 10, d2.data(), i2.data());
    EXPECT_EQ(i1, i2);
    EXPECT_EQ(d1, d2);
    expect_gpu_matches_cpu(*ivf, gpu, xq.data(), 50, 10, 6, kTol);
}

TEST(GpuIndexIVFFlat, RemoveAndReconstruct) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 12;
    auto xb = faiss::test::clustered_vectors(4000, d, 10, 31);
    auto xq = faiss::test::clustered_vectors(40, d, 10, 32);
    CpuIvf cpu = make_cpu(d, 20, faiss::METRIC_L2, xb);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get());
    faiss::IDSelectorRange sel(1000, 2500);
    EXPECT_EQ(gpu.remove_ids(sel), 1500u);
    EXPECT_EQ(cpu.index->remove_ids(sel), 1500u);
    EXPECT_EQ(gpu.ntotal, 2500);
    expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 40, 30, 20, kTol);
    std::vector<float> v(3 * d);
    gpu.reconstruct_n(3000, 3, v.data());
    for (int j = 0; j < 3 * d; ++j)
        EXPECT_EQ(v[j], xb[3000 * d + j]);
    DeviceArray dv(d * sizeof(float));
    gpu.reconstruct(7, static_cast<float*>(dv.get()));
    dv.download(v.data(), d * sizeof(float));
    for (int j = 0; j < d; ++j)
        EXPECT_EQ(v[j], xb[7 * d + j]);
    expect_code(ErrorCode::invalid_argument, [&] { gpu.reconstruct(1500, v.data()); });
    gpu.reset();
    EXPECT_EQ(gpu.ntotal, 0);
    std::vector<float> dd(2 * 5);
    std::vector<idx_t> ii(2 * 5);
    gpu.search(2, xq.data(), 5, dd.data(), ii.data());
    for (int j = 0; j < 10; ++j) {
        EXPECT_EQ(ii[j], -1);
        EXPECT_EQ(dd[j], std::numeric_limits<float>::infinity());
    }
}

TEST(GpuIndexIVFFlat, DevicePointersAndNaN) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 8;
    auto xb = faiss::test::clustered_vectors(3000, d, 10, 41);
    auto xq = faiss::test::clustered_vectors(30, d, 10, 42);
    CpuIvf cpu = make_cpu(d, 16, faiss::METRIC_L2, xb);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get());
    gpu.nprobe = 16;
    const int k = 7;
    std::vector<float> hd(30 * k), dd(30 * k);
    std::vector<idx_t> hi(30 * k), di(30 * k);
    gpu.search(30, xq.data(), k, hd.data(), hi.data());
    DeviceArray q(30 * d * sizeof(float)), od(30 * k * sizeof(float)), oi(30 * k * sizeof(idx_t));
    q.upload(xq.data(), 30 * d * sizeof(float));
    gpu.search(30, static_cast<const float*>(q.get()), k, static_cast<float*>(od.get()),
               static_cast<idx_t*>(oi.get()));
    od.download(dd.data(), dd.size() * sizeof(float));
    oi.download(di.data(), di.size() * sizeof(idx_t));
    EXPECT_EQ(hi, di);
    EXPECT_EQ(hd, dd);
    // A NaN vector counts in ntotal but lands in no list; a NaN query finds nothing.
    std::vector<float> nan(d, std::numeric_limits<float>::quiet_NaN());
    gpu.add(1, nan.data());
    EXPECT_EQ(gpu.ntotal, 3001);
    idx_t stored = 0;
    for (idx_t l = 0; l < gpu.getNumLists(); ++l)
        stored += gpu.getListLength(l);
    EXPECT_EQ(stored, 3000);
    gpu.search(1, nan.data(), k, hd.data(), hi.data());
    for (int j = 0; j < k; ++j)
        EXPECT_EQ(hi[j], -1);
}

TEST(GpuIndexIVFFlat, ConcurrentSearchesAndOptions) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 16;
    auto xb = faiss::test::clustered_vectors(5000, d, 20, 61);
    auto xq = faiss::test::clustered_vectors(64, d, 20, 62);
    CpuIvf cpu = make_cpu(d, 32, faiss::METRIC_L2, xb);
    // Unified memory for the lists, float16 coarse quantizer.
    faiss::gpu::GpuIndexIVFFlatConfig cfg;
    cfg.memorySpace = faiss::gpu::MemorySpace::Unified;
    cfg.flatConfig.useFloat16 = true;
    faiss::gpu::GpuIndexIVFFlat gpu(&res, cpu.index.get(), cfg);
    expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 64, 10, 6, kTol);
    faiss::SearchParametersIVF params;
    params.nprobe = 6;
    std::vector<float> d0(64 * 10);
    std::vector<idx_t> i0(64 * 10);
    gpu.search(64, xq.data(), 10, d0.data(), i0.data(), &params);
    std::vector<std::vector<idx_t>> labels(4, std::vector<idx_t>(64 * 10));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::vector<float> dist(64 * 10);
            for (int rep = 0; rep < 5; ++rep)
                gpu.search(64, xq.data(), 10, dist.data(), labels[t].data(), &params);
        });
    }
    for (auto& th : threads)
        th.join();
    for (int t = 0; t < 4; ++t)
        EXPECT_EQ(labels[t], i0);
}

TEST(GpuIndexIVFFlat, BadInput) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 8;
    auto xb = faiss::test::random_vectors(500, d, 51);
    faiss::gpu::GpuIndexIVFFlat gpu(&res, d, 10);
    std::vector<float> dist(5 * 3000);
    std::vector<idx_t> lab(5 * 3000);
    expect_code(ErrorCode::not_trained, [&] { gpu.add(10, xb.data()); });
    expect_code(ErrorCode::not_trained,
                [&] { gpu.search(1, xb.data(), 1, dist.data(), lab.data()); });
    expect_code(
        ErrorCode::invalid_argument, [&] { gpu.train(5, xb.data()); }, "nlist");
    gpu.train(500, xb.data());
    gpu.add(500, xb.data());
    expect_code(ErrorCode::unsupported,
                [&] { gpu.search(1, xb.data(), 2049, dist.data(), lab.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.search(1, xb.data(), 0, dist.data(), lab.data()); });
    gpu.nprobe = 2049;
    expect_code(
        ErrorCode::unsupported, [&] { gpu.search(1, xb.data(), 5, dist.data(), lab.data()); },
        "nprobe");
    gpu.nprobe = 0;
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.search(1, xb.data(), 5, dist.data(), lab.data()); });
    // nprobe above nlist is clamped, as on the CPU.
    gpu.nprobe = 2048;
    gpu.search(5, xb.data(), 2048, dist.data(), lab.data());
    EXPECT_EQ(lab[0], 0);
    EXPECT_EQ(lab[500], -1);
    expect_code(ErrorCode::invalid_argument, [&] { gpu.add(-1, xb.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.add(3, nullptr); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.getListLength(10); });
    expect_code(ErrorCode::unsupported, [&] { gpu.range_search(1, xb.data(), 1.f, nullptr); });
    expect_code(ErrorCode::invalid_argument, [&] { faiss::gpu::GpuIndexIVFFlat bad(&res, d, 0); });
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::GpuIndexIVFFlat bad(&res, d, 4, faiss::METRIC_L1); });
    faiss::gpu::GpuIndexIVFFlatConfig cfg;
    cfg.indicesOptions = faiss::gpu::INDICES_32_BIT;
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::GpuIndexIVFFlat bad(&res, d, 4, faiss::METRIC_L2, cfg); });
    expect_code(ErrorCode::invalid_argument, [&] {
        faiss::gpu::GpuIndexIVFFlat bad(&res, static_cast<const faiss::IndexIVFFlat*>(nullptr));
    });
}

TEST(GpuIndexIVFFlat, NullProviderRefusedWithoutDevice) {
    if (faiss::gpu::getNumDevices() > 0) GTEST_SKIP() << "a CUDA device is present";
    faiss::gpu::GpuResourcesProviderFromInstance empty(nullptr);
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::GpuIndexIVFFlat idx(&empty, 8, 4); });
}

}  // namespace
