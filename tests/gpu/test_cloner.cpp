// index_cpu_to_gpu / index_gpu_to_cpu / index_cpu_to_gpu_multiple. The argument,
// unsupported-type and no-device checks run on any machine (a provider that hands out
// nothing stands in for StandardGpuResources, whose constructor needs a device); the
// copies themselves need a CUDA device and are skipped without one.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cmath>
#include <memory>
#include <vector>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::Index;
using faiss::test::expect_code;
using faiss::test::random_vectors;

// Hands out no resources: enough for every check that comes before a GPU index is made.
class NoResources : public faiss::gpu::GpuResourcesProvider {
  public:
    std::shared_ptr<faiss::gpu::GpuResources> getResources() override { return nullptr; }
};

bool have_device() {
    return faiss::gpu::getNumDevices() > 0;
}

std::unique_ptr<faiss::IndexFlat> make_flat(faiss::MetricType metric, int d, size_t n) {
    auto flat = std::make_unique<faiss::IndexFlat>(d, metric);
    const std::vector<float> x = random_vectors(n, d, 17);
    flat->add(idx_t(n), x.data());
    return flat;
}

// Search results of two indexes on the same queries agree.
void expect_same_search(const Index& a, const Index& b, size_t nq, int k, float tol) {
    ASSERT_EQ(a.d, b.d);
    const std::vector<float> xq = random_vectors(nq, a.d, 23);
    std::vector<float> da(nq * k), db(nq * k);
    std::vector<idx_t> la(nq * k), lb(nq * k);
    a.search(idx_t(nq), xq.data(), k, da.data(), la.data());
    b.search(idx_t(nq), xq.data(), k, db.data(), lb.data());
    size_t same = 0;
    for (size_t i = 0; i < nq * size_t(k); i++) {
        same += la[i] == lb[i];
        EXPECT_NEAR(da[i], db[i], tol * (1 + std::abs(da[i])));
    }
    EXPECT_GE(same, nq * size_t(k) * 99 / 100);
}

TEST(GpuCloner, NullArgumentsAndBadDevice) {
    NoResources provider;
    faiss::IndexFlatL2 flat(8);
    expect_code(
        ErrorCode::invalid_argument, [&] { faiss::gpu::index_cpu_to_gpu(nullptr, 0, &flat); },
        "provider is null");
    expect_code(
        ErrorCode::invalid_argument, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, nullptr); },
        "index is null");
    expect_code(
        ErrorCode::invalid_argument, [&] { faiss::gpu::index_cpu_to_gpu(&provider, -1, &flat); },
        "device must be >= 0, got -1");
    expect_code(
        ErrorCode::invalid_argument, [&] { faiss::gpu::index_gpu_to_cpu(nullptr); },
        "gpu_index is null");
}

TEST(GpuCloner, UnsupportedTypesAreNamed) {
    NoResources provider;
    faiss::IndexHNSWFlat hnsw(8, 16);
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &hnsw); },
        "IndexHNSWFlat");
    std::unique_ptr<Index> pq(faiss::index_factory(8, "PQ4"));
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, pq.get()); },
        "IndexPQ");
    // Inside a wrapper, the inner type is the one named.
    faiss::IndexIDMap2 map(&hnsw);
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &map); },
        "IndexHNSWFlat");
    faiss::RandomRotationMatrix rot(8, 8);
    faiss::IndexPreTransform pt(&rot, &hnsw);
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &pt); },
        "IndexHNSWFlat");
    // Flat with a metric the GPU does not serve.
    faiss::IndexFlat l1(8, faiss::METRIC_L1);
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &l1); },
        "METRIC_L2 and METRIC_INNER_PRODUCT");
}

TEST(GpuCloner, NoDeviceIsACudaError) {
    if (have_device()) GTEST_SKIP() << "a CUDA device is present";
    NoResources provider;
    faiss::IndexFlatIP flat(8);
    expect_code(
        ErrorCode::cuda_error, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &flat); },
        "no CUDA device");
    faiss::IndexIDMap map(&flat);
    expect_code(
        ErrorCode::cuda_error, [&] { faiss::gpu::index_cpu_to_gpu(&provider, 0, &map); },
        "no CUDA device");
    expect_code(
        ErrorCode::cuda_error, [] { faiss::gpu::StandardGpuResources res; }, "no CUDA device");
}

