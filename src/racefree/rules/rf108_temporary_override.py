"""RF108 temporary-override-of-shared-state

## What it does
Finds functions that save a shared value, set their own, and put the saved value back
afterwards (`old = lib.flag; lib.flag = mine; ...; lib.flag = old`), often a context manager
around a call, in code that other threads or tasks run at the same time. It also finds an
object's attribute swapped this way around an `await`, and on a client or session object that
programs share, around the `yield` of a context-manager method (`with client.token_as(token):`):
tasks and threads that share the object see one another's values. A context manager that sets
the state before its `yield` and sets it to a constant after (`_DISABLED = True; try: yield
finally: _DISABLED = False`) overrides it the same way, and so does one that pushes its own entry
on a shared stack and pops it afterwards (`self._stack.append(state)`, then `self._stack.pop()`):
the entry on top is the call's for the length of the call. So is a class whose `__enter__` pushes
onto a stack every instance shares and whose `__exit__` pops it (`type(self).get_contexts()
.append(self)`, reached through a classmethod that returns the class's list): the top is the
block's own object for the length of the `with` block, and other threads' blocks push and pop
on the same stack; also where `__enter__` and `__exit__` leave the push and the pop to methods of
the class they call (`return self.start()`, `self.stop()`, as freezegun's `freeze_time` does).

## Why is this bad?
Saving and restoring scopes a value to one call only when nothing else runs meanwhile. When two
calls overlap, the second saves the first one's value, each runs with whatever the other set
last, and the restores run in the wrong order: the value left behind after both is a temporary
one, for every later caller in the process.

## Example
```python
import threading
from contextlib import contextmanager

import litellm


@contextmanager
def params_modified(flag):
    old = litellm.modify_params
    litellm.modify_params = flag        # every thread sees this one
    try:
        yield
    finally:
        litellm.modify_params = old     # may put back another call's value


def complete(messages, flag):
    with params_modified(flag):
        return litellm.completion(model="gpt-4o-mini", messages=messages)


def complete_all(batches):
    threads = [threading.Thread(target=complete, args=(batch, True)) for batch in batches]
    for thread in threads:
        thread.start()
```

## Use instead
```python
import threading

import litellm


def complete(messages, flag):
    return litellm.completion(model="gpt-4o-mini", messages=messages, modify_params=flag)


def complete_all(batches):
    threads = [threading.Thread(target=complete, args=(batch, True)) for batch in batches]
    for thread in threads:
        thread.start()
```
Pass the value to the call that needs it; where it must travel further, keep it in a
`contextvars.ContextVar`, which each thread and task sees on its own.

Not reported: an override that only library calls that set up reach (a module's setters,
`set_*`, and the methods starting an object up, `start()` and `initialize()`): a program runs
them while it configures, before its threads and tasks use what they set. Nor is an override
made after claiming a flag under a lock (`if self._active is not None: raise ...; self._active =
turn`), which refuses a second caller until the flag is cleared after the restore. Nor is a
value put back only in an `except` block (`backup = port.baudrate; try: port.baudrate = rate
except ValueError: port.baudrate = backup`): that undoes a change that failed, and the value set
was meant to stay, so no temporary value is in place. A swap of the interpreter's own streams
and hooks (`sys.stdout`, `sys.excepthook`, `warnings.showwarning`) is reported where the
package's threads or tasks run it (a request handler, a pool job), not for being public API:
the standard library documents `redirect_stdout` as unfit for threaded programs, so a helper
that does it is a tool for one thread, a script's or a test's.
"""

from __future__ import annotations

from racefree.analysis.concurrency import self_concurrency
from racefree.analysis.shared_state import unique_facts
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name
from racefree.summarize.block_sides import opening_side
from racefree.summarize.model import OP_MUTATE


def check(obj, evidence):
    """One finding per object, with every function that overrides it: each set, each restore, and
    the read that saved the value."""
    writes, saves = [], []
    for restore in obj.writes():
        if not restore.access.restores or self_concurrency(restore) is None or restore.only_while_setting_up:
            continue  # a setter or a start-up method: programs run it while they set up
        # Under one lock held across both, overrides take turns (other readers still see them).
        sets = [w for w in obj.writes()
                if w.fid == restore.fid and not w.access.restores and w.access.line < restore.access.line
                and w.access.slot == restore.access.slot and not (w.locks & restore.locks)]
        sets += _pushed_by_its_enter(obj, restore)
        if not sets:
            continue
        writes.extend([*sets, restore])
        saves.extend([r for r in obj.reads() if r.fid == restore.fid and r.access.line < sets[0].access.line][:1])
    if not writes:
        return []
    writes = unique_facts(writes)
    first = writes[0]
    functions = list(dict.fromkeys(f"`{function_name(w)}`" for w in writes))
    across = any(w.access.restores_across_await for w in writes)
    meanwhile = " while it awaits" if across else ""
    where = f"{' and '.join(functions[:2])}{', ...' if len(functions) > 2 else ''} ({entry_description(first)})"
    if all(w.access.appends or w.access.op == OP_MUTATE for w in writes):
        message = (
            f"`{short_name(obj)}` has an entry pushed in {where} and popped afterwards{meanwhile}: overlapping "
            f"calls push and pop each other's entries, and the top of the stack they read may be another call's"
        )
    else:
        message = (
            f"`{short_name(obj)}` is set in {where} and put back afterwards{meanwhile}: overlapping calls run "
            f"with each other's value and restore it in the wrong order"
        )
    reason = f"{obj.why_shared}; {entry_description(first)} runs while other calls of it run"
    return [make_finding(RULE, obj, evidence, message, reason, writes, unique_facts(saves))]


def _pushed_by_its_enter(obj, pop):
    """The pushes of the `__enter__` whose `__exit__` pops, in them or in the methods of the class
    they call (`start()`, `stop()`; the summariser marks such a pop as a restore): a context
    manager that makes its own object the top of a shared stack for the length of its block
    (`with pm.Model():`, `with freeze_time(...):`)."""
    info = pop.info
    cls = info.module.classes.get(info.summary.class_name or "")
    if cls is None:
        return []
    opening = opening_side(cls, info.module.functions, info.summary)
    return [w for w in obj.writes() if any(w.info.summary is method for method in opening)
            and w.access.appends and not (w.locks & pop.locks)]


RULE = Rule(
    code="RF108",
    name="temporary-override-of-shared-state",
    severity="medium",
    summary="a function sets shared state for the length of a call and restores it afterwards",
    doc=__doc__.split("\n", 2)[2],
    fix="Pass the value to the code that needs it instead of setting shared state around the call; where it "
    "must travel far, use a contextvars.ContextVar, which each thread and task sees on its own.",
    check=check,
)
