"""RF107 unsynchronized-lazy-init

## What it does
Finds shared state initialised on first use (`if _cache is None: _cache = load()`, `if not
REGEXES: REGEXES.append(...)`) in code that runs on several threads, with no lock.

## Why is this bad?
Several threads can see the state uninitialised at once and each initialise it, and a thread
can see the state after initialisation has started but before it has finished (a list filled
one item at a time, a flag set before the data) and use a partial value.

Reported when the initialisation can be seen half done: the state is filled in place, or
several writes follow the check, or a loader that callers run under `if not _loaded:`, or that
tests the flag itself (`if _loaded: return`, then `_loaded = True`), sets the flag before it has
stored the data the flag stands for. A single assignment of a finished value
(`_cache = build()`) may run twice but never exposes a partial value, so it is not reported, also
under a test that adds other conditions (`if _process is None and Process is not None:`), unless
what it makes must be made once: a lock (two threads that each make one hold different locks,
which exclude nothing), or a client, session, pool, connection, engine, executor, provider or
thread (the one overwritten is lost with its connections and threads, and with what was sent
through it), or a thread-local namespace (`threading.local()`: the values threads stored in the
one overwritten are lost, and their next lookup fails), or an instance of a class of the program
that keeps one of those (a store with a lock of its own: what was recorded in the one overwritten
is lost), or a singleton whose class fills its own containers as it works (`cls._instance =
cls()` in its accessor, and a method stores `self._baselines[repo] = snapshot`: what callers
stored in the one overwritten is lost), however it is made (`cls()`, `super().__new__(cls)` in a
singleton's `__new__`, `super().__call__(*args)` in a singleton metaclass's `__call__`, for any
class the metaclass makes that does so), and also where the store binds what a function of the program returns (`_ENGINE = get_engine()`) and that
function makes one of those (`sqlalchemy.create_engine(...)`). An object published before it is
set up (`cls._default = cls()`, then `cls._default.load()`) can be seen half-built.
That is reported also where a set-up function its callers run under the test makes it (`if
DEFAULT_SESSION is None: setup_default_session()`), also where the callers test a flag that
function sets rather than the object (`if not listener.is_running: listener.start()`, and `start`
makes the listener's thread, then sets `is_running`), and where an object's own set-up method, run
under `if self.arguments is None and self.resources is None:`, stores one attribute before the
others. An initialiser that deletes what it was built from (`_lower = {z.lower(): z for z in
_zones}`, then `del _zones`) fails in a second thread that passed the test before the first
stored the result: the name is gone (NameError). A handler for a missing attribute or name
(`try: self._lock except AttributeError: self._lock = Lock()`) is a test as `hasattr` is.
Double-checked locking that sets its flag before the set-up it guards (`self._started = True`,
then the set-up calls, under the lock) lets a thread that tests the flag outside the lock go on
before the set-up is done: set the flag last.

## Example
```python
import re
from concurrent.futures import ThreadPoolExecutor

PATTERNS = ("[0-9]+:[0-9]+", "[0-9]+-[0-9]+-[0-9]+")
_REGEXES = []

def parse(text):
    if not _REGEXES:
        for pattern in PATTERNS:
            _REGEXES.append(re.compile(pattern))   # other threads see a partial list
    return [r.match(text) for r in _REGEXES]

def parse_all(texts):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(parse, texts))
```

## Use instead
```python
import re
from concurrent.futures import ThreadPoolExecutor

PATTERNS = ("[0-9]+:[0-9]+", "[0-9]+-[0-9]+-[0-9]+")
_REGEXES = [re.compile(p) for p in PATTERNS]       # at import time

def parse(text):
    return [r.match(text) for r in _REGEXES]

def parse_all(texts):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(parse, texts))
```
or double-checked locking: test, take a `threading.Lock`, test again, build into a local and
publish it with one assignment.
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
)
from racefree.analysis.entry_points import set_up_name
from racefree.index import CLASS, FUNCTION
from racefree.knowledge.entry_points import CONSTRUCTORS
from racefree.knowledge.sync import is_lock_like, made_once, removed_when_collected
from racefree.summarize.model import OP_MUTATE, OP_REBIND, OP_SLOT_STORE, WRITE, Ref


def check(obj, evidence):
    return (_initialised_in_place(obj, evidence) + _flag_set_before_data(obj, evidence)
            + _deleted_by_an_initialiser(obj, evidence) or _flag_set_before_its_work(obj, evidence))


# Calls after a flag that tell others it is set, or log it (`self.ready_event.set()`): no set-up.
_SIGNALS_AND_LOGS = frozenset({
    "set", "notify", "notify_all", "release", "debug", "info", "warning", "warn", "error", "exception", "log",
})


def _flag_set_before_its_work(obj, evidence):
    """Double-checked locking that sets the flag before the set-up it guards (`if self._started:
    return`, then under the lock `if self._started: return; self._started = True; for f in
    self._setup: f()`): a thread that tests the flag on the fast path, outside the lock, goes on
    while another still runs the set-up."""
    for flag in obj.writes():
        access = flag.access
        if (access.op != OP_REBIND or not access.stores_truth or not access.locks or access.checked_at is None
                or not access.after_guard_clause or self_concurrency(flag) != PREEMPTIVE):
            continue  # (a flag set in a branch of its own, `if not allowed: _disabled = True; return`, ends there)
        fast_path = [r for r in obj.reads()
                     if r.fid == flag.fid and not r.locks and r.access.line < access.checked_at]
        held = set(access.locks)
        work = [call for call in flag.info.summary.calls if call.line > access.line and held & set(call.locks)
                and call.callee_text.rsplit(".", 1)[-1] not in _SIGNALS_AND_LOGS]
        if not fast_path or not work:
            continue
        message = (
            f"`{short_name(obj)}` is set in `{function_name(flag)}` ({entry_description(flag)}) before the set-up it "
            f"guards has run (line {work[0].line}): a thread that tests it outside the lock (line "
            f"{fast_path[0].access.line}) goes on while another is still setting up"
        )
        reason = f"{obj.why_shared}; {runs_on_several_threads(flag)}"
        return [make_finding(RULE, obj, evidence, message, reason, [flag], fast_path)]
    return []


def _deleted_by_an_initialiser(obj, evidence):
    """`if _lower is None: _lower = {z.lower(): z for z in _zones}; del _zones`: the initialiser
    reads the object and then deletes it. A thread that passed the test before the first one
    stored the result runs the initialiser again and finds the name gone (NameError)."""
    for delete in obj.writes():
        access = delete.access
        if not access.deletes or access.op != OP_REBIND or delete.locks or self_concurrency(delete) != PREEMPTIVE:
            continue
        accesses = delete.info.summary.accesses
        initialised = [a for a in accesses
                       if a.kind == WRITE and a.ref != access.ref and a.check_is_lazy_init and a.checked_at is not None
                       and not a.locks and a.checked_at < a.line <= access.line]
        if not initialised:
            continue
        test_line = initialised[0].checked_at
        uses = [r for r in obj.reads() if r.fid == delete.fid and test_line < r.access.line <= access.line]
        if not uses:
            continue
        name = initialised[0].ref.text()
        message = (f"`{short_name(obj)}` is deleted by the initialiser of `{name}` in `{function_name(delete)}` "
                   f"({entry_description(delete)}), which reads it first: a thread that passed the test (line "
                   f"{test_line}) before `{name}` was stored runs the initialiser again and finds it gone")
        reason = f"{obj.why_shared}; {runs_on_several_threads(delete)}"
        return [make_finding(RULE, obj, evidence, message, reason, [delete], uses)]
    return []


def _initialised_in_place(obj, evidence):
    writes = [
        w for w in obj.writes()
        if w.access.checked_at is not None and w.access.check_is_lazy_init and not w.access.await_between
        and check_and_act_unguarded(obj, w) and self_concurrency(w) == PREEMPTIVE
    ]
    if writes and (_can_be_seen_half_done(writes) or _builds_an_instance(writes, evidence.index)):
        first = writes[0]
        return [_lazy_init_finding(obj, evidence, writes, first, checks_of(obj, first))]
    made_by_loader = _made_by_a_loader(obj, evidence.index)
    if made_by_loader is not None:
        write, checks, tester = made_by_loader
        return [_lazy_init_finding(obj, evidence, [write], write, checks, tester)]
    return []


def _made_by_a_loader(obj, index):
    """`if DEFAULT_SESSION is None: setup_default_session()`, and `setup_default_session` makes a
    new Session and stores it: the lazy initialisation of `_builds_an_instance`, with the store
    in a function its callers run under the test. The first such store, the caller's test, and
    where the callers test a flag the loader sets rather than the object, the caller's name."""
    for write in obj.writes():
        if (not write.in_lazy_loader or write.access.op != OP_REBIND or write.locks
                or not _builds_an_instance([write], index) or self_concurrency(write) != PREEMPTIVE):
            continue
        for edge in index.calls_to.get(write.fid, ()):
            tested_itself = _guarded_by(index, edge, obj.name)
            if not tested_itself and not _guarded_by_its_flag(index, edge):
                continue
            tests = [r for r in obj.reads() if r.fid == edge.caller and r.access.line <= edge.line and not r.locks]
            if tests:
                return write, [max(tests, key=lambda r: r.access.line)], None
            if not tested_itself:
                return write, [], index.functions[edge.caller].summary.qualname
    return None


