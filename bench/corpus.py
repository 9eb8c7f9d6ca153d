"""Corpus accuracy: run `racefree check` on real releases with verified races, and score it.

    python bench/corpus.py                      # all cases, results in bench/results/
    python bench/corpus.py --only loguru-1183   # quick iteration (results files left alone)
    python bench/corpus.py --tier 1 --jobs 2

Each case's buggy (and fixed) release is downloaded once with `pip download --no-deps` into the
cache and unpacked, never installed or imported. See bench/README.md for what is scored.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from corpus_lib import report  # noqa: E402
from corpus_lib.cases import CasesError, default_cases_path, load_cases, select_cases  # noqa: E402
from corpus_lib.run import CaseResult, Settings, expected_cost, run_case  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/corpus.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=default_cases_path(REPO_ROOT),
                        help="cases file (default: ../shared/bench/cases.jsonl beside the repository)")
    parser.add_argument("--cache-dir", type=Path, default=BENCH_DIR / ".cache",
                        help="downloads and unpacked releases (default: bench/.cache)")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results",
                        help="where corpus.md and corpus.json go (default: bench/results)")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default: 2)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds allowed for one `racefree check` (default: 300)")
    parser.add_argument("--racefree-src", type=Path, default=REPO_ROOT / "src",
                        help="the racefree sources to run (default: this repository's src/)")
    parser.add_argument("--only", type=lambda text: [i.strip() for i in text.split(",") if i.strip()],
                        help="comma-separated case ids")
    parser.add_argument("--tier", type=int, choices=(1, 2, 3), help="only the cases of this tier")
    parser.add_argument("--write-results", action="store_true",
                        help="write the results files even for a filtered run (--only/--tier)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        cases = select_cases(load_cases(args.cases), args.only, args.tier)
    except CasesError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return 2
    if not cases:
        print("corpus: error: no case matches the filters", file=sys.stderr)
        return 2
    try:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"corpus: error: cannot create cache dir {args.cache_dir}: {error.strerror}", file=sys.stderr)
        return 2
    settings = Settings(cache_dir=args.cache_dir.resolve(), src_dir=args.racefree_src.resolve(), timeout=args.timeout)

    started = time.perf_counter()
    results = _run_all(cases, settings, args.jobs)
    wall_seconds = time.perf_counter() - started

    totals = report.compute_totals(results)
    print(report.console_table(results))
    print()
    for line in report.totals_lines(totals, wall_seconds):
        print(line)

    filtered = bool(args.only or args.tier is not None)
    if filtered and not args.write_results:
        print("(filtered run: results files not written; add --write-results to write them)")
        return 0
    meta = _metadata(args, len(cases), wall_seconds, filtered)
    try:
        args.results_dir.mkdir(parents=True, exist_ok=True)
        (args.results_dir / "corpus.md").write_text(report.markdown(results, totals, meta))
        (args.results_dir / "corpus.json").write_text(report.raw_json(results, totals, meta))
    except OSError as error:
        print(f"corpus: error: cannot write results to {args.results_dir}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {_shown(args.results_dir / 'corpus.md')} and {_shown(args.results_dir / 'corpus.json')}")
    return 0


def _run_all(cases: list[dict], settings: Settings, jobs: int) -> list[CaseResult]:
    """Run the cases `jobs` at a time; print one progress line per case as it finishes."""
    results: dict[str, CaseResult] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        biggest_first = sorted(cases, key=lambda case: -expected_cost(case, settings))
        futures = {pool.submit(run_case, case, settings): case for case in biggest_first}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                result = future.result()
            except Exception as error:  # a harness bug must cost one case, not the run
                case = futures[future]
                result = CaseResult(case=case, verdict="error",
                                    note=f"harness failed: {type(error).__name__}: {error}")
            results[result.case["id"]] = result
            print(f"[{done}/{len(cases)}] {result.case['id']}: {result.verdict}"
                  f" ({result.seconds:.1f} s)", file=sys.stderr, flush=True)
    return [results[case["id"]] for case in cases]  # keep the cases file's order


def _metadata(args: argparse.Namespace, case_count: int, wall_seconds: float, filtered: bool) -> dict:
    own_source = args.racefree_src.resolve() == (REPO_ROOT / "src").resolve()
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        # (with --racefree-src, the source run is another tree's: named by its path, not this checkout's commit)
        "commit": (_git("rev-parse", "--short", "HEAD") or "unknown") if own_source
        else f"source in {args.racefree_src}",
        "dirty": own_source and bool(_git("status", "--porcelain")),
        "cases_file": _shown(args.cases),
        "cases": case_count,
        "filtered": filtered,
        "jobs": args.jobs,
        "timeout": args.timeout,
        "wall_seconds": round(wall_seconds, 1),
        "python": sys.version.split()[0],
    }


def _git(*arguments: str) -> str:
    try:
        completed = subprocess.run(["git", *arguments], cwd=REPO_ROOT, capture_output=True, text=True,
                                   timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def _shown(path: Path) -> str:
    """A path relative to the repository when it lies in or beside it, for stable output."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT.parent):
        return os.path.relpath(resolved, REPO_ROOT)
    return str(path)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("corpus: interrupted", file=sys.stderr)
        sys.exit(130)
