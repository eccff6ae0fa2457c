/* faiss_IndexIVFScalarQuantizer* and faiss_IndexRefine* / faiss_IndexRefineFlat*:
 * exhaustive IVF-SQ search equals brute force over the decoded vectors, refinement with a
 * large k_factor equals exact search, accessors, ownership, bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIVF_c.h>
#include <faiss/c_api/IndexRefine_c.h>
#include <faiss/c_api/IndexScalarQuantizer_c.h>

#include <stdlib.h>

enum { D = 8, NB = 400, NQ = 5, K = 4, NLIST = 4 };

static void test_ivfsq_full_probe_matches_decoded(void) {
    float* xb = random_vectors(NB, D, 71);
    float* xq = random_vectors(NQ, D, 72);
    float* decoded = malloc(sizeof(float) * NB * D);
    FaissIndex* quantizer = NULL;
    FaissIndexIVFScalarQuantizer* ivf = NULL;
    FaissQuantizerType qt = QT_4bit;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    size_t code_size = 0;
    int residual;

    for (residual = 0; residual <= 1; residual++) {
        CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
        CHECK_OK(faiss_IndexIVFScalarQuantizer_new_with_metric(&ivf, quantizer, D, NLIST, QT_8bit,
                                                               METRIC_L2, residual));
        CHECK(faiss_IndexIVFScalarQuantizer_cast(ivf) == ivf);
        CHECK(faiss_IndexIVF_cast(ivf) == ivf);
        CHECK(faiss_IndexIVFScalarQuantizer_cast(quantizer) == NULL);
        CHECK(faiss_IndexIVFScalarQuantizer_by_residual(ivf) == residual);
        CHECK_OK(faiss_IndexIVFScalarQuantizer_info(ivf, &qt, &code_size));
        CHECK(qt == QT_8bit && code_size == D);
        CHECK(faiss_Index_is_trained(ivf) == 0);
        CHECK_FAIL(faiss_Index_add(ivf, NB, xb), FAISS_ERROR_NOT_TRAINED, "");
        CHECK_OK(faiss_Index_train(ivf, NB, xb));
        CHECK_OK(faiss_Index_add(ivf, NB, xb));
        CHECK_OK(faiss_IndexIVF_set_nprobe(ivf, NLIST));
        CHECK_OK(faiss_Index_search(ivf, NQ, xq, K, distances, labels));
        CHECK_OK(faiss_Index_reconstruct_n(ivf, 0, NB, decoded));
        check_knn(xq, NQ, decoded, NB, NULL, D, K, METRIC_L2, 0, distances, labels);
        faiss_IndexIVFScalarQuantizer_free(ivf);
        faiss_Index_free(quantizer);
    }
    free(decoded);
    free(xb);
    free(xq);
}

static void test_ivfsq_bad_input(void) {
    FaissIndex* quantizer = NULL;
    FaissIndexIVFScalarQuantizer* ivf = NULL;
    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_FAIL(faiss_IndexIVFScalarQuantizer_new_with(&ivf, NULL, D, NLIST, QT_8bit),
               FAISS_ERROR_INVALID_ARGUMENT, "quantizer");
    CHECK_FAIL(faiss_IndexIVFScalarQuantizer_new_with(&ivf, quantizer, D + 1, NLIST, QT_8bit),
               FAISS_ERROR_INVALID_ARGUMENT, "dimension");
    CHECK_FAIL(faiss_IndexIVFScalarQuantizer_new_with_metric(&ivf, quantizer, D, NLIST, QT_8bit,
                                                             METRIC_L1, 1),
               FAISS_ERROR_UNSUPPORTED, "inner product");
    CHECK(faiss_IndexIVFScalarQuantizer_by_residual(quantizer) == -1);
    faiss_Index_free(quantizer);
}

static void test_refine_flat_is_exact_with_large_k_factor(void) {
    float* xb = random_vectors(NB, D, 73);
    float* xq = random_vectors(NQ, D, 74);
    FaissIndex* quantizer = NULL;
    FaissIndexIVFScalarQuantizer* ivf = NULL;
    FaissIndexRefineFlat* refine = NULL;
    float distances[NQ * K], recons[D];
    idx_t labels[NQ * K];

    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_OK(faiss_IndexIVFScalarQuantizer_new_with(&ivf, quantizer, D, NLIST, QT_4bit));
    CHECK_OK(faiss_IndexIVF_set_nprobe(ivf, NLIST));
    CHECK_OK(faiss_IndexRefineFlat_new(&refine, ivf));
    CHECK(faiss_IndexRefineFlat_cast(refine) == refine);
    CHECK(faiss_IndexRefine_cast(refine) == refine);
    CHECK(faiss_IndexRefine_cast(ivf) == NULL);
    CHECK(faiss_IndexRefine_base_index(refine) == ivf);
    {
        FaissIndexIVF* inner = NULL;
        CHECK_OK(faiss_extract_index_ivf(refine, &inner));
        CHECK(inner == ivf);
        CHECK_OK(faiss_extract_index_ivf(ivf, &inner));
        CHECK(inner == ivf);
        CHECK_FAIL(faiss_extract_index_ivf(quantizer, &inner), FAISS_ERROR_INVALID_ARGUMENT,
                   "IndexIVF");
        CHECK(inner == NULL);
        CHECK_FAIL(faiss_extract_index_ivf(NULL, &inner), FAISS_ERROR_INVALID_ARGUMENT, "index");
        CHECK_FAIL(faiss_extract_index_ivf(refine, NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_ivf");
    }
    CHECK(faiss_IndexRefine_refine_index(refine) != NULL);
    CHECK(faiss_IndexRefineFlat_k_factor(refine) == 1.0f);
    CHECK(faiss_IndexRefineFlat_own_fields(refine) == 0);
    CHECK(faiss_IndexRefine_own_refine_index(refine) == 1);
    CHECK_OK(faiss_Index_train(refine, NB, xb));
    CHECK_OK(faiss_Index_add(refine, NB, xb));
    CHECK(faiss_Index_ntotal(refine) == NB && faiss_Index_ntotal(ivf) == NB);
    CHECK_OK(faiss_IndexRefineFlat_set_k_factor(refine, (float)NB));
    CHECK_OK(faiss_Index_search(refine, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, xb, NB, NULL, D, K, METRIC_L2, 0, distances, labels);
    CHECK_OK(faiss_Index_reconstruct(refine, 5, recons));
    CHECK(memcmp(recons, xb + 5 * D, sizeof(recons)) == 0);

    CHECK_FAIL(faiss_IndexRefineFlat_set_k_factor(refine, 0.5f), FAISS_ERROR_INVALID_ARGUMENT,
               "k_factor");
    /* The refine index owns the IVF index (and the IVF index its quantizer) from now on. */
    CHECK_OK(faiss_IndexRefineFlat_set_own_fields(refine, 1));
    CHECK_OK(faiss_IndexIVF_set_own_fields(ivf, 1));
    faiss_IndexRefineFlat_free(refine);
    free(xb);
    free(xq);
}

