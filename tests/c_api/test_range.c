/* faiss_Index_range_search and FaissRangeSearchResult. */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIDMap_c.h>
#include <faiss/c_api/impl/AuxIndexStructures_c.h>

#include <stdlib.h>

enum { D = 8, NB = 200, NQ = 5 };

/* Every result of query i is within radius with the reported distance, and the number
 * of results equals the brute-force count (vectors near the radius are not counted
 * either way, so float rounding cannot flip the test). ids maps positions to labels. */
static void check_range(FaissRangeSearchResult* result, const float* xq, const float* xb,
                        const idx_t* ids, FaissMetricType metric, float radius) {
    size_t* lims = NULL;
    idx_t* labels = NULL;
    float* distances = NULL;
    size_t q, r;
    long i;
    CHECK_OK(faiss_RangeSearchResult_lims(result, &lims));
    CHECK_OK(faiss_RangeSearchResult_labels(result, &labels, &distances));
    CHECK(faiss_RangeSearchResult_nq(result) == NQ);
    if (!lims || !labels || !distances) return;
    CHECK(lims[0] == 0);
    for (q = 0; q < NQ; q++) {
        size_t expected = 0, ambiguous = 0;
        for (i = 0; i < NB; i++) {
            double dist = ref_distance(xq + q * D, xb + i * D, D, metric, 0);
            double margin = dist - radius;
            if (margin > -1e-4 && margin < 1e-4)
                ambiguous++;
            else if (metric == METRIC_INNER_PRODUCT ? dist > radius : dist < radius)
                expected++;
        }
        CHECK(lims[q + 1] - lims[q] >= expected && lims[q + 1] - lims[q] <= expected + ambiguous);
        for (r = lims[q]; r < lims[q + 1]; r++) {
            long pos = -1;
            for (i = 0; i < NB; i++)
                if ((ids ? ids[i] : i) == labels[r]) pos = i;
            CHECK(pos >= 0);
            if (pos < 0) continue;
            CHECK_NEAR(distances[r], ref_distance(xq + q * D, xb + pos * D, D, metric, 0), 1e-4);
        }
    }
    CHECK(lims[NQ] > 0); /* the radius was chosen so that something is found */
}

static void test_range_search_flat(void) {
    float* xb = random_vectors(NB, D, 41);
    float* xq = random_vectors(NQ, D, 42);
    FaissIndex* index = NULL;
    FaissRangeSearchResult* result = NULL;

    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_RangeSearchResult_new(&result, NQ));
    CHECK_OK(faiss_Index_range_search(index, NQ, xq, 0.35f, result));
    check_range(result, xq, xb, NULL, METRIC_L2, 0.35f);
    /* a second search into the same result replaces its content */
    CHECK_OK(faiss_Index_range_search(index, NQ, xq, 0.5f, result));
    check_range(result, xq, xb, NULL, METRIC_L2, 0.5f);
    CHECK(faiss_RangeSearchResult_buffer_size(result) == 0);
    faiss_RangeSearchResult_free(result);
    faiss_Index_free(index);

    CHECK_OK(faiss_IndexFlatIP_new_with(&index, D));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_RangeSearchResult_new(&result, NQ));
    CHECK_OK(faiss_Index_range_search(index, NQ, xq, 2.5f, result));
    check_range(result, xq, xb, NULL, METRIC_INNER_PRODUCT, 2.5f);
    faiss_RangeSearchResult_free(result);
    faiss_Index_free(index);
    free(xb);
    free(xq);
}

static void test_range_search_through_idmap(void) {
    float* xb = random_vectors(NB, D, 43);
    float* xq = random_vectors(NQ, D, 44);
    idx_t ids[NB];
    FaissIndex* sub = NULL;
    FaissIndex* map = NULL;
    FaissRangeSearchResult* result = NULL;
    int i;
    for (i = 0; i < NB; i++)
        ids[i] = 1000 + 7 * i;
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap_new(&map, sub));
    CHECK_OK(faiss_Index_add_with_ids(map, NB, xb, ids));
    CHECK_OK(faiss_RangeSearchResult_new(&result, NQ));
    CHECK_OK(faiss_Index_range_search(map, NQ, xq, 0.4f, result));
    check_range(result, xq, xb, ids, METRIC_L2, 0.4f);
    faiss_RangeSearchResult_free(result);
    faiss_Index_free(map);
    faiss_Index_free(sub);
    free(xb);
    free(xq);
}

