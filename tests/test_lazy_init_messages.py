"""RF107's message says what the double initialisation does: two locks that exclude nothing, or a
second client lost with what it holds; and, where a loader makes the object, names the function
that tests it and the loader."""

from __future__ import annotations

from conftest import FIXTURES, check


def _message(fixture: str) -> str:
    (finding,) = [f for f in check(FIXTURES / "RF107" / fixture).findings if f.rule == "RF107"]
    return finding.message


def test_a_lock_made_twice_excludes_nothing():
    message = _message("lock_made_when_the_lookup_fails.py")
    assert "each make a `threading.Lock` and hold different ones, which excludes nothing" in message


def test_a_client_made_twice_is_lost_with_what_it_holds():
    message = _message("client_made_on_first_use.py")
    assert "in `get_client` (thread target)" in message
    assert "each make a `TraceClient`, and the one overwritten is lost" in message


def test_a_session_made_by_a_loader_names_the_test_and_the_loader():
    message = _message("default_session_made_on_first_use.py")
    assert "in `_get_default_session`, through `setup_default_session` (executor job)," in message
