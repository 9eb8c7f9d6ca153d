"""Turn an access the analysis found into the evidence a report shows: where it is, how it
touches the object, which entry points reach it and the chain of calls from each."""

from __future__ import annotations

from racefree.analysis.reachability import Mode, Reachability
from racefree.analysis.shared_state import AccessFact
from racefree.findings import AccessReport, EntryPointRef, TraceStep
from racefree.index import ProgramIndex
from racefree.summarize.model import OP_ITERATE, OP_LOAD, OP_MUTATE, OP_REBIND, OP_SLOT_LOAD, OP_SLOT_STORE


def describe_operation(fact: AccessFact) -> str:
    access = fact.access
    slot = f"[{access.slot!r}]" if access.slot is not None else ""
    if access.read_modify_write:
        return f"read-modify-write{(' of ' + slot) if slot else ''}"
    return {
        OP_LOAD: "read",
        OP_SLOT_LOAD: f"read {slot}" if slot else "read of an element",
        OP_ITERATE: "iteration",
        OP_REBIND: "assignment",
        OP_SLOT_STORE: f"store {slot}" if slot else "store of an element",
        OP_MUTATE: f"in-place change{(' of ' + slot) if slot else ''}",
    }.get(access.op, access.op)


class EvidenceBuilder:
    def __init__(self, index: ProgramIndex, reach: Reachability):
        self.index = index
        self.reach = reach

    def access_report(self, fact: AccessFact, prefer: str | None = None, prefer_entry: str | None = None) -> AccessReport:
        """prefer: show a mode of this context first; prefer_entry: the chain from this entry point."""
        modes = sorted(fact.modes, key=lambda m: (
            fact.modes[m].entry.fid != prefer_entry, m.context != prefer, not m.preemptive, m.context))
        entries = []
        for mode in modes:
            entry = fact.modes[mode].entry
            ref = EntryPointRef(entry.fid, entry.framework, entry.context, entry.file, entry.line, entry.detail, entry.why)
            if ref not in entries:
                entries.append(ref)
        trace = self._trace(fact, modes[0]) if modes else (TraceStep(fact.fid, fact.info.module.path, fact.access.line),)
        return AccessReport(
            kind=fact.access.kind,
            file=fact.info.module.path,
            line=fact.access.line,
            col=fact.access.col + 1,
            function=fact.fid,
            operation=describe_operation(fact),
            entry_points=tuple(entries),
            trace=trace,
            locks=tuple(sorted(fact.locks)),
        )

    def _trace(self, fact: AccessFact, mode: Mode) -> tuple[TraceStep, ...]:
        steps = []
        for fid, line in self.reach.chain(fact.fid, mode, built=fact.access.ref.root_kind == "self"):
            info = self.index.functions[fid]
            steps.append(TraceStep(fid, info.module.path, line or fact.access.line))
        return tuple(steps)
