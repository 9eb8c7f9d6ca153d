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
"""

from __future__ import annotations

from racefree.analysis.pairs import hand_off, write_read_races
from racefree.knowledge.entry_points import BACKGROUND
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name


def check(obj, evidence):
    races = [r for r in write_read_races(obj) if _handed_over(r.write)]
    if not races:
        return []
    parties = hand_off(obj, races)
    writes, reads, readers, first = parties.writes, parties.reads, parties.readers, parties.first
    name = short_name(obj)
    writer_entry = entry_description(first, prefer=BACKGROUND)
    message = (
        f"`{name}` hands data from `{function_name(first)}` ({writer_entry}) to "
        f"{', '.join(f'`{r}`' for r in readers[:3])} through shared state: a reader can get another call's value"
    )
    background = next(r.entry for m, r in races[0].write.modes.items() if m.context == BACKGROUND and not m.scheduled)
    reason = (
        f"{obj.why_shared}; `{function_name(first)}` is a {background.framework}: {background.why}; so its writes are not ordered "
        f"with the reads in {', '.join('`' + r + '`' for r in readers[:3])}"
    )
    return [make_finding(RULE, obj, evidence, message, reason, writes, reads, prefer=BACKGROUND)]


def _handed_over(write) -> bool:
    """The write runs on a thread of its own for some caller: a callback, a thread target, an
    executor job. A job a scheduler runs on its own timetable (a periodic refresh of the model
    list) stores the current state for whoever reads next; readers do not take it for theirs."""
    return any(mode.context == BACKGROUND and not mode.scheduled for mode in write.modes)


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
