"""faiss-cli serve durability and concurrency: restarts replay the write log, torn log
tails are ignored, background checkpoints, searches during a stream of adds, and a
bounded kill -9 crash test (every acknowledged write survives, none is applied twice)."""

import http.client
import os
import random
import threading
import time

import numpy as np
import pytest

import faiss
from test_serve_helpers import Server, cli_path, has_serve

CLI = cli_path()
pytestmark = pytest.mark.skipif(CLI is None or not has_serve(CLI),
                                reason="faiss-cli with the serve subcommand is not built")
KEY = "durable-key"
D = 8


def make_index(path, n, seed=0):
    rng = np.random.default_rng(seed)
    xb = rng.standard_normal((n, D)).astype(np.float32)
    index = faiss.index_factory(D, "IDMap,Flat")
    if n:
        index.add_with_ids(xb, np.arange(n, dtype=np.int64))
    faiss.write_index(index, str(path))
    return xb


def start(tmp_path, *extra):
    return Server(CLI, ["--index", f"v={tmp_path}/v.index", "--data-dir", str(tmp_path / "data")] + list(extra),
                  key=KEY)


def add(s, ids, x):
    status, body = s.request("POST", "/v1/indexes/v/add", {"vectors": x.tolist(), "ids": list(ids)})
    assert status == 200, body
    return body


def present(s, x, ids=None):
    """ids of the nearest stored vector of each row of x, and of the second nearest."""
    out = []
    for i in range(0, len(x), 1000):
        status, body = s.search("v", x[i:i + 1000].tolist(), k=2)
        assert status == 200, body
        out += [r["ids"] for r in body["results"]]
    return out


def test_restart_replays_log(tmp_path):
    xb = make_index(tmp_path / "v.index", 100)
    rng = np.random.default_rng(1)
    new = rng.standard_normal((20, D)).astype(np.float32) * 5
    s = start(tmp_path)
    add(s, range(1000, 1020), new)
    assert s.request("POST", "/v1/indexes/v/remove", {"ids": [1005, 3, 4]})[0] == 200
    add(s, [1005], new[5:6])  # back again after its removal
    before = s.search("v", np.vstack([new, xb[:10]]).tolist(), k=5)[1]
    info = s.request("GET", "/v1/indexes/v")[1]
    s.kill()
    s = start(tmp_path)
    try:
        assert "replayed 3 log records" in "".join(s.lines)
        assert s.search("v", np.vstack([new, xb[:10]]).tolist(), k=5)[1] == before
        after = s.request("GET", "/v1/indexes/v")[1]
        assert after["seq"] == info["seq"] == 3 and after["ntotal"] == info["ntotal"]
    finally:
        s.stop()


def test_torn_last_record_is_ignored(tmp_path):
    make_index(tmp_path / "v.index", 10)
    s = start(tmp_path)
    x = np.full((1, D), 9.0, np.float32)
    add(s, [77], x)
    s.kill()
    folder = tmp_path / "data" / "v"
    logs = sorted(f for f in os.listdir(folder) if f.endswith(".wal"))
    with open(folder / logs[-1], "ab") as f:
        f.write(b"FSR1\x40\x00\x00\x00garbage")  # a record cut short by the crash
    s = start(tmp_path)
    try:
        assert present(s, x, [77])[0][0] == 77
        add(s, [78], x + 1)  # the log continues after the torn record
        s.kill()
        s = start(tmp_path)
        assert [r[0] for r in present(s, np.vstack([x, x + 1]), None)] == [77, 78]
        assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] == 12
    finally:
        s.stop()


