"""`--format markdown`: a bug report per finding with every section and the real code lines."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, check

SECTIONS = ["Summary", "Affected code", "Root cause", "When it occurs", "Impact", "Reproduction", "Suggested fix"]


def markdown(*paths: str) -> str:
    completed = subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", "--format", "markdown",
                                *paths], capture_output=True, text=True, cwd=FIXTURES, timeout=120)
    assert completed.returncode == 1, completed.stderr
    return completed.stdout


def test_rf101_report_has_every_section_code_chain_and_request_reproduction():
    out = markdown("RF101/flask_request_params.py")
    assert out.startswith("# racefree report: 1 race in 1 files")
    headings = [line[4:] for line in out.splitlines() if line.startswith("### ")]
    assert headings == SECTIONS
    assert "## [RF101] Race on `server_config` (RF101/flask_request_params.py): written in `search`, read in `run_search`" in out
    assert ('```python\nserver_config["depth"] = data.get("depth", 1)  # expect: RF101:5\n'
            'server_config["simulations"] = data.get("simulations", 2)\n```') in out
    assert "- `search` (line 23) -> `run_search` reads `server_config['depth']` (`RF101/flask_request_params.py:15`)" in out
    assert "- `run_search` (line 15) returns `server_config['depth']` and `server_config['simulations']` to its caller." in out
    assert "racefree run --trace flask_request_params -- python -m your_server" in out
    assert "/v1/search" in out and "TEMPLATE" in out
    assert "contextvars.ContextVar" in out


def test_rf102_report_names_cost_impact_and_callback_reproduction():
    out = markdown("RF102/litellm_callback_cost.py")
    assert "`_on_success` (LiteLLM success callback `litellm.success_callback`) writes the keys `cost` and `tokens`" in out
    assert "```python\nreturn response, _LAST_CALLBACK_DATA[\"cost\"]\n```" in out
    assert "3. A reads `_LAST_CALLBACK_DATA['cost']` (line 18) and takes B's value as its own" in out
    assert "billing" in out
    assert ('racefree run --trace litellm_callback_cost -- python -c "import threading; '
            'from litellm_callback_cost import invoke;') in out
    assert "_last_callback_data_by_call.pop(call_id, {})" in out


def test_two_findings_are_separated_by_a_horizontal_rule():
    out = markdown("RF101/flask_request_params.py", "RF102/litellm_callback_cost.py")
    assert out.count("\n---\n") == 1
    assert out.count("### Summary") == 2


def test_render_each_gives_one_file_per_finding_named_by_rule_and_object():
    from racefree.report.markdown_format import render_each

    result = check(FIXTURES / "RF101" / "flask_request_params.py", FIXTURES / "RF102" / "litellm_callback_cost.py")
    files = dict(render_each(result))
    assert sorted(files) == ["RF101-flask_request_params.server_config.md",
                             "RF102-litellm_callback_cost._LAST_CALLBACK_DATA.md"]
    text = files["RF102-litellm_callback_cost._LAST_CALLBACK_DATA.md"]
    assert text.startswith("# [RF102] Race on `_LAST_CALLBACK_DATA`")
    assert "## Suggested fix" in text and "---" not in text.split("## Suggested fix")[0]


def test_output_dir_writes_one_bug_report_per_finding(tmp_path):
    import subprocess
    import sys

    from conftest import FIXTURES

    fixture = FIXTURES / "RF103" / "executor_counter.py"
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--no-cache", "--output-dir", str(tmp_path / "reports"), str(fixture)],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 1
    reports = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert reports == ["RF103-executor_counter.bytes_by_host.md", "RF103-executor_counter.processed.md"]
    text = (tmp_path / "reports" / reports[1]).read_text()
    assert "## Suggested fix" in text and "processed += 1" in text


def test_a_claimed_flag_is_named_as_a_claim_among_the_locks():
    out = markdown("RF106/claimed_run_appends_while_a_reader_walks.py")
    assert ("- Locks held at some accesses (`claim: claimed_run_appends_while_a_reader_walks.Runner._running`), "
            "but no one lock covers all of them.") in out
    assert "<claimed>" not in out


def test_mutable_default_report_explains_the_default_and_suggests_a_new_object_per_call():
    out = markdown("RF101/default_dict_filled_per_call.py")
    assert ("is the default value of the parameter `query_params` of `_send`, made once when the function is "
            "defined and shared by every call that omits the argument") in out
    assert "Default the parameter to None and make a new container in each call" in out
    assert "query_params = dict(query_params or {})" in out
    assert "contextvars.ContextVar" not in out and "racefree fix" not in out


def test_contextvar_default_report_names_the_variable_and_suggests_an_immutable_default():
    out = markdown("RF101/contextvar_default_list_appended.py")
    assert "## [RF101] Race on `active_steps_var.get()`" in out
    assert "is the default value of the ContextVar `active_steps_var`" in out
    assert 'active_steps_var = contextvars.ContextVar("active_steps_var", default=())' in out
