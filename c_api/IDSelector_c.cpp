// C bindings of the faiss::IDSelector family.
#include "IDSelector_c.h"

#include "internal/boundary.h"

#include <faiss/IDSelector.h>

#include <memory>

using faiss_c::Boundary;

namespace {

// Build a Selector and hand it to the caller; runs inside the caller's Boundary.
template <class Selector, class... Args>
void emit_selector(const Boundary& b, FaissIDSelector** p_sel, Args... args) {
    b.need(p_sel, "p_sel");
    std::unique_ptr<faiss::IDSelector> sel = std::make_unique<Selector>(args...);
    *p_sel = faiss_c::handle_of<FaissIDSelector, faiss::IDSelector>(sel.release());
}

template <class Selector, class... Args>
int new_selector(const char* func, FaissIDSelector** p_sel, Args... args) {
    Boundary b(func);
    return b.run([&] { emit_selector<Selector>(b, p_sel, args...); });
}

const faiss::IDSelector* operand(const Boundary& b, const FaissIDSelector* sel, const char* what) {
    return b.obj<faiss::IDSelector>(sel, what);
}

template <class Selector>
int new_binary(const char* func, FaissIDSelector** p_sel, const FaissIDSelector* lhs,
               const FaissIDSelector* rhs) {
    Boundary b(func);
    return b.run([&] {
        const faiss::IDSelector* l = operand(b, lhs, "lhs_sel");
        const faiss::IDSelector* r = operand(b, rhs, "rhs_sel");
        emit_selector<Selector>(b, p_sel, l, r);
    });
}

}  // namespace

extern "C" {

int faiss_IDSelector_is_member(const FaissIDSelector* sel, idx_t id) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(operand(b, sel, "sel")->is_member(id)); });
}

void faiss_IDSelector_free(FaissIDSelector* obj) {
    delete reinterpret_cast<faiss::IDSelector*>(obj);
}

int faiss_IDSelectorRange_new(FaissIDSelectorRange** p_sel, idx_t imin, idx_t imax) {
    return new_selector<faiss::IDSelectorRange>(__func__, p_sel, imin, imax);
}

idx_t faiss_IDSelectorRange_imin(const FaissIDSelectorRange* sel) {
    Boundary b(__func__);
    return b.get(idx_t(-1), [&] {
        return b.typed<faiss::IDSelectorRange, faiss::IDSelector>(sel, "sel", "an IDSelectorRange")
            ->imin;
    });
}

idx_t faiss_IDSelectorRange_imax(const FaissIDSelectorRange* sel) {
    Boundary b(__func__);
    return b.get(idx_t(-1), [&] {
        return b.typed<faiss::IDSelectorRange, faiss::IDSelector>(sel, "sel", "an IDSelectorRange")
            ->imax;
    });
}

void faiss_IDSelectorRange_free(FaissIDSelectorRange* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorArray_new(FaissIDSelectorArray** p_sel, size_t n, const idx_t* ids) {
    return new_selector<faiss::IDSelectorArray>(__func__, p_sel, n, ids);
}

void faiss_IDSelectorArray_free(FaissIDSelectorArray* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorBatch_new(FaissIDSelectorBatch** p_sel, size_t n, const idx_t* indices) {
    return new_selector<faiss::IDSelectorBatch>(__func__, p_sel, n, indices);
}

int faiss_IDSelectorBatch_nbits(const FaissIDSelectorBatch* sel) {
    Boundary b(__func__);
    return b.get(-1, [&] {
        return b.typed<faiss::IDSelectorBatch, faiss::IDSelector>(sel, "sel", "an IDSelectorBatch")
            ->nbits;
    });
}

idx_t faiss_IDSelectorBatch_mask(const FaissIDSelectorBatch* sel) {
    Boundary b(__func__);
    return b.get(idx_t(-1), [&] {
        return b.typed<faiss::IDSelectorBatch, faiss::IDSelector>(sel, "sel", "an IDSelectorBatch")
            ->mask;
    });
}

void faiss_IDSelectorBatch_free(FaissIDSelectorBatch* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorBitmap_new(FaissIDSelectorBitmap** p_sel, size_t n, const uint8_t* bitmap) {
    return new_selector<faiss::IDSelectorBitmap>(__func__, p_sel, n, bitmap);
}

size_t faiss_IDSelectorBitmap_n(const FaissIDSelectorBitmap* sel) {
    Boundary b(__func__);
    return b.get(size_t(-1), [&] {
        return b
            .typed<faiss::IDSelectorBitmap, faiss::IDSelector>(sel, "sel", "an IDSelectorBitmap")
            ->n;
    });
}

const uint8_t* faiss_IDSelectorBitmap_bitmap(const FaissIDSelectorBitmap* sel) {
    Boundary b(__func__);
    return b.get(static_cast<const uint8_t*>(nullptr), [&] {
        return b
            .typed<faiss::IDSelectorBitmap, faiss::IDSelector>(sel, "sel", "an IDSelectorBitmap")
            ->bitmap;
    });
}

void faiss_IDSelectorBitmap_free(FaissIDSelectorBitmap* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorNot_new(FaissIDSelectorNot** p_sel, const FaissIDSelector* sel) {
    Boundary b(__func__);
    return b.run([&] {
        const faiss::IDSelector* inner = operand(b, sel, "sel");
        emit_selector<faiss::IDSelectorNot>(b, p_sel, inner);
    });
}

void faiss_IDSelectorNot_free(FaissIDSelectorNot* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorAnd_new(FaissIDSelectorAnd** p_sel, const FaissIDSelector* lhs_sel,
                            const FaissIDSelector* rhs_sel) {
    return new_binary<faiss::IDSelectorAnd>(__func__, p_sel, lhs_sel, rhs_sel);
}

void faiss_IDSelectorAnd_free(FaissIDSelectorAnd* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorOr_new(FaissIDSelectorOr** p_sel, const FaissIDSelector* lhs_sel,
                           const FaissIDSelector* rhs_sel) {
    return new_binary<faiss::IDSelectorOr>(__func__, p_sel, lhs_sel, rhs_sel);
}

void faiss_IDSelectorOr_free(FaissIDSelectorOr* obj) {
    faiss_IDSelector_free(obj);
}

int faiss_IDSelectorXOr_new(FaissIDSelectorXOr** p_sel, const FaissIDSelector* lhs_sel,
                            const FaissIDSelector* rhs_sel) {
    return new_binary<faiss::IDSelectorXOr>(__func__, p_sel, lhs_sel, rhs_sel);
}

void faiss_IDSelectorXOr_free(FaissIDSelectorXOr* obj) {
    faiss_IDSelector_free(obj);
}

}  // extern "C"
