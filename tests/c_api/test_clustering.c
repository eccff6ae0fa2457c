/* faiss_Clustering*, faiss_ClusteringParameters_init and faiss_kmeans_clustering. */
#include "c_test.h"

#include <faiss/c_api/Clustering_c.h>
#include <faiss/c_api/IndexFlat_c.h>

#include <math.h>
#include <stdlib.h>

enum { D = 6, K = 4, PER = 100, N = K * PER };

/* N points in K tight, well separated blobs: blob c is centred on (10c, ..., 10c) + 0.5. */
static float* blobs(void) {
    float* x = random_vectors(N, D, 61);
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < D; j++)
            x[i * D + j] += 10.0f * (float)(i % K);
    return x;
}

/* Sum over the points of the squared distance to the nearest centroid. */
static double objective(const float* x, size_t n, const float* centroids, size_t k) {
    double total = 0;
    size_t i, c;
    for (i = 0; i < n; i++) {
        double best = INFINITY;
        for (c = 0; c < k; c++) {
            double dist = ref_distance(x + i * D, centroids + c * D, D, METRIC_L2, 0);
            if (dist < best) best = dist;
        }
        total += best;
    }
    return total;
}

static void test_parameters_init(void) {
    FaissClusteringParameters cp;
    memset(&cp, 0x7f, sizeof(cp));
    CHECK_OK(faiss_ClusteringParameters_init(&cp));
    CHECK(cp.niter == 25 && cp.nredo == 1 && cp.verbose == 0 && cp.spherical == 0);
    CHECK(cp.int_centroids == 0 && cp.update_index == 0 && cp.frozen_centroids == 0);
    CHECK(cp.min_points_per_centroid == 39 && cp.max_points_per_centroid == 256);
    CHECK(cp.seed == 1234 && cp.decode_block_size == 32768);
    CHECK(cp.check_input_data_for_NaNs == 1 && cp.use_kmeanspp == 0);
    CHECK_FAIL(faiss_ClusteringParameters_init(NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_ClusteringParameters_init: params is null");
}

static void test_getters(void) {
    FaissClustering* clus = NULL;
    FaissClusteringParameters cp;
    CHECK_OK(faiss_Clustering_new(&clus, D, K));
    CHECK(faiss_Clustering_d(clus) == D && faiss_Clustering_k(clus) == K);
    CHECK(faiss_Clustering_niter(clus) == 25 && faiss_Clustering_seed(clus) == 1234);
    faiss_Clustering_free(clus);

    CHECK_OK(faiss_ClusteringParameters_init(&cp));
    cp.niter = 7;
    cp.nredo = 2;
    cp.verbose = 0;
    cp.spherical = 1;
    cp.int_centroids = 1;
    cp.update_index = 1;
    cp.frozen_centroids = 1;
    cp.min_points_per_centroid = 3;
    cp.max_points_per_centroid = 50;
    cp.seed = 99;
    cp.decode_block_size = 1000;
    CHECK_OK(faiss_Clustering_new_with_params(&clus, 3, 2, &cp));
    CHECK(faiss_Clustering_d(clus) == 3 && faiss_Clustering_k(clus) == 2);
    CHECK(faiss_Clustering_niter(clus) == 7 && faiss_Clustering_nredo(clus) == 2);
    CHECK(faiss_Clustering_verbose(clus) == 0 && faiss_Clustering_spherical(clus) == 1);
    CHECK(faiss_Clustering_int_centroids(clus) == 1 && faiss_Clustering_update_index(clus) == 1);
    CHECK(faiss_Clustering_frozen_centroids(clus) == 1);
    CHECK(faiss_Clustering_min_points_per_centroid(clus) == 3);
    CHECK(faiss_Clustering_max_points_per_centroid(clus) == 50);
    CHECK(faiss_Clustering_seed(clus) == 99 && faiss_Clustering_decode_block_size(clus) == 1000);
    faiss_Clustering_free(clus);
    faiss_Clustering_free(NULL);

    CHECK(faiss_Clustering_niter(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Clustering_niter: clustering is null"));
    CHECK(faiss_Clustering_k(NULL) == (size_t)-1);
    CHECK(c_test_last_error_contains("faiss_Clustering_k: clustering is null"));
    CHECK(faiss_Clustering_nredo(NULL) == -1 && faiss_Clustering_verbose(NULL) == -1);
    CHECK(faiss_Clustering_spherical(NULL) == -1 && faiss_Clustering_int_centroids(NULL) == -1);
    CHECK(faiss_Clustering_update_index(NULL) == -1);
    CHECK(faiss_Clustering_frozen_centroids(NULL) == -1);
    CHECK(faiss_Clustering_min_points_per_centroid(NULL) == -1);
    CHECK(faiss_Clustering_max_points_per_centroid(NULL) == -1);
    CHECK(faiss_Clustering_seed(NULL) == -1);
    CHECK(faiss_Clustering_decode_block_size(NULL) == (size_t)-1);
    CHECK(faiss_Clustering_d(NULL) == (size_t)-1);
    CHECK(c_test_last_error_contains("faiss_Clustering_d: clustering is null"));
}

static void test_train_finds_blobs(void) {
    float* x = blobs();
    FaissClustering* clus = NULL;
    FaissIndex* index = NULL;
    FaissClusteringParameters cp;
    float* centroids = NULL;
    size_t size = 0, c;
    int blob;

    CHECK_OK(faiss_ClusteringParameters_init(&cp));
    cp.use_kmeanspp = 1; /* one seed per blob, whatever the draw */
    CHECK_OK(faiss_Clustering_new_with_params(&clus, D, K, &cp));
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_Clustering_centroids(clus, &centroids, &size));
    CHECK(size == 0);
    CHECK_OK(faiss_Clustering_train(clus, N, x, index));
    CHECK_OK(faiss_Clustering_centroids(clus, &centroids, &size));
    CHECK(size == K * D && centroids != NULL);
    CHECK(faiss_Index_ntotal(index) == K);
    if (size != K * D || !centroids) goto done;
    /* every blob centre (10 * blob + 0.5 per component) has a centroid within 0.3 */
    for (blob = 0; blob < K; blob++) {
        int found = 0;
        for (c = 0; c < K; c++) {
            int j, near = 1;
            for (j = 0; j < D; j++)
                if (fabs(centroids[c * D + j] - (10.0 * blob + 0.5)) > 0.3) near = 0;
            found += near;
        }
        CHECK(found == 1);
    }
done:
    faiss_Clustering_free(clus);
    faiss_Index_free(index);
    free(x);
}

static void test_train_bad_input(void) {
    float* x = blobs();
    FaissClustering* clus = NULL;
    FaissIndex* index = NULL;
    FaissIndex* wrong_d = NULL;
    float* centroids = NULL;
    size_t size = 0;
    FaissClusteringParameters cp;

    CHECK_FAIL(faiss_Clustering_new(&clus, 0, K), FAISS_ERROR_INVALID_ARGUMENT,
               "dimension d must be > 0, got 0");
    CHECK_FAIL(faiss_Clustering_new(&clus, D, -1), FAISS_ERROR_INVALID_ARGUMENT,
               "k must be > 0, got -1");
    CHECK_FAIL(faiss_Clustering_new(NULL, D, K), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Clustering_new: p_clustering is null");
    CHECK_FAIL(faiss_Clustering_new_with_params(&clus, D, K, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Clustering_new_with_params: cp is null");
    CHECK(clus == NULL);

    CHECK_OK(faiss_Clustering_new(&clus, D, K));
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_IndexFlatL2_new_with(&wrong_d, D + 1));
    CHECK_FAIL(faiss_Clustering_train(clus, N, x, wrong_d), FAISS_ERROR_INVALID_ARGUMENT,
               "index dimension 7 does not match clustering dimension 6");
    CHECK_FAIL(faiss_Clustering_train(clus, K - 1, x, index), FAISS_ERROR_INVALID_ARGUMENT,
               "at least as large as the number of clusters");
    CHECK_FAIL(faiss_Clustering_train(clus, 0, x, index), FAISS_ERROR_INVALID_ARGUMENT,
               "must be > 0, got 0");
    CHECK_FAIL(faiss_Clustering_train(clus, N, NULL, index), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_Clustering_train(clus, N, x, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Clustering_train: index is null");
    CHECK_FAIL(faiss_Clustering_train(NULL, N, x, index), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Clustering_train: clustering is null");
    x[5 * D + 2] = NAN;
    CHECK_FAIL(faiss_Clustering_train(clus, N, x, index), FAISS_ERROR_INVALID_ARGUMENT, "NaN");
    CHECK_FAIL(faiss_Clustering_centroids(clus, NULL, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "centroids is null");
    CHECK_FAIL(faiss_Clustering_centroids(clus, &centroids, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "size is null");
    CHECK_FAIL(faiss_Clustering_centroids(NULL, &centroids, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "clustering is null");
    faiss_Clustering_free(clus);

    /* invalid parameters are reported when training */
    CHECK_OK(faiss_ClusteringParameters_init(&cp));
    cp.nredo = 0;
    CHECK_OK(faiss_Clustering_new_with_params(&clus, D, K, &cp));
    x[5 * D + 2] = 0.5f;
    CHECK_FAIL(faiss_Clustering_train(clus, N, x, index), FAISS_ERROR_INVALID_ARGUMENT,
               "nredo must be >= 1, got 0");
    faiss_Clustering_free(clus);
    faiss_Index_free(index);
    faiss_Index_free(wrong_d);
    free(x);
}

static void test_kmeans_clustering(void) {
    float* x = blobs();
    float centroids[K * D];
    float q_error = -1;
    double recomputed;
    CHECK_OK(faiss_kmeans_clustering(D, N, K, x, centroids, &q_error));
    recomputed = objective(x, N, centroids, K);
    CHECK(q_error > 0);
    /* the objective is that of the last assignment; at convergence it is the
     * objective of the returned centroids */
    CHECK_NEAR(q_error, recomputed, 1e-3 * recomputed);
    CHECK_OK(faiss_kmeans_clustering(D, N, K, x, centroids, NULL));
    CHECK_FAIL(faiss_kmeans_clustering(D, N, K, x, NULL, &q_error), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_kmeans_clustering: centroids is null");
    CHECK_FAIL(faiss_kmeans_clustering(D, K - 1, K, x, centroids, &q_error),
               FAISS_ERROR_INVALID_ARGUMENT, "at least as large");
    CHECK_FAIL(faiss_kmeans_clustering(D, N, K, NULL, centroids, &q_error),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_kmeans_clustering(D, N, 0, x, centroids, &q_error),
               FAISS_ERROR_INVALID_ARGUMENT, "k");
    free(x);
}

void suite_clustering(void) {
    RUN(test_parameters_init);
    RUN(test_getters);
    RUN(test_train_finds_blobs);
    RUN(test_train_bad_input);
    RUN(test_kmeans_clustering);
}
