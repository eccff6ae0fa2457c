/* The error conventions of faiss_c.h: status codes, the per-thread last-error message,
 * NULL accepted by every free function. */
#define _POSIX_C_SOURCE 200809L

#include "c_test.h"

#include <faiss/c_api/Clustering_c.h>
#include <faiss/c_api/IDSelector_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIDMap_c.h>
#include <faiss/c_api/RangeSearchResult_c.h>
#include <faiss/c_api/error_c.h>

#include <pthread.h>

/* What a fresh thread sees, filled in by the thread. */
struct thread_report {
    int null_before;        /* faiss_get_last_error() was NULL before any failure */
    int status;             /* status of the failing call */
    int message_is_its_own; /* the message names the thread's failing call */
};

static void* fail_in_thread(void* arg) {
    struct thread_report* report = (struct thread_report*)arg;
    report->null_before = faiss_get_last_error() == NULL;
    report->status = faiss_Index_reset(NULL);
    report->message_is_its_own = c_test_last_error_contains("faiss_Index_reset: index is null");
    return NULL;
}

static void test_last_error_is_per_thread(void) {
    struct thread_report report = {0, 0, 0};
    pthread_t thread;
    CHECK_FAIL(faiss_Index_train(NULL, 0, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_Index_train: index is null");
    CHECK(pthread_create(&thread, NULL, fail_in_thread, &report) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(report.null_before == 1);
    CHECK(report.status == FAISS_ERROR_INVALID_ARGUMENT);
    CHECK(report.message_is_its_own == 1);
    /* the other thread's failure did not touch this thread's message */
    CHECK(c_test_last_error_contains("faiss_Index_train: index is null"));
    CHECK(!c_test_last_error_contains("faiss_Index_reset"));
}

static void test_success_keeps_last_error(void) {
    FaissIndex* index = NULL;
    const char* msg;
    CHECK_FAIL(faiss_Index_add(NULL, 0, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "Error in faiss_Index_add: index is null");
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, 4));
    CHECK_OK(faiss_Index_add(index, 0, NULL));
    msg = faiss_get_last_error();
    CHECK(msg != NULL && strcmp(msg, "Error in faiss_Index_add: index is null") == 0);
    faiss_Index_free(index);
}

static void test_status_codes(void) {
    FaissIndex* index = NULL;
    FaissRangeSearchResult* result = NULL;
    idx_t ids[1] = {0};
    float x[4] = {0, 0, 0, 0};
    /* library errors carry "Error in <function> at <file>:<line>: <message>" */
    CHECK_OK(faiss_IndexFlatL2_new_with(&index, 4));
    CHECK_FAIL(faiss_Index_search(index, 1, x, 0, NULL, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "Error in ");
    CHECK(c_test_last_error_contains(" at ") && c_test_last_error_contains("k must be > 0"));
    CHECK_FAIL(faiss_Index_add_with_ids(index, 1, x, ids), FAISS_ERROR_UNSUPPORTED,
               "add_with_ids is not supported");
    faiss_Index_free(index);
    index = NULL;
    CHECK_FAIL(faiss_IndexFlat_new_with(&index, (idx_t)1 << 40, METRIC_L2),
               FAISS_ERROR_INVALID_ARGUMENT, "dimension");
    CHECK(index == NULL);
    /* an allocation the machine cannot satisfy is reported, not fatal */
    CHECK_FAIL(faiss_RangeSearchResult_new(&result, (idx_t)1 << 60), FAISS_ERROR_OUT_OF_MEMORY,
               "out of memory");
    CHECK(result == NULL);
    /* Faiss's names keep their values */
    CHECK(OK == 0 && UNKNOWN_EXCEPT == -1 && FAISS_EXCEPT == -2 && STD_EXCEPT == -4);
    CHECK(FAISS_ERROR_INTERNAL == FAISS_EXCEPT);
}

static void test_free_functions_accept_null(void) {
    /* none of these may crash; the last error is not touched */
    CHECK_FAIL(faiss_Index_reset(NULL), FAISS_ERROR_INVALID_ARGUMENT, "faiss_Index_reset");
    faiss_Index_free(NULL);
    faiss_IndexFlat_free(NULL);
    faiss_IndexFlatL2_free(NULL);
    faiss_IndexFlatIP_free(NULL);
    faiss_IndexIDMap_free(NULL);
    faiss_IndexIDMap2_free(NULL);
    faiss_SearchParameters_free(NULL);
    faiss_RangeSearchResult_free(NULL);
    faiss_Clustering_free(NULL);
    faiss_IDSelector_free(NULL);
    faiss_IDSelectorRange_free(NULL);
    faiss_IDSelectorArray_free(NULL);
    faiss_IDSelectorBatch_free(NULL);
    faiss_IDSelectorBitmap_free(NULL);
    faiss_IDSelectorNot_free(NULL);
    faiss_IDSelectorAnd_free(NULL);
    faiss_IDSelectorOr_free(NULL);
    faiss_IDSelectorXOr_free(NULL);
    CHECK(c_test_last_error_contains("faiss_Index_reset"));
}

void suite_errors(void) {
    RUN(test_last_error_is_per_thread);
    RUN(test_success_keeps_last_error);
    RUN(test_status_codes);
    RUN(test_free_functions_accept_null);
}
