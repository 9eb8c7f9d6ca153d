"""Run a command with one of its streams on a pseudo-terminal, and read what it showed there."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def on_a_terminal(run: Callable[[int], T]) -> tuple[T, str]:
    """run(fd) starts the command with fd as the stream to test and waits for it (its output must
    fit in the terminal's buffer); returns its result and the text the terminal received."""
    master, slave = os.openpty()
    try:
        result = run(slave)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return result, b"".join(chunks).decode()
