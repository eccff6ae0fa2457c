"""Client of `faiss-cli serve`, the HTTP retrieval service (tools/README.md).

    client = faiss.serve_client.connect("http://127.0.0.1:8080", api_key=None)
    D, I = client.search("main", xq, k=10, nprobe=16)   # like Index.search
    client.add("main", xb, ids)
    client.remove("main", [3, 4])

Vectors travel as base64 in their own dtype: float32, float16 and the ml_dtypes bfloat16
as they are, any other numeric array converted to float32. search answers (D, I) numpy
arrays of shape (nq, k), float32 and int64, padded as Index.search pads them (label -1,
distance +inf for L2, -inf for inner product) where the index has fewer than k results.

An error answer of the service raises ServeError (status and the service's message);
network failures raise the usual OSError subclasses (ConnectionRefusedError,
TimeoutError ...). Standard library only. A client keeps one keep-alive connection and
serializes its calls with a lock: it may be shared by threads, but for parallel requests
give each thread its own client.
"""

import base64
import http.client
import json
import threading
import urllib.parse

import numpy as np

__all__ = ["ServeClient", "ServeError", "connect"]

_WIRE_DTYPES = {"float32": "<f4", "float16": "<f2"}


class ServeError(RuntimeError):
    """An error answer of the service. status: the HTTP status (400 bad request, 401 key,
    403 read-only, 404 unknown index, 413 body too large, 502 embedding endpoint, 503
    queue full); message: the service's message; retry_after: seconds from the
    Retry-After header (503), else None."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(f"faiss serve answered {status}: {message}")
        self.status = status
        self.message = message
        self.retry_after = retry_after


def connect(url, api_key=None, timeout=30.0):
    """A ServeClient of the service at url (http://HOST:PORT, optionally with a path
    prefix, or https://...). api_key: sent as `Authorization: Bearer KEY` on every call."""
    return ServeClient(url, api_key=api_key, timeout=timeout)


def _encode_vectors(x):
    """(base64 string, dtype name, n) of a 2-D array, in the wire's little-endian layout."""
    if not hasattr(x, "dtype"):
        x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (n, d), got shape {tuple(x.shape)}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x is empty: shape {tuple(x.shape)}")
    name = x.dtype.name
    if name == "bfloat16":
        raw = np.ascontiguousarray(x).view(np.uint16).astype("<u2", copy=False)
    else:
        if name not in _WIRE_DTYPES:
            name = "float32"
        raw = np.ascontiguousarray(x, dtype=_WIRE_DTYPES[name])
    return base64.b64encode(raw.tobytes()).decode("ascii"), name, x.shape[0]


def _id_list(ids, what):
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a 1-D sequence of ids, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{what} must hold integers, got dtype {arr.dtype}")
    return [int(i) for i in arr]


class ServeClient:
    """One service, one keep-alive connection (reopened when the service closes it)."""

    def __init__(self, url, api_key=None, timeout=30.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be http://HOST:PORT or https://..., got {url!r}")
        self.url = url
        self.timeout = timeout
        self._host = parts.hostname
        self._port = parts.port
        self._https = parts.scheme == "https"
        self._prefix = parts.path.rstrip("/")
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = "Bearer " + api_key
        self._conn = None
        self._lock = threading.Lock()
        self._metrics = {}

    # connection -------------------------------------------------------------------

    def close(self):
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _new_conn(self):
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=self.timeout)

    def _exchange(self, method, path, data):
        resp = None
        try:
            self._conn.request(method, self._prefix + path, body=data, headers=self._headers)
            resp = self._conn.getresponse()
            return resp, resp.read()
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    def _request(self, method, path, body=None):
        """Parsed JSON (or text) of a 2xx answer; ServeError otherwise."""
        data = None if body is None else json.dumps(body).encode()
        with self._lock:
            reused = self._conn is not None
            if not reused:
                self._conn = self._new_conn()
            try:
                resp, raw = self._exchange(method, path, data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The service closed an idle keep-alive connection before reading this
                # request (its keep-alive timeout): nothing was applied, send it again once.
                if not reused:
                    raise
                self._conn = self._new_conn()
                resp, raw = self._exchange(method, path, data)
        ctype = resp.getheader("Content-Type", "")
        text = raw.decode("utf-8", errors="replace")
        parsed = None
        if "json" in ctype:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        if 200 <= resp.status < 300:
            return parsed if parsed is not None else text
        message = text
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
            message = parsed["error"].get("message", text)
        retry = resp.getheader("Retry-After")
        try:
            retry = float(retry) if retry is not None else None
        except ValueError:
            retry = None
        raise ServeError(resp.status, message, retry)

    @staticmethod
    def _index_path(index_name, action=None):
        if not isinstance(index_name, str) or not index_name:
            raise ValueError(f"index_name must be a non-empty string, got {index_name!r}")
        path = "/v1/indexes/" + urllib.parse.quote(index_name, safe="")
        return path + "/" + action if action else path

    # reads ------------------------------------------------------------------------

    def health(self):
        """{"status": "ok"} when the service answers."""
        return self._request("GET", "/health")

    def metrics(self):
        """The Prometheus text of /metrics."""
        return self._request("GET", "/metrics")

    def list_indexes(self):
        """The info dict of every served index (with its "name")."""
        return self._request("GET", "/v1/indexes")["indexes"]

    def info(self, index_name=None):
        """The info dict of one index (type, d, metric, ntotal, base_ntotal,
        delta_vectors, pending_removes, writable, seq, checkpoint_seq), or without a
        name the list of all of them."""
        if index_name is None:
            return self.list_indexes()
        answer = self._request("GET", self._index_path(index_name))
        self._metrics[index_name] = answer.get("metric")
        return answer

    def search(self, index_name, x, k=10, nprobe=None, efSearch=None, k_factor=None,
               filter_ids=None):
        """(D, I) of the k nearest neighbours of each row of x (n, d), like Index.search.
        nprobe / efSearch / k_factor apply to this call only; filter_ids restricts the
        results to those ids."""
        data, dtype, n = _encode_vectors(x)
        body = {"vectors": data, "dtype": dtype}
        return self._search(index_name, body, n, k, nprobe, efSearch, k_factor, filter_ids)

    def search_texts(self, index_name, texts, k=10, nprobe=None, efSearch=None,
                     k_factor=None, filter_ids=None):
        """search for texts, embedded by the service's embedding endpoint (--embed-url)."""
        texts = self._texts(texts)
        return self._search(index_name, {"texts": texts}, len(texts), k, nprobe, efSearch,
                            k_factor, filter_ids)

    def _search(self, index_name, body, n, k, nprobe, efSearch, k_factor, filter_ids):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        k = int(k)
        body["k"] = k
        params = {name: value for name, value in
                  (("nprobe", nprobe), ("efSearch", efSearch), ("k_factor", k_factor))
                  if value is not None}
        if params:
            body["params"] = params
        if filter_ids is not None:
            body["filter_ids"] = _id_list(filter_ids, "filter_ids")
        answer = self._request("POST", self._index_path(index_name, "search"), body)
        return self._to_arrays(index_name, answer["results"], n, k)

    def _to_arrays(self, index_name, results, n, k):
        if len(results) != n:
            raise ServeError(200, f"the service answered {len(results)} result rows for {n} queries")
        D = np.empty((n, k), dtype=np.float32)
        I = np.full((n, k), -1, dtype=np.int64)
        pad = None
        for row, r in enumerate(results):
            m = len(r["ids"])
            I[row, :m] = r["ids"]
            D[row, :m] = r["distances"]
            if m < k:
                if pad is None:
                    pad = self._pad_distance(index_name)
                D[row, m:] = pad
        return D, I

    def _pad_distance(self, index_name):
        if index_name not in self._metrics:
            self.info(index_name)
        return -np.inf if self._metrics[index_name] == "INNER_PRODUCT" else np.inf

    # writes -----------------------------------------------------------------------

    def add(self, index_name, x, ids):
        """Adds the rows of x with their ids (>= 0, one per row); returns the service's
        {"added": n, "seq": s} once the write is in its log."""
        data, dtype, n = _encode_vectors(x)
        ids = _id_list(ids, "ids")
        if len(ids) != n:
            raise ValueError(f"ids has {len(ids)} entries for {n} vectors")
        body = {"vectors": data, "dtype": dtype, "ids": ids}
        return self._request("POST", self._index_path(index_name, "add"), body)

    def add_texts(self, index_name, texts, ids):
        """add for texts, embedded by the service's embedding endpoint."""
        texts = self._texts(texts)
        body = {"texts": texts, "ids": _id_list(ids, "ids")}
        return self._request("POST", self._index_path(index_name, "add"), body)

    def remove(self, index_name, ids):
        """Removes these ids; returns the service's {"removed_ids": n, "seq": s} (n counts
        the ids of the request, present in the index or not) once it is in the log."""
        body = {"ids": _id_list(ids, "ids")}
        return self._request("POST", self._index_path(index_name, "remove"), body)

    def checkpoint(self, index_name):
        """Merges the added vectors and removals into a new checkpoint; returns its seq."""
        return self._request("POST", self._index_path(index_name, "checkpoint"))["checkpoint_seq"]

    @staticmethod
    def _texts(texts):
        if isinstance(texts, str):
            raise TypeError("texts must be a list of strings, not one string")
        texts = list(texts)
        if not texts or not all(isinstance(t, str) for t in texts):
            raise ValueError("texts must be a non-empty list of strings")
        return texts

