"""faiss-cli serve: every endpoint, validation of every field, authentication, the
bounded queue. Each test starts the service on a free loopback port."""

import json
import os
import socket
import time

import numpy as np
import pytest

import faiss
from test_serve_helpers import Server, b64, cli_path, has_serve

CLI = cli_path()
pytestmark = pytest.mark.skipif(CLI is None or not has_serve(CLI),
                                reason="faiss-cli with the serve subcommand is not built")
KEY = "test-key-1234"
D = 16


def knn(xb, ids, xq, k, ip=False):
    """Exact neighbours in double precision: (distances, ids) per query."""
    xb = xb.astype(np.float64)
    out = []
    for q in xq.astype(np.float64):
        dis = xb @ q if ip else ((xb - q) ** 2).sum(1)
        order = np.argsort(-dis if ip else dis, kind="stable")[:k]
        out.append((dis[order], ids[order]))
    return out


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    xb = rng.standard_normal((500, D)).astype(np.float32)
    xq = rng.standard_normal((5, D)).astype(np.float32)
    return xb, xq


@pytest.fixture
def flat_file(tmp_path, data):
    xb, _ = data
    index = faiss.index_factory(D, "IDMap,Flat")
    index.add_with_ids(xb, np.arange(len(xb), dtype=np.int64) * 10)
    path = str(tmp_path / "flat.index")
    faiss.write_index(index, path)
    return path


@pytest.fixture
def server(tmp_path, flat_file):
    s = Server(CLI, ["--index", f"main={flat_file}", "--data-dir", str(tmp_path / "data"),
                     "--max-k", "100", "--max-body", "200000"], key=KEY)
    yield s
    s.stop()


def check_results(results, expected, k):
    assert len(results) == len(expected)
    for r, (dis, ids) in zip(results, expected):
        assert r["ids"] == ids[:k].tolist()
        np.testing.assert_allclose(r["distances"], dis[:k], rtol=1e-4, atol=1e-4)


def test_health_list_info(server):
    assert server.request("GET", "/health") == (200, {"status": "ok"})
    status, body = server.request("GET", "/v1/indexes")
    assert status == 200 and [i["name"] for i in body["indexes"]] == ["main"]
    status, info = server.request("GET", "/v1/indexes/main")
    assert status == 200
    assert info["d"] == D and info["ntotal"] == 500 and info["writable"] and info["metric"] == "L2"


def test_search_json_rows(server, data):
    xb, xq = data
    status, body = server.search("main", xq.tolist(), k=7)
    assert status == 200
    check_results(body["results"], knn(xb, np.arange(500) * 10, xq, 7), 7)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_search_base64(server, data, dtype):
    xb, xq = data
    if dtype == "float32":
        raw, decoded = xq, xq
    elif dtype == "float16":
        raw = xq.astype(np.float16)
        decoded = raw.astype(np.float32)
    else:
        bits = xq.view(np.uint32)
        raw = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        decoded = (raw.astype(np.uint32) << 16).view(np.float32)
    status, body = server.search("main", b64(raw), k=5, dtype=dtype)
    assert status == 200, body
    check_results(body["results"], knn(xb, np.arange(500) * 10, decoded, 5), 5)


def test_filter_ids(server, data):
    xb, xq = data
    allowed = np.arange(0, 500, 3)
    status, body = server.search("main", xq[:2].tolist(), k=4, filter_ids=(allowed * 10).tolist())
    assert status == 200
    check_results(body["results"], knn(xb[allowed], allowed * 10, xq[:2], 4), 4)


