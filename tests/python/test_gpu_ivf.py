"""The GPU IVF indexes from Python: GpuIndexIVFFlat / GpuIndexIVFScalarQuantizer /
GpuIndexIVFPQ built directly and through index_cpu_to_gpu, results against the CPU
index, the copy back and its file read by faiss-cpu. Skipped without a device (the
no-device behaviour of the GPU surface is covered by test_gpu.py)."""

import numpy as np
import pytest

import faiss

from faiss_reference import needs_reference, run_script_both

HAVE_GPU = faiss.gpu_wrappers.HAVE_GPU
NGPU = faiss.get_num_gpus()

gpu_build = pytest.mark.skipif(not HAVE_GPU, reason="the build has no GPU backend")
needs_device = pytest.mark.skipif(NGPU == 0, reason="no CUDA device")


@pytest.fixture(scope="module")
def res():
    if NGPU == 0:
        pytest.skip("no CUDA device")
    return faiss.StandardGpuResources()


def _clustered(rng, n, d, centers):
    c = rng.standard_normal((centers, d)).astype(np.float32) * 4
    return c[rng.integers(0, centers, n)] + rng.standard_normal((n, d)).astype(np.float32)


@gpu_build
def test_ivf_names_exist():
    for name in ("GpuIndexIVFFlat", "GpuIndexIVFScalarQuantizer", "GpuIndexIVFPQ",
                 "GpuIndexIVFConfig", "GpuIndexIVFPQConfig"):
        assert hasattr(faiss, name)
    cfg = faiss.GpuIndexIVFPQConfig()
    assert cfg.indicesOptions == faiss.INDICES_64_BIT
    assert cfg.usePrecomputedTables is False


@needs_device
@pytest.mark.parametrize("key", ["IVF32,Flat", "IVF32,SQ8", "IVF32,SQfp16", "IVF32,PQ8np"])
def test_cpu_to_gpu_matches_cpu(res, rng, key):
    d = 32
    xb, xq = _clustered(rng, 5000, d, 20), _clustered(rng, 100, d, 20)
    cpu = faiss.index_factory(d, key)
    cpu.train(xb)
    cpu.add(xb)
    cpu.nprobe = 32  # every list: no centroid ties can separate the two sides
    gpu = faiss.index_cpu_to_gpu(res, 0, cpu)
    assert isinstance(gpu, faiss.GpuIndexIVF) and gpu.nprobe == 32
    Dc, Ic = cpu.search(xq, 10)
    Dg, Ig = gpu.search(xq, 10)
    np.testing.assert_allclose(Dg, Dc, rtol=1e-3, atol=1e-3 * float(np.abs(Dc).max()))
    assert (Ig == Ic).mean() > 0.95  # ties (equal codes) may order differently
    back = faiss.index_gpu_to_cpu(gpu)
    assert type(back) is type(cpu) and back.ntotal == cpu.ntotal
    Db, Ib = back.search(xq, 10)
    np.testing.assert_array_equal(Ib, Ic)


@needs_device
def test_direct_construction_train_add_search(res, rng):
    d = 16
    xb, xq = _clustered(rng, 8000, d, 30), _clustered(rng, 50, d, 30)
    gpu = faiss.GpuIndexIVFFlat(res, d, 64, faiss.METRIC_L2)
    assert not gpu.is_trained
    gpu.train(xb)
    gpu.add_with_ids(xb, np.arange(8000, dtype=np.int64) * 2)
    gpu.nprobe = 64
    flat = faiss.IndexFlatL2(d)
    flat.add(xb)
    D, I = gpu.search(xq, 5)
    Dr, Ir = flat.search(xq, 5)
    np.testing.assert_array_equal(I, Ir * 2)
    assert gpu.getNumLists() == 64
    assert sum(gpu.getListLength(i) for i in range(64)) == 8000
    sq = faiss.GpuIndexIVFScalarQuantizer(res, d, 16, faiss.ScalarQuantizer.QT_8bit)
    sq.train(xb)
    sq.add(xb)
    pq = faiss.GpuIndexIVFPQ(res, d, 16, 4, 8)
    pq.train(xb)
    pq.add(xb)
    assert pq.getNumSubQuantizers() == 4 and sq.ntotal == 8000 and pq.ntotal == 8000
    with pytest.raises(RuntimeError, match="nprobe"):
        gpu.nprobe = 4096
        gpu.search(xq, 5)


@needs_device
@needs_reference
def test_converted_file_read_by_faiss_cpu(res, rng, tmp_path):
    d = 24
    xb, xq = _clustered(rng, 4000, d, 20), _clustered(rng, 20, d, 20)
    cpu = faiss.index_factory(d, "IVF16,SQ8")
    cpu.train(xb)
    gpu = faiss.index_cpu_to_gpu(res, 0, cpu)
    gpu.add(xb)
    faiss.write_index(faiss.index_gpu_to_cpu(gpu), str(tmp_path / "gpu_ivf.index"))
    np.save(tmp_path / "xq.npy", xq)
    ours, theirs = run_script_both(tmp_path, """
import sys
import numpy as np
import faiss
index = faiss.read_index("gpu_ivf.index")
index.nprobe = 16
D, I = index.search(np.load("xq.npy"), 10)
np.savez(sys.argv[1], D=D, I=I, ntotal=index.ntotal)
""")
    assert int(theirs["ntotal"]) == 4000
    np.testing.assert_array_equal(ours["I"], theirs["I"])
    np.testing.assert_allclose(ours["D"], theirs["D"], rtol=1e-5)
