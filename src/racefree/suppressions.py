"""Inline suppressions: `# racefree: ignore[RF101]` (or a bare `# racefree: ignore`) on the line
of any access of a finding silences that finding. Read from the source lines the findings
already carry, so no file is read again."""

from __future__ import annotations

import re

from racefree.findings import Finding

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
