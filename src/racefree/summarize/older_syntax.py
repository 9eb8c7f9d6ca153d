"""Python 2 statement forms, and `async` as a name, read on Python 3.

Old releases of packages that once ran on both Pythons still ship modules with a few Python 2
statements (`except ValueError, e:`, `print "..."`, `raise KeyError, name`, `exec code`, `10L`),
and releases from before Python 3.7 use `async` and `await` as names (`from tenacity.async import
AsyncRetrying`, `ensure_future(coro, async=True)`),
and a module that fails to parse is a module whose shared state goes unanalysed: a package's
`__init__` that re-exports its one client, say. None of these forms says anything about what state
a program shares, so `as_python3` rewrites them, line by line, into the Python 3 spelling, keeping
every statement on its own line (findings keep their line numbers; a column may move). It
returns None where no line holds one of these forms.
"""

from __future__ import annotations

import re

_EXCEPT_COMMA = re.compile(r"^(\s*except\s+)([^:,]+?|\([^)]*\))\s*,\s*([A-Za-z_]\w*)\s*:")
_PRINT = re.compile(r"^(\s*)print(?:\s+(?![\s(=.])(.*?))?\s*$")
_PRINT_TO = re.compile(r"^>>\s*[^,]+,?\s*")
_EXEC = re.compile(r"^(\s*)exec\s+(?!\()(.+?)\s*$")
_RAISE_COMMA = re.compile(r"^(\s*raise\s+)([A-Za-z_][\w.]*)\s*,\s*(.+?)\s*$")
_LONG = re.compile(r"\b(\d+)[lL]\b")
# `.async`, `async=`: the words as names, which no Python from 3.7 on accepts (`async def`, `await x` stay)
_KEYWORD_AS_NAME = re.compile(r"(?<=\.)(async|await)\b|\b(async|await)(?=\s*=[^=])")


def as_python3(text: str) -> str | None:
    lines = text.split("\n")
    changed = False
    for number, line in enumerate(lines):
        rewritten = _rewrite(line)
        if rewritten != line:
            lines[number] = rewritten
            changed = True
    return "\n".join(lines) if changed else None


def _rewrite(line: str) -> str:
    match = _EXCEPT_COMMA.match(line)
    if match:
        return f"{match.group(1)}{match.group(2)} as {match.group(3)}:{line[match.end():]}"
    match = _PRINT.match(line)
    if match and not line.rstrip().endswith(("\\", ":")):
        printed = _PRINT_TO.sub("", match.group(2) or "")
        return f"{match.group(1)}print({printed.rstrip(',')})"
    match = _EXEC.match(line)
    if match:
        return f"{match.group(1)}exec({match.group(2)})"
    match = _RAISE_COMMA.match(line)
    if match and not match.group(3).endswith(("\\", "(", ",")):
        return f"{match.group(1)}{match.group(2)}({match.group(3)})"
    if "async" in line or "await" in line:
        line = _KEYWORD_AS_NAME.sub(lambda m: f"{m.group(0)}_", line)
    return _LONG.sub(r"\1", line) if "L" in line or "l" in line else line