def test_background_checkpoint_and_restart(tmp_path):
    make_index(tmp_path / "v.index", 0)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((120, D)).astype(np.float32)
    s = start(tmp_path, "--merge-threshold", "50")
    try:
        for i in range(0, 120, 10):
            add(s, range(i, i + 10), x[i:i + 10])
        deadline = time.time() + 30
        while s.request("GET", "/v1/indexes/v")[1]["checkpoint_seq"] < 5:
            assert time.time() < deadline, "no background checkpoint"
            time.sleep(0.1)
        assert [r[0] for r in present(s, x, None)] == list(range(120))
    finally:
        s.kill()
    s = start(tmp_path)
    try:
        info = s.request("GET", "/v1/indexes/v")[1]
        assert info["ntotal"] == 120 and info["seq"] == 12
        assert [r[0] for r in present(s, x, None)] == list(range(120))
    finally:
        s.stop()


def test_searches_during_adds(tmp_path):
    xb = make_index(tmp_path / "v.index", 2000)
    s = start(tmp_path, "--threads", "8", "--merge-threshold", "300")
    errors = []
    stop = threading.Event()

    def writer():
        rng = np.random.default_rng(3)
        i = 10000
        while not stop.is_set():
            try:
                add(s, range(i, i + 20), rng.standard_normal((20, D)).astype(np.float32) + 100)
            except AssertionError as e:
                errors.append(e)
            i += 20

    def reader():
        for j in range(30):
            status, body = s.search("v", xb[j:j + 1].tolist(), k=1)
            if status != 200 or body["results"][0]["ids"] != [j]:
                errors.append((status, body))

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads[1:]:
            t.join()
        stop.set()
        threads[0].join()
        assert not errors, errors[:3]
    finally:
        stop.set()
        s.stop()


def test_kill_9_loses_no_acknowledged_write(tmp_path):
    """Bounded crash test: a client adds (and sometimes removes) with acknowledgements
    while the service is killed with SIGKILL at random moments and restarted."""
    make_index(tmp_path / "v.index", 0)
    rand = random.Random(5)
    vectors = {}       # id -> vector, acknowledged adds
    removed = set()    # acknowledged removes
    in_doubt = set()   # ids of writes cut by a kill: applied or not, either is right
    next_id = [0, 10 ** 6]
    for round_ in range(4):
        s = start(tmp_path, "--merge-threshold", "40")
        acked = []
        stop = threading.Event()

        def write(op, ids, x):
            body = {"ids": ids} if x is None else {"vectors": x.tolist(), "ids": ids}
            try:
                status, _ = s.request("POST", f"/v1/indexes/v/{op}", body, timeout=5)
            except (OSError, http.client.HTTPException):  # killed mid-request or mid-answer
                status = None
            if status == 200:
                acked.append((op, ids, x))
            else:
                in_doubt.update(ids)
            return status == 200

        def client(t):
            # Two writers, so that kills also land while one fsync covers several writes.
            while not stop.is_set():
                ids = list(range(next_id[t], next_id[t] + 5))
                next_id[t] += 5
                x = np.random.default_rng(ids[0]).standard_normal((5, D)).astype(np.float32)
                if not write("add", ids, x):
                    return
                if ids[0] % 15 == 0 and not write("remove", [ids[0]], None):
                    return

        threads = [threading.Thread(target=client, args=(t,)) for t in range(2)]
        for t in threads:
            t.start()
        time.sleep(rand.uniform(0.2, 1.0))
        s.kill()
        stop.set()
        for t in threads:
            t.join()
        for op, ids, x in acked:
            if op == "add":
                vectors.update(zip(ids, x))
            else:
                removed.update(ids)
        assert acked, f"round {round_}: no write acknowledged"

    s = start(tmp_path)
    try:
        live = sorted(set(vectors) - removed - in_doubt)
        x = np.array([vectors[i] for i in live], np.float32)
        got = present(s, x, live)
        assert [r[0] for r in got] == live              # every acknowledged vector is there
        assert all(r[1] != r[0] for r in got)           # and only once
        gone = np.array([vectors[i] for i in sorted(removed)], np.float32)
        assert not set(r[0] for r in present(s, gone, None)) & (removed - in_doubt)
        # Beyond those, only the writes in flight at each kill may have landed.
        ntotal = s.request("GET", "/v1/indexes/v")[1]["ntotal"]
        assert len(live) <= ntotal <= len(live) + len(in_doubt)
    finally:
        s.stop()


