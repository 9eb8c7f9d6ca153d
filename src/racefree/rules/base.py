"""What every rule has: a code, a name, a severity, its documentation, and a check that turns
shared objects into findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from racefree.analysis.evidence import EvidenceBuilder
from racefree.analysis.shared_state import AccessFact, SharedObject, unique_facts  # noqa: F401 (re-exported)
from racefree.findings import Finding
from racefree.index import CONTEXT_DEFAULT
from racefree.knowledge.containers import ITEMS
from racefree.analysis.reachability import tears_down

# At most this many accesses of each kind are listed in one finding.
MAX_LISTED = 8


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    doc: str  # What it does / Why is this bad? / Example / Use instead
    fix: str
    check: Callable[[SharedObject, EvidenceBuilder], list[Finding]]

    def documentation(self) -> str:
        return f"# {self.code} {self.name}\n\nSeverity: {self.severity}\n\n{self.doc.strip()}\n"


def short_name(obj: SharedObject) -> str:
    """The name as the code spells it: `server_config`, `Registry._handlers`."""
    parts = obj.name.split(".")
    if parts[-1] == ITEMS and len(parts) >= 2:
        return parts[-2]  # the items of a container's subclass: its instance (`JobsProgress`)
    if obj.kind in ("class-attr", "instance-attr") and len(parts) >= 2:
        return ".".join(parts[-2:])
    if obj.kind == CONTEXT_DEFAULT and len(parts) >= 2:
        return f"{parts[-2]}.get()"  # the ContextVar's default, as the code reaches it
    return parts[-1]


def function_name(fact: AccessFact) -> str:
    return fact.function_label


def entry_description(fact: AccessFact, prefer: str | None = None) -> str:
    modes = sorted(fact.modes, key=lambda m: (m.context != prefer, not m.preemptive))
    if not modes:
        return "public method, on the thread of the caller that drives the object" if fact.on_its_callers_thread \
            else "the main thread"
    entry = fact.modes[modes[0]].entry
    return entry.describe()


def runs_on_several_threads(fact: AccessFact) -> str:
    """Why the code of an access runs on two threads at once, for a finding's reason."""
    if fact.by_caller and not any(mode.multiple for mode in fact.modes):
        return (f"{entry_description(fact)} runs it on the object's own thread while its callers run it on "
                f"theirs")
    return f"{entry_description(fact)} runs on several threads at once"


def make_finding(rule: Rule, obj: SharedObject, evidence: EvidenceBuilder, message: str, reason: str,
                 writes: list[AccessFact], reads: list[AccessFact], prefer: str | None = None,
                 fix: str | None = None) -> Finding:
    """fix: the fix for this form, where it differs from the rule's (a mutable default's)."""
    writes = sorted(writes, key=lambda f: (f.info.module.path, f.access.line, f.access.col))[:MAX_LISTED]
    reads = sorted(reads, key=lambda f: (f.info.module.path, f.access.line, f.access.col))[:MAX_LISTED]
    write_reports = [evidence.access_report(f, prefer) for f in writes]
    entry = write_reports[0].entry_points[0].function if write_reports and write_reports[0].entry_points else None
    accesses = tuple(write_reports + [evidence.access_report(f, prefer_entry=entry) for f in reads])
    anchor = accesses[0]
    return Finding(
        rule=rule.code, name=rule.name, severity=rule.severity, message=message, object=obj.name,
        file=anchor.file, line=anchor.line, col=anchor.col, accesses=accesses, reason=reason,
        fix=fix or rule.fix, defined_at=obj.defined_at,
    )


def unlocked(fact: AccessFact) -> bool:
    return not fact.locks


def checks_of(obj: SharedObject, write: AccessFact) -> list[AccessFact]:
    """The reads of the object in the test that the write acts on."""
    return [r for r in obj.reads() if r.fid == write.fid and r.access.line == write.access.checked_at]


def in_teardown(fact: AccessFact) -> bool:
    """Made in a teardown method (`close`, `dispose`, `close_session`, a private `_close` that
    does the work), or in code that only teardown methods reach."""
    return tears_down(fact.info.summary.name) or fact.only_while_tearing_down


def check_and_act_unguarded(obj: SharedObject, write: AccessFact) -> bool:
    """No one lock is held over both the check and the write: taking the lock only around the
    write (`if key not in d: with lock: d[key] = ...`) still lets two threads pass the check.
    A check and act inside a teardown method (`close`, `dispose`, or a private `_close` that
    does the work), or one that only set-up calls reach (`start()`, a task it spawns, a module's
    `set_*`), only races with a second teardown, start or configuration, which programs do not
    run."""
    if in_teardown(write) or write.in_override:
        return False  # a second teardown, or the restore of a set-and-restore (RF108)
    checks = checks_of(obj, write)
    if write.only_while_setting_up and all(check.only_while_setting_up for check in checks):
        return False  # a second start-up of the same object, or a second configuration
    if not checks:
        return unlocked(write)
    return any(not (write.locks & check.locks) for check in checks)
