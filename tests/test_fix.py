"""`racefree fix` on real fixture code: the lock fix is offered as a diff, --apply writes code that
parses and that racefree then finds clean, and nothing else in the file changes."""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

ADDED_LINE_FORMS = ("import threading", "_lock = threading.Lock()", "with _")


def racefree(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("fixture", ["RF103/executor_counter.py", "RF104/session_cache.py"])
def test_lock_fix_applies_and_leaves_the_file_clean(tmp_path, fixture):
    target = tmp_path / Path(fixture).name
    shutil.copy(FIXTURES / fixture, target)
    before = target.read_text()

    shown = racefree("fix", "--no-cache", target.name, cwd=tmp_path)
    assert shown.returncode == 1 and shown.stdout.startswith(f"--- a/{target.name}")
    assert target.read_text() == before  # a diff only, until --apply

    applied = racefree("fix", "--apply", "--no-cache", target.name, cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    after = target.read_text()
    ast.parse(after)
    check = racefree("check", "--no-cache", "--format", "json", target.name, cwd=tmp_path)
    assert json.loads(check.stdout)["findings"] == []

    # Unrelated code is unchanged: every removed line comes back, re-indented under a `with`, and
    # every added line is the import, the lock or the `with`.
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:].strip())
        elif line.startswith("+ "):
            added.append(line[2:].strip())
    new_lines = [a for a in added if a not in removed]
    assert sorted(removed) == sorted(a for a in added if a in removed)
    assert new_lines and all(any(form in a for form in ADDED_LINE_FORMS) for a in new_lines)


def test_no_fix_is_offered_where_it_cannot_be_made_safely(tmp_path):
    # Instance state of a singleton: a module-level lock is not the fix; the advice stands.
    shutil.copy(FIXTURES / "RF103" / "singleton_client_counter.py", tmp_path / "client.py")
    # A check, an await, then the write: a threading lock must not be held across an await.
    shutil.copy(FIXTURES / "RF105" / "async_credentials.py", tmp_path / "creds.py")
    # Lost updates whose read is an earlier statement: a lock around the write alone is no fix.
    shutil.copy(FIXTURES / "RF103" / "counter_read_then_written.py", tmp_path / "counter.py")
    shutil.copy(FIXTURES / "RF103" / "page_views_cache.py", tmp_path / "views.py")
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    shown = racefree("fix", "--apply", "--no-cache", ".", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout == ""
    assert "have no safe mechanical fix" in shown.stderr
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before
