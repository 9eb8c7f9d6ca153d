"""`racefree fix` for per-request values written into a module-level dict (RF101, the optillm
pattern), on a real Flask fixture service: the fix is offered as a diff, --apply writes code that
parses, that racefree then finds clean, that changes no line but those it must, and that makes
concurrent requests see their own values where they saw each other's before."""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

pytest.importorskip("libcst")
pytest.importorskip("flask")

# Two concurrent requests with their own parameters; the model call waits until both requests
# are in it, so both have written their parameters before either reads the width back.
DRIVER = """
import json, threading
from search_gateway import llm, server

both_in_the_model_call = threading.Barrier(2, timeout=10)
real_complete = llm.complete

def complete(model, prompt):
    both_in_the_model_call.wait()
    return real_complete(model, prompt)

llm.complete = complete
results = {}

def ask(depth):
    client = server.app.test_client()
    response = client.post("/search", json={"depth": depth, "width": depth * 10, "prompt": f"p{depth}"})
    results[depth] = response.get_json()

threads = [threading.Thread(target=ask, args=(depth,)) for depth in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"defaults": server.app.test_client().get("/health").get_json(), "results": results}))
"""


def racefree(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def serve_two_requests(root: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    completed = subprocess.run([sys.executable, "-c", DRIVER], capture_output=True, text=True, cwd=root,
                               env=env, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.fixture
def gateway(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "fix" / "search_gateway", tmp_path / "search_gateway")
    return tmp_path


def sources(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((root / "search_gateway").glob("*.py"))}


def test_requests_see_each_others_values_before_the_fix(gateway):
    outcome = serve_two_requests(gateway)["results"]
    # Both wrote before either read the width: one of them reads the other's.
    assert any(outcome[str(depth)]["width"] != depth * 10 for depth in (1, 2))


def test_per_request_fix_makes_each_request_see_its_own_values(gateway):
    before = sources(gateway)
    shown = racefree("fix", "--no-cache", "search_gateway", cwd=gateway)
    assert shown.returncode == 1, shown.stderr
    assert "+@settings.search_config_per_request" in shown.stdout
    assert sources(gateway) == before  # a diff only, until --apply

    applied = racefree("fix", "--apply", "--no-cache", "search_gateway", cwd=gateway)
    assert applied.returncode == 0, applied.stderr
    after = sources(gateway)
    for text in after.values():
        ast.parse(text)
    check = racefree("check", "--no-cache", "--format", "json", "search_gateway", cwd=gateway)
    assert [f for f in json.loads(check.stdout)["findings"] if f["rule"] == "RF101"] == []

    outcome = serve_two_requests(gateway)
    assert outcome["results"] == {
        str(depth): {"depth": depth, "width": depth * 10, "answer": f"small-model: p{depth}"} for depth in (1, 2)
    }
    # Outside a request the shared defaults are untouched by what requests set.
    assert outcome["defaults"] == {"model": "small-model"}


def test_per_request_fix_changes_only_the_uses_the_decorator_and_the_helpers(gateway):
    before = sources(gateway)
    racefree("fix", "--apply", "--no-cache", "search_gateway", cwd=gateway)
    after = sources(gateway)
    assert before["llm.py"] == after["llm.py"] and before["__init__.py"] == after["__init__.py"]
    for name in ("server.py", "search.py"):
        removed, added = [], []
        for line in difflib.ndiff(before[name].splitlines(), after[name].splitlines()):
            if line.startswith("- "):
                removed.append(line[2:])
            elif line.startswith("+ "):
                added.append(line[2:])
        # Each changed line is a use of the config, now through the accessor; plus the decorator
        # and the accessor's import.
        uses = [re.sub(r"\bsearch_config\b", "current_search_config()", line) for line in removed
                if "import" not in line]
        new = [line for line in added if line not in uses]
        assert uses and all(line in added for line in uses)
        assert all(line == "@settings.search_config_per_request" or line.startswith("from .settings import")
                   for line in new), new
    # /health is not reached from the handler: it still reads the shared defaults directly.
    assert 'return jsonify({"model": settings.search_config["model"]})' in after["server.py"]
    # The defaults' module gains the helpers after the dict, and nothing else changes.
    settings_before, settings_after = before["settings.py"], after["settings.py"]
    assert "def configure(overrides):\n" in settings_after and "search_config.update(overrides)" in settings_after
    assert not [line for line in difflib.ndiff(settings_before.splitlines(), settings_after.splitlines())
                if line.startswith("- ")]


@pytest.mark.parametrize("fixture", ["pooled_gateway", "nested_values"])
def test_no_per_request_fix_where_the_copy_would_not_reach_the_reader(tmp_path, fixture):
    # pooled_gateway: the reader runs on an executor thread, where a ContextVar set by the handler
    # is not seen. nested_values: the write goes inside a value that a copy would still share.
    shutil.copytree(FIXTURES / "fix" / fixture, tmp_path / fixture)
    before = {p.name: p.read_text() for p in (tmp_path / fixture).glob("*.py")}
    check = racefree("check", "--no-cache", "--format", "json", fixture, cwd=tmp_path)
    assert [f["rule"] for f in json.loads(check.stdout)["findings"]] == ["RF101"]
    shown = racefree("fix", "--apply", "--no-cache", fixture, cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout == ""
    assert "have no safe mechanical fix" in shown.stderr
    assert {p.name: p.read_text() for p in (tmp_path / fixture).glob("*.py")} == before


def test_bundled_example_is_clean_of_the_per_request_race_after_the_fix(tmp_path):
    example = Path(__file__).parent.parent / "examples" / "llm_gateway"
    shutil.copytree(example, tmp_path / "llm_gateway")
    applied = racefree("fix", "--apply", "--no-cache", "llm_gateway", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    check = racefree("check", "--no-cache", "--format", "json", "llm_gateway", cwd=tmp_path)
    rules = [f["rule"] for f in json.loads(check.stdout)["findings"]]
    # The callback hand-off (RF102) has no mechanical fix: its advice stands.
    assert rules == ["RF102"]
    assert "@settings.gateway_config_per_request" in (tmp_path / "llm_gateway" / "app.py").read_text()


@pytest.mark.wheels
def test_per_request_fix_on_the_real_optillm_server(tmp_path, request):
    from wheels import unpacked_wheel

    tree = unpacked_wheel(Path(request.config.cache.mkdir("racefree-wheels")), "optillm==0.3.12")
    shutil.copytree(tree / "optillm", tmp_path / "optillm")
    server = tmp_path / "optillm" / "server.py"
    before = server.read_text()
    applied = racefree("fix", "--apply", "--no-cache", "optillm", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    after = server.read_text()
    ast.parse(after)
    check = racefree("check", "--no-cache", "--format", "json", "optillm", cwd=tmp_path)
    objects = {f["object"] for f in json.loads(check.stdout)["findings"]}
    assert "optillm.server.server_config" not in objects
    # The route gets the decorator under @app.route, and the MCTS parameters it stores (746-748)
    # and execute_single_approach's reads (418-419) go through the request's copy.
    assert "@app.route('/v1/chat/completions', methods=['POST'])\n@server_config_per_request\ndef proxy():" in after
    assert "    current_server_config()['mcts_depth'] = data.get('mcts_depth', current_server_config()['mcts_depth'])" in after
    assert "current_server_config()['mcts_exploration'], current_server_config()['mcts_depth'], request_config" in after
    # main() still writes the shared defaults at startup.
    assert "    server_config.update(vars(args))" in after and "    server_config.update(vars(args))" in before
