"""Colour in the text report: only on a terminal, never under NO_COLOR, forced by FORCE_COLOR,
overridden both ways by `--color`; the plain report is unchanged when colour is off."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import FIXTURES
from terminal import on_a_terminal

RACY = "RF101/flask_request_params.py"  # one high-severity finding
LOW = "RF107/regex_cache.py"  # low severity
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, **extra}


def racefree(*args: str, env: dict[str, str] | None = None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, cwd=FIXTURES, env=env or environment(), timeout=120)


def without_timing(text: str) -> list[str]:
    return text.splitlines()[:-1]  # the summary line ends with the wall time


def check_on_a_terminal(*args: str, **env: str) -> str:
    """stdout of a check whose stdout is a pseudo-terminal."""
    return on_a_terminal(lambda fd: racefree(*args, env=environment(**env), stdout=fd))[1]


def test_a_pipe_gets_no_colour_and_the_same_bytes_as_never():
    auto = racefree(RACY).stdout
    assert "\x1b[" not in auto
    assert without_timing(auto) == without_timing(racefree("--color", "never", RACY).stdout)


def test_force_color_colours_location_code_and_frame():
    out = racefree(RACY, env=environment(FORCE_COLOR="1")).stdout
    assert out.startswith("\x1b[1mRF101/flask_request_params.py:21:5:\x1b[0m "
                          "\x1b[1m\x1b[31mRF101\x1b[0m `server_config`")
    assert '\x1b[2m   21 | server_config["depth"] = data.get("depth", 1)' in out
    plain = racefree(RACY).stdout
    assert without_timing(ESCAPE.sub("", out)) == without_timing(plain)


def test_lower_severity_is_yellow():
    out = racefree("--color", "always", LOW).stdout
    assert "\x1b[1m\x1b[33mRF107\x1b[0m" in out and "\x1b[31m" not in out


def test_no_color_wins_over_force_color_but_not_over_the_flag():
    assert "\x1b[" not in racefree(RACY, env=environment(FORCE_COLOR="1", NO_COLOR="1")).stdout
    assert "\x1b[1m" in racefree("--color", "always", RACY, env=environment(NO_COLOR="1")).stdout
    assert "\x1b[" not in racefree("--color", "never", RACY, env=environment(FORCE_COLOR="1")).stdout
    assert "\x1b[" not in racefree(RACY, env=environment(FORCE_COLOR="0")).stdout


def test_a_terminal_gets_colour_unless_no_color_is_set():
    assert "\x1b[1mRF101/flask_request_params.py:21:5:\x1b[0m" in check_on_a_terminal(RACY)
    plain = check_on_a_terminal(RACY, NO_COLOR="1")
    assert "RF101/flask_request_params.py:21:5: RF101" in plain and "\x1b[" not in plain


def test_other_formats_are_never_coloured():
    out = racefree("--format", "json", RACY, env=environment(FORCE_COLOR="1")).stdout
    assert "\x1b[" not in out
