"""The GPU surface of the package: get_num_gpus, StandardGpuResources, GpuIndexFlat*,
index_cpu_to_gpu / index_gpu_to_cpu / index_cpu_to_all_gpus, knn_gpu.

Three situations, each test marked for the one it needs:
- CPU-only build: the GPU names are absent (as in faiss-cpu) with a clear error, the
  helpers raise RuntimeError, get_num_gpus() is 0;
- GPU build, no device: the calls that need a device fail with RuntimeError saying so,
  the ones that don't (options, argument checks, index_gpu_to_cpu of a CPU index) work;
- GPU build with a device: results equal the CPU flat index's.
"""

import numpy as np
import pytest

import faiss

HAVE_GPU = faiss.gpu_wrappers.HAVE_GPU
NGPU = faiss.get_num_gpus()

cpu_only_build = pytest.mark.skipif(HAVE_GPU, reason="the build has the GPU backend")
gpu_build = pytest.mark.skipif(not HAVE_GPU, reason="the build has no GPU backend")
no_device = pytest.mark.skipif(not HAVE_GPU or NGPU > 0,
                               reason="needs a GPU build on a machine without a device")
needs_device = pytest.mark.skipif(NGPU == 0, reason="no CUDA device")


def _data(rng, n, d):
    return rng.standard_normal((n, d)).astype(np.float32)


def test_get_num_gpus():
    assert isinstance(NGPU, int) and NGPU >= 0
    assert NGPU == faiss.swigfaiss.get_num_gpus()
    if not HAVE_GPU:
        assert NGPU == 0


def test_gpu_sync_all_devices():
    # A no-op without devices (and in a CPU-only build, as in faiss-cpu).
    faiss.gpu_sync_all_devices()


def test_compile_options_name_the_backend():
    assert ("GPU" in faiss.get_compile_options().split()) == HAVE_GPU


# ---------------------------------------------------------------------------------
# CPU-only build


@cpu_only_build
@pytest.mark.parametrize("name", ["StandardGpuResources", "GpuIndexFlatL2", "GpuIndexFlatIP",
                                  "GpuIndexFlatConfig", "GpuClonerOptions",
                                  "index_cpu_to_gpu", "index_gpu_to_cpu"])
def test_cpu_build_has_no_gpu_names(name):
    assert not hasattr(faiss, name)
    with pytest.raises(AttributeError, match="without GPU support"):
        getattr(faiss, name)


@cpu_only_build
def test_cpu_build_unknown_names_stay_plain_attribute_errors():
    with pytest.raises(AttributeError) as err:
        faiss.NoSuchThing
    assert "GPU" not in str(err.value)


@cpu_only_build
def test_cpu_build_helpers_raise(rng):
    x = _data(rng, 10, 8)
    with pytest.raises(RuntimeError, match="without GPU support"):
        faiss.knn_gpu(None, x, x, 1)
    with pytest.raises(RuntimeError, match="without GPU support"):
        faiss.index_cpu_to_all_gpus(faiss.IndexFlatL2(8))
    with pytest.raises(RuntimeError, match="without GPU support"):
        faiss.index_cpu_to_gpus_list(faiss.IndexFlatL2(8), gpus=[0])


# ---------------------------------------------------------------------------------
# GPU build, whether or not a device is present


@gpu_build
def test_options_defaults_and_fields():
    co = faiss.GpuClonerOptions()
    assert (co.useFloat16, co.storeTransposed, co.verbose, co.reserveVecs) == (False, False,
                                                                            False, 0)
    assert co.indicesOptions == faiss.INDICES_64_BIT
    assert co.allowCpuCoarseQuantizer is False
    mco = faiss.GpuMultipleClonerOptions()
    assert (mco.shard, mco.shard_type) == (False, 1)
    mco.useFloat16 = True
    assert mco.useFloat16 is True
    config = faiss.GpuIndexFlatConfig()
    assert (config.device, config.useFloat16) == (0, False)
    config.device = 3
    assert config.device == 3


@gpu_build
def test_gpu_to_cpu_of_cpu_index_is_a_copy(rng):
    xb = _data(rng, 200, 16)
    index = faiss.IndexIDMap(faiss.IndexFlatIP(16))
    index.add_with_ids(xb, np.arange(200) * 7)
    copy = faiss.index_gpu_to_cpu(index)
    assert isinstance(copy, faiss.IndexIDMap) and copy is not index
    D0, I0 = index.search(xb[:5], 4)
    D1, I1 = copy.search(xb[:5], 4)
    np.testing.assert_array_equal(I0, I1)
    np.testing.assert_array_equal(D0, D1)


