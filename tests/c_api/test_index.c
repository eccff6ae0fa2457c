/* faiss_Index_* on the flat indexes, and faiss_IndexFlat*: results against brute force,
 * and every bad input giving a status and a message. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIDMap_c.h>

#include <math.h>
#include <stdlib.h>

enum { D = 16, NB = 300, NQ = 12, K = 7 };

/* An index of type metric with NB random vectors; *xb receives them (free()). */
static FaissIndex* filled_flat(FaissMetricType metric, float** xb) {
    FaissIndex* index = NULL;
    CHECK_OK(faiss_IndexFlat_new_with(&index, D, metric));
    *xb = random_vectors(NB, D, 11);
    CHECK_OK(faiss_Index_add(index, NB, *xb));
    return index;
}

static void test_flat_constructors_and_getters(void) {
    FaissIndexFlat* flat = NULL;
    FaissIndexFlatL2* l2 = NULL;
    FaissIndexFlatIP* ip = NULL;
    FaissIndex* any = NULL;

    CHECK_OK(faiss_IndexFlat_new(&flat));
    CHECK(faiss_Index_d(flat) == 0);
    CHECK(faiss_Index_metric_type(flat) == METRIC_L2);
    faiss_IndexFlat_free(flat);

    CHECK_OK(faiss_IndexFlat_new_with(&flat, 5, METRIC_L1));
    CHECK(faiss_Index_d(flat) == 5);
    CHECK(faiss_Index_metric_type(flat) == METRIC_L1);
    CHECK(faiss_Index_ntotal(flat) == 0);
    CHECK(faiss_Index_is_trained(flat) == 1);
    CHECK(faiss_Index_verbose(flat) == 0);
    CHECK_OK(faiss_Index_set_verbose(flat, 1));
    CHECK(faiss_Index_verbose(flat) == 1);
    CHECK(faiss_IndexFlat_cast(flat) == flat);
    CHECK(faiss_IndexFlatL2_cast(flat) == NULL);
    CHECK(faiss_IndexFlatIP_cast(flat) == NULL);
    faiss_Index_free(flat);

    CHECK_OK(faiss_IndexFlatL2_new(&l2));
    CHECK(faiss_Index_d(l2) == 0 && faiss_Index_metric_type(l2) == METRIC_L2);
    faiss_IndexFlatL2_free(l2);
    CHECK_OK(faiss_IndexFlatL2_new_with(&l2, 9));
    CHECK(faiss_Index_d(l2) == 9 && faiss_Index_metric_type(l2) == METRIC_L2);
    CHECK(faiss_IndexFlatL2_cast(l2) == l2 && faiss_IndexFlat_cast(l2) == l2);
    CHECK(faiss_IndexFlatIP_cast(l2) == NULL);
    faiss_IndexFlatL2_free(l2);

    CHECK_OK(faiss_IndexFlatIP_new(&ip));
    CHECK(faiss_Index_metric_type(ip) == METRIC_INNER_PRODUCT);
    faiss_IndexFlatIP_free(ip);
    CHECK_OK(faiss_IndexFlatIP_new_with(&ip, 3));
    CHECK(faiss_Index_d(ip) == 3 && faiss_Index_metric_type(ip) == METRIC_INNER_PRODUCT);
    CHECK(faiss_IndexFlatIP_cast(ip) == ip && faiss_IndexFlatL2_cast(ip) == NULL);
    faiss_IndexFlatIP_free(ip);

    CHECK(faiss_IndexFlat_cast(NULL) == NULL);
    CHECK(faiss_IndexFlatL2_cast(NULL) == NULL);
    CHECK(faiss_IndexFlatIP_cast(NULL) == NULL);

    any = NULL;
    CHECK_FAIL(faiss_IndexFlat_new(NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_index is null");
    CHECK_FAIL(faiss_IndexFlat_new_with(NULL, 4, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IndexFlat_new_with: p_index is null");
    CHECK_FAIL(faiss_IndexFlatL2_new(NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_index is null");
    CHECK_FAIL(faiss_IndexFlatIP_new(NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_index is null");
    CHECK_FAIL(faiss_IndexFlatL2_new_with(NULL, 4), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IndexFlatIP_new_with(NULL, 4), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IndexFlat_new_with(&any, -3, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "dimension must be >= 0, got -3");
    CHECK_FAIL(faiss_IndexFlatL2_new_with(&any, -1), FAISS_ERROR_INVALID_ARGUMENT, "-1");
    CHECK_FAIL(faiss_IndexFlat_new_with(&any, 4, (FaissMetricType)99), FAISS_ERROR_INVALID_ARGUMENT,
               "unknown metric type 99");
    CHECK(any == NULL);
}

static void test_getters_on_null_handle(void) {
    CHECK(faiss_Index_d(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Index_d: index is null"));
    CHECK(faiss_Index_ntotal(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Index_ntotal: index is null"));
    CHECK(faiss_Index_is_trained(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Index_is_trained"));
    CHECK((int)faiss_Index_metric_type(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Index_metric_type"));
    CHECK(faiss_Index_verbose(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_Index_verbose"));
    CHECK_FAIL(faiss_Index_set_verbose(NULL, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_set_verbose: index is null");
}

static void test_search_matches_reference(void) {
    static const FaissMetricType metrics[] = {METRIC_L2, METRIC_INNER_PRODUCT, METRIC_L1,
                                              METRIC_Linf};
    float* xq = random_vectors(NQ, D, 12);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    size_t m;
    for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
        float* xb = NULL;
        FaissIndex* index = filled_flat(metrics[m], &xb);
        CHECK(faiss_Index_ntotal(index) == NB);
        CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
        check_knn(xq, NQ, xb, NB, NULL, D, K, metrics[m], 0, distances, labels);
        /* n = 0 is a valid empty call */
        CHECK_OK(faiss_Index_search(index, 0, NULL, K, NULL, NULL));
        faiss_Index_free(index);
        free(xb);
    }
    free(xq);
}

static void test_search_pads_small_index(void) {
    FaissIndex* index = NULL;
    float* xb = random_vectors(3, D, 5);
    float distances[2 * K];
    idx_t labels[2 * K];
    CHECK_OK(faiss_IndexFlatIP_new_with(&index, D));
    CHECK_OK(faiss_Index_add(index, 3, xb));
    CHECK_OK(faiss_Index_search(index, 2, xb, K, distances, labels));
    check_knn(xb, 2, xb, 3, NULL, D, K, METRIC_INNER_PRODUCT, 0, distances, labels);
    CHECK(labels[3] == -1 && isinf(distances[3]) && distances[3] < 0);
    faiss_Index_free(index);

    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_Index_search(index, 2, xb, K, distances, labels));
    CHECK(labels[0] == -1 && isinf(distances[0]) && distances[0] > 0);
    faiss_Index_free(index);
    free(xb);
}

static void test_search_bad_input(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    float distances[K];
    idx_t labels[K];
    FaissSearchParameters* params = NULL;
    CHECK_FAIL(faiss_Index_search(NULL, 1, xb, K, distances, labels), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_search: index is null");
    CHECK_FAIL(faiss_Index_search(index, 1, xb, 0, distances, labels), FAISS_ERROR_INVALID_ARGUMENT,
               "k must be > 0, got 0");
    CHECK_FAIL(faiss_Index_search(index, 1, xb, -4, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "k must be > 0, got -4");
    CHECK_FAIL(faiss_Index_search(index, -1, xb, K, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "must be >= 0, got -1");
    CHECK_FAIL(faiss_Index_search(index, 1, NULL, K, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_Index_search(index, 1, xb, K, NULL, labels), FAISS_ERROR_INVALID_ARGUMENT,
               "distances or labels");
    CHECK_FAIL(faiss_Index_search(index, 1, xb, K, distances, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "distances or labels");

    CHECK_OK(faiss_SearchParameters_new(&params, NULL));
    CHECK_FAIL(faiss_Index_search_with_params(NULL, 1, xb, K, params, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "faiss_Index_search_with_params: index is null");
    CHECK_FAIL(faiss_Index_search_with_params(index, 1, xb, 0, params, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "k must be > 0");
    CHECK_FAIL(faiss_Index_search_with_params(index, 1, xb, K, params, NULL, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "distances or labels");
    faiss_SearchParameters_free(params);
    faiss_Index_free(index);
    free(xb);
}

static void test_search_with_params_filters(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    float* xq = random_vectors(NQ, D, 13);
    FaissIDSelector* sel = NULL;
    FaissSearchParameters* params = NULL;
    float distances[NQ * K], plain_d[NQ * K];
    idx_t labels[NQ * K], plain_l[NQ * K];
    idx_t ids[40];
    int i;

    CHECK_OK(faiss_IDSelectorRange_new(&sel, 100, 140));
    CHECK_OK(faiss_SearchParameters_new(&params, sel));
    CHECK_OK(faiss_Index_search_with_params(index, NQ, xq, K, params, distances, labels));
    for (i = 0; i < 40; i++)
        ids[i] = 100 + i;
    check_knn(xq, NQ, xb + 100 * D, 40, ids, D, K, METRIC_L2, 0, distances, labels);
    faiss_SearchParameters_free(params);

    /* without a selector, and with no parameters at all: same as a plain search */
    CHECK_OK(faiss_SearchParameters_new(&params, NULL));
    CHECK_OK(faiss_Index_search_with_params(index, NQ, xq, K, params, distances, labels));
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, plain_d, plain_l));
    CHECK(memcmp(labels, plain_l, sizeof(labels)) == 0);
    CHECK_OK(faiss_Index_search_with_params(index, NQ, xq, K, NULL, distances, labels));
    CHECK(memcmp(labels, plain_l, sizeof(labels)) == 0);
    CHECK(memcmp(distances, plain_d, sizeof(distances)) == 0);

    CHECK_FAIL(faiss_SearchParameters_new(NULL, sel), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_SearchParameters_new: p_sp is null");
    faiss_SearchParameters_free(params);
    faiss_SearchParameters_free(NULL);
    faiss_IDSelector_free(sel);
    faiss_Index_free(index);
    free(xb);
    free(xq);
}

static void test_train_and_add(void) {
    FaissIndex* index = NULL;
    float* x = random_vectors(10, D, 3);
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, D));
    CHECK_OK(faiss_Index_train(index, 10, x)); /* flat: nothing to learn */
    CHECK(faiss_Index_is_trained(index) == 1);
    CHECK(faiss_Index_ntotal(index) == 0);
    CHECK_FAIL(faiss_Index_train(index, 10, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_Index_train(index, -2, x), FAISS_ERROR_INVALID_ARGUMENT, "got -2");
    CHECK_FAIL(faiss_Index_train(NULL, 10, x), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_train: index is null");

    CHECK_OK(faiss_Index_add(index, 10, x));
    CHECK_OK(faiss_Index_add(index, 0, NULL));
    CHECK(faiss_Index_ntotal(index) == 10);
    CHECK_FAIL(faiss_Index_add(index, 3, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null for n=3");
    CHECK_FAIL(faiss_Index_add(index, -1, x), FAISS_ERROR_INVALID_ARGUMENT, "got -1");
    CHECK_FAIL(faiss_Index_add(NULL, 10, x), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_add: index is null");
    CHECK(faiss_Index_ntotal(index) == 10);

    {
        idx_t ids[2] = {5, 6};
        CHECK_FAIL(faiss_Index_add_with_ids(index, 2, x, ids), FAISS_ERROR_UNSUPPORTED,
                   "IndexIDMap");
        CHECK_FAIL(faiss_Index_add_with_ids(NULL, 2, x, ids), FAISS_ERROR_INVALID_ARGUMENT,
                   "faiss_Index_add_with_ids: index is null");
    }
    CHECK_OK(faiss_Index_reset(index));
    CHECK(faiss_Index_ntotal(index) == 0);
    CHECK(faiss_Index_d(index) == D);
    CHECK_FAIL(faiss_Index_reset(NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_reset: index is null");
    faiss_Index_free(index);
    free(x);
}

static void test_assign(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    float* xq = random_vectors(NQ, D, 14);
    float distances[NQ * 3];
    idx_t labels[NQ * 3], assigned[NQ * 3];
    CHECK_OK(faiss_Index_search(index, NQ, xq, 3, distances, labels));
    CHECK_OK(faiss_Index_assign(index, NQ, xq, assigned, 3));
    CHECK(memcmp(labels, assigned, sizeof(labels)) == 0);
    CHECK_FAIL(faiss_Index_assign(index, NQ, xq, assigned, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "k must be > 0");
    CHECK_FAIL(faiss_Index_assign(index, NQ, xq, NULL, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "labels is null");
    CHECK_FAIL(faiss_Index_assign(NULL, NQ, xq, assigned, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_assign: index is null");
    faiss_Index_free(index);
    free(xb);
    free(xq);
}

static void test_remove_ids(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    FaissIDSelector* sel = NULL;
    size_t removed = 0;
    float recons[D];
    CHECK_OK(faiss_IDSelectorRange_new(&sel, 10, 20));
    CHECK_OK(faiss_Index_remove_ids(index, sel, &removed));
    CHECK(removed == 10);
    CHECK(faiss_Index_ntotal(index) == NB - 10);
    /* flat indexes renumber: the old vector 20 is now vector 10 */
    CHECK_OK(faiss_Index_reconstruct(index, 10, recons));
    CHECK(memcmp(recons, xb + 20 * D, sizeof(recons)) == 0);
    /* n_removed may be NULL */
    CHECK_OK(faiss_Index_remove_ids(index, sel, NULL));
    CHECK(faiss_Index_ntotal(index) == NB - 20);
    CHECK_FAIL(faiss_Index_remove_ids(index, NULL, &removed), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_remove_ids: sel is null");
    CHECK_FAIL(faiss_Index_remove_ids(NULL, sel, &removed), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    faiss_IDSelector_free(sel);
    faiss_Index_free(index);
    free(xb);
}

static void test_reconstruct(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    float one[D];
    float* many = (float*)malloc(5 * D * sizeof(float));
    CHECK_OK(faiss_Index_reconstruct(index, 42, one));
    CHECK(memcmp(one, xb + 42 * D, sizeof(one)) == 0);
    CHECK_FAIL(faiss_Index_reconstruct(index, NB, one), FAISS_ERROR_INVALID_ARGUMENT,
               "out of range");
    CHECK_FAIL(faiss_Index_reconstruct(index, -1, one), FAISS_ERROR_INVALID_ARGUMENT,
               "out of range");
    CHECK_FAIL(faiss_Index_reconstruct(index, 0, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "recons is null");
    CHECK_FAIL(faiss_Index_reconstruct(NULL, 0, one), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_reconstruct: index is null");

    CHECK_OK(faiss_Index_reconstruct_n(index, 7, 5, many));
    CHECK(memcmp(many, xb + 7 * D, 5 * D * sizeof(float)) == 0);
    CHECK_FAIL(faiss_Index_reconstruct_n(index, NB - 2, 5, many), FAISS_ERROR_INVALID_ARGUMENT,
               "outside");
    CHECK_FAIL(faiss_Index_reconstruct_n(index, 0, 5, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "recons is null");
    CHECK_FAIL(faiss_Index_reconstruct_n(NULL, 0, 5, many), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_reconstruct_n: index is null");
    faiss_Index_free(index);
    free(many);
    free(xb);
}

static void test_compute_residual(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    float* x = random_vectors(2, D, 21);
    float residual[2 * D];
    idx_t keys[2] = {3, 250};
    int j;
    CHECK_OK(faiss_Index_compute_residual(index, x, residual, 3));
    for (j = 0; j < D; j++)
        CHECK(residual[j] == x[j] - xb[3 * D + j]);
    CHECK_OK(faiss_Index_compute_residual_n(index, 2, x, residual, keys));
    for (j = 0; j < D; j++)
        CHECK(residual[D + j] == x[D + j] - xb[250 * D + j]);
    CHECK_FAIL(faiss_Index_compute_residual(index, x, residual, NB), FAISS_ERROR_INVALID_ARGUMENT,
               "out of range");
    CHECK_FAIL(faiss_Index_compute_residual(index, NULL, residual, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "x is null");
    CHECK_FAIL(faiss_Index_compute_residual(index, x, NULL, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "residual is null");
    CHECK_FAIL(faiss_Index_compute_residual(NULL, x, residual, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_Index_compute_residual_n(index, 2, x, residual, NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "keys is null");
    CHECK_FAIL(faiss_Index_compute_residual_n(index, -1, x, residual, keys),
               FAISS_ERROR_INVALID_ARGUMENT, "got -1");
    CHECK_FAIL(faiss_Index_compute_residual_n(NULL, 2, x, residual, keys),
               FAISS_ERROR_INVALID_ARGUMENT, "faiss_Index_compute_residual_n: index is null");
    faiss_Index_free(index);
    free(x);
    free(xb);
}

static void test_standalone_codec(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    FaissIndex* map = NULL;
    FaissIndex* sub = NULL;
    size_t size = 0;
    unsigned char codes[3 * D * sizeof(float)];
    float decoded[3 * D];
    CHECK_OK(faiss_Index_sa_code_size(index, &size));
    CHECK(size == D * sizeof(float));
    CHECK_OK(faiss_Index_sa_encode(index, 3, xb, codes));
    CHECK_OK(faiss_Index_sa_decode(index, 3, codes, decoded));
    CHECK(memcmp(decoded, xb, sizeof(decoded)) == 0);
    CHECK_FAIL(faiss_Index_sa_code_size(index, NULL), FAISS_ERROR_INVALID_ARGUMENT, "size is null");
    CHECK_FAIL(faiss_Index_sa_code_size(NULL, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_Index_sa_encode(index, 3, xb, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "bytes is null");
    CHECK_FAIL(faiss_Index_sa_encode(NULL, 3, xb, codes), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_Index_sa_decode(index, 3, codes, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_Index_sa_decode(index, -3, codes, decoded), FAISS_ERROR_INVALID_ARGUMENT,
               "got -3");
    CHECK_FAIL(faiss_Index_sa_decode(NULL, 3, codes, decoded), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    /* an IndexIDMap passes the codec of its sub-index through */
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap_new(&map, sub));
    CHECK_OK(faiss_Index_sa_code_size(map, &size));
    CHECK(size == D * sizeof(float));
    faiss_Index_free(map);
    faiss_Index_free(sub);
    faiss_Index_free(index);
    free(xb);
}

static void test_flat_xb_and_distance_subset(void) {
    float* xb = NULL;
    FaissIndex* index = filled_flat(METRIC_L2, &xb);
    FaissIndex* map = NULL;
    float* stored = NULL;
    size_t size = 0;
    float* xq = random_vectors(2, D, 31);
    idx_t labels[2 * 3] = {0, 17, -1, 299, 5, 5};
    float distances[2 * 3];
    int i;

    CHECK_OK(faiss_IndexFlat_xb(index, &stored, &size));
    CHECK(size == (size_t)NB * D);
    CHECK(stored != NULL && memcmp(stored, xb, NB * D * sizeof(float)) == 0);
    CHECK_FAIL(faiss_IndexFlat_xb(index, NULL, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "p_xb is null");
    CHECK_FAIL(faiss_IndexFlat_xb(index, &stored, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "p_size is null");
    CHECK_FAIL(faiss_IndexFlat_xb(NULL, &stored, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IndexFlat_xb: index is null");

    CHECK_OK(faiss_IndexFlat_compute_distance_subset(index, 2, xq, 3, distances, labels));
    for (i = 0; i < 6; i++) {
        if (labels[i] < 0) {
            CHECK(isinf(distances[i]) && distances[i] > 0);
        } else {
            double ref = ref_distance(xq + (i / 3) * D, xb + labels[i] * D, D, METRIC_L2, 0);
            CHECK_NEAR(distances[i], ref, 1e-4);
        }
    }
    labels[1] = NB;
    CHECK_FAIL(faiss_IndexFlat_compute_distance_subset(index, 2, xq, 3, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "300");
    CHECK_FAIL(faiss_IndexFlat_compute_distance_subset(index, 2, xq, 0, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "k must be > 0");
    CHECK_FAIL(faiss_IndexFlat_compute_distance_subset(index, 2, xq, 3, distances, NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IndexFlat_compute_distance_subset(NULL, 2, xq, 3, distances, labels),
               FAISS_ERROR_INVALID_ARGUMENT, "index is null");

    /* an index of another type is refused, not reinterpreted */
    {
        FaissIndex* sub = NULL;
        CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
        CHECK_OK(faiss_IndexIDMap_new(&map, sub));
        CHECK_FAIL(faiss_IndexFlat_xb(map, &stored, &size), FAISS_ERROR_INVALID_ARGUMENT,
                   "index is not an IndexFlat");
        CHECK_FAIL(faiss_IndexFlat_compute_distance_subset(map, 2, xq, 3, distances, labels),
                   FAISS_ERROR_INVALID_ARGUMENT, "index is not an IndexFlat");
        CHECK(faiss_IndexFlat_cast(map) == NULL);
        faiss_Index_free(map);
        faiss_Index_free(sub);
    }
    faiss_Index_free(index);
    free(xq);
    free(xb);
}

void suite_index(void) {
    RUN(test_flat_constructors_and_getters);
    RUN(test_getters_on_null_handle);
    RUN(test_search_matches_reference);
    RUN(test_search_pads_small_index);
    RUN(test_search_bad_input);
    RUN(test_search_with_params_filters);
    RUN(test_train_and_add);
    RUN(test_assign);
    RUN(test_remove_ids);
    RUN(test_reconstruct);
    RUN(test_compute_residual);
    RUN(test_standalone_codec);
    RUN(test_flat_xb_and_distance_subset);
}
