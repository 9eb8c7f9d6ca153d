"""Every happens-before edge, as a racy program and its safe twin, run under `racefree run`.

A racy fixture marks each line whose access must be reported with `# race: LOCATION`; the
reported races must name exactly those lines (both accesses), no more and no fewer. A safe twin
must run clean, with the program's own exit status.
"""

from __future__ import annotations

import pytest

from helpers import FIXTURES, expected_races, reported_races, run_racefree

RACE_EXIT = 66
PROGRAMS = sorted(p.stem for p in FIXTURES.glob("*_racy.py")) + sorted(
    p.stem for p in FIXTURES.glob("*_safe.py"))


def test_every_racy_fixture_has_a_safe_twin():
    racy = {p.stem[: -len("_racy")] for p in FIXTURES.glob("*_racy.py")}
    safe = {p.stem[: -len("_safe")] for p in FIXTURES.glob("*_safe.py")}
    assert racy == safe
    assert len(racy) >= 16


@pytest.mark.parametrize("program", PROGRAMS)
def test_fixture(program, tmp_path):
    script = FIXTURES / f"{program}.py"
    completed, document = run_racefree(["--", "python", script.name], FIXTURES, tmp_path / "r.json")
    assert document is not None, completed.stderr
    helpers = [FIXTURES / "shared_config.py"] if "import shared_config" in script.read_text() else []
    expected = expected_races(script, *helpers)
    if program.endswith("_racy"):
        assert expected, "a racy fixture must mark its racing lines"
        assert reported_races(document) == expected, completed.stderr
        assert completed.returncode == RACE_EXIT
    else:
        assert document["races"] == [], completed.stderr
        assert completed.returncode == 0, completed.stderr
