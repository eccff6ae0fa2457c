"""faiss.set_progress_callback: a Python callable receives the library's progress reports
(faiss/utils/progress.h) with the GIL, monotone and ending at total; an exception it
raises stops training and comes out of train() unchanged; without a callback training is
the same."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import faiss


@pytest.fixture(autouse=True)
def _no_callback_after():
    yield
    faiss.set_progress_callback(None)


def _data(n=3000, d=16, seed=0):
    return np.random.default_rng(seed).random((n, d), dtype=np.float32)


def _runs(events, operation):
    """The events of `operation`, split into runs (each starts at done == 0)."""
    runs = []
    for op, done, total, depth in events:
        if op != operation:
            continue
        if done == 0:
            runs.append([])
        runs[-1].append((done, total, depth))
    return runs


def test_kmeans_reports_every_iteration_in_order():
    events = []
    faiss.set_progress_callback(lambda *e: events.append(e))
    assert faiss.has_progress_callback()
    km = faiss.Kmeans(16, 20, niter=12)
    km.train(_data())
    runs = _runs(events, "Clustering::train")
    assert len(runs) == 1
    run = runs[0]
    assert [done for done, _, _ in run] == list(range(13))
    assert all(total == 12 and depth == 0 for _, total, depth in run)


def test_ivfpq_training_nests_and_each_run_completes():
    events = []
    faiss.set_progress_callback(lambda *e: events.append(e))
    index = faiss.index_factory(16, "IVF8,PQ4x6")
    index.train(_data())
    assert events[0] == ("IndexIVF::train", 0, 2, 0)
    assert events[-1] == ("IndexIVF::train", 2, 2, 0)
    for op in ("IndexIVF::train", "ProductQuantizer::train", "Clustering::train"):
        for run in _runs(events, op):
            dones = [done for done, _, _ in run]
            assert dones == sorted(set(dones)), (op, dones)
            assert dones[-1] == run[0][1], (op, dones)
    assert {depth for op, _, _, depth in events if op == "ProductQuantizer::train"} == {1}


def test_hnsw_add_is_reported_a_bounded_number_of_times():
    events = []
    faiss.set_progress_callback(lambda *e: events.append(e))
    index = faiss.IndexHNSWFlat(16, 8)
    index.add(_data(2000))
    run = _runs(events, "HNSW::add_nodes")[0]
    assert run[-1][0] == run[-1][1] == 1999
    assert len(run) <= 1002


def test_exception_from_callback_stops_training_and_is_raised_as_is():
    class Stop(Exception):
        pass

    def cb(op, done, total, depth):
        if done >= 2:
            raise Stop(f"stop at {op} {done}/{total}")

    faiss.set_progress_callback(cb)
    index = faiss.index_factory(16, "IVF16,Flat")
    with pytest.raises(Stop, match="stop at Clustering::train 2/10"):
        index.train(_data())
    assert not index.is_trained
    faiss.set_progress_callback(None)
    assert not faiss.has_progress_callback()
    index.train(_data())
    assert index.is_trained


def test_keyboard_interrupt_in_callback_interrupts_training():
    def cb(op, done, total, depth):
        if done == 1:
            signal.raise_signal(signal.SIGINT)

    faiss.set_progress_callback(cb)
    with pytest.raises(KeyboardInterrupt):
        faiss.Kmeans(16, 20, niter=10).train(_data())


def test_callback_must_be_callable():
    with pytest.raises(TypeError, match="callable"):
        faiss.set_progress_callback(3)
    assert not faiss.has_progress_callback()


def test_same_centroids_with_and_without_callback():
    x = _data()
    plain = faiss.Kmeans(16, 10, niter=8, seed=3)
    plain.train(x)
    faiss.set_progress_callback(lambda *e: None)
    reported = faiss.Kmeans(16, 10, niter=8, seed=3)
    reported.train(x)
    np.testing.assert_array_equal(plain.centroids, reported.centroids)


def test_training_from_threads_while_python_runs():
    # Two threads train with the GIL released; the callback takes it for each report and
    # the main thread keeps running Python meanwhile: no deadlock, every report arrives.
    lock = threading.Lock()
    counts = {}

    def cb(op, done, total, depth):
        with lock:
            counts[threading.get_ident()] = counts.get(threading.get_ident(), 0) + 1

    faiss.set_progress_callback(cb)
    x = _data()

    def work():
        faiss.Kmeans(16, 16, niter=10).train(x)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    spins = 0
    while any(t.is_alive() for t in threads):
        spins += 1
        time.sleep(0.001)
    for t in threads:
        t.join()
    assert sorted(counts.values()) == [11, 11]


def test_callback_costs_little():
    x = _data(20000, 32)

    def train():
        t0 = time.perf_counter()
        faiss.Kmeans(32, 64, niter=10, seed=1).train(x)
        return time.perf_counter() - t0

    train()
    plain = min(train() for _ in range(2))
    faiss.set_progress_callback(lambda *e: None)
    reported = min(train() for _ in range(2))
    # 11 Python calls per training: noise dominates; only a gross slowdown fails.
    assert reported < plain * 2 + 0.1, (plain, reported)


def test_ctrl_c_interrupts_training_without_a_callback():
    # SIGINT arrives while k-means runs in C++ (GIL released): the interrupt callback
    # installed at import raises KeyboardInterrupt at the next report point.
    x = _data(20000, 64)
    km = faiss.Kmeans(64, 256, niter=400, max_points_per_centroid=1000)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            km.train(x)
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 30
    assert not faiss.InterruptCallback.is_interrupted()


def test_interrupt_callback_is_installed_at_import():
    assert faiss.InterruptCallback.get_period_hint(1000) < 2**30
