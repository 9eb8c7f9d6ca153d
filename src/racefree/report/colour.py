"""Terminal colour for the text report: whether to use it, and the few styles it needs.

`auto` colours only a terminal, and never when NO_COLOR is set to anything (no-color.org);
FORCE_COLOR (any value but "0") colours a pipe too, for CI logs that render ANSI. `--color
always` and `never` override both, as no-color.org asks of an explicit flag.
"""

from __future__ import annotations

import os
from typing import TextIO

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RED = "\x1b[31m"
_YELLOW = "\x1b[33m"


def wants_colour(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") != "0":
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Palette:
    """Styles as functions of text; the plain palette returns the text unchanged, byte for byte."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled and text else text

    def bold(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def dim(self, text: str) -> str:
        return self._wrap(_DIM, text)

    def severity(self, severity: str, text: str) -> str:
        """Red for high severity, yellow for the rest."""
        return self._wrap(_BOLD + (_RED if severity == "high" else _YELLOW), text)


PLAIN = Palette(enabled=False)
