"""Input arrays: dtypes and layouts accepted, 16-bit floats, and the errors for bad input
(ValueError / TypeError naming the expected shape, RuntimeError from C++; never an
AssertionError or a crash)."""

import numpy as np
import pytest

import faiss
from conftest import make_data

ml_dtypes = pytest.importorskip("ml_dtypes")

D_DIM = 8


@pytest.fixture
def index(rng):
    index = faiss.IndexFlatL2(D_DIM)
    index.add(make_data(rng, 100, D_DIM))
    return index


# ------------------------------------------------------------------ accepted inputs


def test_float32_contiguous_is_not_copied(index, rng, monkeypatch):
    x = make_data(rng, 5, D_DIM)
    seen = []
    original = faiss.IndexFlatL2.search_c

    def spy(self, n, ptr, *args):
        seen.append(int(ptr))
        return original(self, n, ptr, *args)

    monkeypatch.setattr(faiss.IndexFlatL2, "search_c", spy)
    index.search(x, 1)
    assert seen == [x.ctypes.data]


@pytest.mark.parametrize("convert", [
    lambda x: x.astype(np.float64),
    lambda x: x.astype(np.float64).tolist(),
    lambda x: np.asfortranarray(x),
    lambda x: np.repeat(x, 2, axis=1)[:, ::2],
], ids=["float64", "list", "fortran", "strided"])
def test_converted_inputs_give_same_results(index, rng, convert):
    x = make_data(rng, 6, D_DIM)
    D, I = index.search(x, 3)
    D2, I2 = index.search(convert(x), 3)
    np.testing.assert_array_equal(I, I2)
    np.testing.assert_array_equal(D, D2)


def test_integer_input_converted(index):
    x = np.arange(2 * D_DIM).reshape(2, D_DIM)
    D, I = index.search(x, 2)
    D2, I2 = index.search(x.astype(np.float32), 2)
    np.testing.assert_array_equal(I, I2)


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["fp16", "bf16"])
def test_16bit_add_and_search(rng, dtype):
    # d = 1024 makes the C++ blocks 1024 rows: 2500 rows take three blocks
    d = 1024
    x16 = make_data(rng, 2500, d).astype(dtype)
    x32 = x16.astype(np.float32)
    a, b = faiss.IndexFlatL2(d), faiss.IndexFlatL2(d)
    a.add(x16)
    b.add(x32)
    np.testing.assert_array_equal(a.reconstruct_n(), x32)
    q16 = x16[::-1][:2100]  # a reversed view: not contiguous, converted at 16 bits
    Da, Ia = a.search(q16, 3)
    Db, Ib = b.search(q16.astype(np.float32), 3)
    np.testing.assert_array_equal(Ia, Ib)
    np.testing.assert_allclose(Da, Db, rtol=1e-5)
    assert (Ia[:, 0] == np.arange(2499, 2499 - 2100, -1)).all()


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16], ids=["fp16", "bf16"])
def test_16bit_range_search_assign_train_ids(rng, dtype):
    x16 = make_data(rng, 300, D_DIM).astype(dtype)
    x32 = x16.astype(np.float32)
    index = faiss.IndexIDMap(faiss.IndexFlatL2(D_DIM))
    index.train(x16)
    index.add_with_ids(x16, np.arange(300) + 1000)
    ref = faiss.IndexIDMap(faiss.IndexFlatL2(D_DIM))
    ref.add_with_ids(x32, np.arange(300) + 1000)
    lims, D, I = index.range_search(x16[:20], 4.0)
    lims2, D2, I2 = ref.range_search(x32[:20], 4.0)
    np.testing.assert_array_equal(lims, lims2)
    np.testing.assert_array_equal(I, I2)
    np.testing.assert_allclose(D, D2, rtol=1e-5)
    np.testing.assert_array_equal(index.assign(x16[:10], 2), ref.assign(x32[:10], 2))


def test_16bit_block_entry_point_sizes():
    assert faiss.float16_block_rows(1024) == 1024
    assert faiss.float16_block_rows(1 << 22) == 1


def test_bool_dtype_accepted(index):
    x = np.zeros((1, D_DIM), dtype=bool)
    D, I = index.search(x, 1)
    assert I.shape == (1, 1)


def test_zero_queries(index):
    D, I = index.search(np.zeros((0, D_DIM), dtype=np.float32), 4)
    assert D.shape == (0, 4) and I.shape == (0, 4)
    lims, D, I = index.range_search(np.zeros((0, D_DIM), dtype=np.float32), 1.0)
    assert lims.tolist() == [0] and len(D) == len(I) == 0


def test_nan_query_gets_padding(index):
    x = np.full((1, D_DIM), np.nan, dtype=np.float32)
    D, I = index.search(x, 3)
    assert (I == -1).all() and np.isinf(D).all()


# ------------------------------------------------------------------ shape errors


@pytest.mark.parametrize("method", ["search", "add", "train", "assign", "range_search",
                                    "sa_encode", "search_and_reconstruct"])