@pytest.mark.parametrize("factory", ["IVF8,Flat", "HNSW16", "PQ4x4"])
def test_writable_index_types(tmp_path, factory):
    """Indexes with ids of their own (IVF) and without (HNSW, PQ: wrapped in IndexIDMap)
    take adds and removes, through a checkpoint and a restart."""
    rng = np.random.default_rng(6)
    xb = rng.standard_normal((300, D)).astype(np.float32)
    index = faiss.index_factory(D, factory)
    index.train(xb)
    index.add(xb[:200])
    if factory.startswith("IVF"):
        index.nprobe = 8
    faiss.write_index(index, str(tmp_path / "v.index"))
    s = start(tmp_path)
    try:
        add(s, range(200, 300), xb[200:])
        assert s.request("POST", "/v1/indexes/v/remove", {"ids": [0, 250]})[0] == 200
        queries = xb[[1, 2, 250, 260, 0]]
        before = s.search("v", queries.tolist(), k=5)[1]["results"]
        status, body = s.request("POST", "/v1/indexes/v/checkpoint")
        assert status == 200, body
        after = s.search("v", queries.tolist(), k=5)[1]["results"]
        for r in before + after:
            assert 0 not in r["ids"] and 250 not in r["ids"]
        if not factory.startswith("PQ"):  # PQ distances are approximate; others exact here
            assert [r["ids"][0] for r in after[:4]] == [1, 2, after[2]["ids"][0], 260]
            assert before == after
        s.kill()
        s = start(tmp_path)
        assert s.search("v", queries.tolist(), k=5)[1]["results"] == after
        assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] == 298
    finally:
        s.stop()


