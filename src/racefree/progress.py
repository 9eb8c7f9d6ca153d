"""A progress line on stderr for long runs: `racefree: summarised 412/940 files`, rewritten in
place with a carriage return and cleared at the end.

Only on a terminal, and only once the run has lasted SHOW_AFTER_SECONDS: short runs, CI logs and
pipes see nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

SHOW_AFTER_SECONDS = 2.0
REDRAW_EVERY_SECONDS = 0.1


class ProgressLine:
    """Call it with (files summarised, files); `clear()` when the run is over."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 show_after: float | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.clock = clock
        self.show_after = SHOW_AFTER_SECONDS if show_after is None else show_after
        self.started = clock()
        self.enabled = _is_terminal(self.stream)
        self._drawn_at: float | None = None
        self._width = 0  # of the line on screen, to blank it out

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.show_after:
            return
        last = done >= total  # always drawn, so the line never stops short of the end
        if not last and self._drawn_at is not None and now - self._drawn_at < REDRAW_EVERY_SECONDS:
            return
        text = f"racefree: summarised {done}/{total} files"
        if last:
            text += ", analysing"
        self._write(text)
        self._drawn_at = now

    def clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _write(self, text: str) -> None:
        padding = " " * max(0, self._width - len(text))  # cover a longer line drawn before
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self._width = max(self._width, len(text))


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
