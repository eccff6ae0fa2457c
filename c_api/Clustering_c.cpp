// C bindings of faiss::Clustering, ClusteringParameters and kmeans_clustering.
#include "Clustering_c.h"

#include "internal/boundary.h"

#include <faiss/Clustering.h>

#include <memory>

using faiss_c::Boundary;

namespace {

faiss::ClusteringParameters to_cpp(const FaissClusteringParameters& c) {
    faiss::ClusteringParameters cp;
    cp.niter = c.niter;
    cp.nredo = c.nredo;
    cp.verbose = c.verbose != 0;
    cp.spherical = c.spherical != 0;
    cp.int_centroids = c.int_centroids != 0;
    cp.update_index = c.update_index != 0;
    cp.frozen_centroids = c.frozen_centroids != 0;
    cp.min_points_per_centroid = c.min_points_per_centroid;
    cp.max_points_per_centroid = c.max_points_per_centroid;
    cp.seed = c.seed;
    cp.decode_block_size = c.decode_block_size;
    cp.check_input_data_for_NaNs = c.check_input_data_for_NaNs != 0;
    cp.use_kmeanspp = c.use_kmeanspp != 0;
    return cp;
}

FaissClusteringParameters to_c(const faiss::ClusteringParameters& cp) {
    FaissClusteringParameters c;
    c.niter = cp.niter;
    c.nredo = cp.nredo;
    c.verbose = cp.verbose;
    c.spherical = cp.spherical;
    c.int_centroids = cp.int_centroids;
    c.update_index = cp.update_index;
    c.frozen_centroids = cp.frozen_centroids;
    c.min_points_per_centroid = cp.min_points_per_centroid;
    c.max_points_per_centroid = cp.max_points_per_centroid;
    c.seed = cp.seed;
    c.decode_block_size = cp.decode_block_size;
    c.check_input_data_for_NaNs = cp.check_input_data_for_NaNs;
    c.use_kmeanspp = cp.use_kmeanspp;
    return c;
}

template <class H>
auto* clustering_of(const Boundary& b, H* clustering) {
    return b.obj<faiss::Clustering>(clustering, "clustering");
}

int new_clustering(const char* func, FaissClustering** p_clustering, int d, int k,
                   const FaissClusteringParameters* cp, bool with_params) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_clustering, "p_clustering");
        const faiss::ClusteringParameters params =
            with_params ? to_cpp(*b.need(cp, "cp")) : faiss::ClusteringParameters();
        auto clustering = std::make_unique<faiss::Clustering>(d, k, params);
        *p_clustering =
            faiss_c::handle_of<FaissClustering, faiss::Clustering>(clustering.release());
    });
}

}  // namespace

// One value getter per public field; a null handle gives (type)-1.
#define FAISS_C_CLUSTERING_GETTER(type, field)                                             \
    type faiss_Clustering_##field(const FaissClustering* clustering) {                     \
        Boundary b(__func__);                                                              \
        return b.get(type(-1), [&] { return type(clustering_of(b, clustering)->field); }); \
    }

extern "C" {

int faiss_ClusteringParameters_init(FaissClusteringParameters* params) {
    Boundary b(__func__);
    return b.run([&] { *b.need(params, "params") = to_c(faiss::ClusteringParameters()); });
}

int faiss_Clustering_new(FaissClustering** p_clustering, int d, int k) {
    return new_clustering(__func__, p_clustering, d, k, nullptr, false);
}

int faiss_Clustering_new_with_params(FaissClustering** p_clustering, int d, int k,
                                     const FaissClusteringParameters* cp) {
    return new_clustering(__func__, p_clustering, d, k, cp, true);
}

int faiss_Clustering_train(FaissClustering* clustering, idx_t n, const float* x,
                           FaissIndex* index) {
    Boundary b(__func__);
    return b.run([&] {
        faiss::Clustering* c = clustering_of(b, clustering);
        c->train(n, x, *b.obj<faiss::Index>(index, "index"));
    });
}

int faiss_Clustering_centroids(FaissClustering* clustering, float** centroids, size_t* size) {
    Boundary b(__func__);
    return b.run([&] {
        faiss::Clustering* c = clustering_of(b, clustering);
        b.need(centroids, "centroids");
        b.need(size, "size");
        *centroids = c->centroids.data();
        *size = c->centroids.size();
    });
}

void faiss_Clustering_free(FaissClustering* clustering) {
    delete reinterpret_cast<faiss::Clustering*>(clustering);
}

FAISS_C_CLUSTERING_GETTER(int, niter)
FAISS_C_CLUSTERING_GETTER(int, nredo)
FAISS_C_CLUSTERING_GETTER(int, verbose)
FAISS_C_CLUSTERING_GETTER(int, spherical)
FAISS_C_CLUSTERING_GETTER(int, int_centroids)
FAISS_C_CLUSTERING_GETTER(int, update_index)
FAISS_C_CLUSTERING_GETTER(int, frozen_centroids)
FAISS_C_CLUSTERING_GETTER(int, min_points_per_centroid)
FAISS_C_CLUSTERING_GETTER(int, max_points_per_centroid)
FAISS_C_CLUSTERING_GETTER(int, seed)
FAISS_C_CLUSTERING_GETTER(size_t, decode_block_size)
FAISS_C_CLUSTERING_GETTER(size_t, d)
FAISS_C_CLUSTERING_GETTER(size_t, k)

int faiss_kmeans_clustering(size_t d, size_t n, size_t k, const float* x, float* centroids,
                            float* q_error) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(centroids, "centroids");
        const float obj = faiss::kmeans_clustering(d, n, k, x, centroids);
        if (q_error) *q_error = obj;
    });
}

}  // extern "C"