static void test_refine_bad_input(void) {
    FaissIndex *a = NULL, *b = NULL;
    FaissIndexRefine* refine = NULL;
    float* x = random_vectors(3, D, 75);
    CHECK_OK(faiss_IndexFlatL2_new_with(&a, D));
    CHECK_OK(faiss_IndexFlatL2_new_with(&b, D + 1));
    CHECK_FAIL(faiss_IndexRefine_new(&refine, a, b), FAISS_ERROR_INVALID_ARGUMENT, "d=");
    CHECK_FAIL(faiss_IndexRefine_new(&refine, NULL, b), FAISS_ERROR_INVALID_ARGUMENT, "base_index");
    CHECK_FAIL(faiss_IndexRefineFlat_new(&refine, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "base_index");
    CHECK_OK(faiss_Index_add(a, 3, x));
    CHECK_FAIL(faiss_IndexRefineFlat_new(&refine, a), FAISS_ERROR_INVALID_ARGUMENT, "empty");
    CHECK(faiss_IndexRefine_k_factor(a) == -1.0f);
    CHECK(faiss_IndexRefine_base_index(a) == NULL);
    faiss_Index_free(a);
    faiss_Index_free(b);
    free(x);
}

void suite_ivfsq(void) {
    RUN(test_ivfsq_full_probe_matches_decoded);
    RUN(test_ivfsq_bad_input);
}

void suite_refine(void) {
    RUN(test_refine_flat_is_exact_with_large_k_factor);
    RUN(test_refine_bad_input);
}
