"""`--warn-unused-ignores`: every `# racefree: ignore` that silences nothing is reported, and only
those; the fixture marks each one (`# unused: CODE:col`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import FIXTURES, expected_markers

FIXTURE = FIXTURES / "suppressed" / "unused_ignores.py"
RELATIVE = "suppressed/unused_ignores.py"
UNUSED = re.compile(r"#\s*unused:\s*([^#]+)")
MARKER = re.compile(r"(RF\d{3}|bare):(\d+)")


def racefree(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", *args],
                          capture_output=True, text=True, cwd=FIXTURES, timeout=120)


def unused_markers() -> set[tuple[int, int, str | None]]:
    """(line, col, code or None for bare) for every `# unused: CODE:col` marker of the fixture."""
    found = set()
    for number, line in enumerate(FIXTURE.read_text().splitlines(), start=1):
        for text in UNUSED.findall(line):
            for code, col in MARKER.findall(text):
                found.add((number, int(col), None if code == "bare" else code))
    return found


def reported(document: dict) -> set[tuple[int, int, str | None]]:
    assert {u["file"] for u in document["unused_ignores"]} <= {RELATIVE}
    return {(u["line"], u["col"], u["code"]) for u in document["unused_ignores"]}


def test_reports_exactly_the_unused_suppressions_and_keeps_the_findings():
    completed = racefree("--warn-unused-ignores", "--format", "json", RELATIVE)
    document = json.loads(completed.stdout)
    assert reported(document) == unused_markers()
    # used ones (bracketed and bare) are not reported; the one in a string is no suppression at all
    assert {line for line, _, _ in unused_markers()} == {23, 24, 25, 26}
    found = {(f["rule"], f["line"], f["col"]) for f in document["findings"]}
    assert found == {(rule, line, col) for _, rule, line, col in expected_markers([FIXTURE])}
    assert document["stats"]["suppressed"] == 3
    assert completed.returncode == 1


def test_text_report_lists_them_as_path_line_col_lines():
    out = racefree("--warn-unused-ignores", RELATIVE).stdout.splitlines()
    unused = [line for line in out if "unused racefree suppression" in line]
    assert unused == [
        f"{RELATIVE}:23:22: unused racefree suppression (RF101)",
        f"{RELATIVE}:24:43: unused racefree suppression (RF101)",
        f"{RELATIVE}:25:21: unused racefree suppression",
        f"{RELATIVE}:26:22: unused racefree suppression (RF999: no such rule)",
    ]
    assert out[-1].startswith("Found 1 race (RF103: 1)")


def test_without_the_flag_nothing_is_reported_and_json_has_no_key():
    completed = racefree("--format", "json", RELATIVE)
    assert "unused_ignores" not in json.loads(completed.stdout)
    assert "unused racefree suppression" not in racefree(RELATIVE).stdout


def test_unused_suppressions_alone_exit_1():
    # RF101 only: the RF103 finding is deselected, the unused RF101 codes remain
    assert racefree("--select", "RF101", RELATIVE).returncode == 0
    completed = racefree("--select", "RF101", "--warn-unused-ignores", RELATIVE)
    assert completed.returncode == 1
    assert "No races found" in completed.stdout
    assert f"{RELATIVE}:23:22: unused racefree suppression (RF101)" in completed.stdout


def test_codes_of_deselected_rules_are_not_judged():
    document = json.loads(racefree("--select", "RF103", "--warn-unused-ignores", "--format", "json", RELATIVE).stdout)
    assert reported(document) == {(25, 21, None), (26, 22, "RF999")}


def test_codes_ignored_for_the_file_are_not_judged(tmp_path):
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.racefree]\nper-file-ignores = {"suppressed/unused_*.py" = ["RF101"]}\n')
    completed = racefree("--config", str(config), "--warn-unused-ignores", "--format", "json", RELATIVE)
    assert reported(json.loads(completed.stdout)) == {(25, 21, None), (26, 22, "RF999")}


def test_formats_without_a_place_for_them_get_them_on_stderr():
    completed = racefree("--warn-unused-ignores", "--format", "sarif", RELATIVE)
    assert completed.returncode == 1
    assert f"racefree: {RELATIVE}:25:21: unused racefree suppression" in completed.stderr.splitlines()
    json.loads(completed.stdout)  # the SARIF document itself is untouched
