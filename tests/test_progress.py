"""The progress line: on a terminal's stderr once a run has lasted a while, rewritten in place and
cleared at the end; nothing at all on a pipe or in a short run."""

from __future__ import annotations

import io
import subprocess
import sys

from conftest import FIXTURES
from terminal import on_a_terminal

from racefree.progress import SHOW_AFTER_SECONDS, ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_before_the_delay_then_the_count_rewritten_in_place():
    stream, clock = Terminal(), Clock()
    progress = ProgressLine(stream, clock)
    progress(1, 10)
    clock.now += SHOW_AFTER_SECONDS - 0.5
    progress(2, 10)
    assert stream.getvalue() == ""
    clock.now += 1
    progress(3, 10)
    clock.now += 0.01
    progress(4, 10)  # too soon after the last redraw
    clock.now += 1
    progress(10, 10)
    assert stream.getvalue() == ("\rracefree: summarised 3/10 files"
                                 "\rracefree: summarised 10/10 files, analysing")
    progress.clear()
    width = len("racefree: summarised 10/10 files, analysing")
    assert stream.getvalue().endswith("\r" + " " * width + "\r")


def test_the_last_count_is_drawn_however_soon_it_comes():
    stream, clock = Terminal(), Clock()
    progress = ProgressLine(stream, clock, show_after=0)
    progress(1, 2)
    progress(2, 2)
    assert stream.getvalue() == "\rracefree: summarised 1/2 files\rracefree: summarised 2/2 files, analysing"


def test_a_shorter_line_covers_the_longer_one_before_it():
    stream, clock = Terminal(), Clock()
    progress = ProgressLine(stream, clock, show_after=0)
    progress(9, 9)
    clock.now += 1
    progress(1, 9)  # a second pass over the same files: a shorter text
    assert stream.getvalue().endswith("\rracefree: summarised 1/9 files" + " " * len(", analysing"))


def test_silent_when_not_a_terminal_or_never_shown():
    pipe, clock = io.StringIO(), Clock()
    progress = ProgressLine(pipe, clock)
    clock.now += 60
    progress(5, 10)
    progress(10, 10)
    progress.clear()
    assert pipe.getvalue() == ""
    terminal = Terminal()
    quick = ProgressLine(terminal, Clock())
    quick(10, 10)
    quick.clear()
    assert terminal.getvalue() == ""


# The CLI, with the delay set to 0 so that a short run counts as a long one.
SHOW_AT_ONCE = ("import racefree.progress as p; p.SHOW_AFTER_SECONDS = 0; from racefree.cli import main; "
                "raise SystemExit(main(['check', '--no-cache', '-j', '1', 'RF103']))")


def run_cli(stderr) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SHOW_AT_ONCE], stdout=subprocess.PIPE, stderr=stderr,
                          cwd=FIXTURES, timeout=120)


def test_cli_draws_and_clears_the_line_on_a_terminal():
    completed, shown = on_a_terminal(run_cli)
    files = len(list((FIXTURES / "RF103").rglob("*.py")))
    assert completed.returncode == 1
    assert shown.startswith("\rracefree: summarised 1/")
    final = f"racefree: summarised {files}/{files} files, analysing"
    assert shown.endswith(f"\r{final}\r" + " " * len(final) + "\r")
    assert b"racefree: summarised" not in completed.stdout


def test_cli_is_silent_on_a_pipe():
    completed = run_cli(subprocess.PIPE)
    assert completed.returncode == 1
    assert completed.stderr == b""
    assert b"Found" in completed.stdout
