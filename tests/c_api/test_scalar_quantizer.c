/* faiss_IndexScalarQuantizer*: construction, training, search against brute force over
 * the decoded vectors, the type/code-size getter, bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexScalarQuantizer_c.h>

#include <stdlib.h>

enum { D = 10, NB = 300, NQ = 5, K = 6 };

static void check_sq_search(FaissQuantizerType qt, FaissMetricType metric, size_t code_size) {
    float* xb = random_vectors(NB, D, 71);
    float* xq = random_vectors(NQ, D, 72);
    float* decoded = (float*)malloc(sizeof(float) * NB * D);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    FaissIndexScalarQuantizer* index = NULL;
    FaissQuantizerType got_qt;
    size_t got_size = 0;

    CHECK_OK(faiss_IndexScalarQuantizer_new_with(&index, D, qt, metric));
    CHECK(faiss_IndexScalarQuantizer_cast(index) == index);
    CHECK_OK(faiss_IndexScalarQuantizer_info(index, &got_qt, &got_size));
    CHECK(got_qt == qt && got_size == code_size);
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK(faiss_Index_is_trained(index) == 1);
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_Index_reconstruct_n(index, 0, NB, decoded));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, decoded, NB, NULL, D, K, metric, 0, distances, labels);
    faiss_IndexScalarQuantizer_free(index);
    free(decoded);
    free(xb);
    free(xq);
}

static void test_sq_search_matches_decoded(void) {
    check_sq_search(QT_8bit, METRIC_L2, D);
    check_sq_search(QT_4bit, METRIC_INNER_PRODUCT, D / 2);
    check_sq_search(QT_fp16, METRIC_L2, 2 * D);
    check_sq_search(QT_bf16, METRIC_INNER_PRODUCT, 2 * D);
    check_sq_search(QT_6bit, METRIC_L2, (6 * D + 7) / 8);
}

static void test_sq_bad_input(void) {
    float* x = random_vectors(4, D, 73);
    FaissIndexScalarQuantizer* index = NULL;
    FaissIndex* flat_like = NULL;
    FaissQuantizerType qt;
    size_t size;

    CHECK_OK(faiss_IndexScalarQuantizer_new_with(&index, D, QT_8bit, METRIC_L2));
    CHECK(faiss_Index_is_trained(index) == 0);
    CHECK_FAIL(faiss_Index_add(index, 4, x), FAISS_ERROR_NOT_TRAINED, "not trained");
    x[5] = 0.f / 0.f;
    CHECK_FAIL(faiss_Index_train(index, 4, x), FAISS_ERROR_INVALID_ARGUMENT, "not finite");
    faiss_IndexScalarQuantizer_free(index);

    CHECK_FAIL(faiss_IndexScalarQuantizer_new_with(&index, D, (FaissQuantizerType)42, METRIC_L2),
               FAISS_ERROR_INVALID_ARGUMENT, "unknown quantizer type");
    CHECK_FAIL(faiss_IndexScalarQuantizer_new_with(&index, D, QT_8bit, METRIC_L1),
               FAISS_ERROR_UNSUPPORTED, "L2 and inner product");
    CHECK_FAIL(faiss_IndexScalarQuantizer_new_with(NULL, D, QT_8bit, METRIC_L2),
               FAISS_ERROR_INVALID_ARGUMENT, "p_index");
    CHECK_OK(faiss_IndexScalarQuantizer_new(&flat_like));
    CHECK(faiss_IndexScalarQuantizer_cast(NULL) == NULL);
    CHECK_FAIL(faiss_IndexScalarQuantizer_info(NULL, &qt, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    faiss_Index_free(flat_like);
    free(x);
}

void suite_scalar_quantizer(void) {
    RUN(test_sq_search_matches_decoded);
    RUN(test_sq_bad_input);
}
