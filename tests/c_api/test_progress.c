/* faiss_set_progress_callback: reports in order ending at total, user data passed
 * through, a non-zero return interrupts training with an error, removal. */
#include "c_test.h"

#include <faiss/c_api/Index_c.h>
#include <faiss/c_api/index_factory_c.h>
#include <faiss/c_api/progress_c.h>

#include <stdlib.h>

enum { D = 8, N = 2000, MAX_EVENTS = 4096 };

typedef struct {
    int count;
    int stop_at; /* interrupt when done reaches this (0: never) */
    size_t done[MAX_EVENTS], total[MAX_EVENTS];
    int depth[MAX_EVENTS];
    int is_kmeans[MAX_EVENTS];
} Recorder;

static int record(const char* operation, size_t done, size_t total, int depth, void* user) {
    Recorder* r = (Recorder*)user;
    if (r->count < MAX_EVENTS) {
        r->done[r->count] = done;
        r->total[r->count] = total;
        r->depth[r->count] = depth;
        r->is_kmeans[r->count] = strcmp(operation, "Clustering::train") == 0;
        r->count++;
    }
    return r->stop_at > 0 && (int)done >= r->stop_at ? 7 : 0;
}

static void test_kmeans_in_ivf_training(void) {
    Recorder* r = calloc(1, sizeof(Recorder));
    FaissIndex* index = NULL;
    float* x = random_vectors(N, D, 5);
    int i, kmeans_events = 0;
    CHECK(faiss_has_progress_callback() == 0);
    CHECK_OK(faiss_set_progress_callback(record, r));
    CHECK(faiss_has_progress_callback() == 1);
    CHECK_OK(faiss_index_factory(&index, D, "IVF16,Flat", METRIC_L2));
    CHECK_OK(faiss_Index_train(index, N, x));
    /* IndexIVF::train 0/2, its coarse k-means 0..10/10 at depth 1, IndexIVF::train 2/2
     * (1/2 comes after the k-means). */
    CHECK(r->count == 14);
    CHECK(r->done[0] == 0 && r->total[0] == 2 && r->depth[0] == 0 && !r->is_kmeans[0]);
    for (i = 1; i < r->count; i++) {
        if (!r->is_kmeans[i]) continue;
        CHECK(r->done[i] == (size_t)kmeans_events && r->total[i] == 10 && r->depth[i] == 1);
        kmeans_events++;
    }
    CHECK(kmeans_events == 11);
    CHECK(r->done[r->count - 1] == 2 && r->total[r->count - 1] == 2);
    CHECK_OK(faiss_set_progress_callback(NULL, NULL));
    CHECK(faiss_has_progress_callback() == 0);
    faiss_Index_free(index);
    free(x);
    free(r);
}

static void test_nonzero_return_interrupts(void) {
    Recorder* r = calloc(1, sizeof(Recorder));
    FaissIndex* index = NULL;
    float* x = random_vectors(N, D, 6);
    r->stop_at = 3;
    CHECK_OK(faiss_index_factory(&index, D, "IVF16,Flat", METRIC_L2));
    CHECK_OK(faiss_set_progress_callback(record, r));
    CHECK_FAIL(faiss_Index_train(index, N, x), FAISS_EXCEPT,
               "interrupted by the progress callback (it returned 7) during Clustering::train");
    CHECK(faiss_Index_is_trained(index) == 0);
    CHECK_OK(faiss_set_progress_callback(NULL, NULL));
    CHECK_OK(faiss_Index_train(index, N, x));
    CHECK(faiss_Index_is_trained(index) == 1);
    faiss_Index_free(index);
    free(x);
    free(r);
}

void suite_progress(void) {
    RUN(test_kmeans_in_ivf_training);
    RUN(test_nonzero_return_interrupts);
}
