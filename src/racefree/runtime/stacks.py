"""Cheap stack capture: a tuple of (code object, line) pairs, formatted only when reported.

Formatting (file names, source lines) is the expensive part, and almost every captured stack is
thrown away unreported, so capture keeps raw code objects and defers everything else.
"""

from __future__ import annotations

import linecache
import os
import sys
from dataclasses import dataclass

MAX_DEPTH = 64

RawStack = tuple  # (code, lineno, code, lineno, ...) innermost first


def capture(skip: int = 1) -> RawStack:
    """Stack of the caller `skip` frames up, innermost first, without racefree's own frames.

    Probe frames sit on top and are skipped; the first racefree frame below user code is where
    racefree started the program, and everything under it is racefree's, so the walk stops.
    """
    frame = sys._getframe(skip + 1)
    items: list = []
    depth = 0
    while frame is not None and depth < MAX_DEPTH:
        code = frame.f_code
        if code.co_filename in _OWN_FILES:
            if items:
                break
        else:
            items.append(code)
            items.append(frame.f_lineno)
            depth += 1
        frame = frame.f_back
    return tuple(items)


@dataclass(frozen=True)
class StackFrame:
    file: str
    line: int
    function: str
    source: str

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "function": self.function, "source": self.source}


def expand(raw: RawStack) -> list[StackFrame]:
    frames = []
    for i in range(0, len(raw), 2):
        code, line = raw[i], raw[i + 1]
        source = linecache.getline(code.co_filename, line or 0).strip()
        frames.append(StackFrame(_display_path(code.co_filename), line or 0, code.co_name, source))
    return frames


def _display_path(path: str) -> str:
    """Relative to the working directory when inside it, else as Python reported it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


_HERE = os.path.dirname(os.path.abspath(__file__))
# Frames of the detector itself would only add noise to every stack.
_OWN_FILES = frozenset(
    os.path.join(_HERE, name)
    for name in os.listdir(_HERE)
    if name.endswith(".py")
) | {os.path.join(os.path.dirname(_HERE), "cli.py")}
