from __future__ import annotations

import re
from pathlib import Path

import pytest

from racefree.engine import CheckOptions, run_check

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(.+)$")
MARKER = re.compile(r"(RF\d{3}):(\d+)")


def expected_markers(paths: list[Path]) -> set[tuple[str, str, int, int]]:
    """(file name, rule, line, column) for every `# expect: RFxxx:col` marker."""
    expected = set()
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for rule, col in MARKER.findall(match.group(1)):
                    expected.add((path.name, rule, number, int(col)))
    return expected


def check(*paths: Path | str, cache: bool = False):
    return run_check(CheckOptions(paths=[str(p) for p in paths], use_cache=cache, jobs=1))


@pytest.fixture
def run_racefree():
    return check


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch):
    """Reports are compared as plain text: a CI runner's FORCE_COLOR or NO_COLOR must not leak in."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
