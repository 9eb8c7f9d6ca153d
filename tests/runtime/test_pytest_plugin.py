"""`pytest --racefree` (the pytest11 plugin) and `racefree run -- pytest` on a small real project."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import FIXTURES, expected_races, reported_races, run_racefree

PROJECT = FIXTURES / "pytest_project"


def _pytest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=PROJECT, capture_output=True, text=True, timeout=120)


def test_threads_expose_the_unlocked_update_and_fail_the_session():
    completed = _pytest("--racefree", "--racefree-threads", "4", "-q")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "2 passed" in completed.stdout
    warnings = re.findall(r"WARNING: racefree: data race on (\S+)", completed.stdout)
    assert warnings and set(warnings) == {"inventory.stock['apples']"}
    assert "#0 restock inventory.py:8" in completed.stdout
    assert "restock_safely" not in completed.stdout.split("racefree ===")[-1]


def test_one_thread_per_test_finds_nothing_to_report():
    completed = _pytest("--racefree", "-q")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "SUMMARY: racefree: no data races found" in completed.stdout


def test_without_the_flag_the_plugin_stays_out_of_the_way():
    completed = _pytest("-q", "--racefree-threads", "4")
    assert completed.returncode == 0
    assert "racefree" not in completed.stdout


def test_racefree_run_pytest_in_process(tmp_path):
    completed, document = run_racefree(
        ["--", "pytest", "-q", "-p", "no:cacheprovider", "--racefree-threads", "1"],
        PROJECT, tmp_path / "report.json")
    # One thread per test and tests run one after another: nothing races.
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert document["races"] == []


def test_racefree_run_pytest_reports_the_marked_line_when_tests_overlap(tmp_path):
    completed, document = run_racefree(
        ["--", "pytest", "-q", "-p", "no:cacheprovider", "--racefree", "--racefree-threads", "3"],
        PROJECT, tmp_path / "report.json")
    assert reported_races(document) == expected_races(PROJECT / "inventory.py")
    assert completed.returncode == 66
