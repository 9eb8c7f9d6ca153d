"""RF106 iteration-while-mutated

## What it does
Finds loops over shared containers (`for k in registry`, `for k, v in metrics.items()`,
comprehensions) in one thread while another thread can add or remove entries, with no common lock.
A shared instance of a class derived from a container (`class JobsProgress(set)`, changed by
`super().add(job)` and walked by `for job in self`) is such a container too, and so is each item
of a shared container of containers: `for key in cache[category]` while another thread runs
`cache[category][key] = entry`. Not a container that a loader fills once, under a lock, before the
flag its callers test says it is loaded (`if not self._is_loaded: with self._lock: ...`).

## Why is this bad?
Changing a dict's or set's size during iteration raises `RuntimeError: dictionary changed size
during iteration`; a list silently skips or repeats elements when another thread inserts or
removes before the loop's position, and ends early while another thread sorts it in place
(`list.sort` empties the list until it is done). Background flushers, metric collectors and cache
sweepers iterate while request threads insert: the error appears only under load, in production.
(Appending to a plain list while it is walked is not reported: the loop sees the new item or not,
and skips nothing. Nor is a loop that the code orders after the changes: one that runs only once a flag
stored after them is set, tested around the loop or by a check the reader calls first, as
django's `Apps` readers call `check_apps_ready()`; or after joining the thread that changes it.
A store under a key the loop took from the container itself, `for k in counts: counts[k] = 0`,
replaces an entry and keeps the size; and a loop over what a function took out under the lock
and replaced with a fresh container in the same locked step, `with lock: pending = self._pending;
self._pending = set()`, walks an object no other thread can reach.) Set-up API (`register_class`,
`add_handler`) is taken to run while the program sets up, except where it changes a module-level
or class-level registry that other code walks: a registration made later, by whichever thread
loads a plugin, changes the size of a container a serving thread may be walking.

## Example
```python
import threading
import time

from flask import Flask

app = Flask(__name__)
_timers = {}

@app.post("/work/<name>")
def work(name):                   # request threads
    started = time.monotonic()
    _timers[name] = time.monotonic() - started
    return "ok"

def flush(sink):                  # the reporter thread
    while True:
        for name, value in _timers.items():
            sink.send(name, value)
        time.sleep(10)

def start_reporter(sink):
    threading.Thread(target=flush, args=(sink,), daemon=True).start()
```

## Use instead
```python
import threading
import time

from flask import Flask

app = Flask(__name__)
_timers = {}
_timers_lock = threading.Lock()

@app.post("/work/<name>")
def work(name):
    started = time.monotonic()
    with _timers_lock:
        _timers[name] = time.monotonic() - started
    return "ok"

def flush(sink):
    while True:
        with _timers_lock:
            snapshot = list(_timers.items())
        for name, value in snapshot:
            sink.send(name, value)
        time.sleep(10)

def start_reporter(sink):
    threading.Thread(target=flush, args=(sink,), daemon=True).start()
```
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, common_lock, may_run_concurrently
from racefree.analysis.pairs import ordered_before
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name, unique_facts
from racefree.summarize.model import OP_ITERATE, OP_REBIND, WRITE


def check(obj, evidence):
    growing = [w for w in obj.writes() if (w.access.grows or w.access.in_item)
               and (w.concurrent or w.on_its_callers_thread) and not _appends_to_a_list(obj, w)
               and not _loaded_once_under_a_lock(w)]
    loops = [r for r in obj.reads() if r.access.op == OP_ITERATE or r.access.in_item]
    pairs = [
        (loop, write) for loop in loops for write in growing
        if _same_level(loop, write)
        and may_run_concurrently(loop, write) == PREEMPTIVE and not common_lock(loop, write)
        and not ordered_before(write, loop)
    ]
    if not pairs:
        return []
    writes = unique_facts(w for _, w in pairs)
    reads = unique_facts(r for r, _ in pairs)
    loop, write = pairs[0]
    effect = ("the loop can skip or repeat entries" if obj.typed == "builtins.list"
              else "the loop can fail with 'changed size during iteration' or skip entries")
    walked = f"an item of `{short_name(obj)}`" if loop.access.in_item else f"`{short_name(obj)}`"
    message = (
        f"{walked} is iterated in `{function_name(loop)}` while `{function_name(write)}` "
        f"({entry_description(write)}) can add or remove entries: {effect}"
    )
    reason = f"{obj.why_shared}; the iteration and the change are not ordered by any common lock"
    return [make_finding(RULE, obj, evidence, message, reason, writes, reads)]


def _same_level(loop, write) -> bool:
    """A loop over the container races with a write that changes the container's size; a loop
    over one of its items (`for key in cache[category]`) with a write that adds to an item
    (`cache[category][key] = entry`), which may be the one being walked: not another item named
    by a constant key (`SETTINGS["scrub_fields"]` walked, `SETTINGS["filters"][i]` set)."""
    if loop.access.in_item:  # (not where both name their items and the names differ)
        return write.access.in_item and (loop.access.slot is None or write.access.slot is None
                                         or loop.access.slot == write.access.slot)
    return write.access.grows


def _loaded_once_under_a_lock(write) -> bool:
    """A loader that fills the container under a lock and then sets a flag to True, which every
    call of it tests first (`if not self._is_loaded: with self._load_lock: if not
    self._is_loaded: self._load()`): it fills the container once, and the code that walks it runs
    after the flag says it is done. (Without the lock two threads can both load, one walking what
    the other refills: reported. Nor a flag of pending work the function clears, `if
    self._moved: self._update()`, which runs again whenever it is set.)"""
    if not (write.in_lazy_loader and write.locks) or write.reach is None:
        return False
    index = write.reach.index
    flags = {index.name_of(write.info, a.ref) for a in write.info.summary.accesses
             if a.kind == WRITE and a.op == OP_REBIND and a.stores_constant == "True"} - {None}
    return bool(flags) and _only_run_as_a_loader(index, write.fid, flags, 2)


def _only_run_as_a_loader(index, fid: str, flags: set, depth: int) -> bool:
    """Every call of the function is made under a test of one of the flags, or from a function
    only run so (a subclass's `_load` calling `super()._load()`)."""
    callers = index.calls_to.get(fid, ())
    return bool(callers) and all(
        any(index.name_of(index.functions[edge.caller], ref) in flags for ref in edge.call.lazy_guards)
        or (depth > 0 and edge.caller != fid and _only_run_as_a_loader(index, edge.caller, flags, depth - 1))
        for edge in callers)


def _appends_to_a_list(obj, write) -> bool:
    """`handlers.append(h)` while another thread runs `for h in handlers:`: a list's iterator walks
    by index, so an item added at the end is seen or not, and no other item is skipped or
    repeated; nothing fails. (A dict, a set or a deque raises; an insert or a removal shifts.)"""
    return write.access.appends and obj.typed == "builtins.list"


RULE = Rule(
    code="RF106",
    name="iteration-while-mutated",
    severity="high",
    summary="a shared container is iterated while another thread can change its size",
    doc=__doc__.split("\n", 2)[2],
    fix="Take a snapshot under the lock that guards the writers (`with lock: items = list(d.items())`) "
    "and iterate the snapshot, or guard the whole loop with that lock.",
    check=check,
)
