"""End to end: optillm 0.3.12's real Flask server under `racefree run --trace optillm`.

optillm's `proxy()` writes the request's MCTS settings into the module-level `server_config`
dict (server.py 746-748) and `execute_single_approach()` reads them back (418-419). Two requests
in flight at once race on it; requests one after another do not. The backend is a fake
OpenAI-compatible server on 127.0.0.1 run by this test; nothing leaves the machine.

The venv holds optillm (no deps) plus only the dependencies its server imports: optillm's full
requirement list pulls torch and CUDA, which a CI machine cannot afford and the server never
imports on this path.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from venvs import ensure_venv, racefree_env

pytestmark = pytest.mark.wheels

OPTILLM_DEPS = ["flask", "cerebras_cloud_sdk", "openai", "aiohttp", "numpy", "networkx",
                "z3-solver", "sympy", "math-verify", "pyyaml", "requests", "httpx"]
BACKEND_DELAY = 0.4  # seconds per completion: long enough for two requests to overlap


@pytest.fixture(scope="module")
def optillm_python(request) -> Path:
    root = request.config.cache.mkdir("racefree-runtime")
    return ensure_venv(root, "optillm-0.3.12-py%d%d" % sys.version_info[:2], sys.executable,
                       [["--no-deps", "optillm==0.3.12"], OPTILLM_DEPS])


class _FakeOpenAI(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(BACKEND_DELAY)
        choices = [{"index": i, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": f"answer {i}"}}
                   for i in range(body.get("n") or 1)]
        reply = json.dumps({"id": "fake", "object": "chat.completion", "created": 0,
                            "model": body.get("model", "fake"), "choices": choices,
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def backend():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(port: int, simulations: int) -> dict:
    payload = json.dumps({
        "model": "mcts-fake-model", "mcts_simulations": simulations, "mcts_depth": 1,
        "messages": [{"role": "user", "content": f"question with {simulations} simulations"}],
    }).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/chat/completions", data=payload,
        headers={"Content-Type": "application/json", "Connection": "close"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _serve_and_collect(python: Path, backend_url: str, tmp_path: Path, drive) -> dict:
    """Run optillm under racefree, call drive(port), stop it with SIGTERM, return the report."""
    port = _free_port()
    report = tmp_path / "report.json"
    optillm_script = python.parent / "optillm"
    command = [str(python), "-m", "racefree", "run", "--trace", "optillm", "--format", "json",
               "--output", str(report), "--", str(optillm_script), "--port", str(port),
               "--base-url", backend_url]
    env = {**os.environ, **racefree_env(OPENAI_API_KEY="sk-fake")}
    env.pop("OPTILLM_API_KEY", None)  # would switch optillm to its local inference engine
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_listening(port, server)
        drive(port)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert report.exists(), output[-3000:]
    return json.loads(report.read_text())


def _wait_until_listening(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"optillm exited early:\n{server.stdout.read()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("optillm did not start listening within 120 s")


def _innermost(access: dict) -> tuple[str, str, int]:
    top = access["stack"][0]
    return top["function"], os.path.basename(top["file"]), top["line"]


def test_overlapping_requests_race_on_server_config(optillm_python, backend, tmp_path):
    def two_at_once(port):
        results = []
        threads = [threading.Thread(target=lambda s=s: results.append(_post(port, s)))
                   for s in (1, 2)]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=90)
        assert len(results) == 2

    document = _serve_and_collect(optillm_python, backend, tmp_path, two_at_once)
    config_races = [r for r in document["races"]
                    if r["location"].startswith("optillm.server.server_config['mcts_")]
    assert config_races, json.dumps(document, indent=1)[:4000]

    pairs = []
    for race in config_races:
        accesses = sorted([race["access"], race["previous_access"]], key=lambda a: a["kind"])
        pairs.append((accesses[0]["kind"], _innermost(accesses[0]),
                      accesses[1]["kind"], _innermost(accesses[1])))
        assert race["access"]["thread"] != race["previous_access"]["thread"]
        for access in (race["access"], race["previous_access"]):
            assert len(access["stack"]) > 3  # the full stack, down through Flask and werkzeug
            assert access["thread_creation_stack"]
    read_vs_write = [p for p in pairs if p[0] == "read" and p[2] == "write"]
    assert any(
        read[0] == "execute_single_approach" and read[1] == "server.py" and read[2] in (418, 419)
        and write[0] == "proxy" and write[1] == "server.py" and write[2] in (746, 747, 748)
        for _, read, _, write in read_vs_write
    ), pairs


def test_one_request_at_a_time_is_not_a_race(optillm_python, backend, tmp_path):
    def one_after_another(port):
        for simulations in (1, 2):
            assert _post(port, simulations)["choices"]

    document = _serve_and_collect(optillm_python, backend, tmp_path, one_after_another)
    assert document["races"] == [], json.dumps(document["races"], indent=1)[:4000]
