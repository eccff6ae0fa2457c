"""Pickling of every index (through serialize_index), as Faiss: copies keep their class
and results, and indexes travel to multiprocessing workers."""

import copy
import multiprocessing
import pickle

import numpy as np
import pytest

import faiss

D = 8


def _xb(n=200, seed=0):
    return np.random.RandomState(seed).rand(n, D).astype("float32")


def _indexes():
    xb = _xb()
    out = [faiss.IndexFlatL2(D), faiss.IndexFlatIP(D), faiss.IndexPQ(D, 2, 4),
           faiss.IndexScalarQuantizer(D, faiss.ScalarQuantizer.QT_4bit),
           faiss.IndexIVFFlat(faiss.IndexFlatL2(D), D, 4),
           faiss.IndexIVFPQ(faiss.IndexFlatIP(D), D, 4, 2, 4, faiss.METRIC_INNER_PRODUCT),
           faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D), D, 4,
                                         faiss.ScalarQuantizer.QT_8bit),
           faiss.IndexRefineFlat(faiss.IndexPQ(D, 2, 4)),
           faiss.IndexPreTransform(faiss.PCAMatrix(D, 4), faiss.IndexFlatL2(4)),
           faiss.IndexHNSWFlat(D, 8), faiss.IndexHNSWSQ(D, faiss.ScalarQuantizer.QT_8bit, 8)]
    for index in out:
        index.train(xb)
        index.add(xb)
    idmap = faiss.IndexIDMap(faiss.IndexFlatL2(D))
    idmap.add_with_ids(xb, np.arange(len(xb), dtype="int64") + 100)
    return out + [idmap]


def _search(index):
    return index.search(_xb(4, seed=3), 3)


@pytest.mark.parametrize("index", _indexes(), ids=lambda i: type(i).__name__)
def test_pickle_round_trip(index):
    back = pickle.loads(pickle.dumps(index))
    assert type(back) is type(index)
    assert back.ntotal == index.ntotal
    for a, b in zip(_search(index), _search(back)):
        np.testing.assert_array_equal(a, b)
    deep = copy.deepcopy(index)
    assert type(deep) is type(index)
    deep.reset()
    assert index.ntotal > 0  # independent of the original


def _worker_search(index):
    return type(index).__name__, _search(index)


def test_multiprocessing():
    indexes = _indexes()[:5]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(_worker_search, indexes)
    for index, (name, (D_, I_)) in zip(indexes, results):
        assert name == type(index).__name__
        D0, I0 = _search(index)
        np.testing.assert_array_equal(I_, I0)
        np.testing.assert_array_equal(D_, D0)
