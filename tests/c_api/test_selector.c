/* The IDSelector family: membership of every kind, getters, combinators, bad input. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>

static void test_range_selector(void) {
    FaissIDSelectorRange* sel = NULL;
    FaissIDSelector* out = NULL;
    CHECK_OK(faiss_IDSelectorRange_new(&sel, -5, 10));
    CHECK(faiss_IDSelectorRange_imin(sel) == -5);
    CHECK(faiss_IDSelectorRange_imax(sel) == 10);
    CHECK(faiss_IDSelector_is_member(sel, -5) == 1);
    CHECK(faiss_IDSelector_is_member(sel, 9) == 1);
    CHECK(faiss_IDSelector_is_member(sel, 10) == 0);
    CHECK(faiss_IDSelector_is_member(sel, -6) == 0);
    faiss_IDSelectorRange_free(sel);

    CHECK_FAIL(faiss_IDSelectorRange_new(&out, 10, 3), FAISS_ERROR_INVALID_ARGUMENT, "10");
    CHECK(out == NULL);
    CHECK_FAIL(faiss_IDSelectorRange_new(NULL, 0, 3), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorRange_new: p_sel is null");
    CHECK(faiss_IDSelectorRange_imin(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_IDSelectorRange_imin: sel is null"));
    CHECK(faiss_IDSelectorRange_imax(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_IDSelectorRange_imax: sel is null"));
}

static void test_array_and_batch_selectors(void) {
    idx_t ids[4] = {7, 3, 1000000007LL, -2};
    FaissIDSelectorArray* array = NULL;
    FaissIDSelectorBatch* batch = NULL;
    FaissIDSelector* out = NULL;
    int nbits;

    CHECK_OK(faiss_IDSelectorArray_new(&array, 4, ids));
    CHECK_OK(faiss_IDSelectorBatch_new(&batch, 4, ids));
    CHECK(faiss_IDSelector_is_member(array, 3) == 1 && faiss_IDSelector_is_member(batch, 3) == 1);
    CHECK(faiss_IDSelector_is_member(array, 1000000007LL) == 1);
    CHECK(faiss_IDSelector_is_member(batch, 1000000007LL) == 1);
    CHECK(faiss_IDSelector_is_member(array, -2) == 1 && faiss_IDSelector_is_member(batch, -2) == 1);
    CHECK(faiss_IDSelector_is_member(array, 4) == 0 && faiss_IDSelector_is_member(batch, 4) == 0);

    nbits = faiss_IDSelectorBatch_nbits(batch);
    CHECK(nbits > 0 && nbits < 64);
    if (nbits > 0 && nbits < 64)
        CHECK(faiss_IDSelectorBatch_mask(batch) == ((idx_t)1 << nbits) - 1);

    /* Batch copies its ids, Array refers to them */
    ids[1] = 4;
    CHECK(faiss_IDSelector_is_member(batch, 3) == 1 && faiss_IDSelector_is_member(batch, 4) == 0);
    CHECK(faiss_IDSelector_is_member(array, 3) == 0 && faiss_IDSelector_is_member(array, 4) == 1);

    /* getters of one kind refuse another kind */
    CHECK(faiss_IDSelectorBatch_nbits(array) == -1);
    CHECK(c_test_last_error_contains("sel is not an IDSelectorBatch"));
    CHECK(faiss_IDSelectorRange_imin(batch) == -1);
    CHECK(c_test_last_error_contains("sel is not an IDSelectorRange"));
    CHECK(faiss_IDSelectorBatch_mask(NULL) == -1);
    CHECK(c_test_last_error_contains("faiss_IDSelectorBatch_mask: sel is null"));

    CHECK_FAIL(faiss_IDSelectorArray_new(&out, 3, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IDSelectorBatch_new(&out, 3, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IDSelectorArray_new(NULL, 3, ids), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorArray_new: p_sel is null");
    CHECK_FAIL(faiss_IDSelectorBatch_new(NULL, 3, ids), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorBatch_new: p_sel is null");
    CHECK(out == NULL);
    /* empty sets are valid */
    CHECK_OK(faiss_IDSelectorBatch_new(&out, 0, NULL));
    CHECK(faiss_IDSelector_is_member(out, 0) == 0);
    faiss_IDSelector_free(out);

    faiss_IDSelectorArray_free(array);
    faiss_IDSelectorBatch_free(batch);
}

static void test_bitmap_selector(void) {
    uint8_t bitmap[2] = {0x05, 0x80}; /* ids 0, 2 and 15 */
    FaissIDSelectorBitmap* sel = NULL;
    FaissIDSelector* out = NULL;
    idx_t id;
    CHECK_OK(faiss_IDSelectorBitmap_new(&sel, 2, bitmap));
    CHECK(faiss_IDSelectorBitmap_n(sel) == 2);
    CHECK(faiss_IDSelectorBitmap_bitmap(sel) == bitmap);
    for (id = -1; id < 20; id++)
        CHECK(faiss_IDSelector_is_member(sel, id) == (id == 0 || id == 2 || id == 15));
    CHECK(faiss_IDSelectorBitmap_n(NULL) == (size_t)-1);
    CHECK(c_test_last_error_contains("faiss_IDSelectorBitmap_n: sel is null"));
    CHECK(faiss_IDSelectorBitmap_bitmap(NULL) == NULL);
    CHECK(c_test_last_error_contains("faiss_IDSelectorBitmap_bitmap: sel is null"));
    CHECK_FAIL(faiss_IDSelectorBitmap_new(&out, 2, NULL), FAISS_ERROR_INVALID_ARGUMENT, "null");
    CHECK_FAIL(faiss_IDSelectorBitmap_new(NULL, 2, bitmap), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorBitmap_new: p_sel is null");
    faiss_IDSelectorBitmap_free(sel);
}

static void test_combinators(void) {
    FaissIDSelector* a = NULL; /* [0, 10) */
    FaissIDSelector* b = NULL; /* [5, 15) */
    FaissIDSelectorNot* not_a = NULL;
    FaissIDSelectorAnd* and_ab = NULL;
    FaissIDSelectorOr* or_ab = NULL;
    FaissIDSelectorXOr* xor_ab = NULL;
    FaissIDSelector* out = NULL;
    idx_t id;

    CHECK_OK(faiss_IDSelectorRange_new(&a, 0, 10));
    CHECK_OK(faiss_IDSelectorRange_new(&b, 5, 15));
    CHECK_OK(faiss_IDSelectorNot_new(&not_a, a));
    CHECK_OK(faiss_IDSelectorAnd_new(&and_ab, a, b));
    CHECK_OK(faiss_IDSelectorOr_new(&or_ab, a, b));
    CHECK_OK(faiss_IDSelectorXOr_new(&xor_ab, a, b));
    for (id = -2; id < 18; id++) {
        int in_a = id >= 0 && id < 10, in_b = id >= 5 && id < 15;
        CHECK(faiss_IDSelector_is_member(not_a, id) == !in_a);
        CHECK(faiss_IDSelector_is_member(and_ab, id) == (in_a && in_b));
        CHECK(faiss_IDSelector_is_member(or_ab, id) == (in_a || in_b));
        CHECK(faiss_IDSelector_is_member(xor_ab, id) == (in_a != in_b));
    }

    CHECK_FAIL(faiss_IDSelectorNot_new(&out, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorNot_new: sel is null");
    CHECK_FAIL(faiss_IDSelectorAnd_new(&out, a, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorAnd_new: rhs_sel is null");
    CHECK_FAIL(faiss_IDSelectorOr_new(&out, NULL, b), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorOr_new: lhs_sel is null");
    CHECK_FAIL(faiss_IDSelectorXOr_new(&out, a, NULL), FAISS_ERROR_INVALID_ARGUMENT,
               "faiss_IDSelectorXOr_new: rhs_sel is null");
    CHECK_FAIL(faiss_IDSelectorNot_new(NULL, a), FAISS_ERROR_INVALID_ARGUMENT, "p_sel is null");
    CHECK_FAIL(faiss_IDSelectorAnd_new(NULL, a, b), FAISS_ERROR_INVALID_ARGUMENT, "p_sel is null");
    CHECK_FAIL(faiss_IDSelectorOr_new(NULL, a, b), FAISS_ERROR_INVALID_ARGUMENT, "p_sel is null");
    CHECK_FAIL(faiss_IDSelectorXOr_new(NULL, a, b), FAISS_ERROR_INVALID_ARGUMENT, "p_sel is null");
    CHECK(out == NULL);

    /* free the combinators before their operands */
    faiss_IDSelectorNot_free(not_a);
    faiss_IDSelectorAnd_free(and_ab);
    faiss_IDSelectorOr_free(or_ab);
    faiss_IDSelectorXOr_free(xor_ab);
    faiss_IDSelector_free(a);
    faiss_IDSelector_free(b);

    CHECK(faiss_IDSelector_is_member(NULL, 3) == -1);
    CHECK(c_test_last_error_contains("faiss_IDSelector_is_member: sel is null"));
}

void suite_selector(void) {
    RUN(test_range_selector);
    RUN(test_array_and_batch_selectors);
    RUN(test_bitmap_selector);
    RUN(test_combinators);
}
