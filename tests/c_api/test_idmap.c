/* faiss_IndexIDMap* and faiss_IndexIDMap2*: external ids through add, search,
 * remove_ids and reconstruct; ownership of the wrapped index; bad input. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIDMap_c.h>

#include <stdlib.h>

enum { D = 12, NB = 150, NQ = 6, K = 5 };

static void make_ids(idx_t* ids, int n) {
    int i;
    for (i = 0; i < n; i++)
        ids[i] = 5000000000LL + 13 * (idx_t)i; /* beyond 32 bits */
}

static void test_idmap_search_returns_external_ids(void) {
    float* xb = random_vectors(NB, D, 51);
    float* xq = random_vectors(NQ, D, 52);
    idx_t ids[NB];
    FaissIndex* sub = NULL;
    FaissIndexIDMap* map = NULL;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    idx_t* id_map = NULL;
    size_t size = 0;

    make_ids(ids, NB);
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap_new(&map, sub));
    CHECK(faiss_Index_d(map) == D);
    CHECK(faiss_Index_metric_type(map) == METRIC_L2);
    CHECK(faiss_Index_is_trained(map) == 1);
    CHECK(faiss_IndexIDMap_own_fields(map) == 0);
    CHECK(faiss_IndexIDMap_sub_index(map) == sub);
    CHECK(faiss_IndexIDMap_cast(map) == map);
    CHECK(faiss_IndexIDMap2_cast(map) == NULL);
    CHECK(faiss_IndexIDMap_cast(sub) == NULL);
    CHECK(faiss_IndexIDMap_cast(NULL) == NULL);

    CHECK_OK(faiss_Index_add_with_ids(map, NB, xb, ids));
    CHECK(faiss_Index_ntotal(map) == NB);
    CHECK(faiss_Index_ntotal(sub) == NB);
    CHECK_OK(faiss_IndexIDMap_id_map(map, &id_map, &size));
    CHECK(size == NB && id_map != NULL && memcmp(id_map, ids, sizeof(ids)) == 0);

    CHECK_OK(faiss_Index_search(map, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, xb, NB, ids, D, K, METRIC_L2, 0, distances, labels);

    CHECK_FAIL(faiss_Index_add(map, NB, xb), FAISS_ERROR_UNSUPPORTED, "add_with_ids");
    CHECK_FAIL(faiss_Index_add_with_ids(map, 2, xb, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "xids is null");
    CHECK_FAIL(faiss_Index_reconstruct(map, ids[0], distances), FAISS_ERROR_UNSUPPORTED,
               "IndexIDMap2");
    faiss_IndexIDMap_free(map);
    faiss_Index_free(sub);
    free(xb);
    free(xq);
}

static void test_idmap_selectors_use_external_ids(void) {
    float* xb = random_vectors(NB, D, 53);
    float* xq = random_vectors(NQ, D, 54);
    idx_t ids[NB], kept_ids[NB];
    float* kept = (float*)malloc(NB * D * sizeof(float));
    FaissIndex* sub = NULL;
    FaissIndex* map = NULL;
    FaissIDSelector* sel = NULL;
    FaissSearchParameters* params = NULL;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    size_t removed = 0;
    int i, nkept = 0;

    make_ids(ids, NB);
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap_new(&map, sub));
    CHECK_OK(faiss_Index_add_with_ids(map, NB, xb, ids));

    /* search restricted to the external ids [ids[40], ids[60]) */
    CHECK_OK(faiss_IDSelectorRange_new(&sel, ids[40], ids[60]));
    CHECK_OK(faiss_SearchParameters_new(&params, sel));
    CHECK_OK(faiss_Index_search_with_params(map, NQ, xq, K, params, distances, labels));
    check_knn(xq, NQ, xb + 40 * D, 20, ids + 40, D, K, METRIC_L2, 0, distances, labels);

    /* remove the same ids; the rest keep their external ids */
    CHECK_OK(faiss_Index_remove_ids(map, sel, &removed));
    CHECK(removed == 20);
    CHECK(faiss_Index_ntotal(map) == NB - 20);
    for (i = 0; i < NB; i++) {
        if (i >= 40 && i < 60) continue;
        memcpy(kept + nkept * D, xb + i * D, D * sizeof(float));
        kept_ids[nkept++] = ids[i];
    }
    CHECK_OK(faiss_Index_search(map, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, kept, (size_t)nkept, kept_ids, D, K, METRIC_L2, 0, distances, labels);

    CHECK_OK(faiss_Index_reset(map));
    CHECK(faiss_Index_ntotal(map) == 0 && faiss_Index_ntotal(sub) == 0);

    faiss_SearchParameters_free(params);
    faiss_IDSelector_free(sel);
    faiss_Index_free(map);
    faiss_Index_free(sub);
    free(kept);
    free(xb);
    free(xq);
}

static void test_idmap2_reconstructs_by_id(void) {
    float* xb = random_vectors(NB, D, 55);
    idx_t ids[NB];
    FaissIndex* sub = NULL;
    FaissIndexIDMap2* map = NULL;
    float recons[D];
    idx_t* id_map = NULL;
    size_t size = 0;

    make_ids(ids, NB);
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap2_new(&map, sub));
    CHECK(faiss_IndexIDMap2_cast(map) == map);
    CHECK(faiss_IndexIDMap_cast(map) == map); /* an IndexIDMap2 is an IndexIDMap */
    CHECK(faiss_IndexIDMap2_cast(sub) == NULL);
    CHECK(faiss_IndexIDMap2_cast(NULL) == NULL);
    CHECK(faiss_IndexIDMap2_sub_index(map) == sub);
    CHECK(faiss_IndexIDMap2_own_fields(map) == 0);

    CHECK_OK(faiss_Index_add_with_ids(map, NB, xb, ids));
    CHECK_OK(faiss_Index_reconstruct(map, ids[77], recons));
    CHECK(memcmp(recons, xb + 77 * D, sizeof(recons)) == 0);
    CHECK_FAIL(faiss_Index_reconstruct(map, 77, recons), FAISS_ERROR_INVALID_ARGUMENT,
               "no vector has id 77");
    CHECK_FAIL(faiss_Index_add_with_ids(map, 1, xb, ids + 3), FAISS_ERROR_INVALID_ARGUMENT,
               "5000000039");
    CHECK(faiss_Index_ntotal(map) == NB);

    CHECK_OK(faiss_IndexIDMap2_id_map(map, &id_map, &size));
    CHECK(size == NB && id_map != NULL);
    CHECK_OK(faiss_IndexIDMap2_construct_rev_map(map));
    if (id_map && size == NB) {
        /* editing id_map then rebuilding the reverse map: a duplicate is refused */
        id_map[1] = id_map[0];
        CHECK_FAIL(faiss_IndexIDMap2_construct_rev_map(map), FAISS_ERROR_INVALID_ARGUMENT,
                   "5000000000");
        id_map[1] = ids[1];
        CHECK_OK(faiss_IndexIDMap2_construct_rev_map(map));
        CHECK_OK(faiss_Index_reconstruct(map, ids[1], recons));
        CHECK(memcmp(recons, xb + 1 * D, sizeof(recons)) == 0);
    }
    faiss_IndexIDMap2_free(map);
    faiss_Index_free(sub);
    free(xb);
}

