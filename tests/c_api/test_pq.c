/* faiss_IndexPQ*: training, ADC search equal to brute force over the decoded vectors,
 * standalone codes, getters and setters, bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexPQ_c.h>

#include <stdint.h>
#include <stdlib.h>

enum { D = 16, M = 4, NBITS = 6, NB = 400, NQ = 5, K = 4 };

static void test_pq_search_matches_decoded_brute_force(void) {
    float* xb = random_vectors(NB, D, 61);
    float* xq = random_vectors(NQ, D, 62);
    float* decoded = malloc(sizeof(float) * NB * D);
    float* again = malloc(sizeof(float) * NB * D);
    uint8_t codes[NB * 3];
    float distances[NQ * K];
    idx_t labels[NQ * K];
    float* centroids = NULL;
    size_t ncentroids = 0;
    FaissIndexPQ* index = NULL;

    CHECK_OK(faiss_IndexPQ_new_with(&index, D, M, NBITS, METRIC_L2));
    CHECK(faiss_IndexPQ_cast(index) == index);
    CHECK(faiss_IndexPQ_M(index) == M);
    CHECK(faiss_IndexPQ_nbits(index) == NBITS);
    CHECK(faiss_IndexPQ_code_size(index) == 3);
    CHECK(faiss_IndexPQ_search_type(index) == 0);
    CHECK(faiss_Index_is_trained(index) == 0);
    CHECK_OK(faiss_IndexPQ_set_train_niter(index, 5));
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK(faiss_Index_is_trained(index) == 1);
    CHECK_OK(faiss_IndexPQ_centroids(index, &centroids, &ncentroids));
    CHECK(centroids != NULL && ncentroids == (size_t)D * 64);

    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_Index_reconstruct_n(index, 0, NB, decoded));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, decoded, NB, NULL, D, K, METRIC_L2, 0, distances, labels);

    CHECK_OK(faiss_Index_sa_encode(index, NB, xb, codes));
    CHECK_OK(faiss_Index_sa_decode(index, NB, codes, again));
    CHECK(memcmp(decoded, again, sizeof(float) * NB * D) == 0);

    CHECK_OK(faiss_IndexPQ_set_search_type(index, 3));
    CHECK_FAIL(faiss_Index_search(index, NQ, xq, K, distances, labels), FAISS_ERROR_UNSUPPORTED,
               "nbits == 8");
    faiss_IndexPQ_free(index);
    free(xb);
    free(xq);
    free(decoded);
    free(again);
}

static void test_pq_inner_product(void) {
    float* xb = random_vectors(NB, D, 63);
    float* xq = random_vectors(NQ, D, 64);
    float* decoded = malloc(sizeof(float) * NB * D);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    FaissIndexPQ* index = NULL;

    CHECK_OK(faiss_IndexPQ_new_with(&index, D, 8, 4, METRIC_INNER_PRODUCT));
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_Index_reconstruct_n(index, 0, NB, decoded));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, decoded, NB, NULL, D, K, METRIC_INNER_PRODUCT, 0, distances, labels);
    faiss_IndexPQ_free(index);
    free(xb);
    free(xq);
    free(decoded);
}

static int popcount8(unsigned v) {
    int c = 0;
    for (; v; v >>= 1)
        c += (int)(v & 1);
    return c;
}

/* Polysemous training, then ST_HE (Hamming distances between codes, checked by hand) and
 * ST_polysemous (every result within the threshold). */