@gpu_build
def test_bad_arguments():
    with pytest.raises(RuntimeError, match="provider is null"):
        faiss.index_cpu_to_gpu(None, 0, faiss.IndexFlatL2(8))
    with pytest.raises(RuntimeError, match="gpu_index is null"):
        faiss.index_gpu_to_cpu(None)
    with pytest.raises(ValueError, match="2 resources for 1 GPUs"):
        faiss.index_cpu_to_gpu_multiple_py([None, None], faiss.IndexFlatL2(8), gpus=[0])


@gpu_build
def test_knn_gpu_checks_arguments_first(rng):
    x = _data(rng, 10, 8)
    with pytest.raises(ValueError, match="shape"):
        faiss.knn_gpu(None, x[0], x, 1)
    with pytest.raises(ValueError, match=r"\(nb, 8\)"):
        faiss.knn_gpu(None, x, _data(rng, 10, 9), 1)
    with pytest.raises(ValueError, match="k must be > 0"):
        faiss.knn_gpu(None, x, x, 0)
    with pytest.raises(TypeError, match="float32 or float16"):
        faiss.knn_gpu(None, x.astype(np.complex64), x, 1)
    with pytest.raises(ValueError, match="memory limits must be >= 0"):
        faiss.knn_gpu(None, x, x, 1, vectorsMemoryLimit=-1)
    with pytest.raises(ValueError, match=r"D must have shape \(10, 3\)"):
        faiss.knn_gpu(None, x, x, 3, D=np.empty((10, 2), dtype=np.float32))


def test_kmeans_gpu_true_without_device_stays_on_cpu(rng):
    if NGPU > 0:
        pytest.skip("a CUDA device is present")
    km = faiss.Kmeans(8, 4, niter=3, gpu=True)
    assert km.gpu == 0
    km.train(_data(rng, 400, 8))
    assert isinstance(km.index, faiss.IndexFlatL2)


@no_device
def test_no_device_errors():
    with pytest.raises(RuntimeError, match="no CUDA device"):
        faiss.StandardGpuResources()
    with pytest.raises(RuntimeError, match="no GPU"):
        faiss.index_cpu_to_all_gpus(faiss.IndexFlatL2(8))


# ---------------------------------------------------------------------------------
# With a device


@pytest.fixture(scope="module")
def res():
    if NGPU == 0:
        pytest.skip("no CUDA device")
    return faiss.StandardGpuResources()


@needs_device
@pytest.mark.parametrize("cls, cpu_cls", [("GpuIndexFlatL2", faiss.IndexFlatL2),
                                          ("GpuIndexFlatIP", faiss.IndexFlatIP)])
def test_gpu_flat_matches_cpu(res, rng, cls, cpu_cls):
    d, k = 32, 10
    xb, xq = _data(rng, 5000, d), _data(rng, 100, d)
    gpu = getattr(faiss, cls)(res, d)
    cpu = cpu_cls(d)
    gpu.add(xb)
    cpu.add(xb)
    assert gpu.ntotal == 5000 and gpu.getDevice() == 0
    D, I = gpu.search(xq, k)
    Dr, Ir = cpu.search(xq, k)
    assert D.dtype == np.float32 and I.dtype == np.int64 and D.shape == (100, k)
    assert (I == Ir).mean() > 0.999
    np.testing.assert_allclose(D, Dr, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(gpu.reconstruct(7), xb[7])


@needs_device
@pytest.mark.parametrize("metric", [faiss.METRIC_L2, faiss.METRIC_INNER_PRODUCT])
def test_cpu_to_gpu_round_trip(res, rng, metric):
    d = 24
    xb, xq = _data(rng, 3000, d), _data(rng, 50, d)
    cpu = faiss.IndexFlat(d, metric)
    cpu.add(xb)
    gpu = faiss.index_cpu_to_gpu(res, 0, cpu)
    expected = faiss.GpuIndexFlatL2 if metric == faiss.METRIC_L2 else faiss.GpuIndexFlatIP
    assert isinstance(gpu, expected) and gpu.ntotal == 3000
    Dr, Ir = cpu.search(xq, 5)
    D, I = gpu.search(xq, 5)
    assert (I == Ir).mean() > 0.999
    back = faiss.index_gpu_to_cpu(gpu)
    assert isinstance(back, faiss.IndexFlat) and back.metric_type == metric
    np.testing.assert_array_equal(back.reconstruct_n(0, 3000), xb)


@needs_device
def test_wrappers_keep_ids_and_transform(res, rng):
    d = 16
    xb, xq = _data(rng, 1000, d), _data(rng, 20, d)
    ids = np.arange(1000, dtype=np.int64) * 11 + 5
    idmap = faiss.IndexIDMap2(faiss.IndexFlatL2(d))
    idmap.add_with_ids(xb, ids)
    gpu = faiss.index_cpu_to_gpu(res, 0, idmap)
    assert isinstance(gpu, faiss.IndexIDMap2) and isinstance(gpu.index, faiss.GpuIndexFlatL2)
    _, Ir = idmap.search(xq, 3)
    _, I = gpu.search(xq, 3)
    assert (I == Ir).mean() > 0.99
    assert set(np.unique(I)) <= set(ids)
    pca = faiss.index_factory(d, "PCA8,Flat")
    pca.train(xb)
    pca.add(xb)
    gpu = faiss.index_cpu_to_gpu(res, 0, pca)
    assert isinstance(gpu, faiss.IndexPreTransform)
    _, Ir = pca.search(xq, 3)
    _, I = gpu.search(xq, 3)
    assert (I == Ir).mean() > 0.99
    back = faiss.index_gpu_to_cpu(gpu)
    assert isinstance(back.index, faiss.IndexFlat)


@needs_device
def test_float16_option_recall(res, rng):
    d = 64
    xb, xq = _data(rng, 4000, d), _data(rng, 100, d)
    cpu = faiss.IndexFlatL2(d)
    cpu.add(xb)
    co = faiss.GpuClonerOptions()
    co.useFloat16 = True
    gpu = faiss.index_cpu_to_gpu(res, 0, cpu, co)
    _, Ir = cpu.search(xq, 10)
    _, I = gpu.search(xq, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, Ir)])
    assert recall >= 0.99


