/* The GPU IVF indexes through the C API: faiss_index_cpu_to_gpu / faiss_index_gpu_to_cpu
 * of IndexIVFFlat / IndexIVFScalarQuantizer / IndexIVFPQ made by faiss_index_factory:
 * the GPU index searches like the CPU index (every list probed) and the copy back is an
 * IVF index with the same results (those cases need a device; test_gpu.c checks the
 * no-device errors). Built only with FAISS_ENABLE_GPU=ON. */
#include "c_test.h"

#include <faiss/c_api/IndexIVF_c.h>
#include <faiss/c_api/gpu/DeviceUtils_c.h>
#include <faiss/c_api/gpu/GpuAutoTune_c.h>
#include <faiss/c_api/gpu/GpuIndex_c.h>
#include <faiss/c_api/gpu/StandardGpuResources_c.h>
#include <faiss/c_api/index_factory_c.h>

#include <stdlib.h>
#include <string.h>

enum { D = 16, NB = 2000, NQ = 10, K = 5, NLIST = 8 };

static FaissIndex* trained_ivf(const char* key, const float* xb) {
    FaissIndex* cpu = NULL;
    CHECK_OK(faiss_index_factory(&cpu, D, key, METRIC_L2));
    CHECK_OK(faiss_Index_train(cpu, NB, xb));
    CHECK_OK(faiss_Index_add(cpu, NB, xb));
    CHECK_OK(faiss_IndexIVF_set_nprobe(faiss_IndexIVF_cast(cpu), NLIST));
    return cpu;
}

static void round_trip(const char* key) {
    float* xb = random_vectors(NB, D, 502);
    float* xq = random_vectors(NQ, D, 503);
    FaissStandardGpuResources* res = NULL;
    FaissIndex* cpu = trained_ivf(key, xb);
    FaissGpuIndex* gpu = NULL;
    FaissIndex* back = NULL;
    float dc[NQ * K], dg[NQ * K], db[NQ * K];
    idx_t lc[NQ * K], lg[NQ * K], lb[NQ * K];
    int i, same = 0;
    CHECK_OK(faiss_StandardGpuResources_new(&res));
    CHECK_OK(faiss_index_cpu_to_gpu(res, 0, cpu, &gpu));
    CHECK(gpu != NULL && faiss_GpuIndex_cast(gpu) == gpu);
    CHECK(faiss_Index_ntotal(gpu) == NB);
    CHECK_OK(faiss_Index_search(cpu, NQ, xq, K, dc, lc));
    CHECK_OK(faiss_Index_search(gpu, NQ, xq, K, dg, lg));
    for (i = 0; i < NQ * K; i++) {
        same += lc[i] == lg[i];
        CHECK_NEAR(dg[i], dc[i], 1e-3 * (1 + dc[i]));
    }
    CHECK(same >= NQ * K * 9 / 10);
    CHECK_OK(faiss_index_gpu_to_cpu(gpu, &back));
    CHECK(back != NULL && faiss_GpuIndex_cast(back) == NULL && faiss_IndexIVF_cast(back) != NULL);
    CHECK_OK(faiss_IndexIVF_set_nprobe(faiss_IndexIVF_cast(back), NLIST));
    CHECK_OK(faiss_Index_search(back, NQ, xq, K, db, lb));
    CHECK(memcmp(lb, lc, sizeof(lc)) == 0);
    faiss_Index_free(back);
    faiss_Index_free(gpu);
    faiss_Index_free(cpu);
    faiss_StandardGpuResources_free(res);
    free(xb);
    free(xq);
}

/* index_gpu_to_cpu of a CPU IVF index (no GPU part) is a deep copy of the same type:
 * runs without a device. */
static void test_gpu_to_cpu_of_cpu_ivf_copies(void) {
    float* xb = random_vectors(NB, D, 504);
    float* xq = random_vectors(NQ, D, 505);
    FaissIndex* cpu = trained_ivf("IVF8,SQ8", xb);
    FaissIndex* copy = NULL;
    float d1[NQ * K], d2[NQ * K];
    idx_t l1[NQ * K], l2[NQ * K];
    CHECK_OK(faiss_index_gpu_to_cpu(cpu, &copy));
    CHECK(copy != NULL && copy != cpu && faiss_IndexIVF_cast(copy) != NULL);
    CHECK(faiss_GpuIndex_cast(copy) == NULL);
    CHECK_OK(faiss_IndexIVF_set_nprobe(faiss_IndexIVF_cast(copy), NLIST));
    CHECK_OK(faiss_Index_search(cpu, NQ, xq, K, d1, l1));
    CHECK_OK(faiss_Index_search(copy, NQ, xq, K, d2, l2));
    CHECK(memcmp(l1, l2, sizeof(l1)) == 0 && memcmp(d1, d2, sizeof(d1)) == 0);
    faiss_Index_free(copy);
    faiss_Index_free(cpu);
    free(xb);
    free(xq);
}

static void test_ivf_flat(void) {
    round_trip("IVF8,Flat");
}
static void test_ivf_sq8(void) {
    round_trip("IVF8,SQ8");
}
static void test_ivf_pq(void) {
    round_trip("IVF8,PQ4np");
}

void suite_gpu_ivf(void) {
    int n = 0;
    CHECK_OK(faiss_get_num_gpus(&n));
    RUN(test_gpu_to_cpu_of_cpu_ivf_copies);
    if (n == 0) {
        printf("suite gpu_ivf: no CUDA device, the cases that need one are skipped\n");
        return;
    }
    RUN(test_ivf_flat);
    RUN(test_ivf_sq8);
    RUN(test_ivf_pq);
}