TEST(GpuCloner, MultipleChecksItsLists) {
    NoResources provider;
    faiss::IndexFlatL2 flat(8);
    std::vector<faiss::gpu::GpuResourcesProvider*> none, one{&provider}, two{&provider, &provider};
    std::vector<int> no_devices, one_device{0}, two_devices{0, 1};
    expect_code(
        ErrorCode::invalid_argument,
        [&] { faiss::gpu::index_cpu_to_gpu_multiple(none, no_devices, &flat); }, "no device");
    expect_code(
        ErrorCode::invalid_argument,
        [&] { faiss::gpu::index_cpu_to_gpu_multiple(one, two_devices, &flat); },
        "1 providers for 2 devices");
    expect_code(
        ErrorCode::unsupported,
        [&] { faiss::gpu::index_cpu_to_gpu_multiple(two, two_devices, &flat); }, "IndexReplicas");
}

// index_gpu_to_cpu of an index with no GPU part: a deep copy, any type.
TEST(GpuCloner, GpuToCpuOfCpuIndexesCopies) {
    auto flat = make_flat(faiss::METRIC_L2, 12, 300);
    std::unique_ptr<Index> copy(faiss::gpu::index_gpu_to_cpu(flat.get()));
    EXPECT_NE(copy.get(), flat.get());
    EXPECT_NE(dynamic_cast<faiss::IndexFlat*>(copy.get()), nullptr);
    expect_same_search(*flat, *copy, 10, 5, 0);

    std::unique_ptr<Index> hnsw(faiss::index_factory(12, "IDMap2,HNSW8"));
    const std::vector<float> x = random_vectors(200, 12, 5);
    std::vector<idx_t> ids(200);
    for (size_t i = 0; i < ids.size(); i++)
        ids[i] = idx_t(i) * 3 + 1;
    hnsw->add_with_ids(200, x.data(), ids.data());
    std::unique_ptr<Index> hcopy(faiss::gpu::index_gpu_to_cpu(hnsw.get()));
    auto* map = dynamic_cast<faiss::IndexIDMap2*>(hcopy.get());
    ASSERT_NE(map, nullptr);
    EXPECT_TRUE(map->own_fields);
    EXPECT_NE(dynamic_cast<faiss::IndexHNSWFlat*>(map->index), nullptr);
    EXPECT_EQ(map->id_map, ids);
    expect_same_search(*hnsw, *hcopy, 10, 5, 0);
}

class GpuClonerDevice : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!have_device()) GTEST_SKIP() << "no CUDA device";
        res_ = std::make_unique<faiss::gpu::StandardGpuResources>();
    }
    std::unique_ptr<faiss::gpu::StandardGpuResources> res_;
};

TEST_F(GpuClonerDevice, FlatRoundTrip) {
    for (faiss::MetricType metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        auto cpu = make_flat(metric, 20, 2000);
        cpu->verbose = true;
        faiss::gpu::GpuClonerOptions options;
        options.verbose = true;
        std::unique_ptr<Index> gpu(
            faiss::gpu::index_cpu_to_gpu(res_.get(), 0, cpu.get(), &options));
        if (metric == faiss::METRIC_L2) {
            EXPECT_NE(dynamic_cast<faiss::gpu::GpuIndexFlatL2*>(gpu.get()), nullptr);
        } else {
            EXPECT_NE(dynamic_cast<faiss::gpu::GpuIndexFlatIP*>(gpu.get()), nullptr);
        }
        EXPECT_TRUE(gpu->verbose);
        EXPECT_EQ(gpu->ntotal, 2000);
        expect_same_search(*cpu, *gpu, 50, 10, 1e-4f);

        std::unique_ptr<Index> back(faiss::gpu::index_gpu_to_cpu(gpu.get()));
        auto* flat = dynamic_cast<faiss::IndexFlat*>(back.get());
        ASSERT_NE(flat, nullptr);
        EXPECT_EQ(flat->metric_type, metric);
        EXPECT_EQ(std::vector<float>(flat->get_xb(), flat->get_xb() + 2000 * 20),
                  std::vector<float>(cpu->get_xb(), cpu->get_xb() + 2000 * 20));

        // A GPU index given to index_cpu_to_gpu is copied (to the same device here).
        std::unique_ptr<Index> again(faiss::gpu::index_cpu_to_gpu(res_.get(), 0, gpu.get()));
        expect_same_search(*gpu, *again, 20, 5, 1e-5f);
    }
}