static void test_pq_polysemous(void) {
    enum { PM = 4, CS = 4, NB2 = 600 };
    float* xb = random_vectors(NB2, D, 66);
    float* xq = random_vectors(NQ, D, 67);
    uint8_t* codes = malloc(NB2 * CS);
    uint8_t qcodes[NQ * CS];
    float distances[NQ * K];
    idx_t labels[NQ * K];
    FaissIndexPQ* index = NULL;

    CHECK_OK(faiss_IndexPQ_new_with(&index, D, PM, 8, METRIC_L2));
    CHECK(faiss_IndexPQ_do_polysemous_training(index) == 0);
    CHECK(faiss_IndexPQ_polysemous_ht(index) == PM * 8 + 1);
    CHECK_OK(faiss_IndexPQ_set_do_polysemous_training(index, 1));
    CHECK(faiss_IndexPQ_do_polysemous_training(index) == 1);
    CHECK_OK(faiss_IndexPQ_set_polysemous_n_iter(index, 5000));
    CHECK_OK(faiss_IndexPQ_set_train_niter(index, 5));
    CHECK_OK(faiss_Index_train(index, NB2, xb));
    CHECK_OK(faiss_Index_add(index, NB2, xb));
    CHECK_OK(faiss_Index_sa_encode(index, NB2, xb, codes));
    CHECK_OK(faiss_Index_sa_encode(index, NQ, xq, qcodes));

    CHECK_OK(faiss_IndexPQ_set_search_type(index, 1));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    for (int q = 0; q < NQ; q++) {
        int best = 1 << 30;
        for (int i = 0; i < NB2; i++) {
            int h = 0;
            for (int j = 0; j < CS; j++)
                h += popcount8(qcodes[q * CS + j] ^ codes[i * CS + j]);
            if (h < best) best = h;
        }
        CHECK(distances[q * K] == (float)best);
    }
    CHECK_OK(faiss_IndexPQ_set_search_type(index, 4));
    CHECK_OK(faiss_IndexPQ_set_polysemous_ht(index, 12));
    CHECK(faiss_IndexPQ_polysemous_ht(index) == 12);
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    for (int q = 0; q < NQ; q++) {
        for (int r = 0; r < K; r++) {
            idx_t i = labels[q * K + r];
            if (i < 0) continue;
            int h = 0;
            for (int j = 0; j < CS; j++)
                h += popcount8(qcodes[q * CS + j] ^ codes[i * CS + j]);
            CHECK(h < 12);
        }
    }
    CHECK_FAIL(faiss_IndexPQ_set_polysemous_n_iter(index, -1), FAISS_ERROR_INVALID_ARGUMENT,
               "n_iter");
    CHECK(faiss_IndexPQ_polysemous_ht(NULL) == -1);
    faiss_IndexPQ_free(index);
    free(xb);
    free(xq);
    free(codes);
}

static void test_pq_bad_input(void) {
    float* xb = random_vectors(NB, D, 65);
    FaissIndexPQ* index = NULL;
    FaissIndex* other = NULL;

    CHECK_FAIL(faiss_IndexPQ_new_with(&index, 10, 3, 8, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "multiple");
    CHECK_FAIL(faiss_IndexPQ_new_with(&index, D, M, 17, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "nbits");
    CHECK_FAIL(faiss_IndexPQ_new_with(&index, D, M, 8, METRIC_L1), FAISS_ERROR_UNSUPPORTED,
               "METRIC_L2");
    CHECK_FAIL(faiss_IndexPQ_new_with(NULL, D, M, 8, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "p_index");
    CHECK_OK(faiss_IndexPQ_new_with(&index, D, M, 8, METRIC_L2));
    CHECK_FAIL(faiss_Index_add(index, 1, xb), FAISS_ERROR_NOT_TRAINED, "train");
    CHECK_FAIL(faiss_Index_train(index, 100, xb), FAISS_ERROR_INVALID_ARGUMENT, "256");
    CHECK_FAIL(faiss_IndexPQ_set_search_type(index, 9), FAISS_ERROR_INVALID_ARGUMENT,
               "search_type");
    CHECK_FAIL(faiss_IndexPQ_set_train_niter(index, -1), FAISS_ERROR_INVALID_ARGUMENT, "niter");
    CHECK(faiss_IndexPQ_M(NULL) == SIZE_MAX);
    CHECK(faiss_IndexPQ_search_type(NULL) == -1);
    CHECK_OK(faiss_IndexPQ_new(&other));
    CHECK(faiss_IndexPQ_cast(other) == other);
    CHECK(faiss_IndexPQ_cast(NULL) == NULL);
    faiss_IndexPQ_free(index);
    faiss_Index_free(other);
    free(xb);
}

void suite_pq(void) {
    RUN(test_pq_search_matches_decoded_brute_force);
    RUN(test_pq_inner_product);
    RUN(test_pq_polysemous);
    RUN(test_pq_bad_input);
}
