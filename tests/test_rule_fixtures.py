"""Every rule fixture: the findings are exactly the `# expect: CODE:col` markers, by rule, line
and column; safe twins (no markers) give no findings at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, check, expected_markers

FIXTURE_PATHS = sorted(p for p in FIXTURES.glob("RF*/*") if p.suffix == ".py" or p.is_dir())


@pytest.mark.parametrize("fixture", FIXTURE_PATHS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_match_markers(fixture: Path):
    files = sorted(fixture.rglob("*.py")) if fixture.is_dir() else [fixture]
    result = check(fixture)
    assert not result.errors
    found = {(Path(f.file).name, f.rule, f.line, f.col) for f in result.findings}
    assert found == expected_markers(files)


def test_every_rule_has_a_positive_and_a_safe_fixture():
    from racefree.rules import ALL_RULES

    for rule in ALL_RULES:
        files = list((FIXTURES / rule.code).glob("*.py"))
        positives = [f for f in files if any(rule.code == m[1] for m in expected_markers([f]))]
        safe = [f for f in files if f.stem.endswith("_safe") and not expected_markers([f])]
        assert positives and safe, rule.code


ENTRY_FIXTURES = sorted(p for p in (FIXTURES / "entry_points").iterdir() if p.suffix == ".py" or p.is_dir())
SAFE_FIXTURES = sorted((FIXTURES / "safe").glob("*.py"))


def declared_entry_kinds(files: list[Path]) -> set[str]:
    return {line.split(":", 1)[1].strip() for f in files for line in f.read_text().splitlines()
            if line.startswith("# entry:")}


@pytest.mark.parametrize("fixture", ENTRY_FIXTURES, ids=lambda p: p.name)
def test_entry_point_kinds_are_recognised(fixture: Path):
    """Each entry-point fixture declares (`# entry: KIND`) what makes it concurrent; the findings
    match the markers and their writes are reached from that kind of entry point."""
    files = sorted(fixture.rglob("*.py")) if fixture.is_dir() else [fixture]
    result = check(fixture)
    assert not result.errors
    assert {(Path(f.file).name, f.rule, f.line, f.col) for f in result.findings} == expected_markers(files)
    kinds = {a.entry_points[0].kind for f in result.findings for a in f.accesses if a.kind == "write"}
    assert kinds == declared_entry_kinds(files)


@pytest.mark.parametrize("fixture", SAFE_FIXTURES, ids=lambda p: p.name)
def test_safe_forms_are_not_reported(fixture: Path):
    result = check(fixture)
    assert not result.errors
    assert result.findings == []
    assert result.entry_points > 0  # the code is concurrent: silence is the analysis, not a blind spot
