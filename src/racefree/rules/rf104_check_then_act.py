"""RF104 check-then-act

## What it does
Finds code that tests shared state and then writes it based on the test (`if key not in cache:
cache[key] = build()`, `if len(cache) > N: cache.pop(oldest)`), on several threads, with no lock
around both steps.

## Why is this bad?
Between the check and the act another thread can make the check stale: two threads both see the
key missing and both build (double work, two clients, two sessions), or both see the cache full
and pop the same key (`KeyError`). Each step is atomic; the pair is not.

## Example
```python
from concurrent.futures import ThreadPoolExecutor

import requests

_sessions = {}

def get_session(url):
    if url not in _sessions:
        _sessions[url] = requests.Session()
    return _sessions[url]

def fetch(url):
    return get_session(url).get(url).text

def fetch_all(urls):
    with ThreadPoolExecutor(max_workers=8) as pool:   # get_session runs on 8 threads
        return list(pool.map(fetch, urls))
```

## Use instead
```python
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

_sessions = {}
_sessions_lock = threading.Lock()

def get_session(url):
    with _sessions_lock:
        if url not in _sessions:
            _sessions[url] = requests.Session()
        return _sessions[url]

def fetch(url):
    return get_session(url).get(url).text

def fetch_all(urls):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(fetch, urls))
```
or one atomic call: `_sessions.setdefault(url, session)`, `_sessions.pop(key, None)`.

A failed lookup is a test too: `try: return _sessions[url] except KeyError: pass`, then the
store, is the same check and act as `if url not in _sessions:`. So is a busy flag that each call
claims and releases (`if _refreshing: return`, `_refreshing = True`, then `_refreshing = False`
in a `finally` or in a callback registered for the call's exit): two threads both find it clear
and both go on, and a thread that finds another's claim takes the shortcut meant for its own
re-entry. Claim it with a lock taken without waiting (`lock.acquire(blocking=False)`). A flag set
once and never cleared is lazy initialisation (RF107).

Not reported: a store under the calling thread's own identity (`threads[threading.get_ident()]`),
a key no other thread tests or stores; a test of whether the calling thread is the owner (`if
self._owner == threading.get_ident():`), which no other thread can make true or false; an act
that leaves the same result however many threads run it (`clear()`, `discard(x)`); and a store
into a cache that the code empties whenever it is full (`if len(cache) >= N: cache.clear()`): an
entry lost to another thread's store is no worse than the eviction the program does itself.
Taking the oldest key out of such a cache (`cache.pop(next(iter(cache)))`) is reported: two
threads can pick the same key, and the second `pop` raises `KeyError`. Nor is a check and act
reported in a teardown (`close()`, `stop()`, `close_session()`, or a helper that only
teardowns call), or where only library calls that set up reach it (a framework's configuration
hook such as Pyramid's `includeme(config)` among them): the methods starting an object up
(`start()`, `initialize()`), which a program runs once per
object, and a module's setters (`set_start_method(m)`), which it calls while it configures. A
setter that other code calls as it works (per request) is reported.
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, self_concurrency
from racefree.rules.base import (
    Rule,
    check_and_act_unguarded,
    checks_of,
    entry_description,
    function_name,
    make_finding,
    runs_on_several_threads,
    short_name,
    unique_facts,
)
from racefree.summarize.model import OP_SLOT_STORE, WRITE


def check(obj, evidence):
    bounded_cache = any(w.access.evicts_all for w in obj.writes())
    writes = [
        w for w in obj.writes()
        if w.access.checked_at is not None and (not w.access.check_is_lazy_init or _claimed_and_released(w))
        and not w.access.keyed_by_thread
        and not w.access.checked_by_owner
        and not w.access.read_modify_write and not (bounded_cache and stores_an_entry(w.access))
        and check_and_act_unguarded(obj, w) and self_concurrency(w) == PREEMPTIVE
    ]
    if not writes:
        return []
    first = writes[0]
    checks = unique_facts(check for write in writes for check in checks_of(obj, write))
    message = (
        f"`{short_name(obj)}` is checked at line {first.access.checked_at} and then written in "
        f"`{function_name(first)}` ({entry_description(first)}) without a lock: another thread can "
        f"act on the same stale check"
    )
    reason = f"{obj.why_shared}; {runs_on_several_threads(first)}"
    return [make_finding(RULE, obj, evidence, message, reason, writes, checks)]


def _claimed_and_released(write) -> bool:
    """`if _busy: return`, `_busy = True`, then `_busy = False` when the work is done (in a
    `finally`, or in a callback the function registers for its exit): a flag each call claims and
    releases, not state set up once. Two threads both find it clear and both go on; or one finds
    another call's claim and takes the shortcut meant for its own re-entry."""
    if write.access.stores_constant != "True" or write.reach is None:
        return False
    info = write.info

    def releases(summary) -> bool:
        # (not a value stored on another outcome: `= True`, or `= False` in `except ImportError:`)
        return any(a.kind == WRITE and a.ref == write.access.ref and a.stores_constant in CLEAR_VALUES
                   and not a.in_handler and (summary is not info.summary or a.line > write.access.line)
                   for a in summary.accesses)

    if releases(info.summary):
        return True
    index = write.reach.index
    handed = {index.resolve_function_arg(info, arg) for call in info.summary.calls for arg in call.function_args
              if arg.local is not None}
    return any(releases(index.functions[fid].summary) for fid in handed if fid in index.functions)


CLEAR_VALUES = frozenset({"False", "None", "0"})  # what a released busy flag holds, as written


def stores_an_entry(access) -> bool:
    """`cache[key] = value`: a store that cannot fail, whose only harm when another thread stores
    the same key is the entry it replaces."""
    return access.op == OP_SLOT_STORE and not access.deletes


RULE = Rule(
    code="RF104",
    name="check-then-act",
    severity="high",
    summary="shared state is tested and then written without a lock around both",
    doc=__doc__.split("\n", 2)[2],
    fix="Make the check and the write one atomic step: hold one threading.Lock around both, or use an "
    "atomic call (dict.setdefault, dict.pop(key, None)).",
    check=check,
)
