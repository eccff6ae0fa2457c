"""ScalarQuantizer and IndexScalarQuantizer from Python: Faiss-style constants, the
numpy codec methods, search against brute force over the decoded vectors, errors."""

import numpy as np
import pytest

import faiss
from conftest import make_data
from reference import assert_knn_matches

SQ = faiss.ScalarQuantizer
D_DIM = 20

# (name, qtype value in Faiss, bytes per vector at D_DIM)
QTYPES = [
    ("QT_8bit", 0, D_DIM), ("QT_4bit", 1, D_DIM // 2), ("QT_8bit_uniform", 2, D_DIM),
    ("QT_4bit_uniform", 3, D_DIM // 2), ("QT_fp16", 4, 2 * D_DIM),
    ("QT_8bit_direct", 5, D_DIM), ("QT_6bit", 6, 15), ("QT_bf16", 7, 2 * D_DIM),
    ("QT_8bit_direct_signed", 8, D_DIM),
]


def _data(name, rng, n):
    x = make_data(rng, n, D_DIM)
    if name == "QT_8bit_direct":
        return np.floor(rng.random((n, D_DIM)) * 256).astype(np.float32)
    if name == "QT_8bit_direct_signed":
        return (np.floor(rng.random((n, D_DIM)) * 256) - 128).astype(np.float32)
    return x


def test_constants_match_faiss():
    for name, value, _ in QTYPES:
        assert getattr(SQ, name) == value
    assert (SQ.RS_minmax, SQ.RS_meanstd, SQ.RS_quantiles, SQ.RS_optim) == (0, 1, 2, 3)


@pytest.mark.parametrize("name,value,code_size", QTYPES)
def test_codec_round_trip(rng, name, value, code_size):
    x = _data(name, rng, 200)
    sq = SQ(D_DIM, getattr(SQ, name))
    assert sq.code_size == code_size
    sq.train(x)
    codes = sq.compute_codes(x)
    assert codes.shape == (200, code_size) and codes.dtype == np.uint8
    y = sq.decode(codes)
    span = x.max() - x.min()
    bound = {"QT_4bit": span / 15, "QT_4bit_uniform": span / 15, "QT_6bit": span / 63,
             "QT_fp16": 1e-3 * np.abs(x).max(), "QT_bf16": 8e-3 * np.abs(x).max(),
             "QT_8bit_direct": 0, "QT_8bit_direct_signed": 0}.get(name, span / 255)
    assert np.abs(x - y).max() <= bound + 1e-6


@pytest.mark.parametrize("metric", [faiss.METRIC_L2, faiss.METRIC_INNER_PRODUCT])
@pytest.mark.parametrize("name", ["QT_8bit", "QT_4bit", "QT_fp16", "QT_bf16", "QT_6bit"])
def test_search_equals_brute_force_on_decoded(rng, name, metric):
    xb, xq = _data(name, rng, 500), _data(name, rng, 10)
    index = faiss.IndexScalarQuantizer(D_DIM, getattr(SQ, name), metric)
    index.train(xb)
    index.add(xb)
    decoded = index.reconstruct_n(0, index.ntotal)
    np.testing.assert_array_equal(decoded, index.sa_decode(index.sa_encode(xb)))
    D, I = index.search(xq, 7)
    assert_knn_matches(D, I, xq, decoded, 7, metric, rtol=1e-4, atol=1e-3)


def test_selector_and_range_search(rng):
    xb, xq = make_data(rng, 400, D_DIM), make_data(rng, 4, D_DIM)
    index = faiss.IndexScalarQuantizer(D_DIM, SQ.QT_8bit_uniform)
    index.train(xb)
    index.add(xb)
    params = faiss.SearchParameters(sel=faiss.IDSelectorRange(100, 200))
    _, I = index.search(xq, 5, params=params)
    assert ((I >= 100) & (I < 200)).all()
    D, _ = index.search(xq, 10)
    lims, Dr, Ir = index.range_search(xq, float(D[0, 5]))
    assert lims[1] - lims[0] == 5
    assert (Dr < D[0, 5]).all()


def test_errors(rng):
    x = make_data(rng, 50, D_DIM)
    index = faiss.IndexScalarQuantizer(D_DIM, SQ.QT_8bit)
    assert not index.is_trained
    with pytest.raises(RuntimeError, match="not trained"):
        index.add(x)
    with pytest.raises(RuntimeError, match="not trained"):
        index.search(x[:1], 1)
    bad = x.copy()
    bad[3, 4] = np.nan
    with pytest.raises(RuntimeError, match="not finite"):
        index.train(bad)
    # The finiteness check rides on each range statistic's own pass over the data.
    for qtype in (SQ.QT_8bit, SQ.QT_8bit_uniform, SQ.QT_4bit):
        for rangestat in (SQ.RS_minmax, SQ.RS_meanstd, SQ.RS_quantiles):
            sq = SQ(D_DIM, qtype)
            sq.rangestat = rangestat
            worse = x.copy()
            worse[7, 1] = np.inf if rangestat == SQ.RS_meanstd else np.nan
            with pytest.raises(RuntimeError, match=r"value 141 \(vector 7, component 1\)"):
                sq.train(worse)
    with pytest.raises(RuntimeError, match="unknown quantizer type"):
        faiss.IndexScalarQuantizer(D_DIM, 42)
    with pytest.raises(RuntimeError, match="not supported"):
        faiss.IndexScalarQuantizer(D_DIM, 9)
    sq = SQ(D_DIM, SQ.QT_8bit)
    sq.rangestat = SQ.RS_optim
    with pytest.raises(RuntimeError, match="RS_optim"):
        sq.train(x)
    assert faiss.IndexScalarQuantizer(D_DIM, SQ.QT_fp16).is_trained
