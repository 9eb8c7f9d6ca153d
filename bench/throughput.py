"""Throughput of `racefree check` on a large real tree: the Python standard library's own
sources, without its tests.

Measured in one run, so that the ratios hold on a noisy machine:
  - bare parse: one process reads and `ast.parse`s every file (the floor any AST tool pays);
  - racefree cold: `racefree check --no-cache --format json` on the same files, as a user runs it;
  - racefree warm: the same with a summary cache that an earlier run filled.
racefree's own modules are byte-compiled first, as an install leaves them.
Each is run --repeat times and the median is kept. Results go to bench/results/throughput.md.

    python bench/throughput.py [--repeat 3] [--stdlib DIR] [--output FILE]
"""

from __future__ import annotations

import argparse
import ast
import compileall
import datetime
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

EXCLUDED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
ROOT = Path(__file__).resolve().parent.parent


def stdlib_files(stdlib: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS)
        files.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    return files


def copy_tree(files: list[Path], stdlib: Path, target: Path) -> None:
    for source in files:
        destination = target / source.relative_to(stdlib)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def bare_parse(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def byte_compile_racefree() -> None:
    """racefree's modules as an install leaves them, byte-compiled (pip compiles a package when it
    installs it). Without this, a machine that sets PYTHONDONTWRITEBYTECODE, as this one does,
    compiles them from source on every run: about 0.1 s that no user pays."""
    spec = importlib.util.find_spec("racefree")
    for folder in spec.submodule_search_locations or ():
        compileall.compile_dir(folder, quiet=1)


def racefree(tree: Path, *extra: str) -> tuple[float, float, dict]:
    """Wall seconds, CPU seconds of the process and its workers, and the JSON output."""
    started, cpu = time.perf_counter(), _children_cpu()
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--format", "json", *extra, "."],
        cwd=tree, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"racefree failed: {completed.stderr.strip()[-500:]}")
    return seconds, _children_cpu() - cpu, json.loads(completed.stdout)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return f"{commit}{' (uncommitted changes)' if dirty else ''}"
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stdlib", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "throughput.md")
    args = parser.parse_args()

    files = stdlib_files(args.stdlib)
    byte_compile_racefree()
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "stdlib"
        cache = Path(scratch) / "cache"
        copy_tree(files, args.stdlib, tree)
        copies = stdlib_files(tree)
        bare, cold, warm = [], [], []  # (wall, CPU) seconds of each run
        findings = errors = 0
        for _ in range(args.repeat):
            bare.append(bare_parse(copies))
            seconds, cpu, document = racefree(tree, "--no-cache")
            cold.append((seconds, cpu))
            findings, errors = len(document["findings"]), len(document["errors"])
            shutil.rmtree(cache, ignore_errors=True)
            racefree(tree, "--cache-dir", str(cache))  # fills the cache
            warm.append(racefree(tree, "--cache-dir", str(cache))[:2])
    load_after = os.getloadavg()[0]
    (bare_s, bare_cpu), (cold_s, cold_cpu), (warm_s, warm_cpu) = (
        (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)) for runs in (bare, cold, warm)
    )
    rows = [
        ("bare single-process ast.parse", bare_s, 1.0, bare_cpu),
        ("racefree check --no-cache (cold)", cold_s, cold_s / bare_s, cold_cpu),
        ("racefree check, warm cache", warm_s, warm_s / bare_s, warm_cpu),
    ]
    report = [
        "# Throughput: `racefree check` on the Python standard library",
        "",
        f"- date: {datetime.date.today().isoformat()}, racefree commit {git_commit()}",
        f"- tree: CPython {sys.version.split()[0]} stdlib without tests: {len(files)} files, {lines:,} lines",
        f"- machine: {os.cpu_count()} cores; median of {args.repeat} runs each, all in one run of "
        f"`python bench/throughput.py`",
        f"- racefree reported {findings} findings and {errors} file errors on this tree",
        "- racefree's modules byte-compiled before timing, as an install leaves them",
        f"- load average (1 min) before and after the runs: {load_before:.2f}, {load_after:.2f} (the runs "
        "themselves add up to 2; more is other work, which slows racefree's two processes more than the "
        "one-process parse)",
        "",
        "| what | seconds | ratio to bare parse | CPU seconds (all processes) |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {name} | {seconds:.2f} | {ratio:.2f}x | {cpu:.2f} |" for name, seconds, ratio, cpu in rows),
        "",
        "Goal: cold <= 2x the bare parse on a 2-core machine; a warm re-run a fraction of that.",
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(report))
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