def test_add_remove_search(server, data):
    xb, xq = data
    new = xq + 0.001  # new vectors right next to the queries
    status, body = server.request("POST", "/v1/indexes/main/add",
                                  {"vectors": new.tolist(), "ids": [9001, 9002, 9003, 9004, 9005]})
    assert status == 200 and body["added"] == 5
    status, body = server.search("main", xq.tolist(), k=3)
    assert [r["ids"][0] for r in body["results"]] == [9001, 9002, 9003, 9004, 9005]
    assert server.request("GET", "/v1/indexes/main")[1]["ntotal"] == 505

    # Remove one new vector and one base vector: neither comes back.
    base_best = knn(xb, np.arange(500) * 10, xq[:1], 1)[0][1][0]
    status, body = server.request("POST", "/v1/indexes/main/remove", {"ids": [9001, int(base_best)]})
    assert status == 200
    status, body = server.search("main", xq[:1].tolist(), k=5)
    ids = body["results"][0]["ids"]
    assert 9001 not in ids and int(base_best) not in ids
    keep = np.arange(500) * 10 != base_best
    check_results(body["results"], knn(xb[keep], (np.arange(500) * 10)[keep], xq[:1], 5), 5)

    # Adding an id again after its removal makes it visible again.
    server.request("POST", "/v1/indexes/main/add", {"vectors": [new[0].tolist()], "ids": [9001]})
    assert server.search("main", xq[:1].tolist(), k=1)[1]["results"][0]["ids"] == [9001]


def test_checkpoint_keeps_results(server, data, tmp_path):
    xb, xq = data
    server.request("POST", "/v1/indexes/main/add", {"vectors": (xq + 0.01).tolist(), "ids": list(range(1, 6))})
    server.request("POST", "/v1/indexes/main/remove", {"ids": [0, 10, 20]})
    before = server.search("main", xq.tolist(), k=10)[1]
    status, body = server.request("POST", "/v1/indexes/main/checkpoint")
    assert status == 200 and body["checkpoint_seq"] == 2
    info = server.request("GET", "/v1/indexes/main")[1]
    assert info["delta_vectors"] == 0 and info["pending_removes"] == 0 and info["ntotal"] == 502
    assert server.search("main", xq.tolist(), k=10)[1] == before
    files = sorted(os.listdir(tmp_path / "data" / "main"))
    assert files == ["ckpt-00000000000000000002.index", "log-00000000000000000003.wal"]


def test_metrics(server, data):
    _, xq = data
    server.search("main", xq.tolist(), k=3)
    server.search("main", [[1.0]], k=3)
    status, text = server.request("GET", "/metrics")
    assert status == 200
    assert 'faiss_serve_requests_total{endpoint="search",code="200"} 1' in text
    assert 'faiss_serve_requests_total{endpoint="search",code="400"} 1' in text
    assert 'faiss_serve_request_duration_seconds_count{endpoint="search"} 2' in text
    assert 'faiss_serve_request_duration_seconds_bucket{endpoint="search",le="+Inf"} 2' in text
    assert 'faiss_serve_index_ntotal{index="main"} 500' in text


BAD_SEARCHES = [
    ({"vectors": [[1.0] * (D - 1)]}, "d=16"),
    ({"vectors": [[1.0] * D, [1.0] * (D + 1)]}, "vectors[1]"),
    ({"vectors": []}, "empty"),
    ({"vectors": [["a"] * D]}, "non-number"),
    ({"vectors": [[1e39] * D]}, "finite"),
    ({"vectors": "!!!!"}, "base64"),
    ({"vectors": "AAAA"}, "multiple of d=16"),
    ({"vectors": "AAAAAA=="}, "multiple"),
    ({"vectors": "AAA"}, "base64"),
    ({"vectors": b64(np.zeros((1, D), np.float32)), "dtype": "int8"}, "dtype"),
    ({"vectors": [[1.0] * D], "dtype": "float16"}, "dtype"),
    ({"vectors": 5}, "vectors must be"),
    ({}, "missing field 'vectors'"),
    ({"vectors": [[1.0] * D], "k": 0}, "k=0"),
    ({"vectors": [[1.0] * D], "k": 101}, "k=101"),
    ({"vectors": [[1.0] * D], "k": 10 ** 30}, "k must be an integer"),
    ({"vectors": [[1.0] * D], "k": -3}, "k=-3"),
    ({"vectors": [[1.0] * D], "k": 2.5}, "k must be an integer"),
    ({"vectors": [[1.0] * D], "params": {"nprobe": 4}}, "nprobe does not apply"),
    ({"vectors": [[1.0] * D], "params": {"efSearch": 0}}, "efSearch"),
    ({"vectors": [[1.0] * D], "params": {"nprob": 4}}, "unknown field 'nprob'"),
    ({"vectors": [[1.0] * D], "filter_ids": [1, "x"]}, "filter_ids[1]"),
    ({"vectors": [[1.0] * D], "topk": 3}, "unknown field 'topk'"),
    ({"texts": ["a question"]}, "--embed-url"),
]


