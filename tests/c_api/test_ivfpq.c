/* faiss_IndexIVFPQ*: build, train, add and search; with nprobe = nlist the results are
 * brute force over the decoded vectors; precomputed table switch; bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIVFPQ_c.h>
#include <faiss/c_api/IndexIVF_c.h>

#include <stdint.h>
#include <stdlib.h>

enum { D = 8, NB = 500, NQ = 5, K = 4, NLIST = 4, M = 4, NBITS = 6 };

static void test_ivfpq_full_probe_matches_decoded(void) {
    float* xb = random_vectors(NB, D, 71);
    float* xq = random_vectors(NQ, D, 72);
    float* decoded = malloc(sizeof(float) * NB * D);
    FaissIndex* quantizer = NULL;
    FaissIndexIVFPQ* index = NULL;
    float distances[NQ * K], d2[NQ * K];
    idx_t labels[NQ * K], l2[NQ * K];
    int i;

    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_OK(faiss_IndexIVFPQ_new_with(&index, quantizer, D, NLIST, M, NBITS));
    CHECK(faiss_IndexIVFPQ_cast(index) == index);
    CHECK(faiss_IndexIVF_cast(index) == index);
    CHECK(faiss_IndexIVFPQ_cast(quantizer) == NULL);
    CHECK(faiss_IndexIVFPQ_M(index) == M);
    CHECK(faiss_IndexIVFPQ_nbits(index) == NBITS);
    CHECK(faiss_IndexIVFPQ_code_size(index) == 3);
    CHECK(faiss_IndexIVFPQ_by_residual(index) == 1);
    CHECK(faiss_Index_is_trained(index) == 0);
    CHECK_FAIL(faiss_Index_add(index, NB, xb), FAISS_ERROR_NOT_TRAINED, "");
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK(faiss_IndexIVFPQ_use_precomputed_table(index) == 1);
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK(faiss_Index_ntotal(index) == NB);
    CHECK_OK(faiss_IndexIVF_set_nprobe(index, NLIST));
    CHECK_OK(faiss_Index_reconstruct_n(index, 0, NB, decoded));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, decoded, NB, NULL, D, K, METRIC_L2, 0, distances, labels);

    CHECK_OK(faiss_IndexIVFPQ_set_use_precomputed_table(index, -1));
    CHECK_OK(faiss_IndexIVFPQ_precompute_table(index));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, d2, l2));
    for (i = 0; i < NQ * K; i++)
        CHECK_NEAR(d2[i], distances[i], 1e-3 * (1 + distances[i]));

    faiss_IndexIVFPQ_free(index);
    faiss_Index_free(quantizer);
    free(xb);
    free(xq);
    free(decoded);
}

static void test_ivfpq_bad_input(void) {
    float* xb = random_vectors(100, D, 73);
    FaissIndex* quantizer = NULL;
    FaissIndexIVFPQ* index = NULL;

    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_FAIL(faiss_IndexIVFPQ_new_with(&index, quantizer, D, NLIST, 3, 8),
               FAISS_ERROR_INVALID_ARGUMENT, "divide");
    CHECK_FAIL(faiss_IndexIVFPQ_new_with(&index, quantizer, D, NLIST, 4, 17),
               FAISS_ERROR_INVALID_ARGUMENT, "nbits");
    CHECK_FAIL(faiss_IndexIVFPQ_new_with(&index, NULL, D, NLIST, 4, 8),
               FAISS_ERROR_INVALID_ARGUMENT, "quantizer");
    CHECK_OK(
        faiss_IndexIVFPQ_new_with_metric(&index, quantizer, D, NLIST, 4, 8, METRIC_INNER_PRODUCT));
    CHECK_FAIL(faiss_Index_train(index, 100, xb), FAISS_ERROR_INVALID_ARGUMENT, "256");
    CHECK_FAIL(faiss_IndexIVFPQ_set_use_precomputed_table(index, 5), FAISS_ERROR_INVALID_ARGUMENT,
               "use_precomputed_table");
    CHECK(faiss_IndexIVFPQ_M(NULL) == SIZE_MAX);
    CHECK(faiss_IndexIVFPQ_by_residual(quantizer) == -1);
    CHECK(faiss_IndexIVFPQ_use_precomputed_table(NULL) == -2);
    faiss_IndexIVFPQ_free(index);
    faiss_Index_free(quantizer);
    free(xb);
}

void suite_ivfpq(void) {
    RUN(test_ivfpq_full_probe_matches_decoded);
    RUN(test_ivfpq_bad_input);
}
