"""Inline suppressions: `# racefree: ignore[RF101]` (or a bare `# racefree: ignore`) on the line
of any access of a finding silences that finding. Read from the source lines the findings
already carry, so no file is read again.

With `--warn-unused-ignores`, the analysed files are tokenized (comments only, so a string that
contains the text is not a suppression) and every suppression that silenced nothing is reported,
after ruff's RUF100:

- a code in brackets is unused when no finding of that rule has an access on the line;
- a bare `ignore` is unused when no finding of any rule has an access on the line;
- a code whose rule is turned off for the file (`select`, `ignore`, `per-file-ignores`) is not
  judged: the comment is needed on runs where the rule is on, so narrowing one run with
  `--select` does not make it "unused" (ruff reports these as "non-enabled"; we stay quiet);
- a code that names no rule is always reported, since it can never silence anything.

racefree runs every rule and selects afterwards, so a finding of a deselected rule still counts
as a use of the comment that silences it.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from racefree.config import Config
from racefree.findings import Finding
from racefree.rules import rule_by_code

_IGNORE = re.compile(r"#\s*racefree:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?")


def ignored_codes(line: str) -> set[str] | None:
    """None when the line has no suppression; an empty set for a bare `ignore` (every rule)."""
    match = _IGNORE.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else set()


def is_suppressed(finding: Finding) -> bool:
    for access in finding.accesses:
        codes = ignored_codes(access.code)
        if codes is not None and (not codes or finding.rule in codes):
            return True
    return False


def apply_suppressions(findings: list[Finding]) -> tuple[list[Finding], int]:
    """The findings left, and how many were suppressed."""
    kept = [f for f in findings if not is_suppressed(f)]
    return kept, len(findings) - len(kept)


# ---- unused suppressions (--warn-unused-ignores) -------------------------------------------

@dataclass(frozen=True, slots=True)
class Suppression:
    """One `# racefree: ignore...` comment; `codes` is empty for a bare ignore."""

    file: str
    line: int
    col: int  # 1-based, of the `#` that starts the suppression
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnusedSuppression:
    file: str
    line: int
    col: int
    code: str | None  # None for a bare ignore
    known_rule: bool = True

    def one_line(self) -> str:
        if self.code is None:
            return f"{self.file}:{self.line}:{self.col}: unused racefree suppression"
        unknown = ": no such rule" if not self.known_rule else ""
        return f"{self.file}:{self.line}:{self.col}: unused racefree suppression ({self.code}{unknown})"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "col": self.col, "code": self.code}


def find_suppressions(path: str) -> list[Suppression]:
    """The suppression comments of one file; none when it cannot be read or tokenized."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    if b"racefree" not in data:  # most files: no tokenizing at all
        return []
    found: list[Suppression] = []
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _IGNORE.search(token.string)
            if match is None:
                continue
            codes = match.group("codes") or ""
            unique = dict.fromkeys(c.strip().upper() for c in codes.split(",") if c.strip())
            found.append(Suppression(path, token.start[0], token.start[1] + match.start() + 1, tuple(unique)))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        pass  # keep what came before the point the tokenizer gave up
    return found


def unused_suppressions(paths: list[str], findings: list[Finding], config: Config) -> list[UnusedSuppression]:
    """The suppressions in `paths` that silence none of `findings` (all rules, before any
    suppression or selection is applied), judged as the module docstring says."""
    rules_on_line: dict[tuple[str, int], set[str]] = {}
    for finding in findings:
        for access in finding.accesses:
            rules_on_line.setdefault((access.file, access.line), set()).add(finding.rule)
    unused: list[UnusedSuppression] = []
    for path in paths:
        for suppression in find_suppressions(path):
            silenced = rules_on_line.get((suppression.file, suppression.line), set())
            if not suppression.codes:
                if not silenced:
                    unused.append(UnusedSuppression(path, suppression.line, suppression.col, None))
                continue
            for code in suppression.codes:
                if rule_by_code(code) is None:
                    unused.append(UnusedSuppression(path, suppression.line, suppression.col, code, known_rule=False))
                elif code not in silenced and config.rule_enabled(code) and not config.ignored_in_file(code, path):
                    unused.append(UnusedSuppression(path, suppression.line, suppression.col, code))
    return unused
