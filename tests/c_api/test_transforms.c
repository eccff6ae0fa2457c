/* faiss_VectorTransform* and faiss_IndexPreTransform*: PCA projection and reverse,
 * random rotation, normalisation, accessors, PCA + flat search equals brute force on the
 * transformed vectors, ownership, bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexPreTransform_c.h>
#include <faiss/c_api/VectorTransform_c.h>

#include <math.h>
#include <stdlib.h>

enum { D = 8, DOUT = 4, NB = 300, NQ = 4, K = 3 };

static void test_pca_apply_and_reverse(void) {
    float* x = random_vectors(NB, D, 81);
    FaissPCAMatrix* pca = NULL;
    float xt[DOUT * 2], back[D * 2];
    float* alloc;
    int j;

    CHECK_OK(faiss_PCAMatrix_new_with(&pca, D, DOUT, 0.0f, 0));
    CHECK(faiss_VectorTransform_d_in(pca) == D);
    CHECK(faiss_VectorTransform_d_out(pca) == DOUT);
    CHECK(faiss_VectorTransform_is_trained(pca) == 0);
    CHECK_FAIL(faiss_VectorTransform_apply_noalloc(pca, 1, x, xt), FAISS_ERROR_NOT_TRAINED,
               "not trained");
    CHECK_OK(faiss_VectorTransform_train(pca, NB, x));
    CHECK(faiss_VectorTransform_is_trained(pca) == 1);
    CHECK(faiss_LinearTransform_have_bias(pca) == 1);
    CHECK(faiss_LinearTransform_is_orthonormal(pca) == 1);
    CHECK(faiss_PCAMatrix_eigen_power(pca) == 0.0f);
    CHECK(faiss_PCAMatrix_random_rotation(pca) == 0);

    CHECK_OK(faiss_VectorTransform_apply_noalloc(pca, 2, x, xt));
    alloc = faiss_VectorTransform_apply(pca, 2, x);
    CHECK(alloc != NULL);
    if (alloc) {
        for (j = 0; j < 2 * DOUT; j++)
            CHECK_NEAR(alloc[j], xt[j], 1e-6);
        free(alloc);
    }
    /* reverse(apply(x)) is the projection: applying again gives the same output. */
    CHECK_OK(faiss_VectorTransform_reverse_transform(pca, 2, xt, back));
    {
        float again[DOUT * 2];
        CHECK_OK(faiss_VectorTransform_apply_noalloc(pca, 2, back, again));
        for (j = 0; j < 2 * DOUT; j++)
            CHECK_NEAR(again[j], xt[j], 1e-4);
    }
    CHECK_OK(faiss_LinearTransform_transform_transpose(pca, 2, xt, back));
    CHECK_OK(faiss_LinearTransform_set_is_orthonormal(pca));
    CHECK(faiss_LinearTransform_is_orthonormal(pca) == 1);
    faiss_PCAMatrix_free(pca);
    free(x);
}

