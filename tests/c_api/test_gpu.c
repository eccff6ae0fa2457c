/* The GPU entry points of the C API (c_api/gpu/): device count, StandardGpuResources,
 * cloner options, faiss_index_cpu_to_gpu / faiss_index_gpu_to_cpu. Built only with
 * FAISS_ENABLE_GPU=ON. The argument, option and unsupported-type checks run everywhere;
 * the copies to a GPU run only when a CUDA device is present (otherwise they are checked
 * to fail with FAISS_ERROR_CUDA). */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIDMap_c.h>
#include <faiss/c_api/gpu/DeviceUtils_c.h>
#include <faiss/c_api/gpu/GpuAutoTune_c.h>
#include <faiss/c_api/gpu/GpuClonerOptions_c.h>
#include <faiss/c_api/gpu/GpuIndex_c.h>
#include <faiss/c_api/gpu/StandardGpuResources_c.h>
#include <faiss/c_api/index_factory_c.h>

#include <stdlib.h>

enum { D = 16, NB = 300, NQ = 7, K = 5 };

static int num_gpus(void) {
    int n = -1;
    CHECK_OK(faiss_get_num_gpus(&n));
    return n;
}

static void test_device_count(void) {
    CHECK(num_gpus() >= 0);
    CHECK_FAIL(faiss_get_num_gpus(NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_output is null");
}

static void test_resources_setters(void) {
    FaissStandardGpuResources* res = NULL;
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK(res != NULL);
    CHECK_OK(faiss_StandardGpuResources_setTempMemory(res, 64 << 20));
    CHECK_OK(faiss_StandardGpuResources_setPinnedMemory(res, 1 << 20));
    CHECK_OK(faiss_StandardGpuResources_noTempMemory(res));
    CHECK_FAIL(faiss_StandardGpuResources_new(NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_res is null");
    CHECK_FAIL(faiss_StandardGpuResources_setTempMemory(NULL, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "res is null");
    faiss_StandardGpuResources_free(res);
    faiss_StandardGpuResources_free(NULL);
    faiss_GpuResourcesProvider_free(NULL);
}

static void test_cloner_options(void) {
    FaissGpuClonerOptions* co = NULL;
    FaissGpuMultipleClonerOptions* mco = NULL;
    CHECK_OK(faiss_GpuClonerOptions_new(&co));
    CHECK(faiss_GpuClonerOptions_indicesOptions(co) == INDICES_64_BIT);
    CHECK(faiss_GpuClonerOptions_useFloat16(co) == 0);
    CHECK(faiss_GpuClonerOptions_reserveVecs(co) == 0);
    CHECK(faiss_GpuClonerOptions_allowCpuCoarseQuantizer(co) == 0);
    CHECK_OK(faiss_GpuClonerOptions_set_useFloat16(co, 1));
    CHECK(faiss_GpuClonerOptions_useFloat16(co) == 1);
    CHECK_OK(faiss_GpuClonerOptions_set_reserveVecs(co, 1000));
    CHECK(faiss_GpuClonerOptions_reserveVecs(co) == 1000);
    CHECK_OK(faiss_GpuClonerOptions_set_indicesOptions(co, INDICES_32_BIT));
    CHECK(faiss_GpuClonerOptions_indicesOptions(co) == INDICES_32_BIT);
    CHECK_FAIL(faiss_GpuClonerOptions_set_indicesOptions(co, (FaissIndicesOptions)7),
               FAISS_ERROR_INVALID_ARGUMENT, "got 7");
    CHECK_FAIL(faiss_GpuClonerOptions_set_verbose(NULL, 1), FAISS_ERROR_INVALID_ARGUMENT,
               "options is null");
    c_test_arm_last_error();
    CHECK(faiss_GpuClonerOptions_verbose(NULL) == -1);
    CHECK(c_test_fresh_error_contains("options is null"));

    CHECK_OK(faiss_GpuMultipleClonerOptions_new(&mco));
    CHECK(faiss_GpuMultipleClonerOptions_shard(mco) == 0);
    CHECK(faiss_GpuMultipleClonerOptions_shard_type(mco) == 1);
    CHECK_OK(faiss_GpuMultipleClonerOptions_set_shard(mco, 1));
    CHECK(faiss_GpuMultipleClonerOptions_shard(mco) == 1);
    CHECK_OK(faiss_GpuClonerOptions_set_storeTransposed(mco, 1));
    CHECK(faiss_GpuClonerOptions_storeTransposed(mco) == 1);
    faiss_GpuMultipleClonerOptions_free(mco);
    faiss_GpuClonerOptions_free(co);
    faiss_GpuClonerOptions_free(NULL);
}

static void test_bad_arguments(void) {
    FaissIndex* flat = NULL;
    FaissGpuIndex* gpu = NULL;
    FaissIndex* cpu = NULL;
    FaissGpuResourcesProvider* provs[2] = {NULL, NULL};
    int devices[2] = {0, 1};
    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, D));
    CHECK_FAIL(faiss_index_cpu_to_gpu(NULL, 0, flat, &gpu), FAISS_ERROR_INVALID_ARGUMENT,
               "provider is null");
    CHECK_FAIL(faiss_index_gpu_to_cpu(NULL, &cpu), FAISS_ERROR_INVALID_ARGUMENT,
               "gpu_index is null");
    CHECK_FAIL(faiss_index_gpu_to_cpu(flat, NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_out is null");
    CHECK_FAIL(faiss_index_cpu_to_gpu_multiple(provs, devices, 1, flat, &gpu),
               FAISS_ERROR_INVALID_ARGUMENT, "providers_vec[0] is null");
    CHECK_FAIL(faiss_index_cpu_to_gpu_multiple_with_options(provs, 1, devices, 2, flat, NULL, &gpu),
               FAISS_ERROR_INVALID_ARGUMENT, "1 providers for 2 devices");
    CHECK_FAIL(faiss_index_cpu_to_gpu_multiple(NULL, devices, 1, flat, &gpu),
               FAISS_ERROR_INVALID_ARGUMENT, "providers_vec is null");
    CHECK(gpu == NULL && cpu == NULL);
    CHECK(faiss_GpuIndex_cast(flat) == NULL);
    CHECK(faiss_GpuIndex_cast(NULL) == NULL);
    CHECK_FAIL(faiss_GpuIndex_getDevice(flat, devices), FAISS_ERROR_INVALID_ARGUMENT,
               "not a GPU index");
    faiss_Index_free(flat);
}

/* The resource accessors check their handles before touching a device. */
static void test_resource_accessors_check_arguments(void) {
    FaissGpuResources* g = NULL;
    struct CUstream_st* stream = NULL;
    struct cublasContext* handle = NULL;
    void* data = NULL;
    size_t size = 0;
    CHECK_FAIL(faiss_GpuResourcesProvider_getResources(NULL, &g), FAISS_ERROR_INVALID_ARGUMENT,
               "provider is null");
    CHECK_FAIL(faiss_GpuResources_initializeForDevice(NULL, 0), FAISS_ERROR_INVALID_ARGUMENT,
               "res is null");
    CHECK_FAIL(faiss_GpuResources_getDefaultStream(NULL, 0, &stream), FAISS_ERROR_INVALID_ARGUMENT,
               "res is null");
    CHECK_FAIL(faiss_GpuResources_getBlasHandleCurrentDevice(NULL, &handle),
               FAISS_ERROR_INVALID_ARGUMENT, "res is null");
    CHECK_FAIL(faiss_GpuResources_getPinnedMemory(NULL, &data, &size), FAISS_ERROR_INVALID_ARGUMENT,
               "res is null");
    CHECK_FAIL(faiss_GpuResources_syncDefaultStreamCurrentDevice(NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "res is null");
    CHECK_FAIL(faiss_StandardGpuResources_setDefaultStream(NULL, 0, NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "res is null");
    CHECK_FAIL(faiss_StandardGpuResources_setDefaultNullStreamAllDevices(NULL),
               FAISS_ERROR_INVALID_ARGUMENT, "res is null");
    CHECK(g == NULL && stream == NULL && handle == NULL);
}

/* The per-device resources behind a StandardGpuResources (needs a device). */
static void test_resource_accessors(void) {
    FaissStandardGpuResources* res = NULL;
    FaissGpuResources* g = NULL;
    struct CUstream_st* stream = NULL;
    struct CUstream_st* copy_stream = NULL;
    struct cublasContext* handle = NULL;
    void* data = NULL;
    size_t size = 0;
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK_OK(faiss_GpuResourcesProvider_getResources(res, &g));
    CHECK(g != NULL);
    CHECK_OK(faiss_GpuResources_initializeForDevice(g, 0));
    CHECK_OK(faiss_GpuResources_getBlasHandle(g, 0, &handle));
    CHECK(handle != NULL);
    CHECK_OK(faiss_GpuResources_getDefaultStream(g, 0, &stream));
    CHECK_OK(faiss_GpuResources_getAsyncCopyStream(g, 0, &copy_stream));
    CHECK(copy_stream != NULL);
    CHECK_OK(faiss_GpuResources_getPinnedMemory(g, &data, &size));
    CHECK((data == NULL) == (size == 0));
    CHECK_OK(faiss_GpuResources_syncDefaultStream(g, 0));
    CHECK_OK(faiss_GpuResources_syncDefaultStreamCurrentDevice(g));
    CHECK_OK(faiss_gpu_sync_all_devices());
    CHECK_FAIL(faiss_GpuResources_getDefaultStream(g, 0, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "p_stream is null");
    faiss_StandardGpuResources_free(res);
}

/* With a resources object (needs a device): the checks that follow the provider's. */
static void test_bad_arguments_with_resources(void) {
    FaissStandardGpuResources* res = NULL;
    FaissIndex* flat = NULL;
    FaissGpuIndex* gpu = NULL;
    FaissGpuResourcesProvider* provs[2];
    int devices[2] = {0, 0};
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK_OK(faiss_IndexFlatL2_new_with(&flat, D));
    provs[0] = res;
    provs[1] = res;
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, 0, NULL, &gpu), FAISS_ERROR_INVALID_ARGUMENT,
               "index is null");
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, 0, flat, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "p_out is null");
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, -1, flat, &gpu), FAISS_ERROR_INVALID_ARGUMENT, "device");
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, num_gpus(), flat, &gpu), FAISS_ERROR_INVALID_ARGUMENT,
               "device");
    CHECK_FAIL(faiss_index_cpu_to_gpu_multiple(provs, devices, 0, flat, &gpu),
               FAISS_ERROR_INVALID_ARGUMENT, "no device");
    CHECK_FAIL(faiss_index_cpu_to_gpu_multiple(provs, devices, 2, flat, &gpu),
               FAISS_ERROR_UNSUPPORTED, "IndexReplicas");
    CHECK(gpu == NULL);
    faiss_Index_free(flat);
    faiss_StandardGpuResources_free(res);
}

static void test_unsupported_type_is_named(void) {
    FaissStandardGpuResources* res = NULL;
    FaissIndex* hnsw = NULL;
    FaissIndex* map = NULL;
    FaissGpuIndex* gpu = NULL;
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK_OK(faiss_index_factory(&hnsw, D, "HNSW8", METRIC_L2));
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, 0, hnsw, &gpu), FAISS_ERROR_UNSUPPORTED,
               "IndexHNSWFlat");
    CHECK_OK(faiss_IndexIDMap_new(&map, hnsw));
    CHECK_FAIL(faiss_index_cpu_to_gpu(res, 0, map, &gpu), FAISS_ERROR_UNSUPPORTED, "IndexHNSWFlat");
    CHECK(gpu == NULL);
    faiss_Index_free(map);
    faiss_Index_free(hnsw);
    faiss_StandardGpuResources_free(res);
}