def _guarded_by_its_flag(index, edge) -> bool:
    """`if not event_listener.is_running: event_listener.start(zone)`, and `start` makes the
    listener's thread and then sets `is_running`: the callers test a flag the loader itself sets,
    so two threads that both find it unset both run the loader."""
    loader = index.functions[edge.callee]
    flags = {index.name_of(loader, a.ref) for a in loader.summary.accesses
             if a.kind == WRITE and a.op == OP_REBIND and a.stores_truth}
    caller = index.functions[edge.caller]
    return bool((flags - {None}) & {index.name_of(caller, ref) for ref in edge.call.lazy_guards})


def _lazy_init_finding(obj, evidence, writes, first, checks, tester: str | None = None):
    made = _made_once_thing(evidence.index, first)
    if _can_be_seen_half_done(writes) or made is None:
        outcome = "threads can initialise it twice or see it half-built"
    elif is_lock_like(made):
        outcome = f"two threads can each make {_one(made)} and hold different ones, which excludes nothing"
    elif removed_when_collected(made):
        outcome = (f"two threads can each make {_one(made)}, and the one overwritten is removed when it is "
                   "collected, under the caller that was handed it")
    else:
        outcome = f"two threads can each make {_one(made)}, and the one overwritten is lost with what it holds"
    where = f"`{function_name(first)}` ({entry_description(first)})"
    if checks and checks[0].fid != first.fid:  # made by a loader its caller runs under the test
        where = f"`{function_name(checks[0])}`, through `{function_name(first)}` ({entry_description(first)}),"
    elif tester is not None:  # its callers test the flag the loader sets
        where = f"`{tester}`, through `{function_name(first)}` ({entry_description(first)}),"
    message = f"`{short_name(obj)}` is initialised on first use in {where} without a lock: {outcome}"
    reason = f"{obj.why_shared}; {runs_on_several_threads(first)}"
    return make_finding(RULE, obj, evidence, message, reason, writes, checks)