@needs_device
def test_unsupported_type_is_named(res):
    with pytest.raises(RuntimeError, match="IndexHNSWFlat"):
        faiss.index_cpu_to_gpu(res, 0, faiss.IndexHNSWFlat(8, 16))
    with pytest.raises(RuntimeError, match="device must be"):
        faiss.index_cpu_to_gpu(res, NGPU, faiss.IndexFlatL2(8))


@needs_device
def test_index_cpu_to_all_gpus(rng):
    cpu = faiss.IndexFlatL2(8)
    cpu.add(_data(rng, 100, 8))
    if NGPU > 1:
        with pytest.raises(RuntimeError, match="IndexReplicas"):
            faiss.index_cpu_to_all_gpus(cpu)
        return
    gpu = faiss.index_cpu_to_all_gpus(cpu)
    assert isinstance(gpu, faiss.GpuIndexFlatL2) and gpu.ntotal == 100


@needs_device
def test_kmeans_on_gpu(rng):
    x = _data(rng, 5000, 16)
    init = x[:20].copy()
    cpu = faiss.Kmeans(16, 20, niter=5, max_points_per_centroid=1000)
    gpu = faiss.Kmeans(16, 20, niter=5, max_points_per_centroid=1000, gpu=True)
    cpu.train(x, init_centroids=init)
    gpu.train(x, init_centroids=init)
    assert isinstance(gpu.index, faiss.GpuIndexFlatL2)
    assert abs(gpu.obj[-1] - cpu.obj[-1]) <= 1e-2 * cpu.obj[-1]
    _, I = gpu.assign(x[:100])
    _, Ir = cpu.assign(x[:100])
    assert (I == Ir).mean() > 0.9


@needs_device
def test_knn_gpu(res, rng):
    d = 40
    xb, xq = _data(rng, 3000, d), _data(rng, 60, d)
    Dr, Ir = faiss.knn(xq, xb, 8)
    D, I = faiss.knn_gpu(res, xq, xb, 8)
    assert (I == Ir).mean() > 0.999
    np.testing.assert_allclose(D, Dr, rtol=1e-4, atol=1e-3)
    # Column-major inputs and int32 output ids.
    I32 = np.empty((60, 8), dtype=np.int32)
    D2, I2 = faiss.knn_gpu(res, np.asfortranarray(xq), np.asfortranarray(xb), 8, I=I32)
    assert I2 is I32
    assert (I2 == I).mean() > 0.999   # another GEMM layout: near-ties may swap
    # Small memory limits: the database and queries go to the device in pieces.
    D3, I3 = faiss.knn_gpu(res, xq, xb, 8, vectorsMemoryLimit=100 * d * 4,
                           queriesMemoryLimit=16 * d * 4 + 16 * 8 * 12)
    assert (I3 == I).mean() > 0.999
    # Inner product, float16 inputs.
    Dr, Ir = faiss.knn(xq, xb, 8, metric=faiss.METRIC_INNER_PRODUCT)
    _, I = faiss.knn_gpu(res, xq.astype(np.float16), xb.astype(np.float16), 8,
                         metric=faiss.METRIC_INNER_PRODUCT)
    recall = np.mean([len(set(a) & set(b)) / 8 for a, b in zip(I, Ir)])
    assert recall >= 0.95
