"""`racefree fix`: mechanical fixes for findings, as a unified diff, or written with --apply.
A fix that cannot be made safely is not offered; the report's advice stands.

Two fixes: per-request values written into a module-level dict (RF101) get a per-request copy
(``request_context``), and a lost update or check-then-act on module-level state (RF103, RF104)
gets a module-level lock (``lock_guard``). A file changed by the first is left to a second run
for the second, since both work from the lines the analysis reported."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from racefree.findings import Finding
from racefree.fix.request_plan import REQUEST_RULES
from racefree.index import ProgramIndex

LOCK_RULES = ("RF103", "RF104")
# Rules whose findings `racefree fix` may change mechanically (when it can be done safely).
MECHANICAL_FIX_RULES = REQUEST_RULES + LOCK_RULES


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


def propose_fixes(findings: list[Finding], modules: dict[str, str],
                  index: ProgramIndex | None = None) -> tuple[list[FileFix], list[Finding]]:
    """Fixes per file, and the findings no safe fix was found for. modules maps a file's path
    to its module name; index (the analysed program) enables the per-request fix."""
    fixes: dict[str, FileFix] = {}
    not_fixed: list[Finding] = []
    rest = findings
    if index is not None:
        rest = _request_context_fixes(findings, index, fixes, not_fixed)
    _lock_fixes(rest, modules, fixes, not_fixed)
    return sorted(fixes.values(), key=lambda fix: fix.path), not_fixed


def _request_context_fixes(findings: list[Finding], index: ProgramIndex, fixes: dict[str, FileFix],
                           not_fixed: list[Finding]) -> list[Finding]:
    """Carry out the per-request fix of each RF101 finding, all of its files or none; the other
    findings are returned."""
    from racefree.fix.request_context import apply_request_context
    from racefree.fix.request_plan import plan_request_context

    rest = []
    for finding in findings:
        if finding.rule not in REQUEST_RULES:
            rest.append(finding)
            continue
        plan = plan_request_context(finding, index)
        if plan is None or any(path in fixes for path in plan.edits):
            not_fixed.append(finding)
            continue
        changed = {}
        for path, edit in plan.edits.items():
            before = Path(path).read_text(encoding="utf-8")
            after = apply_request_context(before, plan, edit)
            if after is None:
                break
            changed[path] = FileFix(path, before, after, [finding])
        else:
            fixes.update(changed)
            continue
        not_fixed.append(finding)
    return rest


def _lock_fixes(findings: list[Finding], modules: dict[str, str], fixes: dict[str, FileFix],
                not_fixed: list[Finding]) -> None:
    from racefree.fix.lock_guard import apply_plans, plan_for

    plans_by_file: dict[str, list] = defaultdict(list)
    findings_by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        module = modules.get(finding.file)
        plan = plan_for(finding, module, finding.file) if module else None
        if (plan is None or finding.file in fixes
                or any(p.object_name == plan.object_name for p in plans_by_file[finding.file])):
            not_fixed.append(finding)
            continue
        plans_by_file[finding.file].append(plan)
        findings_by_file[finding.file].append(finding)
    for path, plans in plans_by_file.items():
        before = Path(path).read_text(encoding="utf-8")
        after = apply_plans(before, plans)
        if after is None or after == before:
            not_fixed.extend(findings_by_file[path])
            continue
        fixes[path] = FileFix(path, before, after, findings_by_file[path])
