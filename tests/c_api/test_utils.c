/* faiss_knn, faiss_pairwise_L2sqr and the fvec_* helpers against double precision. */
#include "c_test.h"

#include <faiss/c_api/utils/distances_c.h>

#include <math.h>
#include <stdlib.h>

enum { D = 10, NQ = 7, NB = 90, K = 6 };

static void test_knn_all_metrics(void) {
    static const FaissMetricType metrics[] = {METRIC_L2, METRIC_INNER_PRODUCT, METRIC_L1,
                                              METRIC_Linf, METRIC_Lp};
    float* xq = random_vectors(NQ, D, 71);
    float* xb = random_vectors(NB, D, 72);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    size_t m;
    for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
        CHECK_OK(faiss_knn(xq, xb, D, NQ, NB, K, metrics[m], 3.0f, distances, labels));
        check_knn(xq, NQ, xb, NB, NULL, D, K, metrics[m], 3.0, distances, labels);
    }
    /* more neighbours asked for than exist: padded */
    {
        float d2[2 * K];
        idx_t l2[2 * K];
        CHECK_OK(faiss_knn(xq, xb, D, 2, 4, K, METRIC_L2, 0, d2, l2));
        check_knn(xq, 2, xb, 4, NULL, D, K, METRIC_L2, 0, d2, l2);
        CHECK(l2[K - 1] == -1);
    }
    CHECK_FAIL(faiss_knn(xq, xb, D, NQ, NB, 0, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "faiss_knn: k must be > 0, got 0");
    CHECK_FAIL(faiss_knn(xq, xb, D, NQ, NB, -2, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "k must be > 0, got -2");
    CHECK_FAIL(faiss_knn(xq, xb, D, -1, NB, K, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "nq=-1");
    CHECK_FAIL(faiss_knn(xq, xb, -3, NQ, NB, K, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "d=-3");
    CHECK_FAIL(faiss_knn(xq, xb, D, NQ, NB, K, (FaissMetricType)42, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "unknown metric type 42");
    CHECK_FAIL(faiss_knn(NULL, xb, D, NQ, NB, K, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_knn(xq, NULL, D, NQ, NB, K, METRIC_L2, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_knn(xq, xb, D, NQ, NB, K, METRIC_L2, 0, NULL, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    free(xq);
    free(xb);
}

static void test_pairwise_L2sqr(void) {
    float* xq = random_vectors(NQ, D, 73);
    float* xb = random_vectors(NB, D, 74);
    float* dis = (float*)malloc(NQ * (NB + 3) * sizeof(float));
    int i, j;
    CHECK_OK(faiss_pairwise_L2sqr_with_defaults(D, NQ, xq, NB, xb, dis));
    for (i = 0; i < NQ; i++)
        for (j = 0; j < NB; j++)
            CHECK_NEAR(dis[i * NB + j], ref_distance(xq + i * D, xb + j * D, D, METRIC_L2, 0),
                       1e-4);
    /* strided: queries are every other vector of xb viewed with ldq = 2D, output rows
     * padded to NB + 3 */
    CHECK_OK(faiss_pairwise_L2sqr(D, NQ, xb, NB / 2, xb, dis, 2 * D, D, NB + 3));
    for (i = 0; i < NQ; i++)
        for (j = 0; j < NB / 2; j++)
            CHECK_NEAR(dis[i * (NB + 3) + j],
                       ref_distance(xb + 2 * i * D, xb + j * D, D, METRIC_L2, 0), 1e-4);
    CHECK_FAIL(faiss_pairwise_L2sqr(D, NQ, xq, NB, xb, dis, D - 1, D, NB),
               FAISS_ERROR_INVALID_ARGUMENT, "too small");
    CHECK_FAIL(faiss_pairwise_L2sqr_with_defaults(D, -1, xq, NB, xb, dis),
               FAISS_ERROR_INVALID_ARGUMENT, "negative size");
    CHECK_FAIL(faiss_pairwise_L2sqr_with_defaults(D, NQ, xq, NB, xb, NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    free(dis);
    free(xq);
    free(xb);
}

static void test_vector_helpers(void) {
    float* x = random_vectors(1, D, 75);
    float* y = random_vectors(NB, D, 76);
    float out[NB];
    int i;
    CHECK_OK(faiss_fvec_inner_products_ny(out, x, y, D, NB));
    for (i = 0; i < NB; i++)
        CHECK_NEAR(out[i], ref_distance(x, y + i * D, D, METRIC_INNER_PRODUCT, 0), 1e-4);
    CHECK_OK(faiss_fvec_L2sqr_ny(out, x, y, D, NB));
    for (i = 0; i < NB; i++)
        CHECK_NEAR(out[i], ref_distance(x, y + i * D, D, METRIC_L2, 0), 1e-4);
    CHECK_OK(faiss_fvec_norms_L2sqr(out, y, D, NB));
    for (i = 0; i < NB; i++)
        CHECK_NEAR(out[i], ref_distance(y + i * D, y + i * D, D, METRIC_INNER_PRODUCT, 0), 1e-4);
    CHECK_OK(faiss_fvec_norms_L2(out, y, D, NB));
    for (i = 0; i < NB; i++)
        CHECK_NEAR(out[i], sqrt(ref_distance(y + i * D, y + i * D, D, METRIC_INNER_PRODUCT, 0)),
                   1e-5);

    CHECK_FAIL(faiss_fvec_inner_products_ny(NULL, x, y, D, NB), FAISS_ERROR_INVALID_ARGUMENT,
               "null output");
    CHECK_FAIL(faiss_fvec_L2sqr_ny(out, NULL, y, D, NB), FAISS_ERROR_INVALID_ARGUMENT,
               "null input");
    CHECK_FAIL(faiss_fvec_norms_L2sqr(NULL, y, D, NB), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_fvec_norms_L2(out, NULL, D, NB), FAISS_ERROR_INVALID_ARGUMENT, "null");
    free(x);
    free(y);
}

static void test_normalize(void) {
    float* x = random_vectors(NB, D, 77);
    float norms[NB];
    int i, j;
    for (j = 0; j < D; j++)
        x[3 * D + j] = 0; /* a zero vector stays zero */
    CHECK_OK(faiss_normalize_L2(NB / 2, D, x));
    CHECK_OK(faiss_fvec_renorm_L2(D, NB - NB / 2, x + (NB / 2) * D));
    CHECK_OK(faiss_fvec_norms_L2(norms, x, D, NB));
    for (i = 0; i < NB; i++)
        CHECK_NEAR(norms[i], i == 3 ? 0.0 : 1.0, 1e-5);
    CHECK_FAIL(faiss_normalize_L2(NB, D, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_fvec_renorm_L2(D, NB, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_OK(faiss_normalize_L2(0, D, NULL));
    free(x);
}

void suite_utils(void) {
    RUN(test_knn_all_metrics);
    RUN(test_pairwise_L2sqr);
    RUN(test_vector_helpers);
    RUN(test_normalize);
}
