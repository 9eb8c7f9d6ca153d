"""Running `racefree run` as a user would: a subprocess, with a JSON report to read back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MARKER = re.compile(r"#\s*race:\s*(?P<location>\S.*?)\s*$")


def run_racefree(args: list[str], cwd: Path, report: Path, python: str = sys.executable,
                 env: dict | None = None, timeout: float = 120) -> tuple[subprocess.CompletedProcess, dict]:
    command = [python, "-m", "racefree", "run", "--format", "json", "--output", str(report), *args]
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                               env={**os.environ, **(env or {})})
    document = json.loads(report.read_text()) if report.exists() else None
    return completed, document


def expected_races(*paths: Path) -> set[tuple[str, str, int]]:
    """(location, file name, line) for every `# race: LOCATION` marker in the given files."""
    expected = set()
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                expected.add((match["location"], path.name, number))
    return expected


def reported_races(document: dict) -> set[tuple[str, str, int]]:
    """(location, file name, line) of the innermost frame of both accesses of every race."""
    reported = set()
    for race in document["races"]:
        for access in (race["access"], race["previous_access"]):
            top = access["stack"][0]
            reported.add((race["location"], os.path.basename(top["file"]), top["line"]))
    return reported
