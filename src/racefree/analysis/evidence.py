"""Turn an access the analysis found into the evidence a report shows: where it is, how it
touches the object, which entry points reach it and the chain of calls from each."""

from __future__ import annotations

from collections import deque

from racefree.analysis.locks import LockModel
from racefree.analysis.reachability import Mode, Reachability
from racefree.analysis.shared_state import AccessFact
from racefree.findings import AccessReport, EntryPointRef, TraceStep
from racefree.index import ProgramIndex
from racefree.summarize.model import (
    OP_CALL,
    OP_ITERATE,
    OP_LOAD,
    OP_MUTATE,
    OP_REBIND,
    OP_SLOT_LOAD,
    OP_SLOT_STORE,
    USE,
    WRITE,
)


def describe_operation(fact: AccessFact) -> str:
    access = fact.access
    slot = f"[{access.slot!r}]" if access.slot is not None else ""
    if access.read_modify_write:
        return f"read-modify-write{(' of ' + slot) if slot else ''}"
    if access.deletes and access.op == OP_REBIND:
        return "deletion"
    if access.in_item and access.op == OP_MUTATE:  # `table["key"][name].append(x)`, `stats[k]["n"] = v`
        return f"change to an item{(' under ' + slot) if slot else ''}"
    if access.indexes and access.kind == WRITE:
        return f"index {slot or 'by a key'}, which inserts the key when it is missing"
    return {
        OP_LOAD: "read",
        OP_SLOT_LOAD: f"read {slot}" if slot else "read of an element",
        OP_ITERATE: "iteration",
        OP_REBIND: "assignment",
        OP_SLOT_STORE: f"store {slot}" if slot else "store of an element",
        OP_MUTATE: f"in-place change{(' of ' + slot) if slot else ''}",
        OP_CALL: f"`{access.slot}()`, which changes the object's state",
    }.get(access.op, access.op)


# How many functions the search for a chain without a lock visits before it settles for the first
# chain found (a report's evidence, not a verdict).
_UNLOCKED_SEARCH_LIMIT = 5000


class EvidenceBuilder:
    def __init__(self, index: ProgramIndex, reach: Reachability, locks: LockModel | None = None):
        self.index = index
        self.reach = reach
        self.locks = locks
        self._entries_by_function: dict[str, list] | None = None

    def access_report(self, fact: AccessFact, prefer: str | None = None, prefer_entry: str | None = None) -> AccessReport:
        """prefer: show a mode of this context first; prefer_entry: the chain from this entry point."""
        reached = fact.modes or fact.callers_modes  # the API a caller drives the object through
        modes = sorted(reached, key=lambda m: (
            reached[m].entry.fid != prefer_entry, m.context != prefer, not m.preemptive, m.context))
        entries = []
        for mode in modes:
            entry = reached[mode].entry
            ref = EntryPointRef(entry.fid, entry.framework, entry.context, entry.file, entry.line, entry.detail, entry.why)
            if ref not in entries:
                entries.append(ref)
        trace = self._trace(fact, modes[0]) if modes else (TraceStep(fact.fid, fact.info.module.path, fact.access.line),)
        if modes and trace[0].function != reached[modes[0]].entry.fid:
            # The chain shown comes from another entry point of the same kind: name it first.
            entry = self._entry_of(trace[0].function, modes[0])
            if entry is not None:
                ref = EntryPointRef(entry.fid, entry.framework, entry.context, entry.file, entry.line, entry.detail,
                                    entry.why)
                entries = [ref, *(e for e in entries if e != ref)]
        return AccessReport(
            kind=WRITE if fact.access.kind == USE else fact.access.kind,  # a use changes the object's state
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
        chain = self.reach.chain(fact.fid, mode, built=fact.access.ref.root_kind == "self")
        if self._takes_a_lock(chain, fact):
            chain = self._chain_without_a_lock(fact, mode) or chain
        steps = []
        for fid, line in chain:
            info = self.index.functions[fid]
            steps.append(TraceStep(fid, info.module.path, line or fact.access.line))
        return tuple(steps)

    def _locks_at(self, caller: str, call) -> frozenset[str]:
        return self.locks.lexical(caller, call.locks) if self.locks is not None and call.locks else frozenset()

    def _takes_a_lock(self, chain: list[tuple[str, int]], fact: AccessFact) -> bool:
        """A call on the chain is made under a lock the access is not known to hold: the chain
        is one on which the access is guarded, shown as evidence that it is not."""
        for (caller, line), (callee, _) in zip(chain, chain[1:]):
            for edge in self.index.calls_from.get(caller, ()):
                if edge.callee == callee and edge.line == line and self._locks_at(caller, edge.call) - fact.locks:
                    return True
        return False

    def _chain_without_a_lock(self, fact: AccessFact, mode: Mode) -> list[tuple[str, int]] | None:
        """A chain from an entry point of the mode down to the access on which no call is made
        under a lock the access does not hold (`DeferredReflection.prepare` reaching a registry
        unlocked, where `AutomapBase.prepare` reaches it under the configure mutex)."""
        if self.locks is None:
            return None
        came_from: dict[str, tuple[str, int] | None] = {fact.fid: None}
        queue = deque([fact.fid])
        while queue and len(came_from) < _UNLOCKED_SEARCH_LIMIT:
            fid = queue.popleft()
            if self._entry_of(fid, mode) is not None:
                steps, current = [], fid
                while current is not None:
                    step = came_from[current]  # the callee toward the access, and the line of that call
                    steps.append((current, step[1] if step is not None else 0))
                    current = step[0] if step is not None else None
                return steps
            for edge in self.index.calls_to.get(fid, ()):
                if edge.caller in came_from or self._locks_at(edge.caller, edge.call) - fact.locks:
                    continue
                came_from[edge.caller] = (fid, edge.line)
                queue.append(edge.caller)
        return None

    def _entry_of(self, fid: str, mode: Mode):
        """The entry point at fid that runs in this mode, if any."""
        if self._entries_by_function is None:
            self._entries_by_function = {}
            for entry in self.reach.entries:
                self._entries_by_function.setdefault(entry.fid, []).append(entry)
        # (A coroutine's mode is the plain caller's made cooperative: see mode_of_callee.)
        modes = (mode,) if mode.preemptive else (mode, mode._replace(preemptive=True))
        return next((e for e in self._entries_by_function.get(fid, ()) if self.reach.mode_of(e) in modes), None)
