"""RF101 on tasks of one event loop: the report says the read comes after an await, where other
requests' tasks run; on threads it does not need to."""

from __future__ import annotations

from conftest import FIXTURES, check

ROOT = FIXTURES.parent.parent


def test_an_async_handlers_value_read_after_an_await_is_reported_as_such():
    result = check(FIXTURES / "RF101" / "fastapi_config_read_after_an_await.py")
    [finding] = result.findings
    assert finding.rule == "RF101"
    assert "read back after an await in `search`" in finding.message


def test_a_threaded_handlers_value_is_reported_without_the_await():
    result = check(ROOT / "examples" / "llm_gateway")
    messages = [f.message for f in result.findings if f.rule == "RF101"]
    assert messages and all("after an await" not in m for m in messages)
