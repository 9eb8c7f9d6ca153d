"""A fast subset of the corpus benchmark, run as part of the test suite: real races in real
releases from PyPI (downloaded once into pytest's cache, never installed or imported), each
found on its buggy release and silent on its fixed one. The seed cases are in
test_seed_wheels.py; the full corpus is `python bench/corpus.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus_lib.cases import CasesError, default_cases_path, load_cases  # noqa: E402
from corpus_lib.run import Settings, run_case  # noqa: E402

pytestmark = pytest.mark.wheels

# One case per general cause the analyser had to learn: a library's public API (isodate), an
# object a framework shares (Django middleware), a container handed to a helper inside a class
# that guards its state with a lock (elastic-apm), and a class-level thread-local rebound (scout).
SUBSET = ("isodate-54", "django-queryinspect-18", "elastic-apm-717", "scout-apm-127")


@pytest.fixture(scope="module")
def cases() -> dict[str, dict]:
    try:
        loaded = load_cases(default_cases_path(REPO))
    except CasesError as exc:
        pytest.skip(f"corpus not available beside the repository: {exc}")
    return {case["id"]: case for case in loaded}


@pytest.fixture(scope="module")
def settings(request) -> Settings:
    return Settings(cache_dir=Path(request.config.cache.mkdir("racefree-corpus")), src_dir=REPO / "src", timeout=300)


@pytest.mark.parametrize("case_id", SUBSET)
def test_corpus_case_is_found_and_its_fix_is_silent(case_id, cases, settings):
    result = run_case(cases[case_id], settings)
    if result.verdict == "unavailable":
        pytest.skip(f"{case_id}: release not downloadable: {result.note}")
    assert result.verdict == "hit", (result.note, result.all_findings[:10])
    if result.fixed is not None and result.fixed.status != "unavailable":
        assert result.fixed.status == "silent", result.fixed.note
