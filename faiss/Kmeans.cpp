// faiss.Kmeans (the Python helper) for C++: a Clustering run on an owned flat
// index.
#include <faiss/Clustering.h>

#include <faiss/IndexFlat.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace faiss {

Kmeans::Kmeans(int d, int k, const ClusteringParameters& cp) : d(d), k(k), cp(cp) {
    FAISS_REQUIRE(d > 0, invalid_argument, "dimension d must be > 0, got %d", d);
    FAISS_REQUIRE(k > 0, invalid_argument, "number of centroids k must be > 0, got %d", k);
}

Kmeans::Kmeans(int d, int k, int niter, bool verbose, int seed)
    : Kmeans(d, k, ClusteringParameters()) {
    cp.niter = niter;
    cp.verbose = verbose;
    cp.seed = seed;
}

Kmeans::~Kmeans() = default;

float Kmeans::train(idx_t n, const float* x, const float* weights, const float* init_centroids) {
    Clustering clus(d, k, cp);
    if (init_centroids) clus.centroids.assign(init_centroids, init_centroids + size_t(k) * d);
    std::unique_ptr<Index> idx;
    if (cp.spherical) {
        idx = std::make_unique<IndexFlatIP>(d);
    } else {
        idx = std::make_unique<IndexFlatL2>(d);
    }
    clus.train(n, x, *idx, weights);
    index = std::move(idx);
    centroids = std::move(clus.centroids);
    iteration_stats = std::move(clus.iteration_stats);
    obj.resize(iteration_stats.size());
    std::transform(iteration_stats.begin(), iteration_stats.end(), obj.begin(),
                   [](const ClusteringIterationStats& st) { return st.obj; });
    return obj.empty() ? 0.0f : obj.back();
}

void Kmeans::assign(idx_t n, const float* x, float* distances, idx_t* labels) const {
    FAISS_REQUIRE(index != nullptr, not_trained, "Kmeans::assign called before train()");
    index->search(n, x, 1, distances, labels);
}

float kmeans_clustering(size_t d, size_t n, size_t k, const float* x, float* centroids) {
    FAISS_REQUIRE(centroids != nullptr, invalid_argument, "centroids output pointer is null");
    FAISS_REQUIRE(d <= size_t(std::numeric_limits<int>::max()) &&
                      k <= size_t(std::numeric_limits<int>::max()),
                  invalid_argument, "d (%zu) or k (%zu) too large", d, k);
    ClusteringParameters cp;
    cp.verbose = d * n > (size_t(1) << 30);
    Kmeans km(int(d), int(k), cp);
    const float obj = km.train(idx_t(n), x);
    std::memcpy(centroids, km.centroids.data(), k * d * sizeof(float));
    return obj;
}

}  // namespace faiss
