"""Brute-force references in float64 numpy, for checking the indexes."""

import numpy as np

import faiss


def pairwise(xq, xb, metric=faiss.METRIC_L2, metric_arg=0.0):
    """nq x nb matrix of distances (or similarities for inner product) in float64."""
    xq = np.asarray(xq, dtype=np.float64)
    xb = np.asarray(xb, dtype=np.float64)
    if metric == faiss.METRIC_INNER_PRODUCT:
        return xq @ xb.T
    diff = xq[:, None, :] - xb[None, :, :]
    if metric == faiss.METRIC_L2:
        return (diff ** 2).sum(-1)
    if metric == faiss.METRIC_L1:
        return np.abs(diff).sum(-1)
    if metric == faiss.METRIC_Linf:
        return np.abs(diff).max(-1)
    if metric == faiss.METRIC_Lp:
        return (np.abs(diff) ** metric_arg).sum(-1)
    raise ValueError(metric)


def knn(xq, xb, k, metric=faiss.METRIC_L2, metric_arg=0.0, ids=None):
    """(D, I) of the k best, best first, padded like the library (-1, +-inf)."""
    dis = pairwise(xq, xb, metric, metric_arg)
    similarity = metric == faiss.METRIC_INNER_PRODUCT
    order = np.argsort(-dis if similarity else dis, axis=1, kind="stable")[:, :k]
    D = np.take_along_axis(dis, order, axis=1)
    I = order if ids is None else np.asarray(ids)[order]
    if order.shape[1] < k:
        pad = k - order.shape[1]
        D = np.hstack([D, np.full((len(D), pad), -np.inf if similarity else np.inf)])
        I = np.hstack([I, np.full((len(I), pad), -1)])
    return D, I


def range_search(xq, xb, radius, metric=faiss.METRIC_L2):
    """Per query, the sorted list of ids within radius."""
    dis = pairwise(xq, xb, metric)
    if metric == faiss.METRIC_INNER_PRODUCT:
        return [np.flatnonzero(row > radius) for row in dis]
    return [np.flatnonzero(row < radius) for row in dis]


def assert_knn_matches(D, I, xq, xb, k, metric=faiss.METRIC_L2, metric_arg=0.0, ids=None,
                       rtol=1e-4, atol=1e-4):
    """D, I must be the exact k-NN of xq in xb: distances equal to the reference, ids
    equal except where the reference has a near-tie (then the returned id must have the
    reference distance at that rank, and no id may repeat within a row)."""
    Dref, Iref = knn(xq, xb, k, metric, metric_arg, ids)
    np.testing.assert_allclose(D, Dref, rtol=rtol, atol=atol)
    assert I.shape == Iref.shape and I.dtype == np.int64
    if (I == Iref).all():
        return
    dis = pairwise(xq, xb, metric, metric_arg)
    position = {int(v): p for p, v in enumerate(ids)} if ids is not None else None
    for r, j in zip(*np.nonzero(I != Iref)):
        label = int(I[r, j])
        assert label != -1, f"row {r}: missing result at rank {j}"
        col = position[label] if position is not None else label
        np.testing.assert_allclose(dis[r, col], Dref[r, j], rtol=rtol, atol=atol,
                                   err_msg=f"row {r} rank {j}: id {label} vs {Iref[r, j]}")
        assert len(set(I[r].tolist())) == k, f"row {r} repeats an id: {I[r]}"


def assert_range_matches(lims, D, I, dis, radius, metric, ids=None):
    """lims, D, I must be the range search result for the distance matrix dis (nq x nb):
    every point clearly inside the radius present, none clearly outside, no repeats, and
    the returned distances right. Points within rounding of the radius may go either way.
    ids maps columns of dis to labels (default: the column numbers)."""
    similarity = metric == faiss.METRIC_INNER_PRODUCT
    labels = np.arange(dis.shape[1]) if ids is None else np.asarray(ids)
    column = {int(v): c for c, v in enumerate(labels)}
    tol = 1e-4 * max(1.0, abs(radius))
    inside = dis > radius + tol if similarity else dis < radius - tol
    outside = dis < radius - tol if similarity else dis > radius + tol
    assert lims.shape == (dis.shape[0] + 1,) and lims.dtype == np.uint64
    assert D.dtype == np.float32 and I.dtype == np.int64
    assert lims[0] == 0 and lims[-1] == len(D) == len(I)
    for i in range(dis.shape[0]):
        got = [column[int(v)] for v in I[lims[i]:lims[i + 1]]]
        assert len(set(got)) == len(got), f"query {i}: repeated result"
        assert set(np.flatnonzero(inside[i])) <= set(got), f"query {i}: missing results"
        assert not outside[i][got].any(), f"query {i}: result outside the radius"
        np.testing.assert_allclose(D[lims[i]:lims[i + 1]], dis[i][got], rtol=2e-4, atol=2e-3)
