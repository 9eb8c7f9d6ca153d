"""`racefree fix`: mechanical fixes for findings, as a unified diff, or written with --apply.
A fix that cannot be made safely is not offered; the report's advice stands."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from racefree.findings import Finding


@dataclass(slots=True)
class FileFix:
    path: str
    before: str
    after: str
    findings: list[Finding]

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
        ))


def propose_fixes(findings: list[Finding], modules: dict[str, str]) -> tuple[list[FileFix], list[Finding]]:
    """Fixes per file, and the findings no safe fix was found for. modules maps a file's path
    to its module name."""
    from racefree.fix.lock_guard import apply_plans, plan_for

    plans_by_file: dict[str, list] = defaultdict(list)
    findings_by_file: dict[str, list[Finding]] = defaultdict(list)
    not_fixed: list[Finding] = []
    for finding in findings:
        module = modules.get(finding.file)
        plan = plan_for(finding, module, finding.file) if module else None
        if plan is None or any(p.object_name == plan.object_name for p in plans_by_file[finding.file]):
            not_fixed.append(finding)
            continue
        plans_by_file[finding.file].append(plan)
        findings_by_file[finding.file].append(finding)
    fixes = []
    for path, plans in plans_by_file.items():
        before = Path(path).read_text(encoding="utf-8")
        after = apply_plans(before, plans)
        if after is None or after == before:
            not_fixed.extend(findings_by_file[path])
            continue
        fixes.append(FileFix(path, before, after, findings_by_file[path]))
    return fixes, not_fixed
