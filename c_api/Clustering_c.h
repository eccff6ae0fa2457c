#pragma once

/*
 * k-means clustering (faiss::Clustering, faiss::kmeans_clustering). A Clustering is
 * trained with an index that does the assignment (an IndexFlatL2 for plain k-means,
 * IndexFlatIP with spherical = 1); afterwards the index holds the k centroids and
 * faiss_Clustering_centroids gives them as k x d floats.
 *
 * Thread safety: a Clustering is used by one thread at a time; training needs
 * exclusive access to the index it is given.
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Options of a k-means run; fields and order as in Faiss, two additions at the end.
 * Booleans are ints (0 = false). Fill with faiss_ClusteringParameters_init first.
 */
typedef struct FaissClusteringParameters {
    int niter;                     /**< Lloyd iterations per run (25) */
    int nredo;                     /**< runs with different seeds, best kept (1) */
    int verbose;                   /**< print one line per iteration (0) */
    int spherical;                 /**< L2-normalise centroids after each update (0) */
    int int_centroids;             /**< round centroid components (0) */
    int update_index;              /**< re-train the index at each iteration (0) */
    int frozen_centroids;          /**< keep provided initial centroids fixed (0) */
    int min_points_per_centroid;   /**< warn below k * this many points (39) */
    int max_points_per_centroid;   /**< subsample above k * this many points (256) */
    int seed;                      /**< random seed (1234) */
    size_t decode_block_size;      /**< vectors decoded per block for encoded input (32768) */
    int check_input_data_for_NaNs; /**< reject NaN / inf training data (1) */
    int use_kmeanspp;              /**< k-means++ initialisation instead of random (0) */
} FaissClusteringParameters;

/** Set every field of params to its default (the values in parentheses above). */
int faiss_ClusteringParameters_init(FaissClusteringParameters* params);

typedef struct FaissClustering_H FaissClustering;

/** Clustering of d-dimensional vectors into k centroids, default parameters. */
int faiss_Clustering_new(FaissClustering** p_clustering, int d, int k);

/** As faiss_Clustering_new, with the parameters cp (copied). */
int faiss_Clustering_new_with_params(FaissClustering** p_clustering, int d, int k,
                                     const FaissClusteringParameters* cp);

/**
 * Cluster the n training vectors x (n x d, n >= k) using index (dimension d) for the
 * assignment. The index is reset and holds the k centroids afterwards.
 */
int faiss_Clustering_train(FaissClustering* clustering, idx_t n, const float* x, FaissIndex* index);

/**
 * The centroids: *centroids points at k x d floats owned by the clustering (valid until
 * it is trained again or freed), *size receives k * d (0 before training).
 */
int faiss_Clustering_centroids(FaissClustering* clustering, float** centroids, size_t* size);

/** Free a clustering (NULL is a no-op). */
void faiss_Clustering_free(FaissClustering* clustering);

/** Parameter getters (as set at creation) and the dimension d and centroid count k. */
int faiss_Clustering_niter(const FaissClustering* clustering);
int faiss_Clustering_nredo(const FaissClustering* clustering);
int faiss_Clustering_verbose(const FaissClustering* clustering);
int faiss_Clustering_spherical(const FaissClustering* clustering);
int faiss_Clustering_int_centroids(const FaissClustering* clustering);
int faiss_Clustering_update_index(const FaissClustering* clustering);
int faiss_Clustering_frozen_centroids(const FaissClustering* clustering);
int faiss_Clustering_min_points_per_centroid(const FaissClustering* clustering);
int faiss_Clustering_max_points_per_centroid(const FaissClustering* clustering);
int faiss_Clustering_seed(const FaissClustering* clustering);
size_t faiss_Clustering_decode_block_size(const FaissClustering* clustering);
size_t faiss_Clustering_d(const FaissClustering* clustering);
size_t faiss_Clustering_k(const FaissClustering* clustering);

/**
 * k-means of the n vectors x (n x d) with default parameters and an L2 index:
 * centroids (k x d, caller-allocated) receives the result, *q_error (q_error may be
 * NULL) the final objective (sum of squared distances to the nearest centroid).
 */
int faiss_kmeans_clustering(size_t d, size_t n, size_t k, const float* x, float* centroids,
                            float* q_error);

#ifdef __cplusplus
}
#endif
