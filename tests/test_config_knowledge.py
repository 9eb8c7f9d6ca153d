"""A project's own frameworks, pools, locks, containers and callback slots, declared in
[tool.racefree] (tests/fixtures/config_knowledge): with the declarations the races they make
concurrent are found and named as declared (`# expect:`); without them, only the races the
declared lock and container rule out (`# expect-without-config:`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, MARKER, expected_markers
from racefree.config import load_config
from racefree.engine import CheckOptions, run_check

FIXTURE = FIXTURES / "config_knowledge"
SOURCES = sorted((FIXTURE / "shop").glob("*.py"))
WITHOUT_CONFIG = re.compile(r"#\s*expect-without-config:\s*(.+)$")


def racefree(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", "check", "--format", "json", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def markers_without_config() -> set[tuple[str, str, int, int]]:
    expected = set()
    for path in SOURCES:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = WITHOUT_CONFIG.search(line)
            if match:
                expected.update((path.name, rule, number, int(col)) for rule, col in MARKER.findall(match.group(1)))
    return expected


def found(completed: subprocess.CompletedProcess) -> set[tuple[str, str, int, int]]:
    return {(Path(f["file"]).name, f["rule"], f["line"], f["col"]) for f in json.loads(completed.stdout)["findings"]}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The fixture project in a directory of its own, with its configuration."""
    shutil.copytree(FIXTURE / "shop", tmp_path / "shop")
    shutil.copy(FIXTURE / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def without_config(root: Path) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")


def test_declared_entry_points_locks_and_containers_change_the_findings(shop):
    with_config = racefree("--no-cache", "shop", cwd=shop)
    assert with_config.returncode == 1, with_config.stderr
    assert found(with_config) == expected_markers(SOURCES)
    without_config(shop)
    plain = racefree("--no-cache", "shop", cwd=shop)
    assert found(plain) == markers_without_config()
    assert markers_without_config() and not markers_without_config() & expected_markers(SOURCES)


def test_findings_name_the_declared_entry_points_in_json(shop):
    findings = json.loads(racefree("--no-cache", "shop", cwd=shop).stdout)["findings"]
    entries = {Path(f["file"]).name: next(a for a in f["accesses"] if a["kind"] == "write")["entry_points"][0]
               for f in findings}
    described = {name: (e["kind"], e["context"], e["detail"], e["why"]) for name, e in entries.items()}
    assert described == {
        "subscribers.py": ("orderbus subscriber", "request", "orders",
                           "orderbus delivers each message on one of its worker threads"),
        "jobs.py": ("workpool job", "background", None,
                    "the project's [tool.racefree] says it runs on another thread than the code that set it up"),
        "consumers.py": ("Consumer subclass", "request", "_AuditConsumer",
                         "the project's [tool.racefree] says it runs once per request or job, and many run at once"),
        "telemetry_hooks.py": ("callback stored in", "background", "telemetry.event_listeners",
                               "telemetry calls its event listeners from its exporter thread"),
    }
    assert entries["jobs.py"]["line"] == 15 and entries["telemetry_hooks.py"]["line"] == 13


def test_cached_summaries_do_not_hold_the_configuration(shop, tmp_path):
    """Knowledge is applied when analysing, so a summary cached without the config serves a run with it."""
    cache = str(tmp_path / "cache")
    without_config(shop)
    assert found(racefree("--cache-dir", cache, "shop", cwd=shop)) == markers_without_config()
    shutil.copy(FIXTURE / "pyproject.toml", shop / "pyproject.toml")
    assert found(racefree("--cache-dir", cache, "shop", cwd=shop)) == expected_markers(SOURCES)


def test_a_config_file_given_with_config_holds_the_table_itself(shop):
    without_config(shop)
    (shop / "racefree.toml").write_text('[[entry-points.calls]]\nname = "workpool:Pool.spawn"\n'
                                        'position = 0\ncontext = "background"\n')
    completed = racefree("--no-cache", "--config", "racefree.toml", "shop", cwd=shop)
    assert ("jobs.py", "RF103", 10, 5) in found(completed)
    job = next(f for f in json.loads(completed.stdout)["findings"] if f["file"].endswith("jobs.py"))
    assert job["accesses"][0]["entry_points"][0]["kind"] == "function handed to Pool.spawn"


def test_two_checks_in_one_process_keep_their_own_knowledge(shop):
    """The declarations live in the run's Knowledge, not in the built-in tables."""
    def run(config):
        result = run_check(CheckOptions(paths=[str(shop / "shop")], use_cache=False, jobs=1, config=config))
        return {(Path(f.file).name, f.rule, f.line, f.col) for f in result.findings}

    configured = load_config(shop / "pyproject.toml")
    assert run(configured) == expected_markers(SOURCES)
    assert run(load_config(None)) == markers_without_config()
    assert run(configured) == expected_markers(SOURCES)


BROKEN = [
    ('[[tool.racefree.entry-points.decorators]]\nname = "orderbus:Bus.subscribe"\ncontext = "worker"\n',
     "tool.racefree.entry-points.decorators[0].context must be one of request, background, task"),
    ('[[tool.racefree.entry-points.decorators]]\nname = "orderbus:Bus.subscribe"\ncontxt = "request"\n',
     "unknown key tool.racefree.entry-points.decorators[0].contxt"),
    ('[[tool.racefree.entry-points.decorators]]\nname = "orderbus:Bus.subscribe"\n',
     "tool.racefree.entry-points.decorators[0].context is missing"),
    ('[tool.racefree.entry-points.decorators]\nname = "orderbus:Bus.subscribe"\ncontext = "request"\n',
     "tool.racefree.entry-points.decorators must be an array of tables"),
    ('[tool.racefree.entry-points]\nhandlers = []\n', "unknown key tool.racefree.entry-points.handlers"),
    ('[tool.racefree]\nentry-points = ["orderbus"]\n', "tool.racefree.entry-points must be a table"),
    ('[[tool.racefree.entry-points.calls]]\ncontext = "background"\nposition = 0\n',
     "tool.racefree.entry-points.calls[0].name is missing"),
    ('[[tool.racefree.entry-points.calls]]\nname = "workpool:Pool.spawn"\ncontext = "background"\n',
     "tool.racefree.entry-points.calls[0] needs position or keyword"),
    ('[[tool.racefree.entry-points.calls]]\nname = "workpool:Pool.spawn"\ncontext = "background"\nposition = -1\n',
     "tool.racefree.entry-points.calls[0].position must be an argument index"),
    ('[[tool.racefree.entry-points.calls]]\nname = "workpool Pool.spawn"\ncontext = "background"\nposition = 0\n',
     "tool.racefree.entry-points.calls[0].name must be a dotted name"),
    ('[[tool.racefree.entry-points.calls]]\nname = ".spawn"\ncontext = "background"\nkeyword = "fn"\n'
     'single = "yes"\n', "tool.racefree.entry-points.calls[0].single must be true or false"),
    ('[[tool.racefree.entry-points.base-classes]]\nbase = "orderbus:Consumer"\nmethods = []\ncontext = "request"\n',
     "tool.racefree.entry-points.base-classes[0].methods must be a non-empty list of method names"),
    ('[tool.racefree.sync]\nlocks = "spinlocks.SpinLock"\n', "tool.racefree.sync.locks must be a list of strings"),
    ('[tool.racefree.sync]\nsafe-containers = ["atomics.AtomicDict", "atomics/Map"]\n',
     "tool.racefree.sync.safe-containers[1] must be a dotted name"),
    ('[tool.racefree.sync]\nlock = ["spinlocks.SpinLock"]\n', "unknown key tool.racefree.sync.lock"),
    ('[[tool.racefree.callbacks]]\nslot = 3\n', "tool.racefree.callbacks[0].slot must be a dotted name"),
    ('[[tool.racefree.callbacks]]\nslot = "telemetry:event_listeners"\nwhy = ""\n',
     "tool.racefree.callbacks[0].why must be a non-empty string"),
]


@pytest.mark.parametrize(("config", "message"), BROKEN, ids=[m.split(" ")[0] for _, m in BROKEN])
def test_a_broken_declaration_is_one_line_naming_the_key_and_exit_2(shop, config, message):
    (shop / "pyproject.toml").write_text(config)
    completed = racefree("--no-cache", "shop", cwd=shop)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip().count("\n") == 0
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr


TIMETABLE_PROJECT = '''\
import threading

from flask import Flask
from ticker import Ticker
from tinyloop import Handler

app = Flask(__name__)
_rates = {"EUR": 1.0}
_seen = {}


def refresh_rates():
    global _rates
    _rates = {"EUR": 1.0, "USD": 1.08}


_ticker = Ticker()
_ticker.every(60, refresh_rates)


@app.route("/rate/<currency>")
def rate(currency):
    return str(_rates.get(currency, 1.0))


class Greeter(Handler):
    def on_message(self, sender):
        if sender not in _seen:
            _seen[sender] = len(_seen)
        return _seen[sender]
'''

TIMETABLE_CONFIG = '''\
[[tool.racefree.entry-points.calls]]
name = "ticker:Ticker.every"
position = 1
context = "background"
scheduled = {scheduled}

[[tool.racefree.entry-points.base-classes]]
base = "tinyloop:Handler"
methods = ["on_message"]
context = "request"
on-loop = {on_loop}
'''


@pytest.mark.parametrize("declared", [False, True])
def test_scheduled_calls_and_loop_driven_bases_can_be_declared(tmp_path, declared):
    """`scheduled = true`: a job the declared scheduler runs on its timetable hands nothing to a
    caller (no RF102); `on-loop = true`: the declared framework runs its handlers on its event
    loop, where a check and a store with no await between them are not split (no RF104)."""
    (tmp_path / "service.py").write_text(TIMETABLE_PROJECT)
    flag = "true" if declared else "false"
    (tmp_path / "pyproject.toml").write_text(TIMETABLE_CONFIG.format(scheduled=flag, on_loop=flag))
    completed = racefree("--no-cache", "service.py", cwd=tmp_path)
    rules = {(f["rule"], f["object"].rsplit(".", 1)[-1]) for f in json.loads(completed.stdout)["findings"]}
    assert rules == (set() if declared else {("RF102", "_rates"), ("RF104", "_seen")})