def _one(made: str) -> str:
    """"a `Session`", "an `AuditTrail`", "one with `sqlalchemy.create_engine()`"."""
    name = made.rsplit(".", 1)[-1]
    if not name[:1].isupper():
        return f"one with `{made}()`"
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} `{made}`"


def _flag_set_before_data(obj, evidence):
    """`if not _loaded: _load()` in callers, and `_load` sets `_loaded` before it stores the data:
    a thread that tests the flag meanwhile skips loading and reads data that is not there yet."""
    index = evidence.index
    for flag in obj.writes():
        if flag.access.op != OP_REBIND or flag.locks or self_concurrency(flag) != PREEMPTIVE:
            continue  # not a flag, or a loader its callers run under a lock
        data = [a for a in flag.info.summary.accesses
                if a.kind == WRITE and a.line > flag.access.line and a.ref != flag.access.ref
                and _same_kind_of_state(a.ref, flag.access.ref)]
        data_names = {index.name_of(flag.info, a.ref) for a in data} - {None}
        if flag.access.checked_at is not None:
            data = [a for a in data if not a.in_handler]  # what a failed load records instead
            if not data and _tests_its_own_flag(flag) and _reached_beyond_set_up(flag):
                data = _stored_by_its_callees(index, flag)
            # A loader the package calls on first use, beyond set-up: a function that callers
            # call once to configure the process is no loader.
            if data and _tests_its_own_flag(flag) and index.calls_to.get(flag.fid) and not flag.only_while_setting_up:
                return [_flag_finding(obj, evidence, flag, data,
                                      f"`{function_name(flag)}` tests it itself (line {flag.access.checked_at})")]
            continue  # not a loader's flag
        # A caller that tests the flag, loads, and then reads data the loader stores after the flag.
        guards = [edge for edge in index.calls_to.get(flag.fid, ())
                  if _guarded_by(index, edge, obj.name)
                  and (data_names - _written_before(index, edge)) & _reads(index, edge.caller)]
        if not guards:
            continue
        caller = guards[0]
        return [_flag_finding(obj, evidence, flag, data,
                              f"callers load on first use when they find it unset "
                              f"(`{caller.caller.rsplit('.', 1)[-1]}`, line {caller.line})")]
    return []


