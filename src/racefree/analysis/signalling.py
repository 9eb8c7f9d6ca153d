"""Happens-before through an event: a function that writes and then calls `ready.set()`, and
one that calls `ready.wait()` and then reads, are ordered write-then-read on that event. So are
a write and a reader that the writing function hands on to run after it (`self._result = r;
loop.add_callback(self._dispatch_result)`), where nothing else runs the reader; and a write
published by a later store that the reader tests first (`self._rules = r; self._session = s`,
then `if not self._session: return` before `self._rules[k]`). And a thread's writes come before
the reads that the function that started it makes after joining it (`committer.start()` ...
`committer.join()`, then `self._final_commit_info()`).

The two calls are matched by the reference they are made on, within one module (`self._ready`
in two methods of one class, or a module-level event), which is how the pattern is written:
a service thread publishes its loop or server and signals; the thread that started it waits
before it uses them.
"""

from __future__ import annotations

from racefree.analysis.shared_state import AccessFact
from racefree.knowledge.entry_points import BACKGROUND
from racefree.knowledge.sync import EVENT_SIGNAL_METHODS, EVENT_WAIT_METHODS, READY_SIGNAL_METHODS
from racefree.summarize.model import WRITE, Ref


def _event_calls(function, methods: frozenset[str]) -> list[tuple[Ref, int]]:
    """The calls the function makes of these methods: the object each is made on, and its line."""
    calls = []
    for call in function.calls:
        callee = call.callee
        if callee is not None and len(callee.attrs) >= 1 and callee.attrs[-1] in methods:
            calls.append((Ref(callee.root_kind, callee.root, callee.attrs[:-1]), call.line))
    return calls


def signalled_before(write: AccessFact, read: AccessFact) -> bool:
    """The write's function signals an event after the write, and the read's function waits on
    that event before the read."""
    if write.info.module.module != read.info.module.module:
        return False
    signals = {ref for ref, line in _event_calls(write.info.summary, EVENT_SIGNAL_METHODS) if line > write.access.line}
    if not signals:
        return False
    return any(ref in signals for ref, line in _event_calls(read.info.summary, EVENT_WAIT_METHODS) if line < read.access.line)


def scheduled_after(write: AccessFact, read: AccessFact) -> bool:
    """The write's function hands the read's function to a call after the write (a resolver
    thread stores its result, then `loop.add_callback(self._dispatch_result)`, as pika's does),
    and no entry point reaches the reader: it runs only as that callback, after the write."""
    if read.modes or write.info.module.module != read.info.module.module:
        return False
    writer, reader = write.info.summary, read.info.summary
    for call in writer.calls:
        if call.line < write.access.line:
            continue
        for arg in call.function_args:
            target = arg.target
            if arg.local is not None:
                if arg.local == reader.qualname:
                    return True
            elif target is not None and target.root_kind == "self" and target.attrs == (reader.name,):
                if reader.class_name is not None and reader.class_name == writer.class_name:
                    return True
            elif target is not None and target.root_kind == "global" and not target.attrs:
                if reader.class_name is None and target.root == reader.qualname:
                    return True
    return False


def published_before(write: AccessFact, read: AccessFact) -> bool:
    """The write's function, after the write, stores another object (the session, a ready flag)
    that the read's function tests as set before it reads (newrelic's `Application` sets its
    rules and sampler, then `self._active_session`; every reader starts with `if not
    self._active_session: return`), or proves set by calling first a check of its own object that
    raises otherwise (django's `self.check_apps_ready()`): a reader that gets past the test sees
    the published state."""
    reader = read.info.summary
    if not (read.access.behind or reader.calls_on_self_first) or write.info.module.module != read.info.module.module:
        return False
    if write.access.ref.root_kind == "self" and write.info.summary.class_name != read.info.summary.class_name:
        return False
    tested = set(read.access.behind) | _ensured_by_checks_first(read)
    return any(
        a.kind == WRITE and a.line > write.access.line and a.ref in tested and a.ref != write.access.ref
        and (not a.stores_scalar or a.stores_truth) and not a.restores
        for a in write.info.summary.accesses)


