"""Run one case end to end: fetch the buggy (and fixed) release, analyse, score.

Everything that can go wrong with one case (no download, analyser crash, timeout) ends up as a
field of its CaseResult, so one bad case never stops the benchmark.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from corpus_lib import scoring
from corpus_lib.analyse import Analysis, run_check, source_bytes
from corpus_lib.cases import SCORED_TIERS, analysis_target
from corpus_lib.fetch import Release, Unavailable, cached_root, fetch


@dataclass(frozen=True)
class Settings:
    cache_dir: Path
    src_dir: Path  # racefree's own src/, put on the analyser's PYTHONPATH
    timeout: float


@dataclass
class FixedResult:
    version: str
    status: str  # "silent", "reported", "unavailable", "error"
    note: str = ""
    findings_on_object: list[dict] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class CaseResult:
    case: dict
    verdict: str  # "hit", "near", "miss", "error" (counted as a miss) or "unavailable"
    note: str = ""
    target: str = ""
    seconds: float = 0.0
    lines: int = 0
    files: int = 0
    findings: int = 0
    stats: dict = field(default_factory=dict)  # the analyser's "stats", extra keys included
    all_findings: list[dict] = field(default_factory=list)  # rule, object, file, line of each
    analyser_errors: list = field(default_factory=list)  # the analyser's own "errors" entries
    stderr_tail: list[str] = field(default_factory=list)
    score: scoring.BuggyScore | None = None
    fixed: FixedResult | None = None

    @property
    def scored(self) -> bool:
        return self.case["tier"] in SCORED_TIERS and self.verdict != "unavailable"

    @property
    def is_hit(self) -> bool:
        return self.verdict == "hit"


class _OncePerKey:
    """Runs a computation once per key even when two cases ask for it at the same time."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[object, threading.Lock] = {}
        self._results: dict[object, object] = {}

    def get(self, key, compute):
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._results:
                self._results[key] = compute()
            return self._results[key]


# One release can be one case's fixed and another's buggy (instructor 1.16.0): analyse it once.
_analyses = _OncePerKey()


def run_case(case: dict, settings: Settings) -> CaseResult:
    target = analysis_target(case["file"])
    release = _release(case, case["buggy"], case["artifact"])
    try:
        root = fetch(release, settings.cache_dir)
    except Unavailable as error:
        return CaseResult(case=case, verdict="unavailable", note=str(error), target=target)
    analysis = _analyse(root, target, settings)
    result = CaseResult(
        case=case, verdict="", target=target, seconds=analysis.seconds, lines=analysis.lines,
        files=analysis.files, findings=len(analysis.findings), stats=analysis.stats,
        analyser_errors=analysis.analyser_errors, stderr_tail=analysis.stderr_tail,
        all_findings=[_brief(f) for f in analysis.findings if isinstance(f, dict)],
    )
    result.score = scoring.score_buggy(case, analysis.document)
    if analysis.error:
        result.verdict, result.note = "error", analysis.error
    else:
        result.verdict = result.score.verdict
        if not (root / case["file"]).is_file():
            result.note = f"{case['file']} not in the artifact"
        elif analysis.analyser_errors:
            # Usually files the analyser cannot parse (Python 2 modules in old sdists).
            result.note = f"{len(analysis.analyser_errors)} file errors reported by the analyser"
    if case.get("fixed"):
        if analysis.timed_out:
            # The fixed release is nearly the same code: it would time out too, doubling the run.
            result.fixed = FixedResult(version=case["fixed"], status="error",
                                       note="not analysed: the buggy release timed out")
        else:
            result.fixed = _run_fixed(case, target, settings)
    return result


def expected_cost(case: dict, settings: Settings) -> int:
    """Source bytes of the cached buggy target (0 when not cached yet).

    Starting the biggest cases first keeps a slow one from running alone at the end.
    """
    root = cached_root(_release(case, case["buggy"], case["artifact"]), settings.cache_dir)
    if root is None:
        return 0
    target = analysis_target(case["file"])
    return source_bytes(root, target) if (root / target).exists() else 0


def _run_fixed(case: dict, target: str, settings: Settings) -> FixedResult:
    version = case["fixed"]
    note = ""
    try:
        root = fetch(_release(case, version, case["artifact"]), settings.cache_dir)
    except Unavailable as wheel_error:
        if case["artifact"] != "wheel":
            return FixedResult(version=version, status="unavailable", note=str(wheel_error))
        # Some fixed releases shipped only an sdist; its top folder has the same layout.
        try:
            root = fetch(_release(case, version, "sdist"), settings.cache_dir)
            note = "no wheel: used the sdist"
        except Unavailable as error:
            return FixedResult(version=version, status="unavailable", note=str(error))
    analysis = _analyse(root, target, settings)
    if analysis.error:
        return FixedResult(version=version, status="error", note=analysis.error, seconds=analysis.seconds)
    on_object = scoring.fixed_findings_on_object(case, analysis.document)
    if not (root / case["file"]).is_file():
        note = "; ".join(filter(None, [note, f"{case['file']} not in the fixed release"]))
    return FixedResult(
        version=version, status="reported" if on_object else "silent", note=note,
        findings_on_object=on_object, seconds=analysis.seconds,
    )


def _brief(finding: dict) -> dict:
    """Enough of a finding to see at a glance what else the analyser reported in the package."""
    return {key: finding.get(key) for key in ("rule", "object", "file", "line")}


def _release(case: dict, version: str, artifact: str) -> Release:
    return Release(case["package"], version, artifact, tuple(case.get("pip_args") or ()))


def _analyse(root: Path, target: str, settings: Settings) -> Analysis:
    return _analyses.get(
        (str(root), target), lambda: run_check(root, target, settings.src_dir, settings.timeout)
    )
