"""IDSelector classes from Python: numpy constructors, combinations, and the objects the
C++ side points to staying alive."""

import gc

import numpy as np
import pytest

import faiss
from conftest import make_data
from reference import assert_knn_matches

N, D_DIM = 200, 8


@pytest.fixture
def data(rng):
    xb = make_data(rng, N, D_DIM)
    index = faiss.IndexFlatL2(D_DIM)
    index.add(xb)
    return index, xb, make_data(rng, 6, D_DIM)


def _members(sel):
    return np.array([i for i in range(N) if sel.is_member(i)], dtype=np.int64)


def _bitmap(mask):
    return np.packbits(mask, bitorder="little")


def _make_selectors():
    """(name, factory returning the selector built from temporaries, expected ids)."""
    ids = np.arange(0, N, 3)
    mask = np.zeros(N, dtype=bool)
    mask[::5] = True
    return [
        ("range", lambda: faiss.IDSelectorRange(20, 60), np.arange(20, 60)),
        ("batch", lambda: faiss.IDSelectorBatch(np.arange(0, N, 3)), ids),
        ("batch-int32", lambda: faiss.IDSelectorBatch(np.arange(0, N, 3, dtype=np.int32)),
         ids),
        ("array", lambda: faiss.IDSelectorArray(np.arange(0, N, 3)), ids),
        ("bitmap", lambda: faiss.IDSelectorBitmap(_bitmap(mask)), np.flatnonzero(mask)),
        ("not", lambda: faiss.IDSelectorNot(faiss.IDSelectorRange(10, N)), np.arange(10)),
        ("and", lambda: faiss.IDSelectorAnd(faiss.IDSelectorRange(0, 100),
                                            faiss.IDSelectorArray(np.arange(0, N, 3))),
         ids[ids < 100]),
        ("or", lambda: faiss.IDSelectorOr(faiss.IDSelectorRange(0, 5),
                                          faiss.IDSelectorRange(195, N)),
         np.r_[0:5, 195:N]),
        ("xor", lambda: faiss.IDSelectorXOr(faiss.IDSelectorRange(0, 50),
                                            faiss.IDSelectorRange(40, 60)),
         np.r_[0:40, 50:60]),
        ("all", lambda: faiss.IDSelectorAll(), np.arange(N)),
    ]


SELECTORS = _make_selectors()


@pytest.mark.parametrize("name,make,expected", SELECTORS, ids=[s[0] for s in SELECTORS])
def test_selector_membership_survives_gc(name, make, expected):
    sel = make()
    gc.collect()
    np.testing.assert_array_equal(_members(sel), expected)


@pytest.mark.parametrize("name,make,expected", SELECTORS, ids=[s[0] for s in SELECTORS])
def test_search_with_selector(data, name, make, expected):
    index, xb, xq = data
    params = faiss.SearchParameters(sel=make())
    gc.collect()
    D, I = index.search(xq, 5, params=params)
    assert_knn_matches(D, I, xq, xb[expected], 5, ids=expected)
    lims, Dr, Ir = index.range_search(xq, 1e9, params=params)
    for i in range(len(xq)):
        np.testing.assert_array_equal(np.sort(Ir[lims[i]:lims[i + 1]]), expected)


@pytest.mark.parametrize("name,make,expected", SELECTORS, ids=[s[0] for s in SELECTORS])
def test_remove_with_selector(data, name, make, expected):
    index, xb, _ = data
    assert index.remove_ids(make()) == len(expected)
    np.testing.assert_array_equal(index.reconstruct_n(), np.delete(xb, expected, axis=0))


def test_params_sel_assignment_keeps_selector(data):
    index, xb, xq = data
    params = faiss.SearchParameters()
    params.sel = faiss.IDSelectorRange(0, 10)
    gc.collect()
    _, I = index.search(xq, 3, params=params)
    assert (I < 10).all()
    assert params.sel.is_member(3) and not params.sel.is_member(10)


def test_pointer_constructor_forms():
    ids = np.array([3, 7], dtype=np.int64)
    batch = faiss.IDSelectorBatch(2, faiss.swig_ptr(ids))
    array = faiss.IDSelectorArray(2, faiss.swig_ptr(ids))
    assert batch.is_member(7) and not batch.is_member(4)
    assert array.is_member(3) and array.n == 2
    bitmap = np.array([0b10], dtype=np.uint8)
    assert faiss.IDSelectorBitmap(1, faiss.swig_ptr(bitmap)).is_member(1)


def test_selector_argument_errors():
    with pytest.raises(TypeError, match="uint8"):
        faiss.IDSelectorBitmap(np.zeros(3, dtype=np.int32))
    with pytest.raises(TypeError, match="integer"):
        faiss.IDSelectorArray(np.array([1.0]))
    with pytest.raises(RuntimeError, match="imin"):
        faiss.IDSelectorRange(5, 2)
    with pytest.raises(TypeError, match="no parameter 'nprobe'"):
        faiss.SearchParameters(nprobe=4)
