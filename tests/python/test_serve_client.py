"""faiss.serve_client, the Python client of `faiss-cli serve`: every method against a
running service, its results equal to searching the same index locally, bad input
refused before sending, and the service's errors raised as ServeError."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

import faiss
from faiss.serve_client import ServeError, connect
from test_serve_helpers import Server, cli_path, has_serve

CLI = cli_path()
pytestmark = pytest.mark.skipif(CLI is None or not has_serve(CLI),
                                reason="faiss-cli with the serve subcommand is not built")
KEY = "client-test-key"
D = 16
NB = 600


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    xb = rng.standard_normal((NB, D)).astype(np.float32)
    xq = rng.standard_normal((6, D)).astype(np.float32)
    return xb, xq


def make_ivf(xb):
    index = faiss.index_factory(D, "IVF8,Flat")
    index.train(xb)
    index.add_with_ids(xb, np.arange(NB, dtype=np.int64) * 3)
    index.nprobe = 2
    return index


@pytest.fixture
def files(tmp_path, data):
    xb, _ = data
    faiss.write_index(make_ivf(xb), str(tmp_path / "ivf.index"))
    ip = faiss.IndexFlatIP(D)
    ip.add(xb[:20])
    faiss.write_index(ip, str(tmp_path / "ip.index"))
    return tmp_path


@pytest.fixture
def server(files):
    s = Server(CLI, ["--index", f"ivf={files}/ivf.index,ip={files}/ip.index",
                     "--data-dir", str(files / "data"), "--max-k", "50"], key=KEY)
    yield s
    s.stop()


@pytest.fixture
def client(server):
    c = connect(f"http://127.0.0.1:{server.port}", api_key=KEY, timeout=30)
    yield c
    c.close()


def assert_same(remote, local):
    np.testing.assert_array_equal(remote[1], local[1])
    np.testing.assert_allclose(remote[0], local[0], rtol=1e-5, atol=1e-5)
    assert remote[0].dtype == np.float32 and remote[1].dtype == np.int64


def test_health_info_metrics(client):
    assert client.health() == {"status": "ok"}
    assert sorted(i["name"] for i in client.info()) == ["ip", "ivf"]
    assert client.list_indexes() == client.info()
    info = client.info("ivf")
    assert info["d"] == D and info["ntotal"] == NB and info["metric"] == "L2" and info["writable"]
    assert client.info("ip")["metric"] == "INNER_PRODUCT"
    assert "faiss_serve_requests_total" in client.metrics()


def test_search_equals_local(client, data):
    xb, xq = data
    local = make_ivf(xb)
    assert_same(client.search("ivf", xq, k=7), local.search(xq, 7))
    local.nprobe = 8
    assert_same(client.search("ivf", xq, k=7, nprobe=8), local.search(xq, 7))
    # The per-call nprobe did not stick.
    local.nprobe = 2
    assert_same(client.search("ivf", xq[:1], k=3), local.search(xq[:1], 3))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_search_other_dtypes(client, data, dtype):
    xb, xq = data
    if dtype == "bfloat16":
        ml_dtypes = pytest.importorskip("ml_dtypes")
        x = xq.astype(ml_dtypes.bfloat16)
    else:
        x = xq.astype(dtype)
    local = make_ivf(xb)
    assert_same(client.search("ivf", x, k=5), local.search(x.astype(np.float32), 5))


def test_filter_and_padding(client, data):
    xb, xq = data
    allowed = np.array([0, 3, 30, 300, 1791], dtype=np.int64)
    D_, I = client.search("ivf", xq, k=8, nprobe=8, filter_ids=allowed)
    local = make_ivf(xb)
    params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBatch(allowed), nprobe=8)
    assert_same((D_, I), local.search(xq, 8, params=params))
    # Only 5 ids can come back: the rest is padded as Index.search pads.
    assert (I[:, 5:] == -1).all() and np.isinf(D_[:, 5:]).all() and (D_[:, 5:] > 0).all()
    D_, I = client.search("ip", xq, k=25)
    assert (I[:, 20:] == -1).all() and (D_[:, 20:] == -np.inf).all()
    ip = faiss.IndexFlatIP(D)
    ip.add(xb[:20])
    assert_same((D_, I), ip.search(xq, 25))


def test_add_remove_checkpoint(client, data):
    xb, xq = data
    local = make_ivf(xb)
    new = xq + 0.01
    new_ids = np.arange(5000, 5000 + len(new), dtype=np.int64)
    answer = client.add("ivf", new, new_ids)
    assert answer["added"] == len(new) and answer["seq"] == 1
    local.add_with_ids(new, new_ids)
    assert_same(client.search("ivf", xq, k=4), local.search(xq, 4))
    answer = client.remove("ivf", [5000, 3, 6])
    assert answer == {"removed_ids": 3, "seq": 2}
    local.remove_ids(np.array([5000, 3, 6], dtype=np.int64))
    before = client.search("ivf", xq, k=4)
    assert_same(before, local.search(xq, 4))
    assert client.checkpoint("ivf") == 2
    assert client.info("ivf")["delta_vectors"] == 0
    assert_same(client.search("ivf", xq, k=4), before)


def test_bad_input_refused_before_sending(client, data):
    _, xq = data
    with pytest.raises(ValueError, match="2-D"):
        client.search("ivf", xq[0], k=3)
    with pytest.raises(ValueError, match="empty"):
        client.search("ivf", xq[:0], k=3)
    for k in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="k must be"):
            client.search("ivf", xq, k=k)
    with pytest.raises(ValueError, match="3 entries for 6"):
        client.add("ivf", xq, [1, 2, 3])
    with pytest.raises(TypeError, match="integers"):
        client.remove("ivf", [1.5])
    with pytest.raises(ValueError, match="1-D"):
        client.search("ivf", xq, k=3, filter_ids=[[1, 2]])
    with pytest.raises(TypeError, match="one string"):
        client.search_texts("ivf", "a question")
    with pytest.raises(ValueError, match="index_name"):
        client.info("")
    with pytest.raises(ValueError, match="url"):
        connect("127.0.0.1:8080")
    assert client.info("ivf")["seq"] == 0


def test_service_errors(client, server, data):
    _, xq = data
    cases = [
        (lambda: client.search("ivf", xq[:, :-1], k=3), 400, "d=16"),
        (lambda: client.search("ivf", np.full((1, D), np.nan, np.float32)), 400, "finite"),
        (lambda: client.search("ivf", xq, k=51), 400, "k=51"),
        (lambda: client.search("ivf", xq, efSearch=4), 400, "efSearch does not apply"),
        (lambda: client.search("ip", xq, nprobe=4), 400, "nprobe does not apply"),
        (lambda: client.search("nope", xq), 404, "nope"),
        (lambda: client.search_texts("ivf", ["a question"]), 400, "--embed-url"),
        (lambda: client.add("ivf", xq, -np.arange(1, 7)), 400, "negative"),
        (lambda: client.remove("ivf", []), 400, "empty"),
    ]
    for call, status, message in cases:
        with pytest.raises(ServeError) as err:
            call()
        assert err.value.status == status and message in err.value.message, err.value
        assert str(status) in str(err.value)
    # Writes without the key: 401; the client stays usable afterwards.
    anonymous = connect(f"http://127.0.0.1:{server.port}")
    with pytest.raises(ServeError) as err:
        anonymous.add("ivf", xq, np.arange(6))
    assert err.value.status == 401
    assert anonymous.search("ivf", xq, k=2)[1].shape == (6, 2)
    anonymous.close()
    assert client.info("ivf")["seq"] == 0


def test_read_only_and_refused_connection(files, data):
    _, xq = data
    s = Server(CLI, ["--index", f"ro={files}/ivf.index"], key=KEY)
    try:
        with connect(f"http://127.0.0.1:{s.port}/", api_key=KEY) as c:
            with pytest.raises(ServeError) as err:
                c.add("ro", xq, np.arange(6))
            assert err.value.status == 403 and "read-only" in err.value.message
            with pytest.raises(ServeError) as err:
                c.checkpoint("ro")
            assert err.value.status == 403
    finally:
        s.stop()
    with pytest.raises(ConnectionRefusedError):
        connect(f"http://127.0.0.1:{s.port}", timeout=5).health()


def test_keep_alive_reuse_and_reconnect(client, server, data):
    _, xq = data
    client.health()
    sock = client._conn.sock
    client.search("ivf", xq, k=2)
    assert client._conn.sock is sock
    # The service closes a connection after a few requests (cpp-httplib's keep-alive
    # count) or when idle: many calls in a row still all succeed.
    for _ in range(30):
        assert client.search("ivf", xq[:1], k=1)[1].shape == (1, 1)
    # A connection the service dropped is reopened once.
    client._conn.sock.shutdown(socket.SHUT_RDWR)
    assert client.health() == {"status": "ok"}


def test_shared_between_threads(client, data):
    xb, xq = data
    expected = make_ivf(xb).search(xq, 3)
    errors = []

    def work():
        try:
            for _ in range(10):
                assert_same(client.search("ivf", xq, k=3), expected)
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_queue_full_is_503_with_retry_after(files):
    s = Server(CLI, ["--index", f"a={files}/ivf.index", "--threads", "1", "--queue", "1"])
    idle = []
    try:
        for _ in range(2):
            idle.append(socket.create_connection(("127.0.0.1", s.port)))
            time.sleep(0.3)
        with pytest.raises(ServeError) as err:
            connect(f"http://127.0.0.1:{s.port}").health()
        assert err.value.status == 503 and err.value.retry_after == 1.0
    finally:
        for c in idle:
            c.close()
        s.stop()


def fake_embedding(texts):
    """A deterministic stand-in for an embedding model: one vector per text."""
    out = np.zeros((len(texts), D), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i] = np.random.default_rng(sum(t.encode())).standard_normal(D)
    return out


def test_texts(files, data):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            emb = fake_embedding(body["input"])
            out = json.dumps({"data": [{"index": i, "embedding": e.tolist()}
                                       for i, e in enumerate(emb)]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1/embeddings"
    s = Server(CLI, ["--index", f"t={files}/ivf.index", "--data-dir", str(files / "tdata"),
                     "--embed-url", url], key=KEY)
    try:
        xb, _ = data
        texts = ["first text", "another one"]
        with connect(f"http://127.0.0.1:{s.port}", api_key=KEY) as c:
            assert c.add_texts("t", texts, [7001, 7002])["added"] == 2
            local = make_ivf(xb)
            local.add_with_ids(fake_embedding(texts), np.array([7001, 7002], dtype=np.int64))
            remote = c.search_texts("t", texts, k=3, nprobe=8)
            local.nprobe = 8
            assert_same(remote, local.search(fake_embedding(texts), 3))
            assert remote[1][:, 0].tolist() == [7001, 7002]
    finally:
        s.stop()
        httpd.shutdown()
        httpd.server_close()


def test_load_script_smoke(tmp_path):
    """benchs/e2e/serve_load.py end to end on tiny indexes (a few seconds): the rows it
    reports are complete and every paced request was answered."""
    import os
    import subprocess
    import sys
    script = os.path.join(os.path.dirname(__file__), "..", "..", "benchs", "e2e", "serve_load.py")
    out = tmp_path / "rows.json"
    args = ["--cli", CLI, "--nb", "4000", "--ivf-key", "IVF16,Flat", "--train-n", "2000",
            "--large-nb", "500", "--large-d", "64", "--large-key", "Flat", "--rates", "50",
            "--large-rates", "20", "--duration", "1", "--add-rate", "50", "--add-batch", "5",
            "--procs", "1", "--threads", "2", "--workdir", str(tmp_path / "w"), "--json", str(out)]
    r = subprocess.run([sys.executable, script] + args, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = json.loads(out.read_text())
    assert [(row["index"], row["target_qps"], row["adds"]) for row in rows] == [
        ("ivf", 50.0, False), ("ivf", 50.0, True), ("ivf", "max", False),
        ("large", 20.0, False), ("large", "max", False)]
    for row in rows:
        assert row["errors"] == 0 and row["n"] > 0 and row["p99_ms"] >= row["p50_ms"] > 0, row
    assert rows[0]["n"] == 50 and rows[1]["added_vectors_per_s"] == 50
    assert "slowdown under adds" in r.stdout
