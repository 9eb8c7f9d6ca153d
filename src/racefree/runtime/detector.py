"""Happens-before race detection: logical threads, vector clocks and FastTrack shadow state.

Every OS thread and every asyncio task is a *logical thread* with a vector clock (a dict from
thread id to counter). Synchronisation moves clocks: a release copies the releaser's clock into
the sync object's clock and ticks the releaser; an acquire joins the sync object's clock into the
acquirer's. Two accesses to one location race when neither happens-before the other, whatever
order they ran in, so a lucky run still shows its races.

Per location we keep FastTrack's shadow state (Flanagan & Freund, PLDI 2009): the last write as
one epoch, and the reads as one epoch, or as a small per-thread map only while reads are
concurrent. Memory grows with the number of locations, never with the number of accesses, and
the check is done at access time: there is no pass at the end.

Epochs are immutable tuples assigned in one step, so a detector running without a lock of its
own in many threads can see an old epoch but never a torn one.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
from _thread import RLock as _RLock
from _thread import get_ident

from racefree.runtime import stacks

# An epoch: (tid, clock, LogicalThread, raw stack, site id, is_write)
TID, CLOCK, THREAD, STACK, SITE, IS_WRITE = range(6)


class LogicalThread:
    """An OS thread or an asyncio task, as the happens-before relation sees it."""

    __slots__ = ("tid", "name", "kind", "vc", "ident", "creation_stack", "creator_name", "final_vc")

    def __init__(self, tid: int, name: str, kind: str, vc: dict, creation_stack, creator_name):
        self.tid = tid
        self.name = name
        self.kind = kind  # "thread" | "task" | "main"
        self.vc = vc
        self.ident = None  # OS thread ident while running
        self.creation_stack = creation_stack
        self.creator_name = creator_name
        self.final_vc = None  # clock when it ended, for join / await


class SyncClock:
    """The vector clock carried by one synchronisation object (lock, queue, event, future...)."""

    __slots__ = ("vc",)

    def __init__(self):
        self.vc = {}


_tids = itertools.count(1)
_threads_by_ident: dict[int, LogicalThread] = {}
# The logical thread of the asyncio task running in this context; tasks get their own context.
_task_thread: contextvars.ContextVar = contextvars.ContextVar("racefree_task_thread", default=None)
# Guards clock joins into shared sync clocks and the race log; never held while user code runs.
_internal = _RLock()


def new_thread(name: str, kind: str, parent: LogicalThread | None, creation_stack) -> LogicalThread:
    """Fork edge: the child starts knowing everything its parent did so far."""
    tid = next(_tids)
    vc = dict(parent.vc) if parent is not None else {}
    vc[tid] = 1
    child = LogicalThread(tid, name, kind, vc, creation_stack, parent.name if parent else None)
    if parent is not None:
        parent.vc[parent.tid] += 1
    return child


def bind_os_thread(thread: LogicalThread) -> None:
    thread.ident = get_ident()
    with _internal:
        _threads_by_ident[thread.ident] = thread


def unbind_os_thread(thread: LogicalThread) -> None:
    thread.final_vc = dict(thread.vc)
    with _internal:  # a thread that reuses the ident may bind it meanwhile
        if _threads_by_ident.get(thread.ident) is thread:
            del _threads_by_ident[thread.ident]


def current() -> LogicalThread:
    task_thread = _task_thread.get()
    ident = get_ident()
    # asyncio.to_thread copies the task's context into a worker thread: the ident tells them apart.
    if task_thread is not None and task_thread.ident == ident:
        return task_thread
    thread = _threads_by_ident.get(ident)
    if thread is None:
        thread = _adopt_foreign_thread(ident)
    return thread


def _adopt_foreign_thread(ident: int) -> LogicalThread:
    """A thread we did not see start (started before racefree, or from C): no edges into it."""
    os_thread = threading._active.get(ident)  # no lock taken, unlike threading.current_thread()
    name = os_thread.name if os_thread is not None else f"thread-{ident}"
    thread = new_thread(name, "thread", None, None)
    bind_os_thread(thread)
    return thread


# -- synchronisation edges -------------------------------------------------------------------

# OS threads currently running library plumbing whose sync calls must not count (see transfer).
_transparent: set[int] = set()


class transparent:
    """Sync operations in this block are plumbing, not the current thread observing anything."""

    def __enter__(self):
        _transparent.add(get_ident())

    def __exit__(self, *exc_info):
        _transparent.discard(get_ident())


def transfer(source: SyncClock | None, target: SyncClock | None) -> None:
    """Hand a clock from one sync object to another without passing through any thread."""
    if source is not None and target is not None:
        with _internal:
            _join_into(target.vc, source.vc)


def release(sync: SyncClock) -> None:
    """Everything the current thread did so far happens-before a later acquire of `sync`."""
    if _transparent and get_ident() in _transparent:
        return
    thread = current()
    with _internal:
        _join_into(sync.vc, thread.vc)
    thread.vc[thread.tid] += 1


def acquire(sync: SyncClock) -> None:
    if _transparent and get_ident() in _transparent:
        return
    thread = current()
    with _internal:
        _join_into(thread.vc, sync.vc)


def acquire_clock(vc: dict | None) -> None:
    if vc:
        thread = current()
        _join_into(thread.vc, vc)


def _join_into(target: dict, source: dict) -> None:
    for tid, clock in source.items():
        if clock > target.get(tid, 0):
            target[tid] = clock


# -- accesses --------------------------------------------------------------------------------

class Shadow:
    """FastTrack state of one memory location."""

    __slots__ = ("w", "r")

    def __init__(self):
        self.w = None  # last write epoch
        self.r = None  # last read epoch, or {tid: epoch} while reads are concurrent


class LocationTable(dict):
    """Shadow state of every location inside one object: its keys, or its attributes."""

    __slots__ = ("owner", "label", "style")

    def __init__(self, owner, label: str, style: str):
        super().__init__()
        self.owner = owner  # kept alive so its id() cannot be reused for another object
        self.label = label
        self.style = style  # "attr" -> label.key, "item" -> label[key], "whole" -> label

    def describe(self, key) -> str:
        if key is WHOLE:
            return f"{self.label} (whole container)"
        if self.style == "attr":
            return f"{self.label}.{key}"
        return f"{self.label}[{key!r}]"


WHOLE = object()  # the location standing for a container's size and iteration order

# Set by session.start(): receives (table, key, previous epoch, current epoch).
on_race = lambda table, key, previous, current: None


def read(table: LocationTable, key, site: int) -> None:
    thread = current()
    tid = thread.tid
    vc = thread.vc
    now = vc[tid]
    shadow = table.get(key)
    if shadow is None:
        shadow = table.setdefault(key, Shadow())
    r = shadow.r
    if r is not None:
        if type(r) is tuple:
            if r[TID] == tid and r[CLOCK] == now:
                return
        else:
            mine = r.get(tid)
            if mine is not None and mine[CLOCK] == now:
                return
    else:
        w = shadow.w
        # A read right after our own write at the same site (`x = x + 1`) adds nothing: any
        # later conflicting access conflicts with that write too. A read elsewhere is kept, so
        # that a race with it is reported at the read (the optillm handler writes the config,
        # then its callee reads it: the read is the line a user needs to see), whatever the
        # schedule.
        if w is not None and w[TID] == tid and w[CLOCK] == now and w[SITE] == site:
            return
    epoch = (tid, now, thread, stacks.capture(1), site, False)
    w = shadow.w
    if w is not None and w[TID] != tid and w[CLOCK] > vc.get(w[TID], 0):
        on_race(table, key, w, epoch)
    if r is None:
        shadow.r = epoch
    elif type(r) is tuple:
        if r[TID] == tid or r[CLOCK] <= vc.get(r[TID], 0):
            shadow.r = epoch
        else:
            shadow.r = {r[TID]: r, tid: epoch}
    else:
        r[tid] = epoch


def write(table: LocationTable, key, site: int) -> None:
    thread = current()
    tid = thread.tid
    vc = thread.vc
    now = vc[tid]
    shadow = table.get(key)
    if shadow is None:
        shadow = table.setdefault(key, Shadow())
    w = shadow.w
    if w is not None and w[TID] == tid and w[CLOCK] == now:
        r = shadow.r
        if r is None or (type(r) is tuple and r[TID] == tid):
            return
    epoch = (tid, now, thread, stacks.capture(1), site, True)
    if w is not None and w[TID] != tid and w[CLOCK] > vc.get(w[TID], 0):
        on_race(table, key, w, epoch)
    r = shadow.r
    if r is not None:
        previous_reads = (r,) if type(r) is tuple else tuple(r.values())
        for read_epoch in previous_reads:
            if read_epoch[TID] != tid and read_epoch[CLOCK] > vc.get(read_epoch[TID], 0):
                on_race(table, key, read_epoch, epoch)
        shadow.r = None
    shadow.w = epoch


def update(table: LocationTable, key, site: int) -> None:
    """A read-modify-write such as `x += 1`."""
    read(table, key, site)
    write(table, key, site)
