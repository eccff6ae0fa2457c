/* faiss_IndexHNSW*: construction, search against brute force (high efSearch on a small
 * index), the efSearch / efConstruction accessors, per-call parameters with a selector,
 * removal and compaction, SQ / PQ storage, bad input. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexHNSW_c.h>

#include <stdlib.h>

enum { D = 8, NB = 400, NQ = 5, K = 4 };

static void test_hnsw_flat_search(void) {
    float* xb = random_vectors(NB, D, 81);
    float* xq = random_vectors(NQ, D, 82);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    FaissIndexHNSWFlat* index = NULL;
    int max_level = -2, entry = -2;

    CHECK_OK(faiss_IndexHNSWFlat_new_with(&index, D, 16, METRIC_L2));
    CHECK(faiss_IndexHNSW_cast(index) == index);
    CHECK(faiss_IndexHNSWFlat_cast(index) == index);
    CHECK(faiss_IndexHNSW_efSearch(index) == 16);
    CHECK(faiss_IndexHNSW_efConstruction(index) == 40);
    CHECK_OK(faiss_IndexHNSW_graph_info(index, &max_level, &entry));
    CHECK(max_level == -1 && entry == -1);
    CHECK_OK(faiss_IndexHNSW_set_efConstruction(index, 80));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK(faiss_Index_ntotal(index) == NB);
    CHECK_OK(faiss_IndexHNSW_graph_info(index, &max_level, &entry));
    CHECK(max_level >= 0 && entry >= 0 && entry < NB);
    /* A beam as wide as the index finds the exact neighbours. */
    CHECK_OK(faiss_IndexHNSW_set_efSearch(index, NB));
    CHECK(faiss_IndexHNSW_efSearch(index) == NB);
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, xb, NB, NULL, D, K, METRIC_L2, 0, distances, labels);
    faiss_IndexHNSW_free(index);
    free(xb);
    free(xq);
}

static void test_hnsw_params_and_removal(void) {
    float* xb = random_vectors(NB, D, 83);
    float distances[NQ * K];
    idx_t labels[NQ * K];
    FaissIndexHNSWFlat* index = NULL;
    FaissIDSelectorRange* sel = NULL;
    FaissSearchParametersHNSW* sp = NULL;
    size_t removed = 0, dropped = 0;
    idx_t* old_to_new = (idx_t*)malloc(sizeof(idx_t) * NB);
    int i, ok = 1;

    CHECK_OK(faiss_IndexHNSWFlat_new_with(&index, D, 8, METRIC_INNER_PRODUCT));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK_OK(faiss_IDSelectorRange_new(&sel, 100, 110));
    CHECK_OK(faiss_SearchParametersHNSW_new_with(&sp, sel, 32));
    CHECK(faiss_SearchParametersHNSW_cast(sp) == sp);
    CHECK(faiss_SearchParametersHNSW_efSearch(sp) == 32);
    CHECK_OK(faiss_Index_search_with_params(index, NQ, xb, K, sp, distances, labels));
    for (i = 0; i < NQ * K; i++)
        ok &= labels[i] >= 100 && labels[i] < 110;
    CHECK(ok);

    CHECK_OK(faiss_Index_remove_ids(index, sel, &removed));
    CHECK(removed == 10);
    CHECK(faiss_Index_ntotal(index) == NB);
    CHECK_OK(faiss_Index_search(index, NQ, xb + 100 * D, K, distances, labels));
    for (i = 0; i < NQ * K; i++)
        ok &= labels[i] < 100 || labels[i] >= 110;
    CHECK(ok);
    CHECK_OK(faiss_IndexHNSW_compact(index, old_to_new, &dropped));
    CHECK(dropped == 10);
    CHECK(faiss_Index_ntotal(index) == NB - 10);
    CHECK(old_to_new[99] == 99 && old_to_new[100] == -1 && old_to_new[110] == 100);

    faiss_SearchParametersHNSW_free(sp);
    faiss_IDSelectorRange_free(sel);
    faiss_IndexHNSW_free(index);
    free(old_to_new);
    free(xb);
}

static void test_hnsw_sq_pq(void) {
    float* xb = random_vectors(NB, D, 84);
    float distances[K];
    idx_t labels[K];
    FaissIndexHNSWSQ* sq = NULL;
    FaissIndexHNSWPQ* pq = NULL;

    CHECK_OK(faiss_IndexHNSWSQ_new_with(&sq, D, QT_8bit, 16, METRIC_L2));
    CHECK(faiss_Index_is_trained(sq) == 0);
    CHECK_OK(faiss_Index_train(sq, NB, xb));
    CHECK_OK(faiss_Index_add(sq, NB, xb));
    CHECK_OK(faiss_Index_search(sq, 1, xb + 7 * D, K, distances, labels));
    CHECK(labels[0] == 7);
    faiss_IndexHNSW_free(sq);

    CHECK_OK(faiss_IndexHNSWPQ_new_with(&pq, D, 4, 16, 4, METRIC_L2));
    CHECK_FAIL(faiss_Index_add(pq, NB, xb), FAISS_ERROR_NOT_TRAINED, "not trained");
    CHECK_OK(faiss_Index_train(pq, NB, xb));
    CHECK_OK(faiss_Index_add(pq, NB, xb));
    CHECK_OK(faiss_Index_search(pq, 1, xb, K, distances, labels));
    CHECK(labels[0] >= 0);
    faiss_IndexHNSW_free(pq);
    free(xb);
}

