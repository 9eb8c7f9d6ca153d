"""`--format github`: exact workflow-command lines on real fixtures, and the escaping rules."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import FIXTURES


def racefree(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_one_error_annotation_per_finding_with_exact_text():
    completed = racefree("check", "--no-cache", "--format", "github", "RF102/litellm_callback_cost.py", cwd=FIXTURES)
    assert completed.returncode == 1
    assert completed.stdout.splitlines() == [
        "::error file=RF102/litellm_callback_cost.py,line=9,col=5,title=RF102 handoff-through-shared-state::"
        "`_LAST_CALLBACK_DATA` hands data from `_on_success` (LiteLLM success callback litellm.success_callback) "
        "to `invoke` through shared state: a reader can get another call's value"
        "%0Awrite RF102/litellm_callback_cost.py:9:5 in _on_success: "
        '_LAST_CALLBACK_DATA["cost"] = litellm.completion_cost(completion_response=completion_response)  # expect: RF102:5'
        "%0Awrite RF102/litellm_callback_cost.py:10:5 in _on_success: "
        '_LAST_CALLBACK_DATA["tokens"] = completion_response.usage.total_tokens'
        "%0Aread RF102/litellm_callback_cost.py:18:22 in invoke: return response, _LAST_CALLBACK_DATA[\"cost\"]"
        "%0AWhy: module-level object litellm_callback_cost._LAST_CALLBACK_DATA; `_on_success` is a LiteLLM success "
        "callback: LiteLLM runs success and failure callbacks on a background thread of its own (a thread pool), "
        "not on the thread that called completion(); so its writes are not ordered with the reads in `invoke`"
        "%0AFix: Do not pass results between threads through shared state: compute the value from the call's own "
        "result, or store it under an id the caller owns (a dict guarded by a threading.Lock), or use a "
        "queue.Queue or a contextvars.ContextVar.",
    ]


def test_properties_escape_colon_and_comma_and_data_escapes_percent_and_newlines(tmp_path):
    odd = tmp_path / "a,b:c"
    odd.mkdir()
    shutil.copy(FIXTURES / "RF101" / "flask_request_params.py", odd / "app.py")
    (tmp_path / "pct.py").write_text("def f(:\n")
    completed = racefree("check", "--no-cache", "--format", "github", ".", cwd=tmp_path)
    lines = completed.stdout.splitlines()
    assert len(lines) == 2
    finding, error = lines
    assert finding.startswith("::error file=a%2Cb%3Ac/app.py,line=21,col=5,title=RF101 ")
    head, message = finding.split("::", 2)[1:]
    assert "%0A" in message and "\n" not in message and "\r" not in message
    assert error.startswith("::warning file=pct.py,line=1,title=racefree%3A file skipped::racefree could not analyse")


def test_escape_functions_follow_the_workflow_command_rules():
    from racefree.report.github_format import annotation, escape_data, escape_property

    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert annotation("notice", "x:y,z", file="p,q.py", line=3) == "::notice file=p%2Cq.py,line=3::x:y,z"
