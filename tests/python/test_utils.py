"""Module-level functions: knn, normalize_L2, vectors and pointers, random arrays,
SIMD level, OpenMP threads, fp16/bf16 converters, constants."""

import numpy as np
import pytest

import faiss
from conftest import make_data
from reference import assert_knn_matches

ml_dtypes = pytest.importorskip("ml_dtypes")


@pytest.mark.parametrize("metric,arg", [(faiss.METRIC_L2, 0), (faiss.METRIC_INNER_PRODUCT, 0),
                                        (faiss.METRIC_L1, 0), (faiss.METRIC_Lp, 1.5)])
def test_knn_matches_brute_force(rng, metric, arg):
    xb = make_data(rng, 300, 12)
    xq = make_data(rng, 9, 12)
    D, I = faiss.knn(xq, xb, 6, metric=metric, metric_arg=arg)
    assert_knn_matches(D, I, xq, xb, 6, metric, arg, rtol=2e-4, atol=2e-3)


def test_knn_errors(rng):
    with pytest.raises(ValueError, match=r"xb must have shape \(n, 4\)"):
        faiss.knn(np.zeros((2, 4)), np.zeros((3, 5)), 1)
    with pytest.raises(ValueError, match="k must be > 0"):
        faiss.knn(np.zeros((2, 4)), np.zeros((3, 4)), 0)


def test_normalize_L2(rng):
    x = make_data(rng, 10, 7)
    x[3] = 0
    ref = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    faiss.normalize_L2(x)
    np.testing.assert_allclose(x, ref, rtol=1e-5, atol=1e-6)
    assert (x[3] == 0).all()
    v = np.array([3, 4], dtype=np.float32)
    faiss.normalize_L2(v)
    np.testing.assert_allclose(v, [0.6, 0.8], rtol=1e-6)
    with pytest.raises(TypeError, match="float32"):
        faiss.normalize_L2(x.astype(np.float64))
    with pytest.raises(TypeError, match="contiguous"):
        faiss.normalize_L2(np.zeros((4, 4), dtype=np.float32)[:, ::2])


def test_vector_array_round_trip():
    for cls, dtype in [(faiss.Float32Vector, np.float32), (faiss.Int64Vector, np.int64),
                       (faiss.UInt8Vector, np.uint8), (faiss.Float64Vector, np.float64),
                       (faiss.Int32Vector, np.int32), (faiss.UInt64Vector, np.uint64)]:
        v = cls()
        a = np.arange(10).astype(dtype)
        faiss.copy_array_to_vector(a, v)
        assert v.size() == 10
        np.testing.assert_array_equal(faiss.vector_to_array(v), a)
        v.push_back(3)
        assert v.size() == 11 and v.at(10) == 3
    assert faiss.FloatVector is faiss.Float32Vector
    empty = faiss.vector_to_array(faiss.Int64Vector())
    assert empty.shape == (0,) and empty.dtype == np.int64
    with pytest.raises(TypeError, match="float32"):
        faiss.copy_array_to_vector(np.zeros(3), faiss.Float32Vector())


def test_swig_ptr_and_rev_swig_ptr():
    a = np.arange(6, dtype=np.float32)
    view = faiss.rev_swig_ptr(faiss.swig_ptr(a), 6)
    view[0] = 42
    assert a[0] == 42
    for dtype in [np.float64, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                  np.int64, np.uint64, np.float16, np.bool_]:
        assert faiss.swig_ptr(np.zeros(2, dtype=dtype)) is not None
    with pytest.raises(TypeError, match="numpy array"):
        faiss.swig_ptr([1.0])
    with pytest.raises(ValueError, match="C-contiguous"):
        faiss.swig_ptr(np.zeros((3, 3), dtype=np.float32).T)
    with pytest.raises(TypeError, match="no C pointer type"):
        faiss.swig_ptr(np.zeros(2, dtype=np.complex64))


def test_random_arrays():
    a = faiss.rand(100, 5)
    assert a.dtype == np.float32 and ((a >= 0) & (a < 1)).all()
    np.testing.assert_array_equal(a, faiss.rand(100, 5))
    assert not np.array_equal(a, faiss.rand(100, 6))
    assert faiss.randn((4, 3), 1).shape == (4, 3)
    r = faiss.randint(1000, seed=2, vmax=7)
    assert r.dtype == np.int64 and r.min() >= 0 and r.max() <= 6
    assert faiss.lrand(5).shape == (5,)


