/* faiss_IndexIVF* / faiss_IndexIVFFlat*: build, train, add and search an IVF index;
 * nprobe getters and setters, per-call SearchParametersIVF, direct map, bad input. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIVFFlat_c.h>
#include <faiss/c_api/IndexIVF_c.h>

#include <stdlib.h>

enum { D = 8, NB = 400, NQ = 5, K = 4, NLIST = 4 };

static void test_ivf_full_probe_is_exact(void) {
    float* xb = random_vectors(NB, D, 61);
    float* xq = random_vectors(NQ, D, 62);
    FaissIndex* quantizer = NULL;
    FaissIndexIVFFlat* ivf = NULL;
    FaissSearchParametersIVF* sp = NULL;
    float distances[NQ * K], recons[D];
    idx_t labels[NQ * K];
    size_t l, total = 0;

    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_OK(faiss_IndexIVFFlat_new_with(&ivf, quantizer, D, NLIST));
    CHECK(faiss_IndexIVF_cast(ivf) == ivf);
    CHECK(faiss_IndexIVFFlat_cast(ivf) == ivf);
    CHECK(faiss_IndexIVF_cast(quantizer) == NULL);
    CHECK(faiss_Index_is_trained(ivf) == 0);
    CHECK(faiss_IndexIVF_nlist(ivf) == NLIST);
    CHECK(faiss_IndexIVF_quantizer(ivf) == quantizer);
    CHECK(faiss_IndexIVF_own_fields(ivf) == 0);
    CHECK(faiss_IndexIVF_quantizer_trains_alone(ivf) == 0);
    CHECK_FAIL(faiss_Index_add(ivf, NB, xb), FAISS_ERROR_NOT_TRAINED, "");
    CHECK_OK(faiss_Index_train(ivf, NB, xb));
    CHECK_OK(faiss_Index_add(ivf, NB, xb));
    CHECK(faiss_Index_ntotal(ivf) == NB);
    for (l = 0; l < NLIST; l++)
        total += faiss_IndexIVF_get_list_size(ivf, l);
    CHECK(total == NB);
    CHECK(faiss_IndexIVF_imbalance_factor(ivf) >= 1.0);

    CHECK(faiss_IndexIVF_nprobe(ivf) == 1);
    CHECK_OK(faiss_IndexIVF_set_nprobe(ivf, NLIST));
    CHECK(faiss_IndexIVF_nprobe(ivf) == NLIST);
    CHECK_OK(faiss_Index_search(ivf, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, xb, NB, NULL, D, K, METRIC_L2, 0, distances, labels);

    /* per-call nprobe overrides the field */
    CHECK_OK(faiss_IndexIVF_set_nprobe(ivf, 1));
    CHECK_OK(faiss_SearchParametersIVF_new_with(&sp, NULL, NLIST, 0));
    CHECK(faiss_SearchParametersIVF_nprobe(sp) == NLIST);
    CHECK(faiss_SearchParametersIVF_cast(sp) == sp);
    CHECK_OK(faiss_Index_search_with_params(ivf, NQ, xq, K, sp, distances, labels));
    check_knn(xq, NQ, xb, NB, NULL, D, K, METRIC_L2, 0, distances, labels);
    CHECK(faiss_IndexIVF_nprobe(ivf) == 1);

    CHECK_FAIL(faiss_Index_reconstruct(ivf, 3, recons), FAISS_ERROR_INVALID_ARGUMENT,
               "make_direct_map");
    CHECK_OK(faiss_IndexIVF_make_direct_map(ivf, 1));
    CHECK_OK(faiss_Index_reconstruct(ivf, 3, recons));
    CHECK(memcmp(recons, xb + 3 * D, sizeof(recons)) == 0);

    faiss_SearchParametersIVF_free(sp);
    faiss_IndexIVFFlat_free(ivf);
    faiss_Index_free(quantizer);
    free(xb);
    free(xq);
}

static void test_ivf_bad_input(void) {
    FaissIndex* quantizer = NULL;
    FaissIndexIVFFlat* ivf = NULL;
    float* x = random_vectors(3, D, 63);

    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_FAIL(faiss_IndexIVFFlat_new_with(&ivf, NULL, D, NLIST), FAISS_ERROR_INVALID_ARGUMENT,
               "quantizer");
    CHECK_FAIL(faiss_IndexIVFFlat_new_with(&ivf, quantizer, D + 1, NLIST),
               FAISS_ERROR_INVALID_ARGUMENT, "dimension");
    CHECK_FAIL(faiss_IndexIVFFlat_new_with(&ivf, quantizer, D, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "nlist");
    CHECK_OK(faiss_IndexIVFFlat_new_with(&ivf, quantizer, D, NLIST));
    CHECK_FAIL(faiss_Index_train(ivf, 3, x), FAISS_ERROR_INVALID_ARGUMENT, "at least nlist");
    CHECK_FAIL(faiss_IndexIVF_set_nprobe(ivf, 0), FAISS_ERROR_INVALID_ARGUMENT, "nprobe");
    CHECK_FAIL(faiss_IndexIVF_set_nprobe(quantizer, 2), FAISS_ERROR_INVALID_ARGUMENT, "IVF index");
    faiss_IndexIVFFlat_free(ivf);
    faiss_Index_free(quantizer);
    free(x);
}

void suite_ivf(void) {
    RUN(test_ivf_full_probe_is_exact);
    RUN(test_ivf_bad_input);
}
