"""Helpers (no tests) for the faiss-cli serve tests: starting the service on a free
loopback port and talking JSON to it with http.client."""

import base64
import http.client
import json
import os
import signal
import subprocess
import time

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def cli_path():
    """The built faiss-cli next to the Python package under test, or None."""
    candidates = []
    if os.environ.get("FAISS_CLI"):
        candidates.append(os.environ["FAISS_CLI"])
    if os.environ.get("FAISS_PYTHON_DIR"):
        candidates.append(os.path.join(os.environ["FAISS_PYTHON_DIR"], "..", "tools", "faiss-cli"))
    build = os.environ.get("FAISS_BUILD_DIR", os.path.join(_REPO, "build"))
    candidates.append(os.path.join(build, "tools", "faiss-cli"))
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    return None


def has_serve(cli):
    out = subprocess.run([cli, "--help"], capture_output=True, text=True).stdout
    return "serve" in out and "no HTTP library" not in subprocess.run(
        [cli, "serve"], capture_output=True, text=True).stderr


class Server:
    """A running `faiss-cli serve`; args are the options after `serve`."""

    def __init__(self, cli, args, key=None, env=None):
        full_env = dict(os.environ)
        full_env.pop("FAISS_SERVE_API_KEY", None)
        if key:
            full_env["FAISS_SERVE_API_KEY"] = key
        full_env.update(env or {})
        self.key = key
        self.proc = subprocess.Popen([cli, "serve", "--port", "0"] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=full_env)
        self.port = None
        self.lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            if "listening on http://" in line:
                self.port = int(line.rsplit(":", 1)[1])
                break
        if self.port is None:
            self.proc.kill()
            err = self.proc.stderr.read()
            raise RuntimeError("faiss-cli serve did not start: " + "".join(self.lines) + err)

    def request(self, method, path, body=None, key="default", raw=None, timeout=30):
        """Returns (status, parsed JSON or text). key: "default" = the server's key."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if key == "default":
            key = self.key
        if key:
            headers["Authorization"] = "Bearer " + key
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode()
        finally:
            conn.close()
        ctype = resp.getheader("Content-Type", "")
        return resp.status, (json.loads(text) if "json" in ctype else text)

    def search(self, name, vectors, k=10, **extra):
        body = {"vectors": vectors, "k": k}
        body.update(extra)
        return self.request("POST", f"/v1/indexes/{name}/search", body)

    def kill(self):
        """SIGKILL: no clean shutdown at all."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self._close_pipes()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close_pipes()
        return self.proc.returncode

    def _close_pipes(self):
        for p in (self.proc.stdout, self.proc.stderr):
            if p:
                p.close()


def b64(array):
    return base64.b64encode(array.tobytes()).decode()
