/* faiss_write_index* / faiss_read_index* / faiss_clone_index: a C program builds an IVF
 * index, saves it (file name, FILE*, buffer), loads it back and searches it; bad input. */
#include "c_test.h"

#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIVFFlat_c.h>
#include <faiss/c_api/IndexIVF_c.h>
#include <faiss/c_api/index_factory_c.h>
#include <faiss/c_api/index_io_c.h>

#include <stdlib.h>

enum { D = 8, NB = 300, NQ = 6, K = 5, NLIST = 4 };

static FaissIndex* build_ivf(const float* xb) {
    FaissIndex* quantizer = NULL;
    FaissIndexIVFFlat* ivf = NULL;
    CHECK_OK(faiss_IndexFlatL2_new_with(&quantizer, D));
    CHECK_OK(faiss_IndexIVFFlat_new_with(&ivf, quantizer, D, NLIST));
    CHECK_OK(faiss_IndexIVF_set_own_fields(ivf, 1));
    CHECK_OK(faiss_Index_train(ivf, NB, xb));
    CHECK_OK(faiss_Index_add(ivf, NB, xb));
    CHECK_OK(faiss_IndexIVF_set_nprobe(ivf, 2));
    return ivf;
}

/* Both indexes give the same results for the queries xq. */
static void check_same_search(FaissIndex* a, FaissIndex* b, const float* xq) {
    float da[NQ * K], db[NQ * K];
    idx_t la[NQ * K], lb[NQ * K];
    CHECK_OK(faiss_Index_search(a, NQ, xq, K, da, la));
    CHECK_OK(faiss_Index_search(b, NQ, xq, K, db, lb));
    CHECK(memcmp(la, lb, sizeof(la)) == 0);
    CHECK(memcmp(da, db, sizeof(da)) == 0);
}

static void test_io_save_load_search_ivf(void) {
    float* xb = random_vectors(NB, D, 81);
    float* xq = random_vectors(NQ, D, 82);
    const char* path = "c_api_test_io.index";
    FaissIndex* ivf = build_ivf(xb);
    FaissIndex* loaded = NULL;
    FaissIndex* from_file = NULL;
    FILE* f;

    CHECK_OK(faiss_write_index_fname(ivf, path));
    CHECK_OK(faiss_read_index_fname(path, 0, &loaded));
    CHECK(loaded != NULL);
    CHECK(faiss_IndexIVFFlat_cast(loaded) == loaded);
    CHECK(faiss_Index_ntotal(loaded) == NB);
    CHECK(faiss_IndexIVF_nprobe(loaded) == 2);
    CHECK(faiss_IndexIVF_nlist(loaded) == NLIST);
    check_same_search(ivf, loaded, xq);

    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_OK(faiss_write_index(ivf, f));
        fclose(f);
    }
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_OK(faiss_read_index(f, 0, &from_file));
        fclose(f);
        check_same_search(ivf, from_file, xq);
    }
    remove(path);

    faiss_Index_free(from_file);
    faiss_Index_free(loaded);
    faiss_Index_free(ivf);
    free(xb);
    free(xq);
}

static void test_io_buffer_and_clone(void) {
    float* xb = random_vectors(NB, D, 83);
    float* xq = random_vectors(NQ, D, 84);
    FaissIndex* ivf = build_ivf(xb);
    FaissIndex* back = NULL;
    FaissIndex* copy = NULL;
    unsigned char* buf = NULL;
    unsigned char* buf2 = NULL;
    size_t size = 0, size2 = 0;

    CHECK_OK(faiss_write_index_buf(ivf, &size, &buf));
    CHECK(size > 0 && buf != NULL);
    CHECK(memcmp(buf, "IwFl", 4) == 0);
    CHECK_OK(faiss_read_index_buf(buf, size, 0, &back));
    check_same_search(ivf, back, xq);
    /* saving what was loaded gives the same bytes */
    CHECK_OK(faiss_write_index_buf(back, &size2, &buf2));
    CHECK(size2 == size && memcmp(buf, buf2, size) == 0);

    CHECK_OK(faiss_clone_index(ivf, &copy));
    CHECK(copy != ivf && faiss_IndexIVFFlat_cast(copy) == copy);
    check_same_search(ivf, copy, xq);
    CHECK_OK(faiss_Index_add(ivf, 10, xb));
    CHECK(faiss_Index_ntotal(copy) == NB);

    free(buf);
    free(buf2);
    faiss_Index_free(copy);
    faiss_Index_free(back);
    faiss_Index_free(ivf);
    free(xb);
    free(xq);
}

