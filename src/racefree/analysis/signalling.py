"""Happens-before through an event: a function that writes and then calls `ready.set()`, and
one that calls `ready.wait()` and then reads, are ordered write-then-read on that event. So are
a write and a reader that the writing function hands on to run after it (`self._result = r;
loop.add_callback(self._dispatch_result)`), where nothing else runs the reader; and a write
published by a later store that the reader tests first (`self._rules = r; self._session = s`,
then `if not self._session: return` before `self._rules[k]`). And a thread's writes come before
the reads that the function that started it makes after joining it (`committer.start()` ...
`committer.join()`, then `self._final_commit_info()`); and what a Thread subclass's `start()`
writes on its own object before it starts the thread comes before what the thread's body reads,
as does what a method writes before it makes the thread that reads, under a flag it claims.

The two calls are matched by the reference they are made on, within one module (`self._ready`
in two methods of one class, or a module-level event), which is how the pattern is written:
a service thread publishes its loop or server and signals; the thread that started it waits
before it uses them.
"""

from __future__ import annotations

from racefree.analysis.shared_state import AccessFact
from racefree.knowledge.entry_points import BACKGROUND, LOOP_RUNNERS, THREAD_SUBCLASS
from racefree.knowledge.sync import (
    EVENT_SIGNAL_METHODS,
    EVENT_WAIT_METHODS,
    READY_SIGNAL_METHODS,
    READY_WAIT_METHODS,
)
from racefree.summarize.model import CLAIMED, WRITE, Call, Ref


def _event_call_sites(function, methods: frozenset[str]) -> list[tuple[Ref, Call]]:
    """The calls the function makes of these methods: the object each is made on, and the call."""
    calls = []
    for call in function.calls:
        callee = call.callee
        if callee is not None and len(callee.attrs) >= 1 and callee.attrs[-1] in methods:
            calls.append((Ref(callee.root_kind, callee.root, callee.attrs[:-1]), call))
    return calls


def _event_calls(function, methods: frozenset[str]) -> list[tuple[Ref, int]]:
    """The calls the function makes of these methods: the object each is made on, and its line."""
    return [(ref, call.line) for ref, call in _event_call_sites(function, methods)]


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
    """A thread's body writes, then signals that it is ready on an object of its own (an event's
    `set()`, a condition's `notify_all()`, a future's `set_result()`; or it hands its loop a method
    of its class that does, asyncua's `loop.call_soon_threadsafe(self._notify_start)`), and the
    method of its class that starts it waits on that object after the start (`Thread.start(self);
    self._cond.wait()`, `self.thread.start(); self._ready.result()`): the start returns only after
    the write. The write may be in a function the body runs on the way, on the same object, before
    the signal: a coroutine it runs (`asyncio.run(self._serve())`) or one defined inside it. Code
    that only library callers (or the program's main thread) run, after they started the object,
    reads after it: a method of that class (`post`, `stop`), or of the object that keeps and
    starts it (a client's `ioloop` property reading `self.ioloop_thread.ioloop`)."""
    writer = write.info.summary
    class_name = writer.class_name
    if class_name is None or write.reach is None:
        return False
    if read.modes and not read.api_only:
        return False  # a framework or another thread runs the reader: it need not come after a start
    if not write.modes or any(mode.context != BACKGROUND for mode in write.modes):
        return False
    functions = write.info.module.functions
    starters = [function for function in functions.values()
                if function.class_name == class_name and function is not writer]
    for mode in write.modes:
        signals = _signalled_on_the_way(write, mode, class_name)
        if not signals or not any(_starts_then_waits(function, signals) for function in starters):
            return False
    return True


def _signalled_on_the_way(write: AccessFact, mode, class_name: str) -> set[Ref]:
    """What the thread signals on after the write: in the writer after the write, or in a function
    on its way from the thread's body after the call that led there. Every function on the way is
    one of the class's, in its module, called only from the one before it: the same object, and no
    other path to the write."""
    reach = write.reach
    index = reach.index
    module = write.info.module
    chain = reach.chain(write.fid, mode)
    signals: set[Ref] = set()
    for position, (fid, line) in enumerate(chain):
        info = index.functions[fid]
        if info.module is not module or info.summary.class_name != class_name:
            return set()
        if position > 0 and {edge.caller for edge in index.calls_to.get(fid, ())} != {chain[position - 1][0]}:
            return set()
        after = line if position < len(chain) - 1 else write.access.line
        signals |= _ready_signals(info.summary, after, module.functions, class_name)
    return signals


