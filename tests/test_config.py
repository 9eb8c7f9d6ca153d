"""[tool.racefree] in pyproject.toml and the flags that override it, on real fixture code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES


def racefree(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", "--format", "json", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "app").mkdir()
    for name in ("executor_counter.py",):
        shutil.copy(FIXTURES / "RF103" / name, tmp_path / "app" / name)
    shutil.copy(FIXTURES / "RF104" / "session_cache.py", tmp_path / "app" / "session_cache.py")
    (tmp_path / "pyproject.toml").write_text(config)
    return tmp_path


def rules_found(completed: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    return sorted((Path(f["file"]).name, f["rule"]) for f in json.loads(completed.stdout)["findings"])


def test_without_config_everything_is_reported(tmp_path):
    root = project(tmp_path, "[project]\nname = 'x'\n")
    assert rules_found(racefree("app", cwd=root)) == [
        ("executor_counter.py", "RF103"), ("executor_counter.py", "RF103"), ("session_cache.py", "RF104")]


def test_select_ignore_include_exclude_and_per_file_ignores_from_pyproject(tmp_path):
    root = project(tmp_path, '[tool.racefree]\nignore = ["RF104"]\n')
    assert rules_found(racefree("app", cwd=root)) == [("executor_counter.py", "RF103")] * 2
    (root / "pyproject.toml").write_text('[tool.racefree]\nselect = ["RF104"]\n')
    assert rules_found(racefree("app", cwd=root)) == [("session_cache.py", "RF104")]
    (root / "pyproject.toml").write_text('[tool.racefree]\nexclude = ["app/session_*.py"]\n')
    completed = racefree("app", cwd=root)
    assert rules_found(completed) == [("executor_counter.py", "RF103")] * 2
    assert json.loads(completed.stdout)["stats"]["files"] == 1
    (root / "pyproject.toml").write_text('[tool.racefree]\ninclude = ["app/session_*.py"]\n')
    completed = racefree("app", cwd=root)
    assert rules_found(completed) == [("session_cache.py", "RF104")]
    assert json.loads(completed.stdout)["stats"]["files"] == 1
    (root / "pyproject.toml").write_text('[tool.racefree.per-file-ignores]\n"app/executor_*.py" = ["RF103"]\n')
    assert rules_found(racefree("app", cwd=root)) == [("session_cache.py", "RF104")]


def test_flags_override_the_config(tmp_path):
    root = project(tmp_path, '[tool.racefree]\nselect = ["RF104"]\n')
    assert rules_found(racefree("--select", "RF103", "app", cwd=root)) == [("executor_counter.py", "RF103")] * 2
    assert rules_found(racefree("--exclude", "app/executor_counter.py", "app", cwd=root)) == [("session_cache.py", "RF104")]


def test_a_broken_config_is_one_line_naming_the_key_and_exit_2(tmp_path):
    root = project(tmp_path, '[tool.racefree]\nselcet = ["RF101"]\n')
    completed = racefree("app", cwd=root)
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0
    assert "unknown key tool.racefree.selcet" in completed.stderr
    (root / "pyproject.toml").write_text('[tool.racefree]\nignore = "RF101"\n')
    completed = racefree("app", cwd=root)
    assert completed.returncode == 2 and "tool.racefree.ignore must be a list of strings" in completed.stderr
    (root / "pyproject.toml").write_text('[tool.racefree\nignore = [\n')
    completed = racefree("app", cwd=root)
    assert completed.returncode == 2 and "not valid TOML" in completed.stderr and "Traceback" not in completed.stderr
    assert racefree("--config", "missing.toml", "app", cwd=root).returncode == 2


def test_baseline_reports_only_new_findings_and_survives_moved_lines(tmp_path):
    root = project(tmp_path, "[project]\nname = 'x'\n")
    written = racefree("--write-baseline", "baseline.json", "app", cwd=root)
    assert written.returncode == 0 and "recorded 3 findings" in written.stderr
    unchanged = racefree("--baseline", "baseline.json", "app", cwd=root)
    assert unchanged.returncode == 0 and json.loads(unchanged.stdout)["findings"] == []
    # Lines move (a comment block on top) and a new race appears: only the new one is reported.
    moved = root / "app" / "session_cache.py"
    moved.write_text("# moved down\n" * 5 + moved.read_text())
    shutil.copy(FIXTURES / "RF101" / "flask_request_params.py", root / "app" / "flask_request_params.py")
    later = racefree("--baseline", "baseline.json", "app", cwd=root)
    assert later.returncode == 1
    assert rules_found(later) == [("flask_request_params.py", "RF101")]
    (root / "broken.json").write_text("{")
    broken = racefree("--baseline", "broken.json", "app", cwd=root)
    assert broken.returncode == 2 and "not valid JSON" in broken.stderr
