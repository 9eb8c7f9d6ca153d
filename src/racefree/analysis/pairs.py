"""Pairs of a write and a read of the same slot that can run at the same time, unordered by any
common lock: the raw material of the per-request-state and hand-off rules.

Only writes to a *fixed slot* count here: rebinding a name or attribute, or storing under a
constant key (`config["depth"] = ...`). A store under a computed key is a cache or an index,
whose single operations are atomic; its races are check-then-act and iteration, found by other
rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from racefree.analysis.concurrency import COOPERATIVE, PREEMPTIVE, common_lock, may_run_concurrently
from racefree.analysis.shared_state import DECORATOR_OBJECT, AccessFact, SharedObject, unique_facts
from racefree.analysis.signalling import (
    awaited_by_its_starter,
    joined_before,
    published_before,
    read_before_its_writer_starts,
    scheduled_after,
    signalled_before,
    written_around_its_loop,
    written_before_it_makes_the_thread,
    written_before_its_reader_starts,
    written_before_its_thread_starts,
)
from racefree.knowledge.entry_points import OBSERVED, REQUEST
from racefree.summarize.model import OP_ITERATE, OP_LOAD, OP_REBIND, OP_SLOT_LOAD, OP_SLOT_STORE


@dataclass(slots=True)
class WriteReadRace:
    write: AccessFact
    reads: list[AccessFact]


def is_fixed_slot_write(fact: AccessFact) -> bool:
    access = fact.access
    if access.kind != "write" or access.read_modify_write or access.checked_at is not None:
        return False  # a write acting on a check: RF104 judges it
    if fact.in_lazy_loader or fact.in_override:
        return False  # initialisation (RF107), or a value set and put back around a call (RF108)
    return access.op == OP_REBIND or (access.op == OP_SLOT_STORE and access.slot is not None)


def reads_slot(read: AccessFact, write: AccessFact) -> bool:
    access = read.access
    if access.op in (OP_LOAD, OP_ITERATE):
        return True
    if access.op == OP_SLOT_LOAD:
        return write.access.op == OP_REBIND or access.slot is None or access.slot == write.access.slot
    return False


def ordered_before(write: AccessFact, read: AccessFact) -> bool:
    """Something the code does orders the write before the read: an event set and waited on,
    a hand-off of the reader, a later store the reader tests first, a join of the writing thread,
    a start that waits for the thread to signal that it has published, the event loop that runs
    the reading coroutine, run by the writing method after the write or stopped before it."""
    return (signalled_before(write, read) or scheduled_after(write, read) or published_before(write, read)
            or joined_before(write, read) or awaited_by_its_starter(write, read)
            or written_before_its_thread_starts(write, read) or written_before_its_reader_starts(write, read)
            or written_before_it_makes_the_thread(write, read)
            or written_around_its_loop(write, read) or read_before_its_writer_starts(write, read))


def write_read_races(obj: SharedObject, across_awaits: bool = False) -> list[WriteReadRace]:
    """Writes and the reads that can run at the same time on other threads; with across_awaits,
    also reads by tasks of one event loop that have awaited since they began, or since the write
    when it is their own, so that another task's write can come first."""
    races = []
    reads = obj.reads()
    # An observer's state is stored per run (`on_tool_start` keeps the tool's journal for its
    # `on_tool_end`), and the library's runs overlap as tasks do as requests.
    # So is a decorator object's, per call of the function it wraps (`async with self:` in the
    # wrapper, around the awaited call).
    per_run = obj.why_shared.endswith((OBSERVED, DECORATOR_OBJECT))
    for write in obj.writes():
        if not write.concurrent or not is_fixed_slot_write(write):
            continue
        racing = [
            read for read in reads
            if reads_slot(read, write)
            and not (read.fid == write.fid and read.access.line == write.access.line)
            and _interleaves(write, read, across_awaits, per_run)
            and not common_lock(write, read)
            and not ordered_before(write, read)
        ]
        if racing:
            races.append(WriteReadRace(write, racing))
    return races


def _interleaves(write: AccessFact, read: AccessFact, across_awaits: bool, per_run: bool = False) -> bool:
    """Threads, always; tasks of one loop only across an await, and only for a value a request
    handler (or an observer, per_run) stores (an async client's own state, moved by its tasks as
    they go, is no request's)."""
    how = may_run_concurrently(write, read)
    if how == PREEMPTIVE:
        return True
    if how != COOPERATIVE or not across_awaits or not (per_run or any(mode.context == REQUEST for mode in write.modes)):
        return False
    if read.fid == write.fid:
        return read.access.line > write.access.line and read.access.awaits_before > write.access.awaits_before
    # An observer's later callback of the run (`on_tool_end`) comes after the run has awaited the
    # work it observes, while other runs' callbacks came in.
    return per_run or read.access.awaits_before > 0


@dataclass(slots=True)
class HandOff:
    """What a write-read finding shows: the writes, the racing reads, and who reads."""

    writes: list[AccessFact]
    reads: list[AccessFact]
    readers: list[str]  # qualified names of the reading functions other than the first writer's

    @property
    def first(self) -> AccessFact:
        return self.writes[0]


def hand_off(obj: SharedObject, races: list[WriteReadRace]) -> HandOff:
    writes = sibling_writes(obj, races)
    reads = unique_facts(read for race in races for read in race.reads)
    readers = sorted({r.function_label for r in reads if r.fid != writes[0].fid}) or [reads[0].function_label]
    return HandOff(writes, reads, readers)


def sibling_writes(obj: SharedObject, races: list[WriteReadRace]) -> list[AccessFact]:
    """Every fixed-slot write the racing writers make to the object, read back or not: together
    they are the state handed over (a callback that stores cost, tokens and finish reason)."""
    writers = {race.write.fid for race in races}
    return [w for w in obj.writes() if w.fid in writers and w.concurrent and is_fixed_slot_write(w)]