static void test_io_bad_input(void) {
    float* xb = random_vectors(NB, D, 85);
    FaissIndex* ivf = build_ivf(xb);
    FaissIndex* out = NULL;
    unsigned char* buf = NULL;
    size_t size = 0, cut;

    CHECK_FAIL(faiss_read_index_fname("/nonexistent/dir/none.index", 0, &out), FAISS_ERROR_IO,
               "could not open");
    CHECK_FAIL(faiss_read_index_fname(NULL, 0, &out), FAISS_ERROR_INVALID_ARGUMENT, "fname");
    CHECK_FAIL(faiss_write_index_fname(NULL, "x.index"), FAISS_ERROR_INVALID_ARGUMENT, "idx");
    CHECK_FAIL(faiss_read_index_buf(NULL, 10, 0, &out), FAISS_ERROR_INVALID_ARGUMENT, "buf");
    CHECK_FAIL(faiss_clone_index(ivf, NULL), FAISS_ERROR_INVALID_ARGUMENT, "p_out");

    CHECK_OK(faiss_write_index_buf(ivf, &size, &buf));
    /* truncated buffers are corrupt data, with the field and offset in the message */
    for (cut = 0; cut < size; cut += size / 37 + 1) {
        out = NULL;
        CHECK_FAIL(faiss_read_index_buf(buf, cut, 0, &out), FAISS_ERROR_CORRUPT_DATA,
                   "byte offset");
        CHECK(out == NULL);
    }
    buf[0] = 'Z';
    CHECK_FAIL(faiss_read_index_buf(buf, size, 0, &out), FAISS_ERROR_CORRUPT_DATA,
               "not recognized");
    free(buf);
    faiss_Index_free(ivf);
    free(xb);
}

/* The whole content of a file (caller frees), its size in *size. */
static unsigned char* file_content(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    unsigned char* buf = NULL;
    long n;
    *size = 0;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (unsigned char*)malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) *size = (size_t)n;
    fclose(f);
    return buf;
}

/* IO_FLAG_MMAP for Flat, SQ, PQ, HNSW and IVF: mapped loads search as normal loads;
 * with FAISS_IO_FLAG_READ_ONLY add / reset fail with FAISS_ERROR_UNSUPPORTED and change
 * nothing; without it the first add copies; clones own their data; the file never
 * changes. */
static void test_io_mmap(void) {
    static const char* const kinds[] = {"Flat", "SQ8", "PQ4x4", "HNSW8", "HNSW8_SQ8", "IVF4,Flat"};
    float* xb = random_vectors(NB, D, 91);
    float* xq = random_vectors(NQ, D, 92);
    const char* path = "c_api_test_io_mmap.index";
    size_t k;
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        FaissIndex* index = NULL;
        FaissIndex* ro = NULL;
        FaissIndex* cow = NULL;
        FaissIndex* copy = NULL;
        unsigned char *before, *after;
        size_t nbefore, nafter;
        CHECK_OK(faiss_index_factory(&index, D, kinds[k], METRIC_L2));
        CHECK_OK(faiss_Index_train(index, NB, xb));
        CHECK_OK(faiss_Index_add(index, NB, xb));
        CHECK_OK(faiss_write_index_fname(index, path));
        before = file_content(path, &nbefore);

        CHECK_OK(faiss_read_index_fname(path, FAISS_IO_FLAG_MMAP | FAISS_IO_FLAG_READ_ONLY, &ro));
        check_same_search(index, ro, xq);
        CHECK_FAIL(faiss_Index_add(ro, 3, xb), FAISS_ERROR_UNSUPPORTED, "IO_FLAG_READ_ONLY");
        CHECK_FAIL(faiss_Index_reset(ro), FAISS_ERROR_UNSUPPORTED, "IO_FLAG_READ_ONLY");
        CHECK(faiss_Index_ntotal(ro) == NB);
        check_same_search(index, ro, xq);
        if (k == 0) {
            float* xb_view = NULL;
            size_t n_floats = 0;
            CHECK_OK(faiss_IndexFlat_xb(ro, &xb_view, &n_floats));
            CHECK(n_floats == (size_t)NB * D && xb_view && xb_view[5] == xb[5]);
        }
        CHECK_OK(faiss_clone_index(ro, &copy));
        faiss_Index_free(ro);
        CHECK_OK(faiss_Index_add(copy, 3, xb));
        CHECK(faiss_Index_ntotal(copy) == NB + 3);

        CHECK_OK(faiss_read_index_fname(path, FAISS_IO_FLAG_MMAP_IFC, &cow));
        CHECK_OK(faiss_Index_add(cow, 3, xb));
        CHECK_OK(faiss_Index_add(index, 3, xb));
        check_same_search(index, cow, xq);
        faiss_Index_free(cow);

        after = file_content(path, &nafter);
        CHECK(before && after && nbefore == nafter && memcmp(before, after, nbefore) == 0);
        free(before);
        free(after);
        faiss_Index_free(copy);
        faiss_Index_free(index);
    }
    remove(path);
    free(xq);
    free(xb);
}

void suite_io(void) {
    RUN(test_io_mmap);
    RUN(test_io_save_load_search_ivf);
    RUN(test_io_buffer_and_clone);
    RUN(test_io_bad_input);
}
