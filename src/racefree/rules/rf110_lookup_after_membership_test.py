"""RF110 lookup-after-membership-test

## What it does
Finds a shared container that one thread tests for a key and then indexes (`if model_id in
self.models: return self.models[model_id]`, or `if key not in cache: raise`, then `cache[key]`)
while another thread can take entries out of it (`pop`, `del`, `clear`, `remove`, `discard`),
with no common lock. Not reported where the removal is a teardown's (`disconnect()`, `close()`,
or a helper only those call) or only set-up calls reach it: a lookup racing the program's own
shutdown of the container is a use after close, for the program to order.

## Why is this bad?
The test and the lookup are two steps. Between them another thread can remove the key, and the
lookup raises `KeyError` for a key the code has just seen present: a model unloaded by a
background sweep while a request retrieves it, a connection dropped by the reader thread while
the sender picks it, a subscription removed while a callback dispatches to it. It fails only
under load, as an error nobody can reproduce.

## Example
```python
import threading
import time

class ModelCache:
    def __init__(self):
        self.models = {}
        threading.Thread(target=self._expire, daemon=True).start()

    def get(self, name):
        if name in self.models:
            return self.models[name]        # KeyError if _expire popped it just now
        return None

    def put(self, name, model):
        self.models[name] = model

    def _expire(self):
        while True:
            time.sleep(60)
            for name in list(self.models):
                self.models.pop(name)
```

## Use instead
```python
import threading
import time

class ModelCache:
    def __init__(self):
        self.models = {}
        threading.Thread(target=self._expire, daemon=True).start()

    def get(self, name):
        return self.models.get(name)        # one step: the model, or None

    def put(self, name, model):
        self.models[name] = model

    def _expire(self):
        while True:
            time.sleep(60)
            for name in list(self.models):
                self.models.pop(name)
```
or hold the lock that guards the removals over both the test and the lookup.

Not reported where the lookup and the removal are both keyed by the id of one flow's unit of work,
passed in as a parameter of the same name (`run_id`, `span_id`, `message_id`, `request_id`, not
a parent's or a trace's id): a callback handler's `runs[run_id]` in `on_llm_new_token` and
`runs.pop(run_id)` in `on_llm_end` act on one run's entry, whose events that run delivers in
order; other threads remove other runs' entries.
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, common_lock, may_run_concurrently
from racefree.analysis.pairs import ordered_before
from racefree.rules.base import (
    Rule,
    entry_description,
    function_name,
    in_teardown,
    make_finding,
    short_name,
    unique_facts,
)


def check(obj, evidence):
    removals = [w for w in obj.writes() if w.access.removes and (w.concurrent or w.on_its_callers_thread)
                and not _tears_down_or_sets_up(w)]
    lookups = [r for r in obj.reads() if r.access.key_checked_at is not None and not r.access.in_handler]
    pairs = [
        (lookup, removal) for lookup in lookups for removal in removals
        if may_run_concurrently(lookup, removal) == PREEMPTIVE and not _one_lock_over_all(obj, lookup, removal)
        and not ordered_before(removal, lookup) and not _one_flows_key(lookup, removal)
    ]
    if not pairs:
        return []
    lookup, removal = pairs[0]
    message = (
        f"`{short_name(obj)}` is tested for a key at line {lookup.access.key_checked_at} and then indexed in "
        f"`{function_name(lookup)}`, while `{function_name(removal)}` ({entry_description(removal)}) can remove "
        f"entries: the lookup can raise KeyError for a key it has just seen"
    )
    reason = f"{obj.why_shared}; the test, the lookup and the removal are not ordered by any common lock"
    tests = [test for lookup, _ in pairs for test in _tests_of(obj, lookup)]
    return [make_finding(RULE, obj, evidence, message, reason, unique_facts(w for _, w in pairs),
                         unique_facts([*(r for r, _ in pairs), *tests]))]


def _tears_down_or_sets_up(removal) -> bool:
    """A removal in a teardown (`disconnect()`, `close()`, `_cleanup`) or one only set-up calls
    reach: a lookup that races with the program closing what it looks in is a use after close,
    the program's ordering to keep, as RF104 holds for a check and act."""
    return in_teardown(removal) or removal.only_while_setting_up


def _one_flows_key(lookup, removal) -> bool:
    """The lookup and the removal both key the container by the same flow's id (`run_id`): the
    entry is one run's, whose callbacks come in order from that run; another thread's removal
    takes its own run's entry, never the one being looked up."""
    return lookup.access.flow_key is not None and lookup.access.flow_key == removal.access.flow_key


def _tests_of(obj, lookup):
    """The reads of the object in the membership test the lookup counts on."""
    return [r for r in obj.reads() if r.fid == lookup.fid and r.access.line == lookup.access.key_checked_at]


def _one_lock_over_all(obj, lookup, removal) -> bool:
    """One lock held over the test, the lookup and the removal. A lock taken around the lookup
    only (`if key in d: with lock: return d[key]`) leaves the gap after the test open."""
    if not common_lock(lookup, removal):
        return False
    shared = lookup.locks & removal.locks
    return all(test.locks & shared for test in _tests_of(obj, lookup))


RULE = Rule(
    code="RF110",
    name="lookup-after-membership-test",
    severity="medium",
    summary="a shared container is tested for a key and then indexed while another thread can remove it",
    doc=__doc__.split("\n", 2)[2],
    fix="Look the key up once (`value = d.get(key)`, then test `value`), or hold the lock that guards "
    "the removals over both the test and the lookup.",
    check=check,
)
