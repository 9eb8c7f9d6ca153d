"""RF109 shared-unsafe-object

## What it does
Finds a library object that is not thread-safe (a ruamel.yaml `YAML`, a sqlite3 or PyMySQL
connection, an `http.client` connection, a Python-Markdown instance, a boto3 session...) kept
where every thread reaches it (a module global, a class attribute, an attribute of a shared
object) and used by code that runs on several threads at once, with no lock around the use.

## Why is this bad?
These objects keep the state of one operation on themselves while it runs: ruamel.yaml builds its
scanner, parser and emitter on the `YAML` instance for each load and dump, a DB-API connection has
one transaction and one result set, an HTTP connection one socket and one response. Two threads
that use the one object interleave their operations: emitter errors, half-parsed documents,
statements committed in another thread's transaction, responses read by the wrong request. The
library documents it; nothing in the program's own code looks wrong.

## Example
```python
from concurrent.futures import ThreadPoolExecutor

from ruamel.yaml import YAML

_YAML = YAML()

def loadfn(path):
    with open(path) as f:
        return _YAML.load(f)

def load_all(paths):
    with ThreadPoolExecutor(max_workers=8) as pool:   # loadfn runs on 8 threads at once
        return list(pool.map(loadfn, paths))
```

## Use instead
```python
from concurrent.futures import ThreadPoolExecutor

from ruamel.yaml import YAML

def loadfn(path):
    with open(path) as f:
        return YAML().load(f)     # one object per call (or per thread, in a threading.local)

def load_all(paths):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(loadfn, paths))
```
or keep the one object and take a `threading.Lock` around every use of it. The objects racefree
knows are listed in `racefree/knowledge/unsafe_objects.py`.
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, may_run_concurrently, self_concurrency
from racefree.knowledge.unsafe_objects import unsafe_object
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
    uses = [u for u in obj.uses() if unlocked(u) and u.concurrent and not u.only_while_setting_up]
    beside_itself = [u for u in uses if self_concurrency(u) == PREEMPTIVE]
    if beside_itself:
        first, racing = beside_itself[0], unique_facts(beside_itself)
        concurrency = runs_on_several_threads(first)
    else:
        pairs = [(a, b) for i, a in enumerate(uses) for b in uses[i + 1:]
                 if a.fid != b.fid and may_run_concurrently(a, b) == PREEMPTIVE and not (a.locks & b.locks)]
        if not pairs:
            return []
        first, other = pairs[0]
        racing = unique_facts(f for pair in pairs for f in pair)
        concurrency = f"{entry_description(first)} and {entry_description(other)} run on different threads"
    known = unsafe_object(obj.typed, first.access.slot)
    message = (
        f"`{short_name(obj)}` is {known.what}, which is not thread-safe, and `{function_name(first)}` "
        f"({entry_description(first)}) calls `{first.access.slot}()` on it without a lock while other threads "
        f"can use it too"
    )
    reason = f"{obj.why_shared}; {concurrency}; {known.why}"
    return [make_finding(RULE, obj, evidence, message, reason, racing, [])]


RULE = Rule(
    code="RF109",
    name="shared-unsafe-object",
    severity="high",
    summary="a library object that is not thread-safe is shared by code that runs on several threads",
    doc=__doc__.split("\n", 2)[2],
    fix="Make one object per call or per thread (threading.local), or guard every use of the shared "
    "object with one threading.Lock.",
    check=check,
)
