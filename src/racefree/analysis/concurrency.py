"""When two accesses can run at the same time, and how (preemptively on threads, or
cooperatively on one event loop, where only an await lets another task in)."""

from __future__ import annotations

from dataclasses import replace

from racefree.analysis.shared_state import AccessFact

PREEMPTIVE = "preemptive"
COOPERATIVE = "cooperative"


def may_run_concurrently(a: AccessFact, b: AccessFact) -> str | None:
    """None, PREEMPTIVE or COOPERATIVE. Code reached from no entry point ("main") is taken to run
    on the main thread: concurrent with background threads, but not with request handlers, since
    a program sets up before it serves. Two accesses to an object of one event loop run on that
    loop's thread, so they interleave only at awaits. Two accesses through `self` count only in
    the modes in which some class runs both (see receivers)."""
    if a.receivers is not None and b.receivers is not None and (a.modes or b.modes):
        narrowed_a, narrowed_b = _on_one_object(a, b), _on_one_object(b, a)
        if len(narrowed_a.modes) < len(a.modes) and not narrowed_a.modes \
                or len(narrowed_b.modes) < len(b.modes) and not narrowed_b.modes:
            return None
        a, b = narrowed_a, narrowed_b
    how = _may_run_concurrently(a, b)
    return COOPERATIVE if how == PREEMPTIVE and a.on_its_loop and b.on_its_loop else how


def _may_run_concurrently(a: AccessFact, b: AccessFact) -> str | None:
    if not a.modes and not b.modes:
        return None
    if not a.modes or not b.modes:
        reached = a if a.modes else b
        return PREEMPTIVE if reached.on_background_thread else None
    if (a.by_caller and b.on_background_thread) or (b.by_caller and a.on_background_thread):
        return PREEMPTIVE  # the caller's thread and the object's own thread
    single = _one_single_entry(a)
    if single is not None and single == _one_single_entry(b):
        return None  # both run on the one thread (or task) of one entry that runs once at a time
    if a.preemptive or b.preemptive:
        return PREEMPTIVE
    return COOPERATIVE


def _on_one_object(fact: AccessFact, other: AccessFact) -> AccessFact:
    """The fact in the modes in which `self` can be of a class that the other access's `self`
    can be too (the other's in any way it is called, where no entry point reaches it: code that
    runs where the program calls it)."""
    theirs = [other.receivers.classes(other.fid, mode) for mode in other.modes or (None,)]
    if any(classes is None for classes in theirs):
        return fact
    kept = {}
    for mode, reach in fact.modes.items():
        mine = fact.receivers.classes(fact.fid, mode)
        if mine is None or any(mine & classes for classes in theirs):
            kept[mode] = reach
    return fact if len(kept) == len(fact.modes) else replace(fact, modes=kept)


def _one_single_entry(fact: AccessFact):
    """The entry point (or the one thread its serial key names), when the access is reached from
    exactly one, which runs one instance at a time (a thread started once, a service loop, the
    jobs of a worker with one thread); else None."""
    entries = _threads_of(fact)
    if len(entries) == 1 and not any(mode.multiple for mode in fact.modes):
        return next(iter(entries))
    return None


def _threads_of(fact: AccessFact) -> set:
    """The entries the access is reached from, those that share one thread counted once."""
    return {reach.entry.serial or reach.entry for reach in fact.modes.values()}


def self_concurrency(fact: AccessFact) -> str | None:
    """How an access races with the same code running in another thread or task: it must run
    as many instances at once (requests, pool jobs), or be reached from two entry points."""
    if not fact.modes:
        return None
    if fact.by_caller and fact.on_background_thread and not fact.on_its_loop:
        return PREEMPTIVE  # run by the object's own thread and by its caller's
    several = _two_entries_on_one_object(fact)
    if fact.preemptive and (several or any(m.multiple and m.preemptive for m in fact.modes)):
        return PREEMPTIVE
    if any(m.multiple for m in fact.modes) or several:
        return COOPERATIVE
    return None


def _two_entries_on_one_object(fact: AccessFact) -> bool:
    """Two of the entry points (or threads) that reach the access can run it on one object:
    through `self`, only where some class runs it from both."""
    if len(_threads_of(fact)) < 2:
        return False
    if fact.receivers is None:
        return True
    reached = [((reach.entry.serial or reach.entry), fact.receivers.classes(fact.fid, mode))
               for mode, reach in fact.modes.items()]
    return any(entry != other_entry and (classes is None or other is None or classes & other)
               for i, (entry, classes) in enumerate(reached) for other_entry, other in reached[i + 1:])


def common_lock(a: AccessFact, b: AccessFact) -> bool:
    return bool(a.locks & b.locks)