def test_untrained_index_is_not_writable(tmp_path):
    faiss.write_index(faiss.index_factory(D, "IVF8,Flat"), str(tmp_path / "v.index"))
    import subprocess
    env = dict(os.environ, FAISS_SERVE_API_KEY=KEY)
    r = subprocess.run([CLI, "serve", "--port", "0", "--index", f"v={tmp_path}/v.index", "--data-dir",
                        str(tmp_path / "data")], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "not trained" in r.stderr, r.stderr


def test_ivf_delta_probes_like_the_base(tmp_path):
    """Vectors added since the last checkpoint are searched in the query's probed lists
    only, as the IVF base does: results are the same before and after the checkpoint
    merges them, for any nprobe."""
    rng = np.random.default_rng(8)
    xb = rng.standard_normal((2000, D)).astype(np.float32)
    xq = rng.standard_normal((40, D)).astype(np.float32)
    index = faiss.index_factory(D, "IVF32,Flat")
    index.train(xb)
    index.add(xb[:1000])
    index.nprobe = 2
    faiss.write_index(index, str(tmp_path / "v.index"))
    s = start(tmp_path)
    try:
        add(s, range(1000, 2000), xb[1000:])
        calls = [{}, {"params": {"nprobe": 1}}, {"params": {"nprobe": 5}}]
        before = [s.search("v", xq.tolist(), k=10, **c)[1]["results"] for c in calls]
        assert s.request("POST", "/v1/indexes/v/checkpoint")[0] == 200
        assert s.request("GET", "/v1/indexes/v")[1]["delta_vectors"] == 0
        after = [s.search("v", xq.tolist(), k=10, **c)[1]["results"] for c in calls]
        for b, a in zip(before, after):
            for rb, ra in zip(b, a):
                assert rb["ids"] == ra["ids"]
                np.testing.assert_allclose(rb["distances"], ra["distances"], rtol=1e-5, atol=1e-5)
        # nprobe 1 really prunes the added vectors: fewer exact neighbours than nprobe 5.
        truth = [set(r[1].tolist()) for r in
                 [(None, np.argsort(((xb - q) ** 2).sum(1))[:10]) for q in xq]]
        hits = [sum(len(set(r["ids"]) & t) for r, t in zip(res, truth)) for res in before]
        assert hits[1] < hits[2]
    finally:
        s.stop()


def test_many_concurrent_clients(tmp_path):
    """48 clients at once against 4 workers and a queue of 8: every request gets an
    answer, 200 or 503 (never an error or a hang), and the service keeps serving."""
    xb = make_index(tmp_path / "v.index", 500)
    s = start(tmp_path, "--threads", "4", "--queue", "8")
    statuses, failures = [], []
    lock = threading.Lock()

    def client(c):
        for j in range(10):
            try:
                if c % 4 == 0:
                    status, _ = s.request("POST", "/v1/indexes/v/add",
                                          {"vectors": xb[j:j + 1].tolist(), "ids": [100000 + c * 10 + j]})
                else:
                    status, _ = s.search("v", xb[j:j + 2].tolist(), k=3)
            except Exception as e:  # noqa: BLE001 - any failure to answer is the bug
                with lock:
                    failures.append(repr(e))
                continue
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(48)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not failures, failures[:3]
        assert len(statuses) == 480 and set(statuses) <= {200, 503} and statuses.count(200) > 0
        assert s.search("v", xb[:1].tolist(), k=1)[1]["results"][0]["ids"] == [0]
    finally:
        s.stop()


def _reference_results(index, xq, k):
    """Index.search results without the -1 padding, as the service answers them."""
    dis, ids = index.search(xq, k)
    return [(d[i >= 0], i[i >= 0]) for d, i in zip(dis, ids)]


@pytest.mark.parametrize("metric", ["L2", "IP"])
def test_ivf_delta_matches_a_reference_index(tmp_path, metric):
    """Many small adds (the per-list delta grows chunk by chunk and merges), removes and
    re-adds of removed ids, then a checkpoint and a restart: the service answers as an
    IVF index given the same writes, at several nprobe, at every stage."""
    rng = np.random.default_rng(11)
    mt = faiss.METRIC_L2 if metric == "L2" else faiss.METRIC_INNER_PRODUCT
    xb = rng.standard_normal((1000, D)).astype(np.float32)  # 200 + at most 40 x 19 rows
    xq = rng.standard_normal((30, D)).astype(np.float32)
    ref = faiss.index_factory(D, "IVF16,Flat", mt)
    ref.train(xb)
    ref.add_with_ids(xb[:200], np.arange(200, dtype=np.int64))
    ref.nprobe = 3
    faiss.write_index(ref, str(tmp_path / "v.index"))
    s = start(tmp_path)
    try:
        pos = 200
        for step in range(40):
            n = int(rng.integers(1, 20))
            ids = np.arange(pos, pos + n, dtype=np.int64)
            add(s, ids.tolist(), xb[pos:pos + n])
            ref.add_with_ids(xb[pos:pos + n], ids)
            pos += n
            if step % 7 == 6:
                gone = rng.choice(pos, 5, replace=False).astype(np.int64)
                assert s.request("POST", "/v1/indexes/v/remove", {"ids": gone.tolist()})[0] == 200
                ref.remove_ids(faiss.IDSelectorBatch(gone))
                back = rng.standard_normal((2, D)).astype(np.float32)
                add(s, gone[:2].tolist(), back)
                ref.add_with_ids(back, gone[:2])

        def check():
            for nprobe in (1, 3, 16):
                ref.nprobe = nprobe
                expected = _reference_results(ref, xq, 10)
                got = s.search("v", xq.tolist(), k=10, params={"nprobe": nprobe})[1]["results"]
                for r, (dis, ids) in zip(got, expected):
                    assert r["ids"] == ids.tolist()
                    np.testing.assert_allclose(r["distances"], dis, rtol=1e-4, atol=1e-4)
            assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] >= ref.ntotal

        check()
        assert s.request("GET", "/v1/indexes/v")[1]["delta_vectors"] > 0
        assert s.request("POST", "/v1/indexes/v/checkpoint")[0] == 200
        assert s.request("GET", "/v1/indexes/v")[1]["delta_vectors"] == 0
        check()
        add(s, [5000], xq[:1])
        ref.add_with_ids(xq[:1], np.array([5000], dtype=np.int64))
        s.kill()
        s = start(tmp_path)
        check()
        assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] == ref.ntotal
    finally:
        s.stop()


