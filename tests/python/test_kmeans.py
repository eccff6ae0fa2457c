"""faiss.Kmeans and faiss.Clustering from Python."""

import numpy as np
import pytest

import faiss


@pytest.fixture
def blobs(rng):
    """600 points around 6 well separated centres in 10-D."""
    centres = rng.standard_normal((6, 10)) * 10
    labels = np.repeat(np.arange(6), 100)
    x = (centres[labels] + rng.standard_normal((600, 10)) * 0.3).astype(np.float32)
    return x, centres, labels


def test_kmeans_finds_the_blobs(blobs):
    x, centres, labels = blobs
    km = faiss.Kmeans(10, 6, niter=20, seed=3, nredo=3, use_kmeanspp=True)
    obj = km.train(x)
    assert km.centroids.shape == (6, 10) and km.centroids.dtype == np.float32
    # every true centre has a centroid close to it
    dist = ((centres[:, None, :] - km.centroids[None]) ** 2).sum(-1)
    assert dist.min(axis=1).max() < 0.5
    assert obj == pytest.approx(km.obj[-1])
    # one entry per iteration of each run up to the kept one
    assert len(km.obj) in (20, 40, 60) and len(km.iteration_stats) == len(km.obj)
    assert set(km.iteration_stats[0]) == {"obj", "time", "time_search", "imbalance_factor",
                                          "nsplit"}
    last_run = km.obj[-20:]
    assert (np.diff(last_run) <= 1e-3 * abs(last_run[0])).all()
    assert km.index.ntotal == 6 and isinstance(km.index, faiss.IndexFlatL2)


def test_assign_is_nearest_centroid(blobs):
    x, _, labels = blobs
    km = faiss.Kmeans(10, 6, niter=10, seed=1, use_kmeanspp=True)
    km.train(x)
    D, I = km.assign(x)
    assert D.shape == (600,) and I.shape == (600,) and I.dtype == np.int64
    dist = ((x[:, None, :].astype(np.float64) - km.centroids[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(I, dist.argmin(axis=1))
    np.testing.assert_allclose(D, dist.min(axis=1), rtol=1e-4, atol=1e-3)
    # points of one blob share a centroid
    for b in range(6):
        assert len(set(I[labels == b].tolist())) == 1


def test_assign_follows_edited_centroids(blobs):
    x, _, _ = blobs
    km = faiss.Kmeans(10, 6, niter=5)
    km.train(x)
    km.centroids = km.centroids[::-1].copy()
    _, I = km.assign(km.centroids)
    np.testing.assert_array_equal(I, np.arange(6))


def test_spherical_kmeans(blobs):
    x, _, _ = blobs
    km = faiss.Kmeans(10, 6, niter=10, spherical=True)
    km.train(x)
    np.testing.assert_allclose(np.linalg.norm(km.centroids, axis=1), 1, rtol=1e-4)
    assert isinstance(km.index, faiss.IndexFlatIP)


def test_init_centroids_and_weights(blobs):
    x, _, _ = blobs
    init = x[:6].astype(np.float64)
    km = faiss.Kmeans(10, 6, niter=0)
    assert km.train(x, init_centroids=init) == 0.0
    np.testing.assert_array_equal(km.centroids, x[:6])
    km = faiss.Kmeans(10, 6, niter=5)
    km.train(x.astype(np.float64), weights=np.ones(600))
    with pytest.raises(ValueError, match=r"weights must have shape \(600,\)"):
        km.train(x, weights=np.ones(5))
    with pytest.raises(ValueError, match=r"init_centroids must have shape \(6, 10\)"):
        km.train(x, init_centroids=x[:5])


def test_kmeans_parameters_and_errors(blobs):
    x, _, _ = blobs
    km = faiss.Kmeans(10, 6, niter=7, verbose=False, seed=42, max_points_per_centroid=50,
                      gpu=False)
    assert km.cp.niter == 7 and km.cp.seed == 42 and km.cp.max_points_per_centroid == 50
    with pytest.raises(AttributeError, match="unknown parameter 'bogus'"):
        faiss.Kmeans(10, 6, bogus=1)
    with pytest.raises(RuntimeError, match="train"):
        faiss.Kmeans(10, 6).assign(x)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 10\)"):
        km.train(x[:, :5])
    with pytest.raises(RuntimeError, match="n"):
        faiss.Kmeans(10, 6).train(x[:3])  # fewer points than centroids
    bad = x.copy()
    bad[3, 3] = np.nan
    with pytest.raises(RuntimeError, match="NaN|nan|finite"):
        faiss.Kmeans(10, 6).train(bad)


def test_seed_determinism(blobs):
    x, _, _ = blobs
    a = faiss.Kmeans(10, 6, niter=5, seed=9)
    b = faiss.Kmeans(10, 6, niter=5, seed=9)
    a.train(x)
    b.train(x)
    np.testing.assert_array_equal(a.centroids, b.centroids)


def test_clustering_object(blobs):
    x, _, _ = blobs
    clus = faiss.Clustering(10, 6)
    clus.niter = 8
    clus.seed = 5
    index = faiss.IndexFlatL2(10)
    clus.train(x, index)
    centroids = faiss.vector_to_array(clus.centroids).reshape(6, 10)
    np.testing.assert_array_equal(index.reconstruct_n(), centroids)
    stats = clus.iteration_stats
    assert stats.size() == 8 and stats.at(7).obj > 0


def test_clustering_1d():
    x = np.r_[np.zeros(50), np.ones(50) * 10].astype(np.float32)
    clus = faiss.Clustering1D(2)
    clus.train_exact(x)
    np.testing.assert_allclose(faiss.vector_to_array(clus.centroids), [0, 10])
