// train_clustering: Clustering::train's Lloyd loop (METRIC_L2, one run) with the points on
// the device. The host keeps the authoritative k x d centroids (reseeding and
// post-processing reuse the CPU k-means steps); the device does the assignment, the
// cluster sizes and the centroid means.
#include <faiss/gpu/GpuClustering.h>

#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/KnnEngine.h>
#include <faiss/gpu/kernels/KmeansKernels.h>
#include <faiss/internal/kmeans_steps.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace faiss::gpu {

namespace km = faiss::internal::kmeans;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void check_parameters(const Clustering& clus, idx_t n, const float* x) {
    FAISS_REQUIRE(n > 0 && x, invalid_argument, "train_clustering: n = %lld, x %s", (long long)n,
                  x ? "given" : "null");
    FAISS_REQUIRE(size_t(n) >= clus.k, invalid_argument,
                  "train_clustering: %lld training points for %zu centroids", (long long)n, clus.k);
    FAISS_REQUIRE(clus.niter >= 0 && clus.max_points_per_centroid > 0, invalid_argument,
                  "train_clustering: niter = %d, max_points_per_centroid = %d", clus.niter,
                  clus.max_points_per_centroid);
    FAISS_REQUIRE(clus.nredo == 1, unsupported, "train_clustering: nredo must be 1, got %d",
                  clus.nredo);
    FAISS_REQUIRE(!clus.frozen_centroids && !clus.use_kmeanspp, unsupported,
                  "train_clustering: frozen_centroids and use_kmeanspp are not supported");
    FAISS_REQUIRE(clus.centroids.size() % clus.d == 0 && clus.centroids.size() <= clus.k * clus.d,
                  invalid_argument,
                  "train_clustering: pre-filled centroids hold %zu values (d = %zu, k = %zu)",
                  clus.centroids.size(), clus.d, clus.k);
    FAISS_REQUIRE(clus.d <= size_t(1) << 20 && clus.k <= size_t(1) << 30, unsupported,
                  "train_clustering: d = %zu, k = %zu too large", clus.d, clus.k);
}

void post_process(const Clustering& clus, std::vector<float>& centroids) {
    const size_t d = clus.d;
    for (size_t c = 0; c < clus.k; ++c) {
        float* v = centroids.data() + c * d;
        if (clus.spherical) {
            double s = 0;
            for (size_t j = 0; j < d; ++j)
                s += double(v[j]) * v[j];
            if (s > 0) {
                const float inv = float(1.0 / std::sqrt(s));
                for (size_t j = 0; j < d; ++j)
                    v[j] *= inv;
            }
        }
        if (clus.int_centroids) {
            for (size_t j = 0; j < d; ++j)
                v[j] = std::nearbyint(v[j]);
        }
    }
}

/// Device buffers of one run.
struct Buffers {
    GpuMemoryReservation x, centroids, norms, dist, assign, counts, offsets, cursor, order;
};

GpuMemoryReservation device_alloc(GpuResources* res, int device, cudaStream_t stream,
                                  size_t bytes) {
    return res->allocMemoryHandle(
        AllocRequest(AllocType::Other, device, MemorySpace::Device, stream, bytes));
}

/// One Lloyd iteration on the device; returns the objective and fills sizes.
double lloyd_step(GpuResources* res, int device, cudaStream_t stream, Buffers& b, size_t d,
                  size_t k, idx_t n, std::vector<float>& centroids, std::vector<idx_t>& sizes,
                  double& t_search) {
    FAISS_CUDA_CHECK(cudaMemcpyAsync(b.centroids.get(), centroids.data(),
                                     centroids.size() * sizeof(float), cudaMemcpyHostToDevice,
                                     stream));
    float* cd = static_cast<float*>(b.centroids.get());
    kernels::vector_norms(cd, kernels::ElemType::f32, int64_t(k), int(d), true, int64_t(d),
                          static_cast<float*>(b.norms.get()), stream);
    detail::MatrixView cv, xv;
    cv.data = cd;
    cv.n = idx_t(k);
    cv.d = int(d);
    cv.ld = int64_t(d);
    cv.on_device = true;
    xv = cv;
    xv.data = b.x.get();
    xv.n = n;
    detail::KnnOutput out;
    out.distances = static_cast<float*>(b.dist.get());
    out.distances_on_device = true;
    out.labels = b.assign.get();
    out.labels_on_device = true;
    const auto ts = std::chrono::steady_clock::now();
    detail::knn_search(res, device, METRIC_L2, cv, static_cast<const float*>(b.norms.get()), true,
                       xv, 1, out);
    t_search += seconds_since(ts);

    auto* counts = static_cast<unsigned long long*>(b.counts.get());
    FAISS_CUDA_CHECK(cudaMemsetAsync(counts, 0, k * sizeof(unsigned long long), stream));
    kernels::kmeans_count(static_cast<const int64_t*>(b.assign.get()), n, counts, stream);
    std::vector<unsigned long long> hc(k);
    std::vector<float> dist(n);
    FAISS_CUDA_CHECK(cudaMemcpyAsync(hc.data(), counts, k * sizeof(unsigned long long),
                                     cudaMemcpyDeviceToHost, stream));
    FAISS_CUDA_CHECK(cudaMemcpyAsync(dist.data(), b.dist.get(), size_t(n) * sizeof(float),
                                     cudaMemcpyDeviceToHost, stream));
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    std::vector<int64_t> offsets(k + 1, 0);
    for (size_t c = 0; c < k; ++c) {
        sizes[c] = idx_t(hc[c]);
        offsets[c + 1] = offsets[c] + int64_t(hc[c]);
    }
    FAISS_REQUIRE(offsets[k] == int64_t(n), unsupported,
                  "train_clustering: %lld of %lld points have no nearest centroid (NaN data?)",
                  (long long)(n - offsets[k]), (long long)n);
    FAISS_CUDA_CHECK(cudaMemcpyAsync(b.offsets.get(), offsets.data(), (k + 1) * sizeof(int64_t),
                                     cudaMemcpyHostToDevice, stream));
    FAISS_CUDA_CHECK(cudaMemcpyAsync(b.cursor.get(), offsets.data(), k * sizeof(int64_t),
                                     cudaMemcpyHostToDevice, stream));
    kernels::kmeans_scatter(static_cast<const int64_t*>(b.assign.get()), n,
                            static_cast<unsigned long long*>(b.cursor.get()),
                            static_cast<int64_t*>(b.order.get()), stream);
    kernels::kmeans_means(static_cast<const float*>(b.x.get()), int(d),
                          static_cast<const int64_t*>(b.order.get()),
                          static_cast<const int64_t*>(b.offsets.get()), int(k), cd, stream);
    FAISS_CUDA_CHECK(cudaMemcpyAsync(centroids.data(), cd, centroids.size() * sizeof(float),
                                     cudaMemcpyDeviceToHost, stream));
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    double obj = 0;
    for (float v : dist)
        obj += double(v);
    return obj;
}

}  // namespace