static void test_rotation_normalization_centering(void) {
    float* x = random_vectors(10, D, 82);
    FaissRandomRotationMatrix* rr = NULL;
    FaissNormalizationTransform* norm = NULL;
    FaissCenteringTransform* centre = NULL;
    FaissRemapDimensionsTransform* remap = NULL;
    FaissOPQMatrix* opq = NULL;
    FaissITQTransform* itq = NULL;
    FaissHadamardRotation* hr = NULL;
    float xt[10 * D], back[10 * D];
    int i, j;

    CHECK_OK(faiss_RandomRotationMatrix_new_with(&rr, D, D));
    CHECK_OK(faiss_VectorTransform_train(rr, 0, NULL));
    CHECK_OK(faiss_VectorTransform_apply_noalloc(rr, 10, x, xt));
    CHECK_OK(faiss_VectorTransform_reverse_transform(rr, 10, xt, back));
    for (j = 0; j < 10 * D; j++)
        CHECK_NEAR(back[j], x[j], 1e-5);
    faiss_RandomRotationMatrix_free(rr);

    CHECK_OK(faiss_NormalizationTransform_new_with(&norm, D, 2.0f));
    CHECK(faiss_NormalizationTransform_norm(norm) == 2.0f);
    CHECK_OK(faiss_VectorTransform_apply_noalloc(norm, 10, x, xt));
    for (i = 0; i < 10; i++) {
        double n2 = 0;
        for (j = 0; j < D; j++)
            n2 += (double)xt[i * D + j] * xt[i * D + j];
        CHECK_NEAR(n2, 1.0, 1e-5);
    }
    CHECK(faiss_PCAMatrix_random_rotation(norm) == -1);
    faiss_NormalizationTransform_free(norm);

    CHECK_OK(faiss_CenteringTransform_new_with(&centre, D));
    CHECK_OK(faiss_VectorTransform_train(centre, 10, x));
    CHECK_OK(faiss_VectorTransform_apply_noalloc(centre, 10, x, xt));
    CHECK_OK(faiss_VectorTransform_reverse_transform(centre, 10, xt, back));
    for (j = 0; j < 10 * D; j++)
        CHECK_NEAR(back[j], x[j], 1e-5);
    faiss_CenteringTransform_free(centre);

    CHECK_OK(faiss_RemapDimensionsTransform_new_with(&remap, D, D + 2, 0));
    CHECK(faiss_VectorTransform_d_out(remap) == D + 2);
    faiss_RemapDimensionsTransform_free(remap);

    CHECK_OK(faiss_OPQMatrix_new_with(&opq, D, 2, -1));
    CHECK(faiss_VectorTransform_d_out(opq) == D);
    CHECK_OK(faiss_OPQMatrix_set_niter(opq, 3));
    CHECK_OK(faiss_OPQMatrix_set_niter_pq(opq, 2));
    CHECK_OK(faiss_OPQMatrix_set_verbose(opq, 0));
    CHECK(faiss_OPQMatrix_niter(opq) == 3);
    CHECK(faiss_OPQMatrix_niter_pq(opq) == 2);
    CHECK(faiss_OPQMatrix_verbose(opq) == 0);
    CHECK_FAIL(faiss_OPQMatrix_set_niter(opq, -1), FAISS_ERROR_INVALID_ARGUMENT, "niter");
    faiss_OPQMatrix_free(opq);

    CHECK_OK(faiss_ITQTransform_new_with(&itq, D, D, 0));
    CHECK(faiss_ITQTransform_do_pca(itq) == 0);
    CHECK_OK(faiss_VectorTransform_train(itq, 10, x));
    CHECK_OK(faiss_VectorTransform_apply_noalloc(itq, 10, x, xt));
    CHECK_FAIL(faiss_VectorTransform_reverse_transform(itq, 10, xt, back), FAISS_ERROR_UNSUPPORTED,
               "reverse");
    faiss_ITQTransform_free(itq);

    CHECK_OK(faiss_HadamardRotation_new_with(&hr, D - 2, 5));
    CHECK(faiss_VectorTransform_d_out(hr) == D && faiss_VectorTransform_is_trained(hr) == 1);
    CHECK_OK(faiss_VectorTransform_apply_noalloc(hr, 1, x, xt));
    CHECK_OK(faiss_VectorTransform_reverse_transform(hr, 1, xt, back));
    for (j = 0; j < D - 2; j++)
        CHECK_NEAR(back[j], x[j], 1e-5);
    faiss_HadamardRotation_free(hr);
    free(x);
}