@pytest.mark.parametrize("shape", [(D_DIM,), (3, D_DIM + 1), (2, 3, D_DIM), ()])
def test_wrong_shape_names_expected_shape(index, method, shape):
    x = np.zeros(shape, dtype=np.float32)
    args = {"search": (2,), "assign": (1,), "range_search": (1.0,),
            "search_and_reconstruct": (1,)}.get(method, ())
    with pytest.raises(ValueError, match=r"x must have shape \(n, 8\), got shape"):
        getattr(index, method)(x, *args)


def test_preallocated_outputs_checked(index):
    x = np.zeros((3, D_DIM), dtype=np.float32)
    with pytest.raises(ValueError, match=r"D must have shape \(3, 2\)"):
        index.search(x, 2, D=np.empty((3, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="I must have dtype int64"):
        index.search(x, 2, I=np.empty((3, 2), dtype=np.int32))
    with pytest.raises(ValueError, match="C-contiguous"):
        index.search(x, 2, D=np.empty((2, 3), dtype=np.float32).T)
    with pytest.raises(ValueError, match=r"x must have shape \(8,\)"):
        index.reconstruct(0, np.empty(7, dtype=np.float32))


@pytest.mark.parametrize("k", [0, -3])
def test_bad_k(index, k):
    with pytest.raises(ValueError, match="k must be > 0"):
        index.search(np.zeros((1, D_DIM), dtype=np.float32), k)


def test_k_must_be_integer(index):
    with pytest.raises(TypeError, match="k must be an integer"):
        index.search(np.zeros((1, D_DIM), dtype=np.float32), 2.5)


# ------------------------------------------------------------------ dtype errors


@pytest.mark.parametrize("x", [
    np.array([["a"] * D_DIM]),
    np.zeros((1, D_DIM), dtype=np.complex64),
    np.array([[object()] * D_DIM], dtype=object),
], ids=["str", "complex", "object"])
def test_bad_dtypes(index, x):
    with pytest.raises(TypeError, match="x must hold float32 values"):
        index.search(x, 1)
    with pytest.raises(TypeError, match="x must hold float32 values"):
        index.add(x)


def test_codes_must_be_uint8(index):
    codes = index.sa_encode(np.zeros((2, D_DIM), dtype=np.float32))
    with pytest.raises(TypeError, match="uint8"):
        index.sa_decode(codes.astype(np.int32))
    with pytest.raises(ValueError, match=r"codes must have shape \(n, 32\)"):
        index.sa_decode(codes[:, :16])


def test_remove_ids_bad_input(index):
    with pytest.raises(ValueError, match=r"ids must have shape \(n,\)"):
        index.remove_ids(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(TypeError, match="integer"):
        index.remove_ids(np.array([1.5]))


def test_search_params_type_checked(index):
    with pytest.raises(TypeError):
        index.search(np.zeros((1, D_DIM), dtype=np.float32), 1, params="fast")


# ------------------------------------------------------------------ C++ errors


def test_cpp_errors_become_runtime_error_with_message(index):
    with pytest.raises(RuntimeError, match=r"id 100 is out of range \[0, ntotal=100\)"):
        index.reconstruct(100)
    with pytest.raises(RuntimeError, match=r"range \[90, 90 \+ 20\) is outside"):
        index.reconstruct_n(90, 20)
    with pytest.raises(RuntimeError) as info:
        faiss.IndexFlat(-1)
    assert "Error in" in str(info.value)
    with pytest.raises(RuntimeError, match="k must be > 0, got 0"):
        faiss.knn_L2sqr(None, None, 4, 0, 0, 0, None, None)
    with pytest.raises(RuntimeError, match="null"):
        faiss.knn_L2sqr(None, None, 4, 1, 1, 1, None, None)


def test_no_assertion_error_anywhere(index):
    bad_calls = [
        lambda: index.search(np.zeros(3), 1),
        lambda: index.add(np.zeros((2, 2))),
        lambda: index.reconstruct("a"),
        lambda: index.reconstruct_batch(np.array([[1]])),
        lambda: index.sa_decode(np.zeros((1, 3), dtype=np.uint8)),
        lambda: faiss.knn(np.zeros((2, 3)), np.zeros((2, 4)), 1),
        lambda: faiss.normalize_L2(np.zeros((2, 3))),
        lambda: faiss.Kmeans(D_DIM, 2).train(np.zeros((10, 3))),
        lambda: faiss.IDSelectorBatch(np.zeros((2, 2), dtype=np.int64)),
        lambda: faiss.SearchParameters(nprobe=3),
        lambda: faiss.swig_ptr([1, 2]),
        lambda: faiss.swig_ptr(np.zeros((4, 4))[:, ::2]),
    ]
    for call in bad_calls:
        with pytest.raises((ValueError, TypeError, RuntimeError, AttributeError)) as info:
            call()
        assert not isinstance(info.value, AssertionError)
