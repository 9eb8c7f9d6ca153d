"""End to end: pdd-cli 0.0.122's llm_invoke, with LiteLLM's success callback on another thread.

pdd registers `_litellm_success_callback`, which stores token counts and cost in the module-level
dict `_LAST_CALLBACK_DATA` (llm_invoke.py 753-756); `llm_invoke` reads them back right after the
completion returns (2738, 2747-2748). LiteLLM runs success callbacks on a ThreadPoolExecutor
thread and never waits for them, so even one call races. `mock_response` makes LiteLLM answer
without any network, and LITELLM_LOCAL_MODEL_COST_MAP skips its start-up fetch.

pdd-cli needs Python >= 3.12 and its install takes about 5 minutes, so the venv is built only
when RACEFREE_E2E_PDD=1 is set; once built (cached under pytest's cache), the test always runs:

    RACEFREE_E2E_PDD=1 python3 -m pytest tests/runtime/test_pdd.py -q
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import pytest

from helpers import run_racefree
from venvs import ensure_venv, racefree_env

pytestmark = pytest.mark.wheels

DRIVER = Path(__file__).parent / "e2e" / "drive_pdd.py"
VENV_NAME = "pdd-cli-0.0.122-py312"


def _python312() -> str | None:
    candidates = [*sorted(glob.glob("/root/.pyenv/versions/3.12.*/bin/python3.12")), shutil.which("python3.12")]
    found = next((c for c in candidates if c and os.path.exists(c)), None)
    return os.path.realpath(found) if found else None


@pytest.fixture(scope="module")
def pdd_python(request) -> Path:
    python = _python312()
    if python is None:
        pytest.skip("pdd-cli 0.0.122 needs a Python 3.12 interpreter, none found")
    root = request.config.cache.mkdir("racefree-runtime")
    if not (root / VENV_NAME / "racefree-ready.json").exists() and os.environ.get("RACEFREE_E2E_PDD") != "1":
        pytest.skip("pdd-cli venv not built yet (about 5 minutes): set RACEFREE_E2E_PDD=1 to build and run it")
    return ensure_venv(root, VENV_NAME, python, [["pdd-cli==0.0.122"]], timeout=1200)


def test_callback_thread_races_with_the_caller_on_last_callback_data(pdd_python, tmp_path):
    completed, document = run_racefree(
        ["--trace", "pdd", "--", "python", str(DRIVER)], tmp_path, tmp_path / "report.json",
        python=str(pdd_python), timeout=300,
        env=racefree_env(LITELLM_LOCAL_MODEL_COST_MAP="True", OPENAI_API_KEY="sk-fake"))
    assert document is not None, completed.stdout[-2000:] + completed.stderr[-3000:]
    assert "RESULT The answer is 42." in completed.stdout
    found = {}
    for race in document["races"]:
        if not race["location"].startswith("pdd.llm_invoke._LAST_CALLBACK_DATA["):
            continue
        by_kind = {a["kind"]: a for a in (race["access"], race["previous_access"])}
        assert set(by_kind) == {"read", "write"}
        write, read = by_kind["write"], by_kind["read"]
        assert write["stack"][0]["function"] == "_litellm_success_callback"
        assert write["thread"].startswith("ThreadPoolExecutor")
        assert read["stack"][0]["function"] == "llm_invoke"
        assert read["thread"] != write["thread"]
        assert write["thread_creation_stack"], "where LiteLLM created the callback thread"
        found[race["location"]] = (read["stack"][0]["line"], write["stack"][0]["line"])
    assert found == {
        "pdd.llm_invoke._LAST_CALLBACK_DATA['cost']": (2738, 756),
        "pdd.llm_invoke._LAST_CALLBACK_DATA['input_tokens']": (2747, 753),
        "pdd.llm_invoke._LAST_CALLBACK_DATA['output_tokens']": (2748, 754),
    }
    assert completed.returncode == 66
