// index_cpu_to_gpu / index_gpu_to_cpu for the IVF types (alone, from index_factory, inside
// an IndexIDMap), cloner options, and GPU k-means: faiss::Clustering with a
// GpuIndexFlatL2 as the assignment index, and train_clustering (points on the device).

#include "common/test_utils.h"
#include "gpu/gpu_ivf_test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuClustering.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/GpuIndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::test::expect_code;

void check_factory(faiss::gpu::StandardGpuResources& res, const char* key, double tol) {
    SCOPED_TRACE(key);
    const int d = 32;
    auto xb = faiss::test::clustered_vectors(6000, d, 20, 700);
    auto xq = faiss::test::clustered_vectors(50, d, 20, 701);
    std::unique_ptr<faiss::Index> cpu(faiss::index_factory(d, key));
    cpu->train(6000, xb.data());
    cpu->add(6000, xb.data());
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(cpu.get());
    ASSERT_NE(ivf, nullptr);
    ivf->nprobe = 5;
    std::unique_ptr<faiss::Index> gpu(faiss::gpu::index_cpu_to_gpu(&res, 0, cpu.get()));
    auto* givf = dynamic_cast<faiss::gpu::GpuIndexIVF*>(gpu.get());
    ASSERT_NE(givf, nullptr);
    EXPECT_EQ(givf->nprobe, 5u);
    EXPECT_EQ(gpu->ntotal, 6000);
    faiss::gpu::test::expect_gpu_matches_cpu(*ivf, *givf, xq.data(), 50, 10, 5, tol);
    std::unique_ptr<faiss::Index> back(faiss::gpu::index_gpu_to_cpu(gpu.get()));
    EXPECT_EQ(typeid(*back), typeid(*cpu));
    auto read = faiss::gpu::test::write_and_read(*back);
    auto* rivf = dynamic_cast<faiss::IndexIVF*>(read.get());
    ASSERT_NE(rivf, nullptr);
    std::vector<float> d1(500), d2(500);
    std::vector<idx_t> i1(500), i2(500);
    rivf->nprobe = 5;
    rivf->search(50, xq.data(), 10, d1.data(), i1.data());
    cpu->search(50, xq.data(), 10, d2.data(), i2.data());
    EXPECT_EQ(i1, i2);
    EXPECT_EQ(d1, d2);
}

TEST(GpuIvfCloner, FactoryIndexesRoundTrip) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    check_factory(res, "IVF32,Flat", 1e-4);
    check_factory(res, "IVF32,SQ8", 1e-4);
    check_factory(res, "IVF32,SQfp16", 1e-4);
    check_factory(res, "IVF32,PQ8", 1e-3);
    check_factory(res, "IVF32,PQ8np", 1e-3);
}

TEST(GpuIvfCloner, OptionsAndWrappers) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 16;
    auto xb = faiss::test::clustered_vectors(3000, d, 10, 710);
    faiss::IndexFlatL2 q(d);
    faiss::IndexIVFFlat ivf(&q, d, 16);
    ivf.train(3000, xb.data());
    ivf.nprobe = 16;  // the float16 coarse quantizer may rank near-tied lists differently
    faiss::IndexIDMap map(&ivf);
    std::vector<idx_t> ids(3000);
    for (idx_t i = 0; i < 3000; ++i)
        ids[i] = 1000 + 7 * i;
    map.add_with_ids(3000, xb.data(), ids.data());
    faiss::gpu::GpuClonerOptions opts;
    opts.useFloat16CoarseQuantizer = true;
    opts.reserveVecs = 10000;
    std::unique_ptr<faiss::Index> gpu(faiss::gpu::index_cpu_to_gpu(&res, 0, &map, &opts));
    auto* gmap = dynamic_cast<faiss::IndexIDMap*>(gpu.get());
    ASSERT_NE(gmap, nullptr);
    ASSERT_NE(dynamic_cast<faiss::gpu::GpuIndexIVFFlat*>(gmap->index), nullptr);
    std::vector<float> dist(10);
    std::vector<idx_t> lab(10);
    gpu->search(1, xb.data() + 5 * d, 10, dist.data(), lab.data());
    EXPECT_EQ(lab[0], ids[5]);
    opts.indicesOptions = faiss::gpu::INDICES_32_BIT;
    expect_code(ErrorCode::unsupported,
                [&] { delete faiss::gpu::index_cpu_to_gpu(&res, 0, &ivf, &opts); });
    faiss::IndexIVFPQ pq4(&q, d, 16, 4, 4);
    expect_code(ErrorCode::unsupported,
                [&] { delete faiss::gpu::index_cpu_to_gpu(&res, 0, &pq4); });
    EXPECT_TRUE(faiss::gpu::isGpuIndexImplemented(&ivf));
    EXPECT_FALSE(faiss::gpu::isGpuIndexImplemented(&map));
}

TEST(GpuIvfCloner, NoDeviceIsCudaError) {
    if (faiss::gpu::getNumDevices() > 0) GTEST_SKIP() << "a CUDA device is present";
    faiss::gpu::GpuResourcesProviderFromInstance provider(nullptr);
    for (const char* key : {"IVF4,Flat", "IVF4,SQ8", "IVF4,PQ4"}) {
        std::unique_ptr<faiss::Index> cpu(faiss::index_factory(8, key));
        expect_code(
            ErrorCode::cuda_error,
            [&] { delete faiss::gpu::index_cpu_to_gpu(&provider, 0, cpu.get()); },
            "no CUDA device");
    }
    faiss::IndexFlatL2 q(8);
    faiss::IndexIVFFlat ivf(&q, 8, 4);
    EXPECT_TRUE(faiss::gpu::isGpuIndexImplemented(&ivf));
}

