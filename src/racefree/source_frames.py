"""Attach the source line of each access to the findings, reading only files that have findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from racefree.findings import Finding


def attach_code(findings: list[Finding]) -> None:
    lines_by_file: dict[str, list[str]] = {}
    for i, finding in enumerate(findings):
        accesses = []
        for access in finding.accesses:
            lines = lines_by_file.get(access.file)
            if lines is None:
                lines = lines_by_file[access.file] = _read_lines(access.file)
            code = lines[access.line - 1].rstrip() if 0 < access.line <= len(lines) else ""
            accesses.append(dataclasses.replace(access, code=code))
        findings[i] = dataclasses.replace(finding, accesses=tuple(accesses))


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
