"""The two seed bugs, found by `racefree check` in the real wheels from PyPI, through the CLI
and its JSON contract, with the exact lines, entry points and traces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wheels import unpacked_wheel

pytestmark = pytest.mark.wheels


@pytest.fixture(scope="session")
def wheel_cache(request) -> Path:
    return Path(request.config.cache.mkdir("racefree-wheels"))


def racefree_json(cwd: Path, *paths: str) -> tuple[int, dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--format", "json", "--no-cache", *paths],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def finding_on(document: dict, obj: str) -> dict:
    matches = [f for f in document["findings"] if f["object"] == obj]
    assert len(matches) == 1, [f["object"] for f in document["findings"]]
    return matches[0]


def lines(finding: dict, kind: str, file: str) -> set[int]:
    return {a["line"] for a in finding["accesses"] if a["kind"] == kind and a["file"] == file}


def test_optillm_server_config_race(wheel_cache):
    tree = unpacked_wheel(wheel_cache, "optillm==0.3.12")
    code, document = racefree_json(tree, "optillm")
    assert code == 1
    finding = finding_on(document, "optillm.server.server_config")
    assert finding["rule"] == "RF101"
    assert (finding["file"], finding["line"]) == ("optillm/server.py", 746)
    assert finding["defined_at"] == {"file": "optillm/server.py", "line": 178}
    assert lines(finding, "write", "optillm/server.py") == {746, 747, 748}
    assert {418, 419} <= lines(finding, "read", "optillm/server.py")
    write = finding["accesses"][0]
    assert write["function"] == "optillm.server.proxy"
    assert write["entry_points"][0]["kind"] == "Flask view"
    assert write["entry_points"][0]["detail"] == "/v1/chat/completions"
    # The read is reached from the same route: proxy -> execute_single_approach.
    read = next(a for a in finding["accesses"] if a["kind"] == "read" and a["line"] == 418)
    assert read["function"] == "optillm.server.execute_single_approach"
    assert [step["function"] for step in read["trace"]] == [
        "optillm.server.proxy", "optillm.server.execute_single_approach"
    ]
    assert read["trace"][0]["line"] == 824
    # main() configures server_config before the server starts: never reported as a racing write.
    assert all(a["function"] != "optillm.server.main" for a in finding["accesses"])


def test_pdd_last_callback_data_race(wheel_cache):
    tree = unpacked_wheel(wheel_cache, "pdd-cli==0.0.122", "--python-version", "3.12")
    code, document = racefree_json(tree, "pdd")
    assert code == 1
    finding = finding_on(document, "pdd.llm_invoke._LAST_CALLBACK_DATA")
    assert finding["rule"] == "RF102"
    assert finding["defined_at"] == {"file": "pdd/llm_invoke.py", "line": 679}
    assert lines(finding, "write", "pdd/llm_invoke.py") == {753, 754, 755, 756}
    # The token counts at 2747-2748 are read only under `if verbose:`, and the server routes that
    # make llm_invoke concurrent never pass verbose (parameter guards): only the cost read races.
    assert lines(finding, "read", "pdd/llm_invoke.py") == {2738}
    write = finding["accesses"][0]
    assert write["function"] == "pdd.llm_invoke._litellm_success_callback"
    entry = write["entry_points"][0]
    assert (entry["kind"], entry["context"], entry["line"]) == ("LiteLLM success callback", "background", 765)
    assert "thread" in finding["reason"]
    reads = [a for a in finding["accesses"] if a["kind"] == "read"]
    assert {a["function"] for a in reads} == {"pdd.llm_invoke.llm_invoke"}
    assert document["stats"]["files"] > 100 and document["stats"]["lines"] > 40000