TEST(GpuKmeans, ClusteringWithGpuAssigner) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 24, k = 50;
    const idx_t n = 20000;
    auto x = faiss::test::clustered_vectors(n, d, 60, 720);
    faiss::ClusteringParameters cp;
    cp.niter = 10;
    cp.max_points_per_centroid = 1000;
    faiss::Clustering cpu_clus(d, k, cp), gpu_clus(d, k, cp);
    faiss::IndexFlatL2 cpu_index(d);
    faiss::gpu::GpuIndexFlatL2 gpu_index(&res, d);
    cpu_clus.train(n, x.data(), cpu_index);
    gpu_clus.train(n, x.data(), gpu_index);
    ASSERT_EQ(gpu_clus.iteration_stats.size(), 10u);
    EXPECT_EQ(gpu_index.ntotal, k);
    const double cpu_obj = cpu_clus.iteration_stats.back().obj;
    const double gpu_obj = gpu_clus.iteration_stats.back().obj;
    EXPECT_NEAR(gpu_obj, cpu_obj, 1e-2 * cpu_obj);
    // Same seeds and the same Lloyd steps: the centroids agree, except where a point at a
    // near-tie went to another centroid (GEMM versus direct distances) and moved a few.
    size_t close = 0;
    for (int c = 0; c < k; ++c) {
        double dd = 0, nn = 0;
        for (int j = 0; j < d; ++j) {
            const double t = cpu_clus.centroids[c * d + j] - gpu_clus.centroids[c * d + j];
            dd += t * t;
            nn += double(cpu_clus.centroids[c * d + j]) * cpu_clus.centroids[c * d + j];
        }
        close += dd <= 1e-4 * nn;
    }
    EXPECT_GE(close, size_t(0.8 * k));
}

/// Fraction of the k centroids of a and b (k x d) within 1e-2 relative distance of
/// each other.
double close_centroids(const std::vector<float>& a, const std::vector<float>& b, int k, int d) {
    size_t close = 0;
    for (int c = 0; c < k; ++c) {
        double dd = 0, nn = 0;
        for (int j = 0; j < d; ++j) {
            const double t = a[c * d + j] - b[c * d + j];
            dd += t * t;
            nn += double(a[c * d + j]) * a[c * d + j];
        }
        close += dd <= 1e-4 * nn;
    }
    return double(close) / k;
}

TEST(GpuKmeans, TrainClusteringMatchesClustering) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 20, k = 64;
    const idx_t n = 30000;
    auto x = faiss::test::clustered_vectors(n, d, 80, 730);
    for (bool spherical : {false, true}) {
        SCOPED_TRACE(spherical ? "spherical" : "plain");
        faiss::ClusteringParameters cp;
        cp.niter = 8;
        cp.max_points_per_centroid = 300;  // subsamples 19200 of the points
        cp.spherical = spherical;
        faiss::Clustering cpu(d, k, cp), gpu(d, k, cp);
        faiss::IndexFlatL2 index(d);
        cpu.train(n, x.data(), index);
        faiss::gpu::train_clustering(&res, 0, gpu, n, x.data());
        ASSERT_EQ(gpu.centroids.size(), size_t(k) * d);
        ASSERT_EQ(gpu.iteration_stats.size(), 8u);
        for (int it = 0; it < 8; ++it) {
            const double c = cpu.iteration_stats[it].obj, g = gpu.iteration_stats[it].obj;
            EXPECT_NEAR(g, c, 1e-2 * c) << "iteration " << it;
        }
        EXPECT_NEAR(gpu.iteration_stats.back().imbalance_factor,
                    cpu.iteration_stats.back().imbalance_factor, 0.05);
        EXPECT_GE(close_centroids(cpu.centroids, gpu.centroids, k, d), 0.8);
    }
    // Given initial centroids are used.
    faiss::Clustering zero(d, k);
    zero.niter = 0;
    zero.centroids.assign(size_t(d), 0.5f);
    faiss::gpu::train_clustering(&res, 0, zero, n, x.data());
    EXPECT_EQ(zero.centroids[0], 0.5f);
    EXPECT_TRUE(zero.iteration_stats.empty());
}

TEST(GpuKmeans, TrainClusteringBadInput) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    auto x = faiss::test::random_vectors(100, 4, 740);
    faiss::Clustering clus(4, 10);
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::train_clustering(&res, 0, clus, 5, x.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::train_clustering(&res, 0, clus, 100, nullptr); });
    clus.nredo = 2;
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::train_clustering(&res, 0, clus, 100, x.data()); });
    clus.nredo = 1;
    x[7] = std::numeric_limits<float>::quiet_NaN();
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::train_clustering(&res, 0, clus, 100, x.data()); });
}

TEST(GpuKmeans, TrainClusteringWithoutDevice) {
    if (faiss::gpu::getNumDevices() > 0) GTEST_SKIP() << "a CUDA device is present";
    auto x = faiss::test::random_vectors(100, 4, 741);
    faiss::Clustering clus(4, 10);
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::train_clustering(nullptr, 0, clus, 100, x.data()); });
    faiss::gpu::GpuResourcesProviderFromInstance provider(nullptr);
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::train_clustering(&provider, 0, clus, 100, x.data()); });
}

}  // namespace