def _ready_signals(function, after: int, functions, class_name: str) -> set[Ref]:
    """The objects the function signals readiness on after the line, itself or through a method
    of its class that it hands on."""
    signals = {ref for ref, line in _event_calls(function, READY_SIGNAL_METHODS) if line > after}
    for call in function.calls:
        if call.line <= after:
            continue
        for arg in call.function_args:
            target = arg.target
            if target is not None and target.names_own_member():
                handed = functions.get(f"{class_name}.{target.attrs[0]}")
                if handed is not None:
                    signals |= {ref for ref, _ in _event_calls(handed, READY_SIGNAL_METHODS)}
    return signals


def _starts_then_waits(function, signals: set[Ref]) -> bool:
    """It starts the thread, then waits on one of the objects the thread signals on before it can
    return (`Thread.start(self); self._cond.wait()`, `self.thread.start(); self._ready.result()`);
    where an earlier return skips the start, it waits under the lock that return is under."""
    if not function.ready_waits:
        return False
    waits = _event_call_sites(function, READY_WAIT_METHODS)
    return any(call.line == line and ref in signals and (call.locks or not needs_lock)
               for line, needs_lock in function.ready_waits for ref, call in waits)


def written_before_it_makes_the_thread(write: AccessFact, read: AccessFact) -> bool:
    """The write comes before, in the same function, the call that hands the reader's code to a
    thread (`self._options.update(...)`, then `threading.Thread(target=self._read_loop).start()`
    in `open()`): starting the thread orders what was written before it. Only where one run of
    the writer at a time is seen (the caller that drives the object, a thread started once): a
    request handler that does so meets the thread of another request."""
    if not read.modes or any(mode.context != BACKGROUND for mode in read.modes):
        return False
    if any(mode.multiple for mode in write.modes):
        return False
    summary, path = write.info.summary, write.info.module.path
    return all(reach.entry.file == path and summary.line <= reach.entry.line <= summary.end_line
               and write.access.line < reach.entry.line for reach in read.modes.values())


def written_before_its_thread_starts(write: AccessFact, read: AccessFact) -> bool:
    """A Thread subclass's `start()` sets its own object up, then starts the thread
    (`self.on_thread_start(); threading.Thread.start(self)`): what that set-up writes, through
    calls on the same object, the thread's body reads after the start. A thread object starts
    once (a second `start()` raises), so no later set-up can meet the body."""
    if write.reach is None or write.access.ref.root_kind != "self" or not read.modes or not write.modes:
        return False
    if any(mode.context != BACKGROUND or reach.entry.framework != THREAD_SUBCLASS for mode, reach in read.modes.items()):
        return False
    index = write.reach.index
    bodies = {index.functions[reach.entry.fid].class_id for reach in read.modes.values() if reach.entry.fid in index.functions}
    return all(_through_its_start(index, write.reach.chain(write.fid, mode), bodies) for mode in write.modes)


def _through_its_start(index, chain: list[tuple[str, int]], bodies: set) -> bool:
    """The chain passes through the `start()` of a class whose thread runs one of the bodies,
    before that `start()` starts the thread, and goes on from there by calls on `self` only."""
    for position, (fid, line) in enumerate(chain[:-1]):
        info = index.functions[fid]
        class_id = info.class_id
        if info.summary.name != "start" or class_id is None:
            continue
        if not any(body in index.subclasses_and_self(class_id) or class_id in index.subclasses_and_self(body)
                   for body in bodies if body is not None):
            continue
        starts = [call.line for call in info.summary.calls if _starts_its_own_thread(call)]
        if not starts or line >= min(starts):
            continue
        steps = chain[position:]
        if all(any(edge.callee == callee and edge.line == at and edge.call.callee is not None
                   and edge.call.callee.names_own_member() for edge in index.calls_from.get(caller, ()))
               for (caller, at), (callee, _) in zip(steps, steps[1:])):
            return True
    return False


def _starts_its_own_thread(call: Call) -> bool:
    """`threading.Thread.start(self)`, `Thread.start(self)` or `super().start()`."""
    callee = call.callee
    if callee is None or not callee.attrs or callee.attrs[-1] != "start":
        return False
    return (callee.root_kind == "super" and len(callee.attrs) == 1) or (
        call.hands_self and call.callee_text in ("threading.Thread.start", "Thread.start"))


def read_before_its_writer_starts(write: AccessFact, read: AccessFact) -> bool:
    """The read's function reads, then starts the one thread that writes: a Thread subclass's
    own object (`self.start()`, also through a method it calls on itself, or
    `self.heartbeat.start()` on an attribute made of that class), or the thread an attribute
    keeps (`self._key_thread = Thread(target=self._read_input)` in the constructor, then
    `self._key_thread.start()`). A thread object starts once (a second `start()` raises), so the
    read comes before every write that thread makes."""
    if not write.modes or any(mode.context != BACKGROUND for mode in write.modes):
        return False
    reader = read.info
    reach = read.reach or write.reach
    if reach is None or reader.summary.class_name is None:
        return False
    index = reach.index
    for way in write.modes.values():
        entry = way.entry
        if entry.framework == THREAD_SUBCLASS:
            body = index.functions.get(entry.fid)
            if body is None or not _starts_object_of(index, reader, body.class_id, read.access, depth=3):
                return False
        elif not _starts_kept_thread(index, reader, entry, read.access.line):
            return False
    return True


