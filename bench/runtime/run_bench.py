"""Slowdown of `racefree run` against plain python, as ratios measured within one run.

    python3 bench/runtime/run_bench.py            # writes bench/results/runtime.md

(a) micro_dict.py: 4 threads x 100,000 dict get/set on a module global (every access probed,
    and racy, so the slow path that records stacks runs too);
(b) flask_app.py under a threaded werkzeug server, 2,000 requests from a local client
    (4 client threads, a new connection per request), timed from first request to last.
Peak memory (max RSS) of (a) at 1x and 2x the iterations shows growth with locations, not
accesses.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = sys.executable
RACEFREE = [PYTHON, "-m", "racefree", "run", "--output", os.devnull, "--"]


def micro(iterations: int, under_racefree: bool) -> tuple[float, int]:
    command = [PYTHON, str(HERE / "micro_dict.py"), str(iterations)]
    if under_racefree:
        command = RACEFREE + command
    # /usr/bin/time reports the peak RSS of this one process (KiB).
    start = time.perf_counter()
    completed = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(completed.stderr.strip().splitlines()[-1])


def flask(requests: int, under_racefree: bool) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [PYTHON, str(HERE / "flask_app.py"), str(port)]
    if under_racefree:
        command = RACEFREE + command
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port)
        per_thread = requests // 4
        start = time.perf_counter()
        clients = [threading.Thread(target=_client, args=(port, per_thread, n)) for n in range(4)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def _client(port: int, count: int, seed: int) -> None:
    for n in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/item/{(n * 7 + seed) % 100}")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        connection.close()


def main() -> None:
    plain_a, rss_plain = micro(100_000, False)
    traced_a, rss_traced = micro(100_000, True)
    _, rss_traced_2x = micro(200_000, True)
    plain_b = flask(2000, False)
    traced_b = flask(2000, True)
    lines = [
        "# racefree run: runtime detector overhead",
        "",
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; one run, ratios within it.",
        "",
        "| benchmark | plain python | racefree run | slowdown |",
        "| --- | --- | --- | --- |",
        f"| (a) 4 threads x 100,000 dict get/set on a module global | {plain_a:.2f} s | {traced_a:.2f} s | {traced_a / plain_a:.1f}x |",
        f"| (b) Flask, threaded server, 2,000 requests, local client | {plain_b:.2f} s | {traced_b:.2f} s | {traced_b / plain_b:.2f}x |",
        "",
        "| memory, (a) under racefree | peak RSS |",
        "| --- | --- |",
        f"| plain python, 100,000 iterations per thread | {rss_plain / 1024:.1f} MiB |",
        f"| racefree, 100,000 iterations per thread | {rss_traced / 1024:.1f} MiB |",
        f"| racefree, 200,000 iterations per thread | {rss_traced_2x / 1024:.1f} MiB |",
        "",
        "Command: `python3 bench/runtime/run_bench.py` (from the repository root).",
        "",
    ]
    out = ROOT / "bench" / "results" / "runtime.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
