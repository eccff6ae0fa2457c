/* faiss_index_factory, faiss_reverse_index_factory and faiss_ParameterSpace_*: built
 * types and parameters, exact search through a factory IVF, nested parameters, bad
 * strings with the token position in the message. */
#include "c_test.h"

#include <faiss/c_api/AutoTune_c.h>
#include <faiss/c_api/IndexIDMap_c.h>
#include <faiss/c_api/IndexIVF_c.h>
#include <faiss/c_api/IndexRefine_c.h>
#include <faiss/c_api/index_factory_c.h>

#include <stdlib.h>

enum { D = 8, NB = 300, NQ = 4, K = 3 };

static void test_factory_builds_and_searches(void) {
    float* xb = random_vectors(NB, D, 81);
    float* xq = random_vectors(NQ, D, 82);
    FaissIndex* index = NULL;
    FaissIndexIVF* ivf;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    char desc[64];

    CHECK_OK(faiss_index_factory(&index, D, "IVF4,Flat", METRIC_L2));
    ivf = faiss_IndexIVF_cast(index);
    CHECK(ivf != NULL);
    CHECK(faiss_IndexIVF_nlist(ivf) == 4);
    CHECK(faiss_Index_d(index) == D);
    CHECK_OK(faiss_Index_train(index, NB, xb));
    CHECK_OK(faiss_Index_add(index, NB, xb));
    {
        FaissParameterSpace* ps = NULL;
        CHECK_OK(faiss_ParameterSpace_new(&ps));
        CHECK_OK(faiss_ParameterSpace_set_index_parameters(ps, index, "nprobe=4"));
        faiss_ParameterSpace_free(ps);
    }
    CHECK_OK(faiss_Index_search(index, NQ, xq, K, distances, labels));
    check_knn(xq, NQ, xb, NB, NULL, D, K, METRIC_L2, 0, distances, labels);
    CHECK_OK(faiss_reverse_index_factory(index, desc, sizeof(desc)));
    CHECK(strcmp(desc, "IVF4,Flat") == 0);
    CHECK_FAIL(faiss_reverse_index_factory(index, desc, 5), FAISS_ERROR_INVALID_ARGUMENT,
               "too small");
    faiss_Index_free(index);

    index = NULL;
    CHECK_OK(faiss_index_factory(&index, D, "Flat,IDMap", METRIC_INNER_PRODUCT));
    CHECK(faiss_IndexIDMap_cast(index) != NULL);
    CHECK(faiss_Index_metric_type(index) == METRIC_INNER_PRODUCT);
    CHECK_OK(faiss_reverse_index_factory(index, desc, sizeof(desc)));
    CHECK(strcmp(desc, "IDMap,Flat") == 0);
    faiss_Index_free(index);
    free(xb);
    free(xq);
}

static void test_factory_bad_strings(void) {
    FaissIndex* index = NULL;
    CHECK_FAIL(faiss_index_factory(&index, D, "IVFX", METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "'IVFX' at position 0");
    CHECK_FAIL(faiss_index_factory(&index, D, "IVF4,PQ3", METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "3 does not divide d=8");
    CHECK_FAIL(faiss_index_factory(&index, D, "PQ4x4fs", METRIC_L2), FAISS_ERROR_UNSUPPORTED,
               "fast-scan");
    CHECK_FAIL(faiss_index_factory(&index, D, NULL, METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "description");
    CHECK_FAIL(faiss_index_factory(NULL, D, "Flat", METRIC_L2), FAISS_ERROR_INVALID_ARGUMENT,
               "p_index");
    CHECK(index == NULL);
}

static void test_parameter_space(void) {
    FaissIndex* index = NULL;
    FaissParameterSpace* ps = NULL;
    FaissParameterRange* range = NULL;
    double* values = NULL;
    size_t nvalues = 0;
    char name[128];

    CHECK_OK(faiss_index_factory(&index, D, "IDMap,IVF16,Flat,RFlat", METRIC_L2));
    CHECK_OK(faiss_ParameterSpace_new(&ps));
    CHECK_OK(faiss_ParameterSpace_set_index_parameters(ps, index, "nprobe=5,k_factor_rf=2"));
    {
        FaissIndex* refine = faiss_IndexIDMap_sub_index(faiss_IndexIDMap_cast(index));
        FaissIndex* base = faiss_IndexRefine_base_index(faiss_IndexRefine_cast(refine));
        CHECK(faiss_IndexIVF_nprobe(faiss_IndexIVF_cast(base)) == 5);
        CHECK(faiss_IndexRefine_k_factor(faiss_IndexRefine_cast(refine)) == 2.0f);
        CHECK_OK(faiss_ParameterSpace_set_index_parameter(ps, index, "nprobe", 3));
        CHECK(faiss_IndexIVF_nprobe(faiss_IndexIVF_cast(base)) == 3);
    }
    CHECK_FAIL(faiss_ParameterSpace_set_index_parameter(ps, index, "efSearchh", 3),
               FAISS_ERROR_INVALID_ARGUMENT, "could not set parameter 'efSearchh'");
    CHECK_FAIL(faiss_ParameterSpace_set_index_parameters(ps, index, "nprobe"),
               FAISS_ERROR_INVALID_ARGUMENT, "expected name=value");

    CHECK_OK(faiss_ParameterSpace_initialize(ps, index));
    CHECK(faiss_ParameterSpace_n_combinations(ps) == 7 * 4);
    CHECK_OK(faiss_ParameterSpace_combination_name(ps, 9, name, sizeof(name)));
    CHECK(strcmp(name, "k_factor_rf=4,nprobe=2") == 0);
    CHECK_FAIL(faiss_ParameterSpace_combination_name(ps, 28, name, sizeof(name)),
               FAISS_ERROR_INVALID_ARGUMENT, "out of range");
    CHECK_OK(faiss_ParameterSpace_set_index_parameters_cno(ps, index, 9));
    CHECK_OK(faiss_ParameterSpace_add_range(ps, "nprobe", &range));
    CHECK(strcmp(faiss_ParameterRange_name(range), "nprobe") == 0);
    faiss_ParameterRange_values(range, &values, &nvalues);
    CHECK(nvalues == 4 && values[3] == 8.0);
    faiss_ParameterSpace_free(ps);
    faiss_Index_free(index);
}

void suite_factory(void) {
    RUN(test_factory_builds_and_searches);
    RUN(test_factory_bad_strings);
    RUN(test_parameter_space);
}