def _ensured_by_checks_first(read: AccessFact) -> set[Ref]:
    """What the methods the reader calls first on its own object prove set by raising otherwise
    (django's `get_models` starts with `self.check_models_ready()`)."""
    reader = read.info.summary
    functions = read.info.module.functions
    ensured: set[Ref] = set()
    for line, method in reader.calls_on_self_first:
        check = functions.get(f"{reader.class_name}.{method}") if reader.class_name else None
        if check is not None and line < read.access.line:
            ensured.update(check.ensures)
    return ensured


def joined_before(write: AccessFact, read: AccessFact) -> bool:
    """The write runs on a thread that the read's function, or its one caller in the module,
    started and then joined before the read (huggingface_hub's upload pipeline joins its
    committer thread, then reads the last commit it made). The reader is reached from no entry
    point of its own, so no other call runs it meanwhile."""
    if read.modes or write.info.module.module != read.info.module.module:
        return False
    module = read.info.module
    threads = [reach.entry for mode, reach in write.modes.items() if mode.context == BACKGROUND]
    if not threads or len(threads) != len(write.modes) or any(entry.file != module.path for entry in threads):
        return False
    reader = read.info.summary
    for starter in module.functions.values():
        started = {call.line for call in starter.calls}
        if not all(entry.line in started for entry in threads):
            continue
        joins = [line for line in starter.thread_joins if line > max(entry.line for entry in threads)]
        if not joins:
            continue
        joined = min(joins)
        if starter is reader:
            return read.access.line > joined
        callers = [(function, call.line) for function in module.functions.values() for call in function.calls
                   if _names_function(call.callee, reader)]
        return bool(callers) and all(function is starter and line > joined for function, line in callers)
    return False


def _names_function(callee: Ref | None, function) -> bool:
    """The call names the function: `self.method()` in its class, or a module function by name."""
    if callee is None:
        return False
    if function.class_name is not None:
        return callee.root_kind == "self" and callee.attrs == (function.name,)
    return callee.root_kind == "global" and not callee.attrs and callee.root == function.qualname


def awaited_by_its_starter(write: AccessFact, read: AccessFact) -> bool:
    """A thread's body writes, then signals (`self._cond.notify_all()`, or hands its loop a
    method of its class that does, asyncua's `loop.call_soon_threadsafe(self._notify_start)`),
    and the method of its class that starts it waits after the start (`Thread.start(self);
    self._cond.wait()`): `start()` returns only after the write. A method of that class which
    only library callers run, after they started the object (`post`, `stop`), reads after it."""
    writer = write.info.summary
    class_name = writer.class_name
    if class_name is None or not read.api_only or read.info.summary.class_name != class_name \
            or write.info.module.module != read.info.module.module:
        return False
    threads = [reach.entry for mode, reach in write.modes.items() if mode.context == BACKGROUND]
    if not threads or len(threads) != len(write.modes) or any(entry.fid != write.fid for entry in threads):
        return False
    functions = write.info.module.functions
    if not _signals(writer, write.access.line, functions, class_name):
        return False
    return any(_starts_then_waits(function) for function in functions.values()
               if function.class_name == class_name and function is not writer)


def _signals(writer, after: int, functions, class_name: str) -> bool:
    """After the line, the thread's body signals readiness itself, or hands on a method of its
    class that does."""
    if any(line > after for _, line in _event_calls(writer, READY_SIGNAL_METHODS)):
        return True
    for call in writer.calls:
        if call.line <= after:
            continue
        for arg in call.function_args:
            target = arg.target
            if target is not None and target.names_own_member():
                handed = functions.get(f"{class_name}.{target.attrs[0]}")
                if handed is not None and _event_calls(handed, READY_SIGNAL_METHODS):
                    return True
    return False


def _starts_then_waits(function) -> bool:
    """`Thread.start(self)` or `self._thread.start()`, then a wait (`self._cond.wait()`)."""
    starts = [call.line for call in function.calls if call.callee_text.rsplit(".", 1)[-1] == "start"]
    return bool(starts) and any(line > min(starts) for _, line in _event_calls(function, EVENT_WAIT_METHODS))