TEST_F(GpuClonerDevice, WrappersKeepIdsAndChain) {
    auto flat = make_flat(faiss::METRIC_L2, 16, 0);
    faiss::IndexIDMap2 map(flat.get());
    const std::vector<float> x = random_vectors(1500, 16, 31);
    std::vector<idx_t> ids(1500);
    for (size_t i = 0; i < ids.size(); i++)
        ids[i] = 7 * idx_t(i) + 100;
    map.add_with_ids(1500, x.data(), ids.data());
    std::unique_ptr<Index> gpu(faiss::gpu::index_cpu_to_gpu(res_.get(), 0, &map));
    auto* gmap = dynamic_cast<faiss::IndexIDMap2*>(gpu.get());
    ASSERT_NE(gmap, nullptr);
    EXPECT_TRUE(faiss::gpu::isGpuIndex(gmap->index));
    EXPECT_EQ(gmap->id_map, ids);
    expect_same_search(map, *gpu, 30, 8, 1e-4f);
    std::vector<float> rec(16);
    gpu->reconstruct(ids[42], rec.data());
    EXPECT_EQ(std::vector<float>(x.begin() + 42 * 16, x.begin() + 43 * 16), rec);

    std::unique_ptr<Index> pt(faiss::index_factory(16, "PCA8,Flat"));
    pt->train(1500, x.data());
    pt->add(1500, x.data());
    std::unique_ptr<Index> gpt(faiss::gpu::index_cpu_to_gpu(res_.get(), 0, pt.get()));
    auto* g = dynamic_cast<faiss::IndexPreTransform*>(gpt.get());
    ASSERT_NE(g, nullptr);
    EXPECT_TRUE(faiss::gpu::isGpuIndex(g->index));
    expect_same_search(*pt, *gpt, 30, 8, 1e-4f);
    std::unique_ptr<Index> back(faiss::gpu::index_gpu_to_cpu(gpt.get()));
    auto* b = dynamic_cast<faiss::IndexPreTransform*>(back.get());
    ASSERT_NE(b, nullptr);
    EXPECT_FALSE(faiss::gpu::isGpuIndex(b->index));
    expect_same_search(*pt, *back, 30, 8, 0);
}

TEST_F(GpuClonerDevice, Float16StorageAndBadDevice) {
    auto cpu = make_flat(faiss::METRIC_L2, 32, 3000);
    faiss::gpu::GpuClonerOptions options;
    options.useFloat16 = true;
    std::unique_ptr<Index> gpu(faiss::gpu::index_cpu_to_gpu(res_.get(), 0, cpu.get(), &options));
    const size_t nq = 100;
    const int k = 10;
    const std::vector<float> xq = random_vectors(nq, 32, 3);
    std::vector<float> d(nq * k);
    std::vector<idx_t> truth(nq * k), got(nq * k);
    cpu->search(nq, xq.data(), k, d.data(), truth.data());
    gpu->search(nq, xq.data(), k, d.data(), got.data());
    EXPECT_GE(faiss::test::count_overlap(got.data(), truth.data(), nq, k), nq * k * 99 / 100);
    expect_code(
        ErrorCode::invalid_argument,
        [&] { faiss::gpu::index_cpu_to_gpu(res_.get(), faiss::gpu::getNumDevices(), cpu.get()); },
        "device must be <");
}

}  // namespace