@pytest.mark.parametrize("body,message", BAD_SEARCHES)
def test_bad_search_is_400(server, body, message):
    status, answer = server.request("POST", "/v1/indexes/main/search", body)
    assert status == 400, answer
    assert message in answer["error"]["message"]
    assert server.request("GET", "/health")[0] == 200


def test_bad_requests_and_service_keeps_serving(server, data):
    _, xq = data
    cases = [
        ("POST", "/v1/indexes/main/search", "{not json", 400, "not valid JSON"),
        ("POST", "/v1/indexes/main/search", "[1, 2]", 400, "JSON object"),
        ("POST", "/v1/indexes/nope/search", json.dumps({"vectors": [[0] * D]}), 404, "nope"),
        ("GET", "/v1/nothing", None, 404, "no endpoint"),
        ("POST", "/v1/indexes/main/search", json.dumps({"vectors": [[0.5] * D] * 20000}), 413, "limit"),
        ("POST", "/v1/indexes/main/add", json.dumps({"vectors": [[0] * D], "ids": [1, 2]}), 400, "2 entries"),
        ("POST", "/v1/indexes/main/add", json.dumps({"vectors": [[0] * D], "ids": [-5]}), 400, "negative"),
        ("POST", "/v1/indexes/main/add", json.dumps({"vectors": [[0] * D]}), 400, "missing field 'ids'"),
        ("POST", "/v1/indexes/main/remove", json.dumps({"ids": []}), 400, "empty"),
        ("POST", "/v1/indexes/main/remove", json.dumps({"ids": 3}), 400, "array"),
    ]
    for method, path, raw, code, message in cases:
        status, answer = server.request(method, path, raw=raw)
        assert status == code, (path, raw and raw[:50], answer)
        assert message in answer["error"]["message"], answer
    assert server.search("main", xq.tolist(), k=3)[0] == 200
    assert server.request("GET", "/v1/indexes/main")[1]["ntotal"] == 500


