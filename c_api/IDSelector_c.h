#pragma once

/*
 * Id filters for faiss_SearchParameters_new (search restricted to the accepted ids)
 * and faiss_Index_remove_ids. Every selector handle is a FaissIDSelector, so the
 * combinators (Not, And, Or, XOr) take any of them.
 *
 * Lifetime (as in Faiss): a selector never owns what it points to. The ids of an
 * IDSelectorArray, the bitmap of an IDSelectorBitmap and the operands of Not / And /
 * Or / XOr must outlive the selector; IDSelectorBatch copies its ids.
 *
 * Thread safety: a selector may be shared by concurrent searches.
 */

#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissIDSelector_H FaissIDSelector;
typedef struct FaissIDSelector_H FaissIDSelectorRange;
typedef struct FaissIDSelector_H FaissIDSelectorArray;
typedef struct FaissIDSelector_H FaissIDSelectorBatch;
typedef struct FaissIDSelector_H FaissIDSelectorBitmap;
typedef struct FaissIDSelector_H FaissIDSelectorNot;
typedef struct FaissIDSelector_H FaissIDSelectorAnd;
typedef struct FaissIDSelector_H FaissIDSelectorOr;
typedef struct FaissIDSelector_H FaissIDSelectorXOr;

/** 1 if sel accepts id, 0 if not; -1 (last error set) if sel is NULL. */
int faiss_IDSelector_is_member(const FaissIDSelector* sel, idx_t id);

/** Free a selector of any kind (NULL is a no-op); operands are not freed. */
void faiss_IDSelector_free(FaissIDSelector* obj);

/** Ids in [imin, imax). Fails if imin > imax. */
int faiss_IDSelectorRange_new(FaissIDSelectorRange** p_sel, idx_t imin, idx_t imax);
/** Bounds of a range selector. */
idx_t faiss_IDSelectorRange_imin(const FaissIDSelectorRange* sel);
idx_t faiss_IDSelectorRange_imax(const FaissIDSelectorRange* sel);
void faiss_IDSelectorRange_free(FaissIDSelectorRange* obj);

/** The n ids of the array ids (not copied; linear-time membership test). */
int faiss_IDSelectorArray_new(FaissIDSelectorArray** p_sel, size_t n, const idx_t* ids);
void faiss_IDSelectorArray_free(FaissIDSelectorArray* obj);

/** The n ids of indices, copied into a hash set (constant-time membership test). */
int faiss_IDSelectorBatch_new(FaissIDSelectorBatch** p_sel, size_t n, const idx_t* indices);
/** log2 of the size in bits of the batch's bloom filter, and the matching mask. */
int faiss_IDSelectorBatch_nbits(const FaissIDSelectorBatch* sel);
idx_t faiss_IDSelectorBatch_mask(const FaissIDSelectorBatch* sel);
void faiss_IDSelectorBatch_free(FaissIDSelectorBatch* obj);

/**
 * Ids whose bit is set in bitmap (n bytes, not copied): id i is bit (i & 7) of byte
 * i >> 3, least significant bit first; ids outside [0, 8n) are rejected.
 */
int faiss_IDSelectorBitmap_new(FaissIDSelectorBitmap** p_sel, size_t n, const uint8_t* bitmap);
/** Size in bytes and data of a bitmap selector's bitmap. */
size_t faiss_IDSelectorBitmap_n(const FaissIDSelectorBitmap* sel);
const uint8_t* faiss_IDSelectorBitmap_bitmap(const FaissIDSelectorBitmap* sel);
void faiss_IDSelectorBitmap_free(FaissIDSelectorBitmap* obj);

/** Ids sel rejects. */
int faiss_IDSelectorNot_new(FaissIDSelectorNot** p_sel, const FaissIDSelector* sel);
void faiss_IDSelectorNot_free(FaissIDSelectorNot* obj);

/** Ids both lhs_sel and rhs_sel accept. */
int faiss_IDSelectorAnd_new(FaissIDSelectorAnd** p_sel, const FaissIDSelector* lhs_sel,
                            const FaissIDSelector* rhs_sel);
void faiss_IDSelectorAnd_free(FaissIDSelectorAnd* obj);

/** Ids lhs_sel or rhs_sel accepts. */
int faiss_IDSelectorOr_new(FaissIDSelectorOr** p_sel, const FaissIDSelector* lhs_sel,
                           const FaissIDSelector* rhs_sel);
void faiss_IDSelectorOr_free(FaissIDSelectorOr* obj);

/** Ids exactly one of lhs_sel and rhs_sel accepts. */
int faiss_IDSelectorXOr_new(FaissIDSelectorXOr** p_sel, const FaissIDSelector* lhs_sel,
                            const FaissIDSelector* rhs_sel);
void faiss_IDSelectorXOr_free(FaissIDSelectorXOr* obj);

#ifdef __cplusplus
}
#endif
