"""RF102 handoff-through-shared-state

## What it does
Finds values that a function running on another thread (a library callback, a thread target,
an executor job) writes into shared state for some other code to read back as if the value
belonged to it.

## Why is this bad?
Shared state holds one value for the whole process. When the writer runs on a thread of its own,
the reader cannot know whether the value it reads is the one for its own call: another call's
callback may have written it in between, or this call's callback may not have run yet. Costs,
token counts and results end up attributed to the wrong call, and limits enforced on them stop
the wrong job.

## Example
```python
import litellm

MODEL = "gpt-4o-mini"
_LAST = {"cost": 0.0}

def _on_success(kwargs, response, start, end):   # LiteLLM runs this on its own thread
    _LAST["cost"] = litellm.completion_cost(response)

litellm.success_callback = [_on_success]

def invoke(prompt):
    response = litellm.completion(model=MODEL, messages=[{"role": "user", "content": prompt}])
    return response, _LAST["cost"]                # maybe another call's cost, maybe stale
```

## Use instead
Compute the value where it is needed, from the call's own result, or key it by call:
```python
import litellm

MODEL = "gpt-4o-mini"

def invoke(prompt):
    response = litellm.completion(model=MODEL, messages=[{"role": "user", "content": prompt}])
    return response, litellm.completion_cost(response)
```
If the callback must produce it, store it under an id the caller owns (`metadata={"call_id": ...}`)
in a dict guarded by a `threading.Lock`, and have the caller pop its own entry.

Not reported: state that a scheduler's job or an object's timer-woken thread keeps current for
whoever reads next (a health flag), unless a reader reads parts of it that the writer stores
together under a lock; the exception a thread keeps when it fails (`self.failed = e`,
`self._exc = sys.exc_info()`), which is that thread's own outcome; a truth value
(`self.running = True`), a state flag with no call's data in it; what a lazy import binds in a
module global (`global litellm; import litellm as _litellm; litellm = _litellm`), the same module
for every caller; reads in a loop that waits
for the value between sleeps (`while not self.ready: time.sleep(0.05)`), which take it as a
signal; and reads that the code which started the thread makes after joining it
(`committer.join()`, then the read), or that library callers make when the thread's `start()`
waits, after starting the thread, for the thread to signal that it has published
(`self._cond.wait()` answered by `notify_all()` after the write, `self._ready.result()` answered
by `set_result()`, also from a coroutine the thread runs), on every path past the start: a
`start()` that may return first (with no timeout, or to a second caller that finds the thread
already alive outside the lock it waits under) leaves its readers racing. Nor are reads in the
coroutines of an object whose own plain method stores the value and then runs the event loop
they run on (`self._client = c; loop.run_forever(); self._client = None`): the loop starts
after the store and has stopped before the clear. Nor are reads that the code starting the
writing thread makes before it starts it, where that thread starts once: a Thread subclass's own
object (`self.start()`, `self.heartbeat.start()`) or a thread its object made in the constructor
(`self._key_thread = Thread(...)`, then `self._key_thread.start()` after the read).
"""

from __future__ import annotations

from racefree.analysis.pairs import hand_off, write_read_races
from racefree.analysis.shared_state import THREAD_STARTED
from racefree.knowledge.entry_points import BACKGROUND
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name


def check(obj, evidence):
    races, torn = [], False
    for race in write_read_races(obj):
        if race.write.access.stores_exception:
            continue  # a thread's own failure, kept for whoever checks on the thread
        if race.write.access.stores_truth:
            continue  # `self.running = True`: a state flag carries no call's data
        if race.write.access.stores_import:
            continue  # `litellm = _litellm`: a lazy import is the same module for every caller
        # A reader that waits for the value in a loop (`while not self.ready: time.sleep(0.1)`)
        # takes it as a signal when it comes, not as its own call's result.
        race.reads = [read for read in race.reads if not read.access.polled]
        if not _handed_over(obj, race.write):
            if not _on_a_timetable(obj, race.write):
                continue
            # The current state, for whoever reads next: still a race for a reader that reads it
            # with another part stored under the same lock (`len(self.buckets) + self._total`).
            race.reads = [read for read in race.reads if _reads_a_pair(race.write, read)]
            torn = torn or bool(race.reads)
        if race.reads:
            races.append(race)
    if not races:
        return []
    parties = hand_off(obj, races)
    writes, reads, readers, first = parties.writes, parties.reads, parties.readers, parties.first
    name = short_name(obj)
    writer_entry = entry_description(first, prefer=BACKGROUND)
    shown = ", ".join(f"`{r}`" for r in readers[:3])
    if torn and not any(_handed_over(obj, race.write) for race in races):
        message = (f"`{name}` is stored with other state under a lock in `{function_name(first)}` ({writer_entry}) "
                   f"and read with that state without the lock in {shown}: a reader can see one part new and "
                   f"another old")
    else:
        message = (f"`{name}` hands data from `{function_name(first)}` ({writer_entry}) to {shown} through shared "
                   f"state: a reader can get another call's value")
    background = min((r.entry for m, r in races[0].write.modes.items() if m.context == BACKGROUND),
                     key=lambda entry: entry.scheduled)
    reason = (
        f"{obj.why_shared}; `{function_name(first)}` is a {background.framework}: {background.why}; so its writes are not ordered "
        f"with the reads in {shown}"
    )
    return [make_finding(RULE, obj, evidence, message, reason, writes, reads, prefer=BACKGROUND)]


def _on_a_timetable(obj, write) -> bool:
    return any(mode.context == BACKGROUND and _timetabled(obj, mode) for mode in write.modes)


def _timetabled(obj, mode) -> bool:
    """Run on a timetable to keep state current: a scheduler's job, or the timer-woken thread of
    the object whose own state it writes (a monitor's status; not a module's header dict that
    the monitor's thread fills like every other caller, for the call it makes)."""
    return mode.scheduled or (mode.polls and obj.why_shared.endswith(THREAD_STARTED))


def _reads_a_pair(write, read) -> bool:
    """The writer stores this and another attribute of the same object under a lock, and the
    reader reads both without it."""
    mine = write.access.ref
    if not write.locks or read.locks or mine.root_kind != "self":
        return False
    parts = {a.ref for a in write.info.summary.accesses
             if a.kind == "write" and a.locks and a.ref.root_kind == "self" and a.ref != mine}
    return any(a.kind == "read" and a.ref in parts for a in read.info.summary.accesses)


def _handed_over(obj, write) -> bool:
    """The write runs on a thread of its own for some caller: a callback, a thread target, an
    executor job. A job a scheduler runs on its own timetable (a periodic refresh of the model
    list), or the thread of an object that wakes on a timer to update the object's own state (a
    health monitor), stores the current state for whoever reads next; readers do not take it for
    theirs."""
    return any(mode.context == BACKGROUND and not _timetabled(obj, mode) for mode in write.modes)


RULE = Rule(
    code="RF102",
    name="handoff-through-shared-state",
    severity="high",
    summary="a callback or thread hands a value to other code through shared state",
    doc=__doc__.split("\n", 2)[2],
    fix="Do not pass results between threads through shared state: compute the value from the call's "
    "own result, or store it under an id the caller owns (a dict guarded by a threading.Lock), "
    "or use a queue.Queue or a contextvars.ContextVar.",
    check=check,
)