/* index_gpu_to_cpu of an index without GPU parts is a deep copy. */
static void test_gpu_to_cpu_of_cpu_index_copies(void) {
    float* xb = random_vectors(NB, D, 91);
    float* xq = random_vectors(NQ, D, 92);
    FaissIndex* flat = NULL;
    FaissIndex* copy = NULL;
    float d1[NQ * K], d2[NQ * K];
    idx_t l1[NQ * K], l2[NQ * K];
    CHECK_OK(faiss_IndexFlatIP_new_with(&flat, D));
    CHECK_OK(faiss_Index_add(flat, NB, xb));
    CHECK_OK(faiss_index_gpu_to_cpu(flat, &copy));
    CHECK(copy != NULL && copy != flat);
    CHECK(faiss_IndexFlatIP_cast(copy) == copy);
    CHECK(faiss_Index_ntotal(copy) == NB);
    CHECK_OK(faiss_Index_search(flat, NQ, xq, K, d1, l1));
    CHECK_OK(faiss_Index_search(copy, NQ, xq, K, d2, l2));
    CHECK(memcmp(l1, l2, sizeof(l1)) == 0 && memcmp(d1, d2, sizeof(d1)) == 0);
    faiss_Index_free(copy);
    faiss_Index_free(flat);
    free(xb);
    free(xq);
}