def _same_kind_of_state(data: Ref, flag: Ref) -> bool:
    """Module or class state stored after a module or class flag; an object's own attributes
    stored after its own flag (`self.arguments = {...}`, then `self.resources = {...}`)."""
    if flag.root_kind == "self":
        return data.root_kind == "self" and len(data.attrs) == 1
    return data.root_kind in ("global", "class")


def _reached_beyond_set_up(flag) -> bool:
    """Some entry point that reaches the flag's function is not named as set-up: newrelic's
    `initialize()` registers its hooks once, at start-up, whatever tables it fills."""
    return any(not set_up_name(reach.entry.fid.rsplit(".", 1)[-1]) for reach in flag.modes.values())


def _stored_by_its_callees(index, flag, depth: int = 3) -> list:
    """`if cls.has_lazy_import: return; cls.has_lazy_import = True; register_pandas_handlers()`,
    and the registration stores the handlers into a class's tables: the module or class state the
    functions it calls after the flag store (and those they call, `depth` calls deep)."""
    found, seen = [], {flag.fid}
    frontier = [edge.callee for edge in index.calls_from.get(flag.fid, ()) if edge.line > flag.access.line]
    for _ in range(depth):
        following = []
        for fid in frontier:
            if fid in seen or fid not in index.functions:
                continue
            seen.add(fid)
            found += [a for a in index.functions[fid].summary.accesses
                      if a.kind == WRITE and a.ref.root_kind in ("global", "class") and not a.in_handler
                      and a.ref != flag.access.ref]
            following += [edge.callee for edge in index.calls_from.get(fid, ())]
        frontier = following
    return found


def _tests_its_own_flag(flag) -> bool:
    """`if _loaded: return`, then `_loaded = True`, then the loading: the loader tests the flag
    itself and sets it to a truth value before it has done what the flag stands for."""
    access = flag.access
    return (access.check_is_lazy_init and access.after_guard_clause and access.stores_constant == "True"
            and not access.await_between)


def _flag_finding(obj, evidence, flag, data, how_tested: str):
    names = sorted({a.ref.text() for a in data})
    shown = ", ".join(f"`{n}`" for n in names[:3]) + (", ..." if len(names) > 3 else "")
    message = (
        f"`{short_name(obj)}` is set in `{function_name(flag)}` ({entry_description(flag)}) before the data it "
        f"stands for ({shown}): a thread that tests it meanwhile skips loading and reads data not stored yet"
    )
    reason = f"{obj.why_shared}; {how_tested} and {runs_on_several_threads(flag)}"
    return make_finding(RULE, obj, evidence, message, reason, [flag], [])


def _reads(index, fid: str) -> set[str]:
    info = index.functions[fid]
    return {index.name_of(info, a.ref) for a in info.summary.accesses if a.kind != WRITE} - {None}


def _written_before(index, edge) -> set[str]:
    """What the caller stores itself before it calls the loader (`if cls._app is None: cls._app =
    current_app` then `if not cls.__bound__: cls.bind(cls._app)`): that is published before the
    flag, so a thread that sees the flag set finds it there."""
    info = index.functions[edge.caller]
    return {index.name_of(info, a.ref) for a in info.summary.accesses
            if a.kind == WRITE and a.line < edge.line} - {None}


def _guarded_by(index, edge, object_name: str) -> bool:
    info = index.functions[edge.caller]
    return any(index.name_of(info, ref) == object_name for ref in edge.call.lazy_guards)


def _can_be_seen_half_done(writes) -> bool:
    """Filled in place, or written in several steps after one check, or published and then set up
    through the shared name (`cls._default = cls()`, then `cls._default.load_defaults()`). Constants
    and truth values are not built: `if _available is None: try: import h2; _available =
    h2.VERSION >= MIN except ImportError: _available = False` stores a finished value on every
    thread that runs it."""
    if any(w.access.op != OP_REBIND or _set_up_after_publishing(w) for w in writes):
        return True
    if all(w.access.stores_scalar for w in writes):
        return False
    steps = {(w.fid, w.access.checked_at) for w in writes}
    return len(writes) > len(steps)