def test_omp_threads():
    before = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(1)
        assert faiss.omp_get_max_threads() == 1
    finally:
        faiss.omp_set_num_threads(before)
    assert faiss.omp_get_max_threads() == before


def test_simd_levels(rng):
    names = {"scalar", "avx2", "avx512"}
    assert faiss.simd_level_name() in names
    assert faiss.simd_level_name(faiss.max_supported_simd_level()) in names
    assert faiss.get_compile_options().startswith("OPTIMIZE DD")
    xb = make_data(rng, 100, 16)
    index = faiss.IndexFlatL2(16)
    index.add(xb)
    D0, I0 = index.search(xb[:5], 4)
    saved = faiss.get_simd_level()
    try:
        faiss.set_simd_level(faiss.SimdLevel_scalar)
        assert faiss.simd_level_name() == "scalar"
        D1, I1 = index.search(xb[:5], 4)
    finally:
        faiss.set_simd_level(saved)
    np.testing.assert_array_equal(I0, I1)
    np.testing.assert_allclose(D0, D1, rtol=1e-5, atol=1e-5)


def test_fp16_bf16_converters(rng):
    x = make_data(rng, 1, 50).ravel()
    out = np.empty(50, dtype=np.uint16)
    faiss.float_to_fp16(50, faiss.swig_ptr(x), faiss.swig_ptr(out))
    np.testing.assert_array_equal(out, x.astype(np.float16).view(np.uint16))
    back = np.empty(50, dtype=np.float32)
    faiss.fp16_to_float(50, faiss.swig_ptr(out), faiss.swig_ptr(back))
    np.testing.assert_array_equal(back, x.astype(np.float16).astype(np.float32))
    faiss.float_to_bf16(50, faiss.swig_ptr(x), faiss.swig_ptr(out))
    np.testing.assert_array_equal(out, x.astype(ml_dtypes.bfloat16).view(np.uint16))
    assert faiss.decode_fp16(faiss.encode_fp16(1.5)) == 1.5
    assert faiss.decode_bf16(faiss.encode_bf16(-2.0)) == -2.0


def test_constants_and_version():
    assert faiss.METRIC_INNER_PRODUCT == 0 and faiss.METRIC_L2 == 1
    assert faiss.METRIC_L1 == 2 and faiss.METRIC_Linf == 3 and faiss.METRIC_Lp == 4
    assert faiss.metric_name(faiss.METRIC_L2) == "L2"
    assert isinstance(faiss.__version__, str) and faiss.__version__.count(".") == 2


def test_distance_functions(rng):
    x, y = make_data(rng, 2, 9)
    assert faiss.fvec_L2sqr(faiss.swig_ptr(x), faiss.swig_ptr(y), 9) == \
        pytest.approx(float(((x - y) ** 2).sum()), rel=1e-5)
    assert faiss.fvec_inner_product(faiss.swig_ptr(x), faiss.swig_ptr(y), 9) == \
        pytest.approx(float(x @ y), rel=1e-5, abs=1e-6)


def test_downcast_and_polymorphic_returns():
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(5))
    assert type(index.index) is faiss.IndexFlatIP
    assert type(faiss.downcast_index(index)) is faiss.IndexIDMap2
    assert faiss.downcast_index(None) is None


def test_timing_memory_and_balance_helpers():
    t0 = faiss.getmillisecs()
    assert faiss.getmillisecs() >= t0
    assert faiss.get_mem_usage_kb() > 0
    assign = np.array([0, 0, 0, 1], dtype="int64")
    assert faiss.imbalance_factor(4, 2, faiss.swig_ptr(assign)) == pytest.approx(1.25)
    bad = np.array([0, 7], dtype="int64")
    with pytest.raises(RuntimeError, match="outside"):
        faiss.imbalance_factor(2, 2, faiss.swig_ptr(bad))
    v = np.array([0, 2, 2, 9], dtype="int32")
    hist = np.zeros(3, dtype="int32")
    assert faiss.ivec_hist(4, faiss.swig_ptr(v), 3, faiss.swig_ptr(hist)) == 1
    assert hist.tolist() == [1, 0, 2]