def test_checkpoint_without_the_base_file_clones_the_base(tmp_path):
    """A checkpoint reads its copy of the base from the base's checkpoint file; with that
    file gone it clones the base in memory instead, and nothing is lost."""
    xb = make_index(tmp_path / "v.index", 100)
    rng = np.random.default_rng(12)
    new = rng.standard_normal((10, D)).astype(np.float32) * 5
    s = start(tmp_path)
    try:
        add(s, range(1000, 1010), new)
        data = tmp_path / "data" / "v"
        for name in os.listdir(data):
            if name.startswith("ckpt-"):
                os.unlink(data / name)
        status, body = s.request("POST", "/v1/indexes/v/checkpoint")
        assert status == 200 and body["checkpoint_seq"] == 1, body
        assert [r[0] for r in present(s, new)] == list(range(1000, 1010))
    finally:
        s.kill()
    s = start(tmp_path)
    try:
        assert [r[0] for r in present(s, new)] == list(range(1000, 1010))
        assert [r[0] for r in present(s, xb)] == list(range(100))
        assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] == 110
    finally:
        s.stop()


def test_kill_9_during_a_paced_checkpoint(tmp_path):
    """A checkpoint paced to 1 MB/s takes seconds: writes go on meanwhile, a kill while it
    writes the new base loses none of them, and the restart removes its temporary file."""
    xb = make_index(tmp_path / "v.index", 20000)
    rng = np.random.default_rng(13)
    new = rng.standard_normal((60, D)).astype(np.float32) * 5
    data = tmp_path / "data" / "v"
    s = start(tmp_path, "--merge-threshold", "20", "--checkpoint-rate", "1")
    try:
        add(s, range(100000, 100030), new[:30])  # starts the checkpoint
        deadline = time.time() + 20
        while not any(".tmp" in f for f in os.listdir(data)):
            assert time.time() < deadline, "the checkpoint never started writing"
            time.sleep(0.02)
        add(s, range(100030, 100060), new[30:])  # acknowledged while it runs
        assert s.request("GET", "/v1/indexes/v")[1]["checkpoint_seq"] == 0
    finally:
        s.kill()
    s = start(tmp_path)
    try:
        assert not any(".tmp" in f for f in os.listdir(data))
        assert [r[0] for r in present(s, new)] == list(range(100000, 100060))
        assert [r[0] for r in present(s, xb[::100])] == list(range(0, 20000, 100))
        info = s.request("GET", "/v1/indexes/v")[1]
        assert info["ntotal"] == 20060 and info["seq"] == 2
    finally:
        s.stop()


def test_paced_checkpoint_completes_and_restarts(tmp_path):
    """The paced checkpoint's file is a complete index: after it, a restart loads it and
    replays only the writes that came later."""
    make_index(tmp_path / "v.index", 20000)
    rng = np.random.default_rng(14)
    new = rng.standard_normal((40, D)).astype(np.float32) * 5
    s = start(tmp_path, "--merge-threshold", "20", "--checkpoint-rate", "4")
    try:
        add(s, range(100000, 100020), new[:20])
        deadline = time.time() + 30
        while s.request("GET", "/v1/indexes/v")[1]["checkpoint_seq"] < 1:
            assert time.time() < deadline, "no background checkpoint"
            time.sleep(0.05)
        add(s, range(100020, 100040), new[20:])
    finally:
        s.kill()
    s = start(tmp_path)
    try:
        assert "replayed 1 log records" in "".join(s.lines)
        assert [r[0] for r in present(s, new)] == list(range(100000, 100040))
        assert s.request("GET", "/v1/indexes/v")[1]["ntotal"] == 20040
    finally:
        s.stop()