void train_clustering(GpuResourcesProvider* provider, int device, Clustering& clus, idx_t n,
                      const float* x) {
    FAISS_REQUIRE(provider, invalid_argument, "train_clustering: null GpuResourcesProvider");
    check_parameters(clus, n, x);
    std::shared_ptr<GpuResources> res = provider->getResources();
    FAISS_REQUIRE(res, invalid_argument, "train_clustering: the provider has no resources");
    detail::require_device(device, "train_clustering");
    res->initializeForDevice(device);
    FAISS_REQUIRE(
        detail::pointer_kind(x, device, "train_clustering: x") == detail::PointerKind::host,
        unsupported, "train_clustering: x must be host memory");
    const auto t0 = std::chrono::steady_clock::now();
    const size_t d = clus.d, k = clus.k;

    std::vector<float> xs, ws;
    const idx_t ns = km::subsample_for_training(d, k, n, x, nullptr, clus.max_points_per_centroid,
                                                clus.min_points_per_centroid, clus.seed, xs, ws);
    const float* tx = xs.empty() ? x : xs.data();
    if (clus.check_input_data_for_NaNs) km::check_finite(size_t(ns), d, tx);
    if (clus.verbose) {
        std::printf("Clustering %lld points in %zuD to %zu clusters on GPU %d, %d iterations\n",
                    (long long)ns, d, k, device, clus.niter);
    }

    // Initial centroids as Clustering::run_once (run 0).
    std::vector<float> centroids(k * d);
    const size_t n_input = clus.centroids.size() / d;
    std::copy(clus.centroids.begin(), clus.centroids.end(), centroids.begin());
    const uint64_t init_seed = uint64_t(int64_t(clus.seed)) + 1;
    const std::vector<idx_t> pick = km::random_sample(ns, idx_t(k), init_seed);
    for (size_t c = n_input; c < k; ++c)
        std::memcpy(centroids.data() + c * d, tx + size_t(pick[c]) * d, d * sizeof(float));
    post_process(clus, centroids);

    auto lock = res->lockDevice(device);
    detail::DeviceScope scope(device);
    cudaStream_t stream = res->getDefaultStream(device);
    GpuResources* r = res.get();
    Buffers b;
    b.x = device_alloc(r, device, stream, size_t(ns) * d * sizeof(float));
    b.centroids = device_alloc(r, device, stream, k * d * sizeof(float));
    b.norms = device_alloc(r, device, stream, k * sizeof(float));
    b.dist = device_alloc(r, device, stream, size_t(ns) * sizeof(float));
    b.assign = device_alloc(r, device, stream, size_t(ns) * sizeof(int64_t));
    b.counts = device_alloc(r, device, stream, k * sizeof(unsigned long long));
    b.offsets = device_alloc(r, device, stream, (k + 1) * sizeof(int64_t));
    b.cursor = device_alloc(r, device, stream, k * sizeof(unsigned long long));
    b.order = device_alloc(r, device, stream, size_t(ns) * sizeof(int64_t));
    FAISS_CUDA_CHECK(cudaMemcpyAsync(b.x.get(), tx, size_t(ns) * d * sizeof(float),
                                     cudaMemcpyHostToDevice, stream));

    std::vector<ClusteringIterationStats> stats;
    std::vector<idx_t> sizes(k);
    double t_search = 0;
    for (int iter = 0; iter < clus.niter; ++iter) {
        const double obj = lloyd_step(r, device, stream, b, d, k, ns, centroids, sizes, t_search);
        double sq = 0;
        for (idx_t s : sizes)
            sq += double(s) * double(s);
        const double imbalance = sq * double(k) / (double(ns) * double(ns));
        const uint64_t split_seed =
            (uint64_t(int64_t(clus.seed)) * 0x9E3779B97F4A7C15ULL) ^ uint64_t(iter);
        const int nsplit = km::reseed_empty_clusters(d, k, 0, split_seed, sizes, centroids.data());
        post_process(clus, centroids);
        stats.push_back({float(obj), seconds_since(t0), t_search, imbalance, nsplit});
        if (clus.verbose) {
            std::printf(
                "  Iteration %d (%.2f s, search %.2f s): objective=%g imbalance=%.3f "
                "nsplit=%d\n",
                iter, stats.back().time, t_search, obj, imbalance, nsplit);
            std::fflush(stdout);
        }
    }
    clus.centroids = std::move(centroids);
    clus.iteration_stats = std::move(stats);
}

}  // namespace faiss::gpu