def _starts_object_of(index, info, thread_class: str | None, read, depth: int) -> bool:
    """After the read, the function calls `start()` on the object read from, of the thread class:
    itself (`self.start()`, where its class is that class or a subclass), an attribute made of
    that class that the read goes through (`self.heartbeat.port`, then `self.heartbeat.start()`),
    or does so through a method it calls on its own object. `read`: the access, or None below the
    reading function (any call there comes after the read)."""
    if thread_class is None:
        return False
    for call in info.summary.calls:
        callee = call.callee
        if (read is not None and call.line <= read.line) or callee is None or not callee.attrs:
            continue
        if callee.attrs[-1] == "start":
            if callee.root_kind == "self" and len(callee.attrs) == 1:
                if thread_class in index.mro(info.class_id):
                    return True
            elif callee.root_kind == "self" and (read is None or read.ref.root_kind == "self"
                                                 and read.ref.attrs[:len(callee.attrs) - 1] == callee.attrs[:-1]):
                owner = index.receiver_symbol(info, callee)
                if owner is not None and owner.typed is not None and thread_class in index.mro(owner.typed):
                    return True
        elif depth and callee.names_own_member():
            method = index.resolve_call(info, call)
            if method is not None and _starts_object_of(index, index.functions[method], thread_class, None, depth - 1):
                return True
    return False


def _starts_kept_thread(index, info, entry, after: int) -> bool:
    """After the line, the function calls `self.<attr>.start()` where `<attr>` was bound, in its
    class's constructor, to the `Thread(...)` the entry point was made from: one thread per
    object."""
    module, summary = index.classes.get(info.class_id, (None, None))
    if summary is None or module.path != entry.file:
        return False
    made_in = index.function_around(module, entry.line)
    if made_in is None or made_in.name != "__init__" or made_in.class_name != info.summary.class_name:
        return False  # a thread made per call (`self._timer = Timer(...)` in `record()`) starts again
    kept = {name for name, binding in summary.instance_attributes.items() if binding.line == entry.line}
    return bool(kept) and any(call.line > after and call.callee is not None and call.callee.root_kind == "self"
               and call.callee.attrs[:1] and call.callee.attrs[0] in kept and call.callee.attrs[1:] == ("start",)
               for call in info.summary.calls)


def written_before_its_reader_starts(write: AccessFact, read: AccessFact) -> bool:
    """A method writes on its object, then makes the thread that reads (`self._t0 = time.time()`,
    then `threading.Thread(target=self._encode_thread).start()`), under its lock and a flag it
    claims there (`if self._started: return` ... `self._started = True`): the thread reads after
    it starts, and no second call writes again while the claim holds (only the code that ends
    the thread's run gives the claim back)."""
    writer = write.info.summary
    if write.access.ref.root_kind != "self" or writer.class_name is None or not read.modes:
        return False
    if any(mode.context != BACKGROUND for mode in read.modes):
        return False
    bodies = {reach.entry.fid for reach in read.modes.values()}
    held = set(write.access.locks)
    prefix = f"{write.info.class_id}."
    started = set()
    for call in writer.calls:
        if call.line <= write.access.line or not held & set(call.locks):
            continue
        if not any(lock.attrs and lock.attrs[-1] == CLAIMED for lock in call.locks):
            continue
        started |= {prefix + arg.target.attrs[0] for arg in call.function_args
                    if arg.target is not None and arg.target.names_own_member()}
    return bool(started) and bodies <= started


def written_around_its_loop(write: AccessFact, read: AccessFact) -> bool:
    """A plain method of an object runs an event loop on its thread (apprise's XMPP adapter:
    `self._client = c`, `self._loop.run_forever()`, then `self._client = None` once the loop has
    stopped), and the reader is a coroutine of the object's class: the object's coroutines run
    on that loop, which starts after the writes before it and has stopped before the writes
    after it."""
    writer = write.info.summary
    if write.access.ref.root_kind != "self" or writer.class_name is None or writer.is_async:
        return False
    if not read.info.summary.is_async or read.info.class_id != write.info.class_id:
        return False
    return any(call.callee is not None and call.callee.attrs[-1:] and
               (call.callee.attrs[-1] in LOOP_RUNNERS or call.callee_text == "asyncio.run")
               for call in writer.calls)