def _set_up_after_publishing(write) -> bool:
    """Under the same test, a method of the stored object is called through the shared name after
    the store (`cls._default = cls()`, then `cls._default.default_initialization()`): a thread that
    tests the name in between finds the object and uses it before it is set up."""
    ref, line = write.access.ref, write.access.line
    return any(call.line > line and ref in call.lazy_guards and call.callee is not None
               and call.callee.root_kind == ref.root_kind and call.callee.root == ref.root
               and call.callee.attrs[:-1] == ref.attrs
               for call in write.info.summary.calls)


def _builds_an_instance(writes, index) -> bool:
    """The write makes a new lock, client, session, pool or connection, or an instance of a class
    of the program that keeps one of those (a store with its own lock, a trail with its database
    connection): two threads that both pass the check make two, one is overwritten (its
    connections, threads and what was recorded in it are lost), and two locks exclude nothing."""
    return any(_made_once_thing(index, w) is not None for w in writes)


def _made_once_thing(index, write) -> str | None:
    """What the write binds, as written, where it is such a thing: made here (`Session()`), or
    returned by the function of the program whose result it binds (`_ENGINE = get_engine()`,
    and `get_engine` returns `sqlalchemy.create_engine(url)`)."""
    info, made = write.info, write.access.stores_instance
    result_of = write.access.stores_result_of
    singleton = _singleton_of_its_metaclass(index, write)
    if singleton is not None:
        return singleton
    if made is None and result_of is not None:
        symbol = index.resolve_ref(info.module, Ref(result_of.root_kind, result_of.root, result_of.attrs[:-1]),
                                   info.summary.class_name)
        info = index.functions.get(symbol.name) if symbol is not None and symbol.kind == FUNCTION else None
        made = info.summary.returns_made if info is not None else None
    if made is None:
        return None
    if made_once(made):
        return made
    root, *attrs = made.split(".")
    symbol = index.resolve_ref(info.module, Ref("global", root, tuple(attrs)), info.summary.class_name)
    if symbol is None or symbol.kind != CLASS or symbol.name not in index.classes:
        return None
    if _keeps_what_is_made_once(index, symbol.name):
        return made
    return made if symbol.name == write.info.class_id and _records_as_it_works(index, symbol.name) else None


def _singleton_of_its_metaclass(index, write) -> str | None:
    """`if not cls.__instance: cls.__instance = super().__call__(*args, **kwargs)` in a singleton
    metaclass's `__call__`: the class whose one instance it makes, where that class (or another
    the metaclass makes) keeps what it is handed or holds a client or lock. Two threads that both
    pass the test each make one and run its `__init__`; what callers stored in the one
    overwritten is lost (zenml's run context, built per pipeline run)."""
    info = write.info
    if info.summary.name != "__call__" or info.class_id is None or not index.is_metaclass(info.class_id) \
            or write.access.op != OP_REBIND:
        return None
    for class_id in index.classes_made_through(write.fid):
        if _records_as_it_works(index, class_id) or _keeps_what_is_made_once(index, class_id):
            return class_id.rsplit(".", 1)[-1]
    return None


def _records_as_it_works(index, class_id: str) -> bool:
    """A singleton's class (`cls._instance = cls()` in its own accessor) whose methods, beyond
    its set-up, fill its own containers (`self._store[repo] = baseline`): a manager that keeps
    what its callers hand it. A second instance made by a thread that passed the same test
    replaces the first, and what was stored in the first is lost."""
    for ancestor in index.mro(class_id):
        if ancestor not in index.classes:
            continue
        module, summary = index.classes[ancestor]
        for name, qualname in summary.methods.items():
            info = index.functions.get(f"{module.module}.{qualname}")
            if info is None or name in CONSTRUCTORS:
                continue
            if any(a.kind == WRITE and a.ref.root_kind == "self" and len(a.ref.attrs) == 1
                   and a.op in (OP_MUTATE, OP_SLOT_STORE) for a in info.summary.accesses):
                return True
    return False


def _keeps_what_is_made_once(index, class_id: str) -> bool:
    """`ContextTrail(...)`, whose `__init__` sets `self._lock = threading.Lock()`."""
    return any(binding.constructor is not None and made_once(binding.constructor)
               for ancestor in index.mro(class_id) if ancestor in index.classes
               for binding in index.classes[ancestor][1].instance_attributes.values())


RULE = Rule(
    code="RF107",
    name="unsynchronized-lazy-init",
    severity="low",
    summary="shared state is initialised on first use without a lock",
    doc=__doc__.split("\n", 2)[2],
    fix="Initialise at import time, or use double-checked locking with a threading.Lock and publish "
    "the finished value with one assignment.",
    check=check,
)