static void test_hnsw_bad_input(void) {
    FaissIndexHNSWFlat* index = NULL;
    FaissIndex* flat = NULL;
    FaissSearchParametersHNSW* sp = NULL;

    CHECK_FAIL(faiss_IndexHNSWFlat_new_with(&index, D, 0, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "M must be > 0");
    CHECK_FAIL(faiss_IndexHNSWFlat_new_with(&index, -1, 16, METRIC_L2),
               FAISS_ERROR_INVALID_ARGUMENT, "d must be");
    CHECK_FAIL(faiss_IndexHNSWFlat_new_with(NULL, D, 16, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "p_index");
    CHECK_FAIL(faiss_SearchParametersHNSW_new_with(&sp, NULL, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "efSearch must be > 0");
    CHECK_OK(faiss_IndexHNSWFlat_new_with(&index, D, 16, METRIC_L2));
    CHECK_FAIL(faiss_IndexHNSW_set_efSearch(index, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "efSearch must be > 0");
    faiss_IndexHNSW_free(index);
    CHECK_OK(faiss_IndexFlat_new_with(&flat, D, METRIC_L2));
    CHECK(faiss_IndexHNSW_cast(flat) == NULL);
    CHECK_FAIL(faiss_IndexHNSW_set_efSearch(flat, 8), FAISS_ERROR_INVALID_ARGUMENT,
               "an HNSW index");
    faiss_Index_free(flat);
}

static void test_hnsw_graph_edits(void) {
    float* xb = random_vectors(NB, D, 91);
    float dk[NB * 9], distances[K];
    idx_t ik[NB * 9], labels[K], perm[NB], perm_bad[NB];
    FaissIndex* flat = NULL;
    FaissIndexHNSWFlat* index = NULL;
    FaissSearchParametersHNSW* sp = NULL;
    int i, ok = 1;

    CHECK_OK(faiss_IndexHNSWFlat_new_with(&index, D, 8, METRIC_L2));
    CHECK(faiss_IndexHNSW_init_level0(index) == 1);
    CHECK(faiss_IndexHNSW_keep_max_size_level0(index) == 0);
    CHECK_OK(faiss_IndexHNSW_set_init_level0(index, 0));
    CHECK(faiss_IndexHNSW_init_level0(index) == 0);
    CHECK_OK(faiss_IndexHNSW_set_keep_max_size_level0(index, 1));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    /* Level 0 from the exact 9-NN graph (self included, skipped). */
    CHECK_OK(faiss_IndexFlat_new_with(&flat, D, METRIC_L2));
    CHECK_OK(faiss_Index_add(flat, NB, xb));
    CHECK_OK(faiss_Index_search(flat, NB, xb, 9, dk, ik));
    CHECK_OK(faiss_IndexHNSW_init_level_0_from_knngraph(index, 9, dk, ik));
    CHECK_OK(faiss_IndexHNSW_set_efSearch(index, 64));
    CHECK_OK(faiss_Index_search(index, 1, xb + 17 * D, K, distances, labels));
    CHECK(labels[0] == 17);
    CHECK_OK(faiss_IndexHNSW_reorder_links(index));
    CHECK_OK(faiss_IndexHNSW_shrink_level_0_neighbors(index, 6));
    /* Reversal: old vector NB-1-i becomes i. */
    for (i = 0; i < NB; i++) {
        perm[i] = NB - 1 - i;
        perm_bad[i] = i;
    }
    perm_bad[3] = 4;
    CHECK_OK(faiss_IndexHNSW_permute_entries(index, perm));
    CHECK_OK(faiss_Index_search(index, 1, xb + 17 * D, K, distances, labels));
    CHECK(labels[0] == NB - 1 - 17);
    CHECK_FAIL(faiss_IndexHNSW_permute_entries(index, perm_bad), FAISS_ERROR_INVALID_ARGUMENT,
               "twice");
    CHECK_FAIL(faiss_IndexHNSW_permute_entries(index, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IndexHNSW_init_level_0_from_knngraph(index, 0, dk, ik),
               FAISS_ERROR_INVALID_ARGUMENT, "k must be > 0");
    CHECK_FAIL(faiss_IndexHNSW_shrink_level_0_neighbors(index, -1), FAISS_ERROR_INVALID_ARGUMENT,
               "size must be >= 0");

    CHECK_OK(faiss_SearchParametersHNSW_new_with(&sp, NULL, 32));
    CHECK(faiss_SearchParametersHNSW_check_relative_distance(sp) == 1);
    CHECK(faiss_SearchParametersHNSW_bounded_queue(sp) == 1);
    CHECK_OK(faiss_SearchParametersHNSW_set_check_relative_distance(sp, 0));
    CHECK_OK(faiss_SearchParametersHNSW_set_bounded_queue(sp, 0));
    CHECK(faiss_SearchParametersHNSW_check_relative_distance(sp) == 0);
    CHECK(faiss_SearchParametersHNSW_bounded_queue(sp) == 0);
    CHECK_OK(faiss_Index_search_with_params(index, 1, xb + 5 * D, K, sp, distances, labels));
    for (i = 1; i < K; i++)
        ok = ok && distances[i - 1] <= distances[i];
    CHECK(ok && labels[0] == NB - 1 - 5);
    CHECK(faiss_SearchParametersHNSW_bounded_queue(NULL) == -1);
    faiss_SearchParametersHNSW_free(sp);
    CHECK(faiss_IndexHNSW_init_level0(flat) == -1);
    faiss_Index_free(flat);
    faiss_IndexHNSW_free(index);
    free(xb);
}

void suite_hnsw(void) {
    c_test_run("hnsw_flat_search", test_hnsw_flat_search);
    c_test_run("hnsw_params_and_removal", test_hnsw_params_and_removal);
    c_test_run("hnsw_sq_pq", test_hnsw_sq_pq);
    c_test_run("hnsw_bad_input", test_hnsw_bad_input);
    c_test_run("hnsw_graph_edits", test_hnsw_graph_edits);
}
