"""`racefree run` command line: bad input gets one clear line and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import FIXTURES


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", "run", *args], cwd=FIXTURES,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, message", [
    ((), "nothing to run"),
    (("--format", "xml", "--", "python", "fork_safe.py"), "--format must be text or json"),
    (("--exitcode", "lots", "fork_safe.py"), "--exitcode must be a number"),
    (("--bogus", "fork_safe.py"), "unknown option '--bogus'"),
    (("--", "python", "missing.py"), "no such file: missing.py"),
    (("-m", "no_such_module_here"), "no Python module named 'no_such_module_here'"),
    (("--", "definitely-not-a-command"), "cannot run 'definitely-not-a-command' in-process"),
])
def test_usage_errors_are_one_line(args, message):
    completed = _run(*args)
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr


def test_exitcode_option_and_text_report():
    completed = _run("--exitcode", "7", "--", "python", "join_racy.py")
    assert completed.returncode == 7
    assert "WARNING: racefree: data race on __main__.results['answer']" in completed.stderr
    assert "SUMMARY: racefree: 1 data race" in completed.stderr
    assert "created by MainThread at:" in completed.stderr


def test_clean_program_keeps_its_own_exit_status():
    completed = _run("--", "python", "-c", "raise SystemExit(3)")
    assert completed.returncode == 3
    assert "SUMMARY: racefree: no data races found" in completed.stderr


def test_module_target_runs_as_main():
    completed = _run("-m", "join_racy")
    assert completed.returncode == 66
    assert "__main__.results['answer']" in completed.stderr
