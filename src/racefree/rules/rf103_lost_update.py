"""RF103 lost-update

## What it does
Finds read-modify-write updates of shared state (`counter += 1`, `totals[k] = totals[k] + n`,
`self.spent += cost` on a shared object) in code that runs on several threads, with no lock held.
It also finds them through a shared store's API: a value read with a cache's or a Redis client's
get call, changed, and written back with its set call (`views = cache.get(k) or 0` then
`cache.set(k, views + 1)`), including a read made by a helper function of the module, and in
coroutines, where any await between the read and the write lets another task do the same.
A buffer drained in two steps (`packets = list(self.packets)`, then `self.packets = []`) while
another thread adds to it (an interrupt or network callback's `self.packets.append(p)`) loses
what is added between the two steps.

## Why is this bad?
`x += 1` is a read, an add and a store. Two threads can read the same old value and both store
old + 1: one update is lost. The GIL does not prevent it (a thread switch can fall between the
read and the store), and free-threaded Python makes it frequent. Counters drift, ids repeat,
budgets are under-counted. Through a store's API the window is wider still: each call is a
round trip, so two requests that finish together almost always read the same total.

## Example
```python
from flask import Flask

app = Flask(__name__)
_counter = 0

def next_id():
    global _counter
    _counter += 1
    return f"gw{_counter}"

@app.post("/jobs")
def create_job():                   # Flask runs requests on many threads
    return {"id": next_id()}
```

## Use instead
```python
import threading

from flask import Flask

app = Flask(__name__)
_counter = 0
_counter_lock = threading.Lock()

def next_id():
    global _counter
    with _counter_lock:
        _counter += 1
        return f"gw{_counter}"

@app.post("/jobs")
def create_job():
    return {"id": next_id()}
```
or `itertools.count()`, whose `next()` is atomic. For a cache or a Redis client, use its atomic
increment (`cache.incr(key)`, `await redis.incrbyfloat(key, cost)`) instead of get and set.

It also finds an update made under a lock whose result the same function reads back after the
lock is released (`with lock: Model.next_id += 1`, then `self.id = Model.next_id`): another
thread's update can land in between, and two calls take the same id. Read the value inside the
lock.

And an exchange made in two steps: the function reads the previous value into a local and then
replaces it with one it computed (`t1 = _last_cpu_times`, then `_last_cpu_times = cpu_times()`,
then the delta of the two; `old = self._conn`, then `self._conn = connect()`, then
`old.close()`). Two calls that overlap both take the same previous value, and the replacement
one of them stored is lost: the other measures from the wrong start, or both close the same
connection and one new connection is dropped unclosed. Make the exchange under a lock. (A setter
that hands back the value its argument replaces, and a function that takes the contents out by
putting an empty container in their place, are not exchanges of this kind.)

And a value read under a lock and written after the lock is released, in one function (`with
lock: elapsed = now() - last_called[0]`, then `last_called[0] = now()` after the call it
limits): the lock shows the state is shared, but two calls read the same value between them
and both act on it. Read and write in one locked step.

Not reported: an update after the code claimed a flag under a lock (`with self._lock: if
self._running: raise RuntimeError("already running"); self._running = True`, cleared in a
`finally`), or called a method that makes such a claim first: one caller at a time gets past the
claim, so the code after it runs as if under a lock of its own; nor an update inside a test of
whether the calling thread owns the object (`if self._owner == me: self._count += 1`, a reentrant
lock's count): only the owner gets there.
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, common_lock, may_run_concurrently, self_concurrency
from racefree.summarize.model import OP_LOAD, OP_MUTATE
from racefree.rules.base import (
    Rule,
    entry_description,
    function_name,
    make_finding,
    runs_on_several_threads,
    short_name,
    unique_facts,
    unlocked,
)


def check(obj, evidence):
    writes = [
        w for w in obj.writes()
        if w.access.read_modify_write and unlocked(w) and not w.access.under_owner_test
        and _runs_beside_itself(w)
    ]
    if not writes:
        return _exchanged_in_two_steps(obj, evidence) or _drained_while_filled(obj, evidence) \
            or _read_back_after_the_lock(obj, evidence) or _written_after_the_lock(obj, evidence)
    first = writes[0]
    if first.access.op == OP_MUTATE:  # a value read with the store's get call, written back with set
        message = (
            f"`{short_name(obj)}` is read, changed and written back through its get and set calls in "
            f"`{function_name(first)}` ({entry_description(first)}) without an atomic update: "
            f"concurrent updates are lost"
        )
    else:
        message = (
            f"`{short_name(obj)}` is updated with a read-modify-write in `{function_name(first)}` "
            f"({entry_description(first)}) without a lock: concurrent updates are lost"
        )
    if self_concurrency(first) == PREEMPTIVE:
        reason = f"{obj.why_shared}; {runs_on_several_threads(first)}"
    else:
        reason = (f"{obj.why_shared}; {entry_description(first)} runs as several tasks at once, which "
                  f"interleave at the awaits between the read and the write")
    return [make_finding(RULE, obj, evidence, message, reason, writes, [])]


def _exchanged_in_two_steps(obj, evidence):
    """`t1 = _last_cpu_times`, then `_last_cpu_times = cpu_times()`, then a delta of the two: the
    call takes the previous value and puts its own in its place, in two steps. Two calls that
    overlap both take the same previous value, and the replacement one of them made is lost: the
    other measures from the wrong start (or closes the same old connection, and the new one made
    by the first is overwritten). Not a setter storing its argument."""
    writes = [w for w in obj.writes()
              if w.access.replaces_what_it_read and not w.access.stores_argument and unlocked(w)
              and self_concurrency(w) == PREEMPTIVE and not _put_back_later(w)]
    if not writes:
        return []
    first = writes[0]
    message = (
        f"`{short_name(obj)}` is read and then replaced with a new value in `{function_name(first)}` "
        f"({entry_description(first)}) without a lock: two calls can take the same previous value, and "
        f"the replacement one of them stored is lost"
    )
    reason = f"{obj.why_shared}; {runs_on_several_threads(first)}"
    return [make_finding(RULE, obj, evidence, message, reason, writes, _read_before(obj, first))]


def _drained_while_filled(obj, evidence):
    """A buffer drained in two steps (`packets = list(self.packets)`, then `self.packets = []`)
    while another thread adds to it (`self.packets.append(p)` in an interrupt callback): what it
    adds between the two steps is lost. Not where the function puts the old value back (RF108's)."""
    drains = [(w, f) for w in obj.writes() if w.access.drains and unlocked(w) and not _put_back_later(w)
              for f in _filled_meanwhile(obj, w)]
    if not drains:
        return []
    drain, filled = drains[0]
    message = (
        f"`{short_name(obj)}` is read and then replaced with an empty one in `{function_name(drain)}` "
        f"({entry_description(drain)}) without a lock, while `{function_name(filled)}` "
        f"({entry_description(filled)}) adds to it: what it adds between the two steps is lost"
    )
    reason = f"{obj.why_shared}; {runs_on_several_threads(filled)}"
    return [make_finding(RULE, obj, evidence, message, reason, [drain, filled], _read_before(obj, drain))]


def _read_before(obj, write) -> list:
    """The unlocked reads of the object that the write's function makes before it."""
    return unique_facts(r for r in obj.reads()
                        if r.fid == write.fid and r.access.line < write.access.line and unlocked(r))


def _filled_meanwhile(obj, drain) -> list:
    """The writes that add to the object on another thread while the drain runs, under no lock
    they share."""
    return [w for w in obj.writes()
            if w.fid != drain.fid and w.access.op == OP_MUTATE and w.access.grows and not w.access.removes
            and may_run_concurrently(w, drain) == PREEMPTIVE and not common_lock(w, drain)]


def _written_after_the_lock(obj, evidence):
    """`with lock: elapsed = time.time() - last_called[0]`, then, after the lock is let go,
    `last_called[0] = time.time()`: the function reads the state under a lock and writes it
    after releasing it. The lock says the state is shared, but the read and the write are two
    steps: another call reads the same value in between, and both act on it (a rate limit let
    through twice, one of two updates lost)."""
    pairs = [
        (write, read) for write in obj.writes()
        if unlocked(write) and write.access.stores_constant is None and self_concurrency(write) == PREEMPTIVE
        and not write.access.restores
        for read in obj.reads()
        if read.fid == write.fid and read.locks and read.access.line < write.access.line
    ]
    return _first_pair_finding(obj, evidence, pairs, lambda name, where: (
        f"`{name}` is read under a lock in {where} and written after the lock is released: another call can "
        f"read the same value in between, and one of the two updates is lost"))


def _first_pair_finding(obj, evidence, pairs, says):
    """The finding for the first (write, read) pair, if any; says(name, where) words it."""
    if not pairs:
        return []
    write, read = pairs[0]
    message = says(short_name(obj), f"`{function_name(write)}` ({entry_description(write)})")
    reason = f"{obj.why_shared}; {runs_on_several_threads(write)}"
    return [make_finding(RULE, obj, evidence, message, reason, [write], [read])]


def _put_back_later(write) -> bool:
    """The function puts the saved value back afterwards (`original = filepost.choose_boundary`,
    `filepost.choose_boundary = patched`, ..., `filepost.choose_boundary = original`): a
    temporary override, RF108's, not an exchange."""
    return any(a.restores and a.ref == write.access.ref and a.line > write.access.line
               for a in write.info.summary.accesses)


def _read_back_after_the_lock(obj, evidence):
    """`with lock: Model.next_id += 1`, then `self.id = Model.next_id` after the lock is let go:
    the update is safe, but the value read back is whatever the last thread left, maybe another
    call's increment, so two calls can take the same id."""
    pairs = [
        (write, read) for write in obj.writes()
        if write.access.read_modify_write and not unlocked(write) and self_concurrency(write) == PREEMPTIVE
        for read in obj.reads()
        if read.fid == write.fid and read.access.op == OP_LOAD and not common_lock(read, write)
        and (read.access.line, read.access.col) > (write.access.line, write.access.col)
    ]
    return _first_pair_finding(obj, evidence, pairs, lambda name, where: (
        f"`{name}` is updated under a lock in {where} and read back after the lock is released: another "
        f"thread's update can land in between, so the value read is not this call's"))


def _runs_beside_itself(write) -> bool:
    """Another run of the update can come between its read and its write: on another thread, or
    in another task at an await between them (not when one task at a time runs it)."""
    how = self_concurrency(write)
    return how == PREEMPTIVE or (how is not None and write.access.await_between)


RULE = Rule(
    code="RF103",
    name="lost-update",
    severity="high",
    summary="read-modify-write of shared state on several threads without a lock",
    doc=__doc__.split("\n", 2)[2],
    fix="Guard the read-modify-write with a threading.Lock defined next to the state, and read the new "
    "value back before letting the lock go (`with lock: n += 1; mine = n`), or use an atomic "
    "structure (itertools.count(), queue.Queue); for a cache or a Redis client, its atomic "
    "increment (incr, incrbyfloat) instead of get and set.",
    check=check,
)