static void test_own_fields_frees_sub_index(void) {
    FaissIndex* sub = NULL;
    FaissIndex* map = NULL;
    FaissIndex* sub2 = NULL;
    FaissIndex* map2 = NULL;
    CHECK_OK(faiss_IndexFlatL2_new_with(&sub, D));
    CHECK_OK(faiss_IndexIDMap_new(&map, sub));
    CHECK_OK(faiss_IndexIDMap_set_own_fields(map, 1));
    CHECK(faiss_IndexIDMap_own_fields(map) == 1);
    faiss_Index_free(map); /* frees sub too; a leak or double free shows under ASan */

    CHECK_OK(faiss_IndexFlatIP_new_with(&sub2, D));
    CHECK_OK(faiss_IndexIDMap2_new(&map2, sub2));
    CHECK_OK(faiss_IndexIDMap2_set_own_fields(map2, 1));
    CHECK(faiss_IndexIDMap2_own_fields(map2) == 1);
    CHECK_OK(faiss_IndexIDMap2_set_own_fields(map2, 0));
    CHECK(faiss_IndexIDMap2_own_fields(map2) == 0);
    CHECK_OK(faiss_IndexIDMap2_set_own_fields(map2, 1));
    faiss_IndexIDMap2_free(map2);
}

static void test_idmap_bad_input(void) {
    float* xb = random_vectors(4, D, 56);
    FaissIndex* flat = NULL;
    FaissIndex* map = NULL;
    idx_t* id_map = NULL;
    size_t size = 0;

    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, D));
    CHECK_FAIL(faiss_IndexIDMap_new(NULL, flat), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IndexIDMap_new: p_index is null");
    CHECK_FAIL(faiss_IndexIDMap_new(&map, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IndexIDMap_new: index is null");
    CHECK_FAIL(faiss_IndexIDMap2_new(&map, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IndexIDMap2_new: index is null");
    CHECK_FAIL(faiss_IndexIDMap2_new(NULL, flat), FAISS_ERROR_INVALID_ARGUMENT, "p_index is null");
    CHECK_OK(faiss_Index_add(flat, 4, xb));
    CHECK_FAIL(faiss_IndexIDMap_new(&map, flat), FAISS_ERROR_INVALID_ARGUMENT, "empty");
    CHECK(map == NULL);

    /* functions of the map refuse other index types and null handles */
    CHECK_FAIL(faiss_IndexIDMap_id_map(flat, &id_map, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "index is not an IndexIDMap");
    CHECK_FAIL(faiss_IndexIDMap2_construct_rev_map(flat), FAISS_ERROR_INVALID_ARGUMENT,
               "index is not an IndexIDMap2");
    CHECK_FAIL(faiss_IndexIDMap_set_own_fields(flat, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "not an IndexIDMap");
    CHECK(faiss_IndexIDMap_own_fields(flat) == -1);
    CHECK(c_test_last_error_contains("faiss_IndexIDMap_own_fields: index is not an IndexIDMap"));
    CHECK(faiss_IndexIDMap_sub_index(flat) == NULL);
    CHECK(c_test_last_error_contains("faiss_IndexIDMap_sub_index"));
    CHECK(faiss_IndexIDMap2_sub_index(NULL) == NULL);
    CHECK(c_test_last_error_contains("faiss_IndexIDMap2_sub_index: index is null"));
    CHECK(faiss_IndexIDMap2_own_fields(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_IndexIDMap2_own_fields: index is null"));
    CHECK_FAIL(faiss_IndexIDMap2_set_own_fields(NULL, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_IndexIDMap2_id_map(NULL, &id_map, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_IndexIDMap2_construct_rev_map(NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");

    faiss_Index_reset(flat);
    CHECK_OK(faiss_IndexIDMap_new(&map, flat));
    CHECK_FAIL(faiss_IndexIDMap_id_map(map, NULL, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "p_id_map is null");
    CHECK_FAIL(faiss_IndexIDMap_id_map(map, &id_map, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "p_size is null");
    CHECK_FAIL(faiss_IndexIDMap2_id_map(map, &id_map, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "index is not an IndexIDMap2");
    faiss_Index_free(map);
    faiss_Index_free(flat);
    free(xb);
}

void suite_idmap(void) {
    RUN(test_idmap_search_returns_external_ids);
    RUN(test_idmap_selectors_use_external_ids);
    RUN(test_idmap2_reconstructs_by_id);
    RUN(test_own_fields_frees_sub_index);
    RUN(test_idmap_bad_input);
}