def test_chunked_body_over_the_limit_is_413(server):
    """The body limit holds for chunked bodies too (no Content-Length to check first)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        big = (b"x" * 50000 for _ in range(10))  # 500 kB in 10 chunks
        conn.request("POST", "/v1/indexes/main/search", body=big, encode_chunked=True,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 413 and b"limit" in resp.read()
    finally:
        conn.close()
    assert server.search("main", [[0.0] * D], k=1)[0] == 200


def test_writes_need_the_key(server):
    body = {"vectors": [[0.0] * D], "ids": [1]}
    for key in (None, "wrong-key", KEY + "x", ""):
        status, answer = server.request("POST", "/v1/indexes/main/add", body, key=key)
        assert status == 401, answer
    assert server.request("POST", "/v1/indexes/main/remove", {"ids": [1]}, key=None)[0] == 401
    assert server.request("POST", "/v1/indexes/main/checkpoint", key=None)[0] == 401
    assert server.request("GET", "/v1/indexes/main")[1]["seq"] == 0
    # Reads do not need it unless --auth-reads.
    assert server.search("main", [[0.0] * D], k=1)[0] == 200


def test_auth_reads_and_read_only(flat_file, data):
    _, xq = data
    s = Server(CLI, ["--index", f"ro={flat_file}", "--auth-reads"], key=KEY)
    try:
        assert s.request("POST", "/v1/indexes/ro/search", {"vectors": xq.tolist()}, key=None)[0] == 401
        assert s.request("GET", "/metrics", key="bad")[0] == 401
        assert s.request("GET", "/health", key=None)[0] == 200
        assert s.search("ro", xq.tolist(), k=2)[0] == 200
        status, answer = s.request("POST", "/v1/indexes/ro/add", {"vectors": [[0] * D], "ids": [1]})
        assert status == 403 and "read-only" in answer["error"]["message"]
    finally:
        s.stop()


def test_per_call_params(tmp_path, data):
    xb, xq = data
    ivf = faiss.index_factory(D, "IVF16,Flat")
    ivf.train(xb)
    ivf.add(xb)
    ivf.nprobe = 1
    hnsw = faiss.index_factory(D, "HNSW16")
    hnsw.add(xb)
    faiss.write_index(ivf, str(tmp_path / "ivf.index"))
    faiss.write_index(hnsw, str(tmp_path / "hnsw.index"))
    s = Server(CLI, ["--index", f"ivf={tmp_path}/ivf.index,hnsw={tmp_path}/hnsw.index"])
    try:
        truth = knn(xb, np.arange(500), xq, 10)
        status, body = s.search("ivf", xq.tolist(), k=10, params={"nprobe": 16})
        assert status == 200
        check_results(body["results"], truth, 10)
        status, body = s.search("hnsw", xq.tolist(), k=10, params={"efSearch": 400})
        assert status == 200
        check_results(body["results"], truth, 10)
        status, body = s.search("ivf", xq.tolist(), k=10, params={"efSearch": 4})
        assert status == 400 and "efSearch does not apply" in body["error"]["message"]
        # The per-call value did not stick to the index.
        assert s.search("ivf", xq.tolist(), k=10)[1] != s.search("ivf", xq.tolist(), k=10,
                                                                  params={"nprobe": 16})[1]
    finally:
        s.stop()


def test_full_queue_answers_503(flat_file):
    s = Server(CLI, ["--index", f"a={flat_file}", "--threads", "1", "--queue", "1"])
    idle = []
    try:
        # The only worker waits on a silent connection, the next one fills the queue.
        for _ in range(2):
            idle.append(socket.create_connection(("127.0.0.1", s.port)))
            time.sleep(0.3)
        status, body = s.request("GET", "/health")
        assert status == 503 and "queue is full" in body["error"]["message"]
    finally:
        for c in idle:
            c.close()
    try:
        deadline = time.time() + 30
        while s.request("GET", "/health")[0] != 200:
            assert time.time() < deadline
            time.sleep(0.2)
        _, text = s.request("GET", "/metrics")
        rejected = [line for line in text.splitlines() if line.startswith("faiss_serve_rejected_total ")]
        assert len(rejected) == 1 and float(rejected[0].split()[1]) >= 1
    finally:
        s.stop()


def test_keep_alive_connection_is_reused_and_yields(flat_file):
    """A keep-alive connection serves many requests (not httplib's default of 5), but
    while another connection waits for the only worker, the busy one is told to close
    after its answer, so the waiting one is served within a request or so."""
    import http.client
    import threading
    s = Server(CLI, ["--index", f"a={flat_file}", "--threads", "1", "--queue", "4"])
    try:
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        conn.request("GET", "/health")
        conn.getresponse().read()
        sock = conn.sock
        for _ in range(20):
            conn.request("GET", "/health")
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200 and resp.getheader("Connection") != "close"
        assert conn.sock is sock  # never reopened
        stop = threading.Event()
        closes, done = [], [0]

        def busy():
            # Back-to-back requests on one connection; http.client reopens it after an
            # answer with "Connection: close".
            while not stop.is_set():
                conn.request("GET", "/health")
                resp = conn.getresponse()
                resp.read()
                done[0] += 1
                if resp.getheader("Connection") == "close":
                    closes.append(1)

        t = threading.Thread(target=busy)
        t.start()
        try:
            time.sleep(0.3)
            before = done[0]
            status, _ = s.request("GET", "/health", timeout=30)
            during = done[0] - before
        finally:
            stop.set()
            t.join()
        conn.close()
        assert status == 200 and closes
        # Served after a request or two of the busy connection, not after its 1000.
        assert during < 20, during
    finally:
        s.stop()


def test_start_errors(tmp_path, flat_file):
    import subprocess
    env = dict(os.environ)
    env.pop("FAISS_SERVE_API_KEY", None)
    cases = [
        (["--index", str(tmp_path / "missing.index")], "missing.index"),
        (["--index", f"a={flat_file}", "--data-dir", str(tmp_path / "d")], "API key"),
        (["--index", f"a/b={flat_file}"], "invalid name"),
        (["--index", f"a={flat_file},a={flat_file}"], "twice"),
    ]
    for args, message in cases:
        r = subprocess.run([CLI, "serve", "--port", "0"] + args, capture_output=True, text=True, env=env,
                           timeout=60)
        assert r.returncode == 2 and message in r.stderr, r.stderr
