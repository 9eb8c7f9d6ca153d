"""Scoring of the corpus benchmark (bench/corpus_lib), on a real case and hand-written findings.

No network: the findings documents below have the shape of `racefree check --format json`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH_DIR))

from corpus_lib import scoring  # noqa: E402
from corpus_lib.cases import CasesError, analysis_target, default_cases_path, load_cases, select_cases  # noqa: E402
from corpus_lib.report import compute_totals  # noqa: E402
from corpus_lib.run import CaseResult, FixedResult  # noqa: E402

# Verbatim from shared/bench/cases.jsonl (kept here so the test runs without shared/).
LOGURU_CASE = json.loads(
    '{"id": "loguru-1183", "package": "loguru", "buggy": "0.7.2", "fixed": "0.7.3", "artifact": "wheel",'
    ' "file": "loguru/_logger.py", "object": "loguru.logger._core.handlers (Core.handlers dict of the global'
    ' logger singleton, loguru/__init__.py:17)", "names": ["handlers"], "def_line": 185,'
    ' "write_lines": [1053, 1058], "read_lines": [2031], "entry": "One thread reconfigures the global logger'
    ' with logger.remove() (all handlers) while other threads log", "pattern": "iterate-while-mutate",'
    ' "report": "https://github.com/Delgan/loguru/issues/1183", "tier": 1}'
)


def access(kind: str, line: int, file: str = "loguru/_logger.py") -> dict:
    return {"kind": kind, "file": file, "line": line, "col": 8, "function": "Logger.remove",
            "entry_points": ["thread"], "trace": []}


def finding(obj: str, *accesses: dict, file: str = "loguru/_logger.py") -> dict:
    line = accesses[0]["line"] if accesses else 1
    return {"rule": "RF001", "severity": "error", "message": "race", "object": obj, "file": file,
            "line": line, "accesses": list(accesses), "fix": ""}


def document(*findings: dict) -> dict:
    return {"version": 1, "findings": list(findings), "errors": [],
            "stats": {"files": 20, "lines": 5000, "seconds": 1.0}}


def test_write_on_a_write_line_of_the_named_object_is_a_hit():
    doc = document(finding("loguru._logger.Core.handlers", access("write", 1058), access("read", 2031)))
    score = scoring.score_buggy(LOGURU_CASE, doc)
    assert score.verdict == "hit"
    assert [f["object"] for f in score.matched] == ["loguru._logger.Core.handlers"]
    assert score.objects_in_file == ["loguru._logger.Core.handlers"]


def test_named_object_without_a_write_on_those_lines_is_near():
    # A read on a write line does not count, nor a write elsewhere, nor a write in another file.
    doc = document(
        finding("loguru._logger.Core.handlers", access("read", 1053), access("write", 1042)),
        finding("loguru._logger.Core.handlers", access("write", 1058, file="loguru/_handler.py"),
                file="loguru/_handler.py"),
    )
    score = scoring.score_buggy(LOGURU_CASE, doc)
    assert score.verdict == "near"
    assert len(score.near) == 2 and not score.matched


def test_other_objects_are_a_miss_but_are_listed_for_diagnosis():
    doc = document(
        finding("loguru._logger.Logger._options", access("write", 1058)),
        finding("loguru._handler.Handler.levelno", access("write", 3, file="loguru/_handler.py"),
                file="loguru/_handler.py"),
    )
    score = scoring.score_buggy(LOGURU_CASE, doc)
    assert score.verdict == "miss"
    assert score.objects_in_file == ["loguru._logger.Logger._options"]


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("handlers", True),
        ("loguru._logger.Core.handlers", True),
        ("loguru._logger.Core.handlers['default']", True),  # a key of the dict is the dict
        ("loguru._logger.Core.xhandlers", False),  # a suffix must be a whole component
        ("loguru._logger.Core.handlers.copy", False),
        ("", False),
    ],
)
def test_object_must_end_with_a_name(reported: str, expected: bool):
    assert scoring.object_matches(reported, ["handlers"]) is expected


def test_dotted_names_match_as_a_dotted_suffix():
    assert scoring.object_matches("loguru._logger.Core.handlers", ["Core.handlers"])
    assert not scoring.object_matches("loguru._logger.Other.handlers", ["Core.handlers"])
    assert not scoring.object_matches("loguru._logger.Core.handlers", None)  # tier-3 cases without names


def test_paths_are_compared_after_normalising():
    assert scoring.same_file("./loguru/_logger.py", "loguru/_logger.py")
    assert scoring.same_file("/tmp/tree/loguru/_logger.py", "loguru/_logger.py")
    assert not scoring.same_file("other/loguru/_logger.pyc", "loguru/_logger.py")
    assert not scoring.same_file(None, "loguru/_logger.py")


def test_fixed_release_is_silent_unless_the_object_is_still_reported_in_the_file():
    assert scoring.is_fixed_silent(LOGURU_CASE, document())
    elsewhere = finding("loguru._handler.Handler.handlers", access("write", 9, file="loguru/_handler.py"),
                        file="loguru/_handler.py")
    assert scoring.is_fixed_silent(LOGURU_CASE, document(elsewhere))
    still_there = finding("loguru._logger.Core.handlers", access("read", 2040))
    assert not scoring.is_fixed_silent(LOGURU_CASE, document(still_there, elsewhere))
    assert scoring.fixed_findings_on_object(LOGURU_CASE, document(still_there, elsewhere)) == [still_there]


@pytest.mark.parametrize("doc", [None, {}, {"findings": "oops"}, {"findings": [3, {"object": None}]}])
def test_malformed_documents_score_as_a_miss_without_crashing(doc):
    assert scoring.score_buggy(LOGURU_CASE, doc).verdict == "miss"
    assert scoring.is_fixed_silent(LOGURU_CASE, doc)


@pytest.mark.parametrize(
    ("case_file", "target"),
    [
        ("pdd/llm_invoke.py", "pdd"),
        ("run_agent.py", "run_agent.py"),
        ("flask_httpauth.py", "flask_httpauth.py"),
        ("src/scout_apm/core/thread_local.py", "src/scout_apm"),
        ("plugins/circuit_breaker/circuit_breaker.py", "plugins"),
    ],
)
def test_analysis_target_is_the_top_level_package(case_file: str, target: str):
    assert analysis_target(case_file) == target


def _result(tier: int, verdict: str, fixed_status: str | None = None, package: str = "p") -> CaseResult:
    case = dict(LOGURU_CASE, id=f"{package}-{verdict}", tier=tier, package=package)
    fixed = FixedResult(version="2", status=fixed_status) if fixed_status else None
    return CaseResult(case=case, verdict=verdict, findings=3, lines=1500, fixed=fixed)


def test_totals_exclude_unavailable_cases_and_tier_3():
    totals = compute_totals([
        _result(1, "hit", "silent", package="a"),
        _result(1, "error", package="b"),
        _result(1, "unavailable", package="c"),
        _result(2, "near", "reported", package="d"),
        _result(3, "hit", "silent", package="e"),
    ])
    assert (totals.tiers[1].hits, totals.tiers[1].scored, totals.tiers[1].errors) == (1, 2, 1)
    assert (totals.tiers[2].hits, totals.tiers[2].scored, totals.tiers[2].near) == (0, 1, 1)
    assert 3 not in totals.tiers
    assert (totals.fixed_silent, totals.fixed_checked) == (1, 2)
    assert (totals.fixed_silent_hits, totals.fixed_checked_hits) == (1, 1)
    assert (totals.findings, totals.lines) == (12, 6000)  # every analysed buggy release, tier 3 too


def test_bad_cases_files_give_one_line_errors(tmp_path: Path):
    with pytest.raises(CasesError, match="cannot read cases file"):
        load_cases(tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x"\n')
    with pytest.raises(CasesError, match=r"broken.jsonl:1: not valid JSON"):
        load_cases(broken)
    partial = tmp_path / "partial.jsonl"
    partial.write_text('{"id": "x", "package": "p"}\n')
    with pytest.raises(CasesError, match="lacks buggy"):
        load_cases(partial)
    with pytest.raises(CasesError, match="unknown case id"):
        select_cases([LOGURU_CASE], ["nope"], None)


def test_the_shared_cases_file_loads_and_its_files_give_targets():
    path = default_cases_path(BENCH_DIR.parent)
    if not path.is_file():
        pytest.skip(f"{path} not present (shared/ lies beside the repository in CI)")
    cases = load_cases(path)
    assert len({case["id"] for case in cases}) == len(cases)
    loguru = next(case for case in cases if case["id"] == "loguru-1183")
    assert {k: loguru[k] for k in LOGURU_CASE if k not in ("object", "entry")} == {
        k: LOGURU_CASE[k] for k in LOGURU_CASE if k not in ("object", "entry")
    }
    assert all(analysis_target(case["file"]) for case in cases)
