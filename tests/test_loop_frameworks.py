"""The own modules of event-loop web frameworks (aiohttp, Starlette, FastAPI, Litestar, Sanic,
Quart) run on their loop's one thread: the same check-then-act that races in an ordinary library
is atomic there."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

SOURCE = FIXTURES / "loop_frameworks" / "applications.py"


def findings_in_package(tmp_path: Path, package: str) -> list[dict]:
    root = tmp_path / package
    root.mkdir()
    (root / "__init__.py").write_text("")
    shutil.copy(SOURCE, root / "applications.py")
    result = subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", "--format", "json", package],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def test_an_ordinary_library_races_between_check_and_store(tmp_path):
    rules = {(f["rule"], f["object"].rsplit(".", 1)[-1]) for f in findings_in_package(tmp_path, "shoplib")}
    assert ("RF104", "schema") in rules


@pytest.mark.parametrize("framework", ["aiohttp", "starlette", "fastapi", "litestar", "sanic", "quart"])
def test_a_loop_framework_runs_it_on_its_loop(tmp_path, framework):
    assert findings_in_package(tmp_path, framework) == []
