"""Run `racefree check --format json` on one unpacked release, as a separate process.

The analyser runs as a subprocess so that a crash, a hang or a huge memory spike in it costs
one case, not the whole benchmark. It runs from the repository's own src/ (PYTHONPATH), so the
figures describe this working tree whether or not racefree is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS = 0, 1
STDERR_KEPT_LINES = 20  # kept in corpus.json to diagnose crashes


@dataclass
class Analysis:
    """What one `racefree check` run gave; `error` set means the document is not usable."""

    target: str
    seconds: float
    exit_code: int | None = None
    document: dict | None = None
    error: str | None = None
    analyser_errors: list = field(default_factory=list)  # the document's own "errors" list
    stderr_tail: list[str] = field(default_factory=list)
    timed_out: bool = False

    @property
    def stats(self) -> dict:
        stats = (self.document or {}).get("stats")
        return stats if isinstance(stats, dict) else {}

    @property
    def lines(self) -> int:
        return _as_int(self.stats.get("lines"))

    @property
    def files(self) -> int:
        return _as_int(self.stats.get("files"))

    @property
    def findings(self) -> list[dict]:
        findings = (self.document or {}).get("findings")
        return findings if isinstance(findings, list) else []


def run_check(tree_root: Path, target: str, src_dir: Path, timeout: float) -> Analysis:
    if not (tree_root / target).exists():
        return Analysis(target=target, seconds=0.0, error=f"target {target} not in the artifact")
    # -P: the unpacked tree is the working directory; keep its modules off sys.path so that a
    # package named like a stdlib module cannot shadow what racefree imports.
    command = [sys.executable, "-P", "-m", "racefree", "check", "--format", "json", "--no-cache", target]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src_dir), env.get("PYTHONPATH")]))
    env.pop("PYTHONSTARTUP", None)
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command, cwd=tree_root, env=env, capture_output=True, text=True,
            timeout=timeout, check=False, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Analysis(target=target, seconds=time.perf_counter() - started,
                        error=f"timed out after {timeout:g} s", timed_out=True)
    seconds = time.perf_counter() - started
    analysis = Analysis(target=target, seconds=seconds, exit_code=completed.returncode,
                        stderr_tail=completed.stderr.splitlines()[-STDERR_KEPT_LINES:])
    if completed.returncode not in (EXIT_CLEAN, EXIT_FINDINGS):
        analysis.error = f"exit {completed.returncode}: {_stderr_tail(completed.stderr)}"
    try:
        document = json.loads(completed.stdout) if completed.stdout.strip() else None
    except json.JSONDecodeError as error:
        document = None
        analysis.error = analysis.error or f"output is not JSON ({error.msg} at char {error.pos})"
    if document is not None and not isinstance(document, dict):
        document, analysis.error = None, analysis.error or "output JSON is not an object"
    if document is None and analysis.error is None:
        analysis.error = f"exit {completed.returncode} with no output: {_stderr_tail(completed.stderr)}"
    analysis.document = document
    if document is not None and isinstance(document.get("errors"), list):
        analysis.analyser_errors = document["errors"]
    return analysis


def source_bytes(tree_root: Path, target: str) -> int:
    """Bytes of Python source under the target: a cheap guess of how long its analysis takes."""
    path = tree_root / target
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*.py") if p.is_file())


def _stderr_tail(stderr: str) -> str:
    """The last non-empty stderr line: for a crash, the exception and its message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no stderr"


def _as_int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