static void test_pretransform_search(void) {
    float* xb = random_vectors(NB, D, 83);
    float* xq = random_vectors(NQ, D, 84);
    FaissPCAMatrix* pca = NULL;
    FaissIndex* flat = NULL;
    FaissIndexPreTransform* index = NULL;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    float* tb;
    float* tq;

    CHECK_OK(faiss_PCAMatrix_new_with(&pca, D, DOUT, 0.0f, 0));
    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, DOUT));
    CHECK_OK(faiss_IndexPreTransform_new_with_transform(&index, pca, flat));
    CHECK(faiss_IndexPreTransform_cast(index) == index);
    CHECK(faiss_IndexPreTransform_cast(flat) == NULL);
    CHECK(faiss_IndexPreTransform_index(index) == flat);
    CHECK(faiss_IndexPreTransform_chain_size(index) == 1);
    CHECK(faiss_IndexPreTransform_chain(index, 0) == pca);
    CHECK(faiss_IndexPreTransform_chain(index, 1) == NULL);
    CHECK(faiss_IndexPreTransform_own_fields(index) == 0);
    CHECK(faiss_Index_d(index) == D);
    CHECK(faiss_Index_is_trained(index) == 0);
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    CHECK(faiss_Index_ntotal(index) == NB);
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    tb = faiss_VectorTransform_apply(pca, NB, xb);
    tq = faiss_VectorTransform_apply(pca, NQ, xq);
    CHECK(tb != NULL && tq != NULL);
    if (tb && tq) check_knn(tq, NQ, tb, NB, NULL, DOUT, K, METRIC_L2, 0, distances, labels);
    free(tb);
    free(tq);
    faiss_IndexPreTransform_free(index);
    faiss_Index_free(flat);
    faiss_PCAMatrix_free(pca);

    /* Owned: one free releases everything. */
    CHECK_OK(faiss_PCAMatrix_new_with(&pca, D, DOUT, 0.0f, 0));
    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, DOUT));
    CHECK_OK(faiss_IndexPreTransform_new_with(&index, flat));
    CHECK_OK(faiss_IndexPreTransform_prepend_transform(index, pca));
    CHECK_OK(faiss_IndexPreTransform_set_own_fields(index, 1));
    CHECK(faiss_IndexPreTransform_own_fields(index) == 1);
    faiss_Index_free(index);
    free(xb);
    free(xq);
}

static void test_transforms_bad_input(void) {
    FaissPCAMatrix* pca = NULL;
    FaissIndex* flat = NULL;
    FaissIndexPreTransform* index = NULL;
    FaissOPQMatrix* opq = NULL;
    float x[D] = {0};
    CHECK_FAIL(faiss_PCAMatrix_new_with(&pca, D, D + 1, 0.0f, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "more dimensions");
    CHECK_FAIL(faiss_OPQMatrix_new_with(&opq, 10, 3, -1), FAISS_ERROR_INVALID_ARGUMENT, "multiple");
    CHECK_FAIL(faiss_VectorTransform_train(NULL, 1, x), FAISS_ERROR_INVALID_ARGUMENT, "vt");
    CHECK(faiss_VectorTransform_d_in(NULL) == -1);
    CHECK(faiss_VectorTransform_apply(NULL, 1, x) == NULL);
    CHECK_OK(faiss_PCAMatrix_new_with(&pca, D, DOUT, 0.0f, 0));
    CHECK(faiss_VectorTransform_apply(pca, 1, x) == NULL);
    CHECK(c_test_last_error_contains("not trained"));
    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, DOUT + 1));
    CHECK_FAIL(faiss_IndexPreTransform_new_with_transform(&index, pca, flat),
               FAISS_ERROR_INVALID_ARGUMENT, "d_out");
    CHECK_FAIL(faiss_IndexPreTransform_new_with(&index, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "index");
    CHECK_FAIL(faiss_IndexPreTransform_prepend_transform(flat, pca), FAISS_ERROR_INVALID_ARGUMENT,
               "IndexPreTransform");
    CHECK(faiss_IndexPreTransform_own_fields(flat) == -1);
    faiss_Index_free(flat);
    faiss_PCAMatrix_free(pca);
}

void suite_transforms(void) {
    RUN(test_pca_apply_and_reverse);
    RUN(test_rotation_normalization_centering);
    RUN(test_pretransform_search);
    RUN(test_transforms_bad_input);
}