/* Without a device the resources object cannot be made, and says why. */
static void test_no_device_fails_with_cuda_error(void) {
    FaissStandardGpuResources* res = NULL;
    CHECK_FAIL(faiss_StandardGpuResources_new(&res), FAISS_ERROR_CUDA, "no CUDA device");
    CHECK(res == NULL);
}

/* Flat L2 and IP, plain and inside an IndexIDMap: same results on the GPU, same vectors
 * after the copy back. */
static void round_trip(FaissMetricType metric, int with_idmap, int float16) {
    float* xb = random_vectors(NB, D, 93);
    float* xq = random_vectors(NQ, D, 94);
    idx_t ids[NB];
    FaissStandardGpuResources* res = NULL;
    FaissGpuClonerOptions* co = NULL;
    FaissIndex* flat = NULL;
    FaissIndex* cpu = NULL;
    FaissGpuIndex* gpu = NULL;
    FaissIndex* back = NULL;
    FaissIndex* gpu_leaf = NULL;
    float distances[NQ * K];
    idx_t labels[NQ * K];
    int device = -1;
    size_t i;
    for (i = 0; i < NB; i++)
        ids[i] = 1000 + 3 * (idx_t)i;
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK_OK(faiss_GpuClonerOptions_new(&co));
    CHECK_OK(faiss_GpuClonerOptions_set_useFloat16(co, float16));
    CHECK_OK(faiss_IndexFlat_new_with(&flat, D, metric));
    cpu = flat;
    if (with_idmap) {
        CHECK_OK(faiss_IndexIDMap_new(&cpu, flat));
        CHECK_OK(faiss_Index_add_with_ids(cpu, NB, xb, ids));
    } else {
        CHECK_OK(faiss_Index_add(cpu, NB, xb));
    }
    CHECK_OK(faiss_index_cpu_to_gpu_with_options(res, 0, cpu, co, &gpu));
    if (gpu) {
        gpu_leaf = with_idmap ? faiss_IndexIDMap_sub_index(gpu) : gpu;
        CHECK(faiss_GpuIndex_cast(gpu_leaf) == gpu_leaf);
        CHECK_OK(faiss_GpuIndex_getDevice(gpu_leaf, &device));
        CHECK(device == 0);
        CHECK(faiss_Index_ntotal(gpu) == NB);
        CHECK_OK(faiss_Index_search(gpu, NQ, xq, K, distances, labels));
        if (!float16)
            check_knn(xq, NQ, xb, NB, with_idmap ? ids : NULL, D, K, metric, 0, distances, labels);
        CHECK_OK(faiss_index_gpu_to_cpu(gpu, &back));
    }
    if (back) {
        FaissIndex* leaf = with_idmap ? faiss_IndexIDMap_sub_index(back) : back;
        float* xb_back = NULL;
        size_t size = 0;
        CHECK(faiss_GpuIndex_cast(leaf) == NULL);
        CHECK_OK(faiss_IndexFlat_xb(leaf, &xb_back, &size));
        CHECK(size == (size_t)NB * D);
        if (!float16 && xb_back) CHECK(memcmp(xb_back, xb, sizeof(float) * NB * D) == 0);
    }
    faiss_Index_free(back);
    faiss_Index_free(gpu);
    if (with_idmap) faiss_Index_free(cpu);
    faiss_Index_free(flat);
    faiss_GpuClonerOptions_free(co);
    faiss_StandardGpuResources_free(res);
    free(xb);
    free(xq);
}

static void test_round_trip_l2(void) {
    round_trip(METRIC_L2, 0, 0);
}
static void test_round_trip_ip_idmap(void) {
    round_trip(METRIC_INNER_PRODUCT, 1, 0);
}
static void test_round_trip_float16(void) {
    round_trip(METRIC_L2, 0, 1);
}

void suite_gpu(void) {
    RUN(test_device_count);
    RUN(test_cloner_options);
    RUN(test_bad_arguments);
    RUN(test_resource_accessors_check_arguments);
    RUN(test_gpu_to_cpu_of_cpu_index_copies);
    if (num_gpus() == 0) {
        RUN(test_no_device_fails_with_cuda_error);
        printf("suite gpu: no CUDA device, the cases that need one are skipped\n");
        return;
    }
    RUN(test_resources_setters);
    RUN(test_resource_accessors);
    RUN(test_bad_arguments_with_resources);
    RUN(test_unsupported_type_is_named);
    RUN(test_round_trip_l2);
    RUN(test_round_trip_ip_idmap);
    RUN(test_round_trip_float16);
}