static void test_range_search_bad_input(void) {
    float* xb = random_vectors(NB, D, 45);
    FaissIndex* index = NULL;
    FaissRangeSearchResult* result = NULL;
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_RangeSearchResult_new(&result, NQ));
    CHECK_FAIL(faiss_Index_range_search(index, NQ + 1, xb, 0.3f, result),
               FAISS_ERROR_INVALID_ARGUMENT, "nq=5");
    CHECK_FAIL(faiss_Index_range_search(index, NQ, xb, 0.3f, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_range_search: result is null");
    CHECK_FAIL(faiss_Index_range_search(NULL, NQ, xb, 0.3f, result), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_range_search: index is null");
    CHECK_FAIL(faiss_Index_range_search(index, NQ, NULL, 0.3f, result),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    faiss_RangeSearchResult_free(result);
    faiss_Index_free(index);
    free(xb);
}

static void test_result_object(void) {
    FaissRangeSearchResult* result = NULL;
    size_t* lims = NULL;
    idx_t* labels = NULL;
    float* distances = NULL;

    CHECK_OK(faiss_RangeSearchResult_new(&result, 2));
    CHECK(faiss_RangeSearchResult_nq(result) == 2);
    CHECK_OK(faiss_RangeSearchResult_lims(result, &lims));
    CHECK(lims != NULL && lims[0] == 0 && lims[1] == 0 && lims[2] == 0);
    CHECK_OK(faiss_RangeSearchResult_labels(result, &labels, &distances));
    CHECK(labels == NULL && distances == NULL);
    /* counts in lims[i] become offsets (Faiss convention) */
    lims[0] = 2;
    lims[1] = 3;
    CHECK_OK(faiss_RangeSearchResult_do_allocation(result));
    CHECK(lims[0] == 0 && lims[1] == 2 && lims[2] == 5);
    CHECK_OK(faiss_RangeSearchResult_labels(result, &labels, &distances));
    CHECK(labels != NULL && distances != NULL);
    if (labels && distances) {
        labels[4] = 9; /* writable: 5 entries */
        distances[4] = 1.0f;
    }
    CHECK_FAIL(faiss_RangeSearchResult_lims(result, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_RangeSearchResult_lims: lims is null");
    CHECK_FAIL(faiss_RangeSearchResult_labels(result, NULL, &distances),
               FAISS_ERROR_INVALID_ARGUMENT, "labels is null");
    CHECK_FAIL(faiss_RangeSearchResult_labels(result, &labels, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "distances is null");
    faiss_RangeSearchResult_free(result);

    result = NULL;
    CHECK_OK(faiss_RangeSearchResult_new_with(&result, 3, 0));
    CHECK_OK(faiss_RangeSearchResult_lims(result, &lims));
    CHECK(lims == NULL);
    CHECK_FAIL(faiss_RangeSearchResult_do_allocation(result), FAISS_ERROR_INVALID_ARGUMENT,
               "lims is not allocated");
    faiss_RangeSearchResult_free(result);

    result = NULL;
    CHECK_FAIL(faiss_RangeSearchResult_new(&result, -1), FAISS_ERROR_INVALID_ARGUMENT,
               "nq must be >= 0, got -1");
    CHECK(result == NULL);
    CHECK_FAIL(faiss_RangeSearchResult_new(NULL, 1), FAISS_ERROR_INVALID_ARGUMENT, "p_rsr is null");
    CHECK_FAIL(faiss_RangeSearchResult_do_allocation(NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "rsr is null");
    CHECK_FAIL(faiss_RangeSearchResult_lims(NULL, &lims), FAISS_ERROR_INVALID_ARGUMENT,
               "rsr is null");
    CHECK_FAIL(faiss_RangeSearchResult_labels(NULL, &labels, &distances),
               FAISS_ERROR_INVALID_ARGUMENT, "rsr is null");
    CHECK(faiss_RangeSearchResult_nq(NULL) == (size_t)-1);
    CHECK(c_test_last_error_contains("faiss_RangeSearchResult_nq: rsr is null"));
    CHECK(faiss_RangeSearchResult_buffer_size(NULL) == (size_t)-1);
    CHECK(c_test_last_error_contains("faiss_RangeSearchResult_buffer_size"));
}

void suite_range(void) {
    RUN(test_range_search_flat);
    RUN(test_range_search_through_idmap);
    RUN(test_range_search_bad_input);
    RUN(test_result_object);
}
