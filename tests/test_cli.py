"""The command line as a user meets it: exit codes, formats, and bad input handled in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, expected_markers

RACY = FIXTURES / "RF101" / "flask_request_params.py"
SAFE = FIXTURES / "RF101" / "flask_request_params_safe.py"


def racefree(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_exit_code_is_1_with_findings_and_0_without():
    assert racefree("check", "--no-cache", str(RACY)).returncode == 1
    assert racefree("check", "--no-cache", str(SAFE)).returncode == 0


def test_text_report_shows_location_code_frame_chain_and_fix():
    out = racefree("check", "--no-cache", str(RACY)).stdout
    first = out.splitlines()[0]
    assert first.endswith("flask_request_params.py:21:5: RF101 `server_config` is shared state written per request "
                          "in `search` (Flask view /v1/search) and read back in `run_search`: concurrent requests "
                          "see each other's values")
    assert '21 | server_config["depth"] = data.get("depth", 1)' in out
    assert "reached from Flask view /v1/search" in out
    assert "trace: search:23 -> run_search:15" in out
    assert "fix: Keep per-request values out of shared state" in out
    assert "Found 1 race (RF101: 1)" in out


def test_json_paths_are_relative_to_the_current_directory():
    completed = racefree("check", "--no-cache", "--format", "json", "RF101/flask_request_params.py", cwd=FIXTURES)
    document = json.loads(completed.stdout)
    assert document["version"] == 1
    [finding] = document["findings"]
    assert finding["file"] == "RF101/flask_request_params.py"
    assert finding["object"] == "flask_request_params.server_config"
    assert {a["kind"] for a in finding["accesses"]} == {"write", "read"}
    assert set(document["stats"]) >= {"files", "lines", "seconds"}


def test_bad_files_become_errors_and_the_run_goes_on(tmp_path):
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9t\xe9'\n")
    (tmp_path / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "app.py").write_text(RACY.read_text())
    completed = racefree("check", "--no-cache", "--format", "json", str(tmp_path))
    assert completed.returncode == 1
    document = json.loads(completed.stdout)
    errors = {Path(e["file"]).name: e["message"] for e in document["errors"]}
    assert set(errors) == {"broken.py", "latin.py", "deep.py"}
    assert "syntax error" in errors["broken.py"]
    assert "encoding" in errors["latin.py"]
    assert len(document["findings"]) == 1
    stderr = completed.stderr.strip().splitlines()
    assert len(stderr) == 3 and all(line.startswith("racefree: ") for line in stderr)
    assert "Traceback" not in completed.stderr


def test_a_long_chain_of_calls_is_analysed_without_exhausting_the_stack(tmp_path):
    """Each step calls the next, 1,500 deep, from a Flask view down to a check-then-act: the
    analysis walks call chains without recursing once per call (it used to stop with an internal
    RecursionError), and still reports the race at the bottom. Defined bottom-up as well, where
    the set-up-only rule meets the chain from its far end."""
    steps = 1500
    def chain(order):
        out = []
        for i in order:
            body = f"    step_{i + 1}()" if i < steps - 1 else "    if 'k' not in _cache:\n        _cache['k'] = 1"
            out += [f"def step_{i}():", body, ""]
        return out
    head = ["from flask import Flask", "app = Flask(__name__)", "_cache = {}", "",
            "@app.route('/')", "def index():", "    step_0()", "    return 'ok'", ""]
    (tmp_path / "top_down.py").write_text("\n".join(head + chain(range(steps))))
    (tmp_path / "bottom_up.py").write_text("\n".join(head + chain(reversed(range(steps)))))
    for name in ("top_down.py", "bottom_up.py"):
        completed = racefree("check", "--no-cache", "--format", "json", str(tmp_path / name))
        assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr
        assert completed.returncode == 1
        findings = json.loads(completed.stdout)["findings"]
        assert [(f["rule"], f["object"].rsplit(".", 1)[-1]) for f in findings] == [("RF104", "_cache")]
    # A class whose constructor and locked method run a 1,500-deep chain of private helpers on
    # `self`, the last calling a public method: the tests for "under construction" and "called
    # under a lock only" walk that chain too.
    helpers = ["import threading", "", "class Pool:", "    def __init__(self):",
               "        self._lock = threading.Lock()", "        self.items = {}", "        self._h_0()", ""]
    for i in range(steps):
        body = f"        self._h_{i + 1}()" if i < steps - 1 else "        self.make()"
        helpers += [f"    def _h_{i}(self):", body, ""]
    helpers += ["    def make(self):", "        if 'k' not in self.items:", "            self.items['k'] = 1", "",
                "    def get(self):", "        with self._lock:", "            self._h_0()", ""]
    (tmp_path / "helpers.py").write_text("\n".join(helpers))
    completed = racefree("check", "--no-cache", "--format", "json", str(tmp_path / "helpers.py"))
    assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr
    assert completed.returncode in (0, 1) and "findings" in json.loads(completed.stdout)


def test_missing_path_is_a_diagnostic_and_only_paths_missing_is_a_usage_error(tmp_path):
    both = racefree("check", "--no-cache", str(tmp_path / "nope.py"), str(SAFE))
    assert both.returncode == 0
    assert "nope.py: no such file or directory" in both.stderr
    only_missing = racefree("check", "--no-cache", str(tmp_path / "nope"))
    assert only_missing.returncode == 2
    assert "Traceback" not in only_missing.stderr


def test_usage_error_exits_2():
    completed = racefree("check")
    assert completed.returncode == 2
    assert "racefree: error:" in completed.stderr


def test_rules_and_rule_documentation():
    listing = racefree("rules").stdout
    assert "RF101" in listing and "RF107" in listing
    doc = racefree("rule", "RF102").stdout
    assert doc.startswith("# RF102 handoff-through-shared-state")
    assert "## Why is this bad?" in doc and "## Use instead" in doc
    assert racefree("rule", "RF999").returncode == 2


def test_cache_gives_the_same_findings(tmp_path):
    first = racefree("check", "--format", "json", "--cache-dir", str(tmp_path), str(RACY))
    second = racefree("check", "--format", "json", "--cache-dir", str(tmp_path), str(RACY))
    assert any(tmp_path.rglob("*.pickle"))
    strip = lambda out: [f for f in json.loads(out)["findings"]]  # noqa: E731
    assert strip(first.stdout) == strip(second.stdout)


def test_damaged_cache_entries_are_rebuilt(tmp_path):
    fresh = racefree("check", "--format", "json", "--cache-dir", str(tmp_path), str(RACY))
    for entry in tmp_path.rglob("*.pickle"):
        entry.write_bytes(b"\x80\x05garbage")
    again = racefree("check", "--format", "json", "--cache-dir", str(tmp_path), str(RACY))
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert json.loads(again.stdout)["findings"] == json.loads(fresh.stdout)["findings"]


def test_inline_suppressions_silence_only_their_rule():
    fixture = FIXTURES / "suppressed" / "ignored_findings.py"
    completed = racefree("check", "--no-cache", "--format", "json", str(fixture))
    document = json.loads(completed.stdout)
    found = {(f["rule"], f["line"], f["col"]) for f in document["findings"]}
    expected = {(rule, line, col) for _, rule, line, col in expected_markers([fixture])}
    assert found == expected == {("RF103", 16, 5)}
    assert document["stats"]["suppressed"] == 2


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    # `racefree fix . | head -1`: the pipe closes while the diffs are being written.
    for number in range(60):
        (tmp_path / f"counter_{number}.py").write_text((FIXTURES / "RF103" / "executor_counter.py").read_text())
    process = subprocess.Popen([sys.executable, "-m", "racefree", "fix", "--no-cache", "."], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
