"""RF105 check-then-act-across-await

## What it does
Finds coroutines that test shared state, `await` something, and then write that state based on
the test they made before the await.

## Why is this bad?
An `await` lets every other task run. While this task waits, another task can pass the same test
and start the same work: two `CreateSession` calls, a schema initialised twice, a spend total
computed from a stale read. Being on one thread does not help; the await is the switch point.

## Example
```python
import asyncio

class Credentials:
    def __init__(self):
        self._cached = None

    async def _create_session(self):
        await asyncio.sleep(0.1)                           # a network round trip
        return {"token": "..."}

    async def get(self):
        if self._cached is None:                           # every concurrent task sees None...
            self._cached = await self._create_session()    # ...and each creates its own session
        return self._cached

credentials = Credentials()

async def main():
    await asyncio.gather(credentials.get(), credentials.get())   # two tasks, two sessions
```

## Use instead
```python
import asyncio

class Credentials:
    def __init__(self):
        self._cached = None
        self._lock = asyncio.Lock()

    async def _create_session(self):
        await asyncio.sleep(0.1)
        return {"token": "..."}

    async def get(self):
        async with self._lock:
            if self._cached is None:
                self._cached = await self._create_session()
        return self._cached

credentials = Credentials()

async def main():
    await asyncio.gather(credentials.get(), credentials.get())
```
or store the pending `asyncio.Task` before awaiting it, so later callers await the same one.

Not reported: a test of whether the calling task is the owner (`if self._holder is
asyncio.current_task(): raise NestedCallError`), which no other task can change: what another
task stores names that task; a check and act in a teardown (`close()`, `close_page()`, or a
private helper that only teardowns call, such as the `_close()` that does `close()`'s work),
which a program runs once per object; and one that only library calls that set up reach: the
methods starting an object up (`await client.start()`, `async with client:`, `initialize()`, a
task `start()` spawns), which a program also runs once per object, and a module's setters
(`set_*`). A client that connects lazily, from its queries,
is reported. Nor is a check and act that only one task runs at a time: a task made only while
none is kept (`if self._init_task is None: self._init_task = asyncio.create_task(self._init())`)
cannot pass its own test twice. Nor one that files, before any await, what other tasks look
for and then leave on (`existing = inflight.get(key)`, `if existing is not None: return await
existing`, then `inflight[key] = future` before `await fetch()`): the entry claims the key, as
setting a flag does (`if self._connecting: raise ...; self._connecting = True`), and the writes
after the await finish the claiming task's own work. (Clearing the state first,
`self._websocket = None`, claims nothing: other tasks then pass the test too.)
"""

from __future__ import annotations

from racefree.analysis.concurrency import self_concurrency
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name, check_and_act_unguarded, checks_of


def check(obj, evidence):
    writes = [
        w for w in obj.writes()
        if w.access.checked_at is not None and w.access.await_between and not w.access.checked_by_owner
        and check_and_act_unguarded(obj, w) and self_concurrency(w) is not None
    ]
    if not writes:
        return []
    first = writes[0]
    checks = checks_of(obj, first)
    message = (
        f"`{short_name(obj)}` is checked at line {first.access.checked_at}, then an await runs, then "
        f"`{function_name(first)}` writes it: other tasks pass the same check meanwhile"
    )
    reason = f"{obj.why_shared}; {entry_description(first)} runs as concurrent tasks that interleave at each await"
    return [make_finding(RULE, obj, evidence, message, reason, writes, checks)]


RULE = Rule(
    code="RF105",
    name="check-then-act-across-await",
    severity="high",
    summary="shared state is tested, an await runs, then the state is written from the stale test",
    doc=__doc__.split("\n", 2)[2],
    fix="Hold an asyncio.Lock across the check, the await and the write, re-check after the await, or "
    "store the pending task before awaiting so concurrent callers share it.",
    check=check,
)
