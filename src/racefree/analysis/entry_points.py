"""Find the functions that frameworks and libraries run concurrently, using the knowledge tables."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from racefree.analysis.library_settings import constructor_sets_a_library_setting
from racefree.analysis.locks import LockModel
from racefree.analysis.one_thread_workers import worker_class_of_method
from racefree.analysis.private_modules import PrivateModules
from racefree.index import (
    CLASS,
    CLASS_ATTR,
    EXTERNAL,
    OBJECT,
    CallEdge,
    FunctionInfo,
    ProgramIndex,
    Symbol,
    is_property_setter,
)
from racefree.knowledge.entry_points import (
    ALL_METHODS,
    ALL_POSITIONAL,
    API,
    API_WHY,
    BACKGROUND,
    CONSTRUCTORS,
    EVENT_LOOP_FRAMEWORKS,
    EVENT_LOOP_PACKAGES,
    EXPOSED_METHOD,
    EXPOSING_DECORATOR,
    HOOK_TIME_PREFIXES,
    LOOP_CALLBACK_METHODS,
    LOOP_CALLBACK_PREFIXES,
    MIDDLEWARE_DECORATOR_METHOD,
    MIDDLEWARE_KINDS,
    LOOP_DRIVEN_BASES,
    MAIN_FUNCTIONS,
    NON_API_PARTS,
    ONE_THREAD_JOB,
    ONE_THREAD_JOB_WHY,
    PATCHED_FUNCTION,
    PATCH_WHY,
    PUBLIC_DUNDERS,
    REQUEST,
    REQUEST_CONTEXT_CODE,
    REQUEST_CONTEXT_WHY,
    REQUEST_HOOK_DECORATOR_METHODS,
    REQUEST_HOOK_FALLBACK,
    ROUTE_DECORATOR_METHODS,
    ROUTE_FALLBACK,
    SETUP_FUNCTION_LAST_WORDS,
    SETUP_MARKER,
    SETUP_FUNCTION_PREFIXES,
    SETUP_FUNCTION_NAMES,
    COMMAND_LINE_PARTS,
    START_UP_HOOKS,
    TASK,
    TEST_SUPPORT_PACKAGES,
    THREAD_CLASS,
    THREAD_CLASS_CALLBACK,
    THREAD_CLASS_CALLBACK_WHY,
    TEST_SUPPORT_WORDS,
    THREAD_PACKAGES,
    VENDORED_PARTS,
    BaseClassEntry,
    name_matches,
)
from racefree.knowledge.merged import BUILT_IN, Knowledge
from racefree.knowledge.requests import request_object
from racefree.summarize.model import OP_ITERATE, OP_SLOT_STORE, READ, WRITE, Call, Ref
from racefree.summarize.visitor import TOPLEVEL
from racefree.summarize.waited_jobs import waits_for_job


@dataclass(frozen=True, slots=True)
class EntryPoint:
    fid: str  # the function that runs concurrently
    context: str  # request, background or task
    framework: str  # "Flask view", "LiteLLM success callback", ...
    why: str  # what makes it concurrent
    file: str  # where it is registered (decorator, call or assignment)
    line: int
    detail: str | None = None  # route path, callback slot
    multiple: bool = True  # many instances can run at once (requests, pool jobs), not one thread
    shared_instance_of: str | None = None  # the framework shares one instance of this class
    # The framework makes an instance of this class for each request (a Tornado handler, a Django
    # view) and runs the method on it: what the method keeps on `self` is that request's.
    instance_per_request_of: str | None = None
    on_loop: bool = False  # runs on an event loop even when it is a plain function
    scheduled: bool = False  # a scheduler runs it on its own timetable, for no caller in particular
    polls: bool = False  # a thread of its own that wakes on a timer, for no caller in particular
    # Entries with the same serial key run on one thread, one at a time: the jobs handed to a
    # worker class with one thread (the key is the class).
    serial: str | None = None
    # The class of the object whose method the entry runs, where the code names it (a thread
    # started on `self._helper.run` after `self._helper = HelperReactor()`): the method runs on an
    # instance of that class (or a subclass), so what it calls on `self` is that class's code.
    receiver: str | None = None
    # The parameters that every task made by the same comprehension gets the same object in
    # (`gather(*(repair(chunk, limiter) for chunk in chunks))`: `limiter`)
    same_for_each: tuple[str, ...] = ()

    def describe(self) -> str:
        detail = f" {self.detail}" if self.detail else ""
        return f"{self.framework}{detail}"


def find_entry_points(index: ProgramIndex, knowledge: Knowledge = BUILT_IN, library_api: bool = True) -> list[EntryPoint]:
    """knowledge: the built-in tables and the project's own additions.
    library_api: also take public functions and methods as (weak) concurrent entry points."""
    entries: dict[tuple[str, str], EntryPoint] = {}

    def add(entry: EntryPoint) -> None:
        entries.setdefault((entry.fid, entry.framework), entry)

    workers: dict[str, bool] = {}  # class -> keeps one worker thread
    for info in index.functions.values():
        if is_test_module(info.module.module):
            continue  # the threads a package's tests start show what the tests do, not its users
        _decorated(index, knowledge, info, add)
        for call in info.summary.calls:
            if call.function_args:
                _handed_to_call(index, knowledge, info, call, add, workers)
        for registration in info.summary.registrations:
            _registered(index, knowledge, info, registration, add)
    _subclassed(index, knowledge, add)
    for info in index.functions.values():
        _reads_the_request(info, add)
    if library_api:
        framework_entries = {e.fid for e in entries.values()}
        # Classes whose methods the program hands to threads (a GPIO edge callback, a thread target).
        threaded = {index.functions[e.fid].class_id for e in entries.values()
                    if e.context == BACKGROUND and index.functions[e.fid].class_id}
        for entry in _public_api(index, knowledge, threaded):
            if entry.fid not in framework_entries:
                add(entry)
    return sorted(entries.values(), key=lambda e: (e.file, e.line, e.fid))


def is_non_api_module(module: str) -> bool:
    """Code no library user calls: tests, examples, scripts, build and migration files, the
    command line (see NON_API_PARTS), and other libraries' code that the package carries a copy of
    (VENDORED_PARTS), which runs where the package calls it."""
    return is_test_module(module) or any(part in NON_API_PARTS or part in VENDORED_PARTS for part in module.split("."))


@lru_cache(maxsize=65536)
def is_test_module(module: str) -> bool:
    return any(part in ("test", "tests", "testing", "testsuite", "conftest") or part.startswith("test_")
               or part.endswith("_test") for part in module.split("."))


def _constructor_of_shared_state(index: ProgramIndex, info: FunctionInfo) -> bool:
    """`__init__` that initialises class-level or module-level state on first use (`if
    cls._loop is None: ... self.__class__._loop = loop`), or fills such a table on the first use
    of a key (`if token in SerializableLock._locks: ... else: SerializableLock._locks[token] =
    self.lock`), or `__new__` that makes the one instance on first use (`if not cls.__instance:
    cls.__instance = object.__new__(cls)`): making an instance is API too, which callers may do
    on several threads at once, and that state is shared by every instance. (Not a class-level
    counter of instances made, which declarative classes bump at import, nor a metaclass's, which
    runs as classes are defined.)"""
    summary = info.summary
    if summary.name not in ("__init__", "__new__") or (info.class_id and index.is_metaclass(info.class_id)):
        return False
    return any(
        access.kind == WRITE and access.ref.root_kind in ("class", "global") and access.checked_at is not None
        and (access.check_is_lazy_init or access.op == OP_SLOT_STORE) and not access.read_modify_write
        for access in summary.accesses)


def _public_api(index: ProgramIndex, knowledge: Knowledge, threaded: set[str]):
    """Public functions, and public methods of public classes, of library modules. threaded: the
    classes whose methods the program hands to threads."""
    forever = _main_loop_functions(index)  # the functions that run a main loop
    lock_names = LockModel(index, None, knowledge)
    # class -> one of its methods runs a main loop (on the one thread, unless it hands methods to others)
    loop_classes: dict[str, bool] = {class_id: False for class_id in threaded}
    private_modules = PrivateModules(index)
    setting_up: dict[str, bool] = {}  # function -> it runs only while the program sets up
    on_the_loop: dict[str, bool] = {}  # function -> the package calls it only from its coroutines
    registries = IteratedRegistries(index)
    handed_out = private_classes_handed_out(index)
    for info in index.functions.values():
        summary = info.summary
        module = info.module.module
        if is_non_api_module(module):
            continue
        if "<" in summary.qualname and not returned_by_parent(index, info):
            continue  # nested functions, lambdas and module code, unless handed back to the caller
        name = summary.name
        private = name.startswith("_") and name not in PUBLIC_DUNDERS and not _constructor_of_shared_state(index, info) \
            and not (name == "__init__" and registries.changed_by_a_constructor(info)) \
            and not constructor_sets_a_library_setting(index, info)
        if private and not (name.startswith("_") and not name.startswith("__") and _hook_of_outside_base(index, info)):
            continue
        if name in MAIN_FUNCTIONS or (set_up_name(name) and not registries.grown_by(info)) or _marked_set_up(summary) \
                or info.fid in forever or _of_a_main_loop_class(index, info, forever, loop_classes):
            continue  # set-up API, or a main loop that runs on whichever thread calls it
        if is_property_setter(summary):
            # `log.screen = False`, `pool.limit = 10`: programs assign such a property to configure
            # the object (CherryPy's log swaps its handlers), not in the calls their threads make
            continue
        if _documented_for_tests(index, info):
            continue  # test-support API: tests call it, not a program's threads
        if _documented_for_one_thread(index, info):
            continue  # its users are told not to call it from several threads
        if _fills_in_a_private_hook(index, info):
            continue  # the package calls it through its private interface, where it chooses
        callers = _package_callers(index, info)
        if _start_up_hook(index, info) or _test_support_only(index, info) or _set_up_only(index, callers, setting_up):
            continue
        if _called_under_a_lock_only(index, info, callers or _calls_by_a_name_of_its_own(index, info), lock_names):
            continue
        if summary.class_name is not None:
            if any(part.startswith("_") for part in summary.class_name.split(".")) and \
                    ".__call__.<locals>." not in summary.qualname and info.class_id not in handed_out:
                continue  # a private class's, unless the wrapper its object hands out as a decorator
            if summary.method_kind == "function" and "<locals>" not in summary.qualname:
                continue
        elif summary.qualname != name and "<locals>" not in summary.qualname:
            continue
        if private_modules.hidden(module, summary) and not (summary.wraps is not None and "<locals>" in summary.qualname):
            continue  # the package's own code: it runs where the package calls it (a decorator's
            # wrapper, though, runs wherever the function it stands for is called: icontract's
            # checker wraps its users' functions from `_checkers`)
        kind = ("public constructor" if name in ("__init__", "__new__")
                else "public method" if summary.class_name else "public function")
        # In an event-loop framework's module, a public function runs on the loop's thread.
        on_loop = (((_module_uses(info, EVENT_LOOP_PACKAGES, optional_too=False) and not _bridges_to_a_loop(summary))
                    or module.split(".", 1)[0] in EVENT_LOOP_FRAMEWORKS)
                   or _loop_callback(index, info) or _called_from_coroutines_only(index, info, on_the_loop))
        yield EntryPoint(info.fid, API, kind, API_WHY, info.module.path, summary.line, None, on_loop=on_loop)


def private_classes_handed_out(index: ProgramIndex) -> dict[str, str]:
    """Private classes whose new instances a function of public name returns to its caller, with
    that function (async-lru's `alru_cache` decorator hands back `_LRUCacheWrapper(fn, ...)` from
    its nested `wrapper`): the caller keeps the object and calls its public methods, from any
    thread or task, as the API of what it was given."""
    found: dict[str, str] = {}
    for info in index.functions.values():
        summary = info.summary
        made = summary.returns_made
        if made is None or summary.name.startswith("_") or is_non_api_module(info.module.module) \
                or any(part.startswith("_") for part in (summary.class_name or "").split(".")):
            continue  # (a private class's own methods hand their kind to the package, not to its users)
        root, *attrs = made.split(".")
        symbol = index.resolve_ref(info.module, Ref("global", root, tuple(attrs)), summary.class_name)
        if symbol is not None and symbol.kind == CLASS and symbol.name in index.classes \
                and symbol.name.rsplit(".", 1)[-1].startswith("_"):
            found.setdefault(symbol.name, info.fid)
    return found


class IteratedRegistries:
    """Module-level and class-level containers that the package's other code walks
    (`for clazz in _special_classes_registry`), and the set-up API that adds to them or takes from
    them (`register_class`, `unregister_class`), itself or through the private helpers and nested
    functions it calls. Programs register at start-up, but also later, from whichever thread loads
    a plugin or a model: a registration then changes the size of a container another thread is
    walking, which no start-up ordering prevents. So such set-up API stays API. (A registering
    decorator, which runs where the decorated function is defined, is still taken as set-up.)"""

    _DEPTH = 3  # how many private calls deep a registration is followed

    def __init__(self, index: ProgramIndex):
        self.index = index
        self._iterated: set[str] | None = None

    def grown_by(self, info: FunctionInfo) -> bool:
        if self._iterated is None:
            self._iterated = self._walked_containers()
        if not self._iterated:
            return False
        layer, seen = [info.fid], {info.fid}
        for _ in range(self._DEPTH):
            for fid in layer:
                if self._grows_one(self.index.functions[fid]):
                    return True
            layer = [callee for fid in layer for callee in self._private_steps(fid) if callee not in seen]
            seen.update(layer)
        return False

    def changed_by_a_constructor(self, info: FunctionInfo) -> bool:
        """`__init__` that adds to or takes from such a container through a module-level function
        (mistletoe's renderers: `block_token.remove_token(Footnote)`): programs make such objects
        wherever they need one, a renderer per document on each thread, not once at start-up."""
        return any(self.grown_by(self.index.functions[edge.callee]) for edge in self.index.calls_from.get(info.fid, ())
                   if self.index.functions[edge.callee].summary.class_name is None)

    def _private_steps(self, fid: str) -> list[str]:
        """The private functions it calls, and the functions nested in it that it calls (the
        decorator a `register(name, func)` applies at once, which does the registering)."""
        functions = self.index.functions
        nested = f"{fid}.<locals>."
        return [edge.callee for edge in self.index.calls_from.get(fid, ())
                if functions[edge.callee].summary.name.startswith("_") or edge.callee.startswith(nested)]

    def _grows_one(self, info: FunctionInfo) -> bool:
        return any(access.kind == WRITE and access.grows and self._shared_name(info, access) in self._iterated
                   for access in info.summary.accesses)

    def _shared_name(self, info: FunctionInfo, access) -> str | None:
        if access.ref.root_kind not in ("global", "class", "self"):
            return None
        symbol = self.index.resolve_ref(info.module, access.ref, info.summary.class_name)
        return symbol.name if symbol is not None and symbol.kind in (OBJECT, CLASS_ATTR) else None

    def _walked_containers(self) -> set[str]:
        walked = set()
        for info in self.index.functions.values():
            summary = info.summary
            if summary.qualname == TOPLEVEL or set_up_name(summary.name) or is_non_api_module(info.module.module):
                continue
            for access in summary.accesses:
                if access.op == OP_ITERATE:
                    name = self._shared_name(info, access)
                    if name is not None:
                        walked.add(name)
        return walked


def _reads_the_request(info: FunctionInfo, add) -> None:
    """Code that reads a request-context global (`flask.request`) runs while a request is
    handled, whoever calls it: a view helper, or the wrapper a decorator puts around views."""
    summary = info.summary
    if summary.qualname == TOPLEVEL or is_test_module(info.module.module):
        return
    imports = info.module.imports
    for access in summary.accesses:
        if access.kind == READ and access.ref.root_kind == "global":
            # `from flask import request` ... `request.args`, or `import flask` ... `flask.request.args`
            name = request_object(imports, access.ref.root, access.ref.attrs[0] if access.ref.attrs else None)
            if name is not None:
                add(EntryPoint(info.fid, REQUEST, REQUEST_CONTEXT_CODE, REQUEST_CONTEXT_WHY.format(name=name),
                               info.module.path, summary.line))
                return


def _loop_callback(index: ProgramIndex, info: FunctionInfo) -> bool:
    """An event method of a class a loop drives (`handle_write` of an asyncore dispatcher,
    `data_received` of an asyncio protocol): the loop calls it on its one thread."""
    name, class_name = info.summary.name, info.summary.class_name
    if not class_name or not (name.startswith(LOOP_CALLBACK_PREFIXES) or name in LOOP_CALLBACK_METHODS):
        return False
    lineage = index.lineage(f"{info.module.module}.{class_name}")
    return any(name_matches(base, c) for base in LOOP_DRIVEN_BASES for c in lineage)


def _main_loop_functions(index: ProgramIndex) -> set[str]:
    """The functions that run the program's main loop (`Arbiter.run`: `while True: ...`), themselves
    or through a call (`Application.run` -> `Arbiter(self).run()`): each returns only when the
    service stops, so callers run it once, on one thread, not side by side. Only plain functions:
    calling a coroutine function starts nothing, and a loop in a task runs beside its caller.
    Worked out from the loops back through their plain callers, with a work list."""
    found = {fid for fid, info in index.functions.items() if info.summary.serves_forever and not info.summary.is_async}
    work = list(found)
    while work:
        for edge in index.calls_to.get(work.pop(), ()):
            caller = edge.caller
            if caller not in found and caller in index.functions and not index.functions[caller].summary.is_async:
                found.add(caller)
                work.append(caller)
    return found


def _of_a_main_loop_class(index: ProgramIndex, info: FunctionInfo, forever: set[str],
                          known: dict[str, bool]) -> bool:
    """A method of a class that runs the program's main loop (gunicorn's `Arbiter.run`), in a
    module that has nothing to do with threads: the loop and what it calls, the signal handlers
    it dispatches and the set-up before it all run on the one thread that runs the loop. (A
    server whose `shutdown()` is meant for another thread imports `threading` for its event.)"""
    class_name = info.summary.class_name
    if not class_name:
        return False
    class_id = f"{info.module.module}.{class_name}"
    if class_id not in known:
        module = info.module
        class_summary = module.classes.get(class_name)
        known[class_id] = class_summary is not None and not _module_uses(info, THREAD_PACKAGES) and any(
            f"{module.module}.{qualname}" in forever
            for qualname in class_summary.methods.values() if f"{module.module}.{qualname}" in index.functions)
    return known[class_id]


def _test_support_only(index: ProgramIndex, info: FunctionInfo) -> bool:
    """API that only the package's test-support code calls (`Apps.set_available_apps`, called by
    `django.test.testcases` and by nothing else): the test runner uses it between tests, not the
    program's threads. Test files (`tests/test_api.py`) do not count: they call the ordinary API."""
    callers = index.calls_to.get(info.fid)
    return bool(callers) and all(_test_support_module(index.functions[edge.caller].module.module)
                                 for edge in callers) and not _reexported(index, info)


# How many functions deep the set-up-only and coroutine-only rules follow callers: such chains
# are short, and a long chain of single callers must not exhaust the interpreter's stack.
_CALLER_CHAIN_LIMIT = 40


def _set_up_only(index: ProgramIndex, callers: list, known: dict[str, bool]) -> bool:
    """API the package itself calls only while it sets up (sentry-sdk's `ignore_logger`, called
    from the integrations' `setup_once` and at import), or only from functions that it calls only
    so (datadog's `GCE.get_hostname`, called only from `util.hostname.get_hostname`, which only
    `datadog.initialize()` calls): it is set-up API, which programs call the same way, before
    their threads run. The package's tests do not count: they call everything. `callers`: the
    function's package callers; `known`: what was found for the functions between."""
    return bool(callers) and all(
        not _runs_the_command(index, edge.caller)
        and (_sets_up(index, edge.caller) or _only_called_while_setting_up(index, edge.caller, known))
        for edge in callers)


def _runs_the_command(index: ProgramIndex, fid: str) -> bool:
    """A function of the package's command line, its `__main__` module or a `cli` or `scripts`
    module or package: `python -m package` does the package's work there (mss's command takes the
    screenshots through the `mss()` factory; igor2's `igorpackedexperiment` script loads the file
    through `packed.load`), so what it calls is the API every program uses, not the package's
    set-up."""
    parts = index.functions[fid].module.module.split(".")
    return parts[-1] == "__main__" or any(part in COMMAND_LINE_PARTS for part in parts[1:])



def _only_called_while_setting_up(index: ProgramIndex, fid: str, known: dict[str, bool]) -> bool:
    """The package calls the function only from code that sets up by its name, mark or place
    (module code, `initialize()`, a start-up hook), directly or through such functions.

    A constructor counts as set-up only as a direct caller of the API judged (`_set_up_only`): a
    public method that the package calls from a constructor is often its users' API too
    (execnet's `Group.makegateway`, called by `Group.__init__` for the specs it is given, and by
    every program through `execnet.makegateway`), so what that method calls is no set-up API on
    that account."""
    return _every_caller_or_through(
        index, fid, known, 1,
        eligible=lambda function: "<" not in function.summary.qualname and not _constructor(function.summary),
        direct=lambda caller: _sets_up(index, caller) and not _constructor(index.functions[caller].summary))


def _called_from_coroutines_only(index: ProgramIndex, info: FunctionInfo, known: dict[str, bool]) -> bool:
    """A plain function that the package calls only from its coroutines, directly or through
    plain functions that it calls only so (agno's `get_async_client`, called from `ainvoke`):
    it runs on the event loop of the coroutine that calls it, one call at a time, and its
    users call it the way the package does. A coroutine that hands it to a thread
    (`asyncio.to_thread(fn)`) passes it, it does not call it. Not a method that overrides one of
    a base (langchain's `InMemoryCache.update`), whose calls through the base's interface
    (`llm_cache.update(...)` from a thread pool) are not among the calls seen, nor one whose name
    the package calls on objects of no known class (gradio's `collector.add(trace)` in a
    background task, next to `TraceCollector.add`): those calls may be calls of it."""
    def eligible(function: FunctionInfo) -> bool:
        summary = function.summary
        return not (summary.is_async or _overrides(index, function) or summary.name in index.unresolved_method_calls)

    return _every_caller_or_through(index, info.fid, known, 0, eligible,
                                    direct=lambda caller: index.functions[caller].summary.is_async)


def _every_caller_or_through(index: ProgramIndex, fid: str, known: dict[str, bool], depth: int,
                             eligible, direct) -> bool:
    """The function is `eligible`, the package calls it, and each of its package callers is
    `direct` or, in turn, such a function: the walk the set-up-only and coroutine-only rules
    share. `known` keeps the answers (a cycle of calls proves nothing); a chain longer than
    `_CALLER_CHAIN_LIMIT` proves nothing either."""
    if fid in known:
        return known[fid]
    if depth > _CALLER_CHAIN_LIMIT:
        return False
    known[fid] = False
    info = index.functions[fid]
    if not eligible(info):
        return False
    callers = _package_callers(index, info)
    found = bool(callers) and all(
        direct(edge.caller) or _every_caller_or_through(index, edge.caller, known, depth + 1, eligible, direct)
        for edge in callers)
    known[fid] = found
    return found


def _constructor(summary) -> bool:
    return summary.name in CONSTRUCTORS


def _called_under_a_lock_only(index: ProgramIndex, info: FunctionInfo, callers: list, lock_names: LockModel) -> bool:
    """A public method that its package calls only while holding a lock (redis's
    `ConnectionPool.make_connection`, called from `get_connection` under the pool's lock): a step
    of the locked operation, reached through it with the lock held, not an operation of its own.
    The lock may be taken by the caller of a private helper that makes the call (agno's
    `execute_cell` takes the session's lock and calls `_clear_busy`, which calls
    `ensure_started`), but not for a method of an interface its base defines (Django's
    `LocMemCache.clear()`, which `_cull` calls under the cache's lock, and users through
    `cache.clear()` without it)."""
    if not callers:
        return False
    unlocked = [edge for edge in callers if not lock_names.lexical(edge.caller, edge.call.locks)]
    if not unlocked:
        return True
    if _overrides(index, info):
        return False
    seen = {info.fid}
    return all(_private_helper_under_a_lock(index, edge.caller, lock_names, seen) for edge in unlocked)


def _fills_in_a_private_hook(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A method that fills in a hook that a private base class of the package declares and leaves
    empty (SQLAlchemy's `declarative_scan`, which `_IntrospectsAnnotations` declares with a
    docstring only): the package's own code calls it, through that interface, at the point it
    chooses (while it scans a class being mapped); it is no API of the public class."""
    for fid in _overridden(index, info):
        base = index.functions[fid].summary
        if base.does_nothing and base.class_name and any(part.startswith("_") for part in base.class_name.split(".")):
            return True
    return False


def _overrides(index: ProgramIndex, info: FunctionInfo) -> bool:
    """The method overrides one that an analysed base class defines."""
    return any(True for _ in _overridden(index, info))


def _overridden(index: ProgramIndex, info: FunctionInfo):
    """The methods of the analysed base classes that the method overrides (their fids)."""
    class_id = info.class_id
    if class_id is None:
        return
    bases = index.mro(class_id)
    for base in bases[1:] if len(bases) > 1 else ():
        fid = f"{base}.{info.summary.name}"
        if fid in index.functions:
            yield fid


def _private_helper_under_a_lock(index: ProgramIndex, fid: str, lock_names: LockModel, seen: set[str]) -> bool:
    """A private helper that every package call of holds a lock, around the call or through
    helpers of its own."""
    work = [fid]  # the helpers whose every call must be shown locked (a stack, not recursion)
    while work:
        current = work.pop()
        helper = index.functions[current]
        if current in seen or not helper.summary.is_private_helper():
            return False
        seen.add(current)
        callers = _package_callers(index, helper)
        if not callers:
            return False
        work += [edge.caller for edge in callers if not lock_names.lexical(edge.caller, edge.call.locks)]
    return True


def _package_callers(index: ProgramIndex, info: FunctionInfo) -> list:
    """The calls of the function in the package, its tests and the demos its modules run as
    scripts aside (they call everything, as a program would: psutil's `if __name__ ==
    "__main__": test()` demonstrates `process_iter`, it does not set the package up; a script
    part that calls `main()` starts a command, which stays the caller of what it runs). A method
    that overrides one of a base is also run by the base's calls on `self` (`await
    self.connect()` in the base's `connect_to_new_endpoint` runs the subclass's `connect`)."""
    edges = list(index.calls_to.get(info.fid, ()))
    for overridden in _overridden(index, info):
        edges += [edge for edge in index.calls_to.get(overridden, ())
                  if edge.call.callee is not None and edge.call.callee.root_kind == "self"]
    if info.summary.name not in MAIN_FUNCTIONS:
        edges = [edge for edge in edges if not _in_a_script_part(index, edge)]
    return _outside_tests(index, edges)


def _outside_tests(index: ProgramIndex, edges: list) -> list:
    return [edge for edge in edges if not is_test_module(index.functions[edge.caller].module.module)]


def _in_a_script_part(index: ProgramIndex, edge) -> bool:
    """The call is made by a module's `if __name__ == "__main__":` block."""
    caller = index.functions[edge.caller]
    block = caller.module.main_block
    return block is not None and caller.summary.qualname == TOPLEVEL and block[0] <= edge.line <= block[1]


def _calls_by_a_name_of_its_own(index: ProgramIndex, info: FunctionInfo) -> list:
    """The calls of a method that no resolved call reaches, where the receiver's class could not
    be told, by a name no other function of the program has (joblib's
    `self.parallel.dispatch_next()` on the Parallel its callback was handed): only that method
    can be what they call. Evidence enough that the package calls it under a lock; not that it
    calls it only while setting up, which a demo's `show(layout)` would make of `names()`."""
    summary = info.summary
    if summary.class_name is None or "<locals>" in summary.qualname:
        return []
    if index.functions_named(summary.name) != [info.fid]:
        return []
    calls = index.unresolved_method_calls.get(summary.name, ())
    return _outside_tests(index, [CallEdge(caller, info.fid, call.line, call) for caller, call in calls])


def _sets_up(index: ProgramIndex, fid: str) -> bool:
    """Code that runs while the program sets up: module code at import (not a `__main__`
    module's, which runs the package's command: whisper's `__main__` calls `cli()`, which
    transcribes), a constructor, a function named or marked as set-up, a framework's start-up hook."""
    info = index.functions[fid]
    summary = info.summary
    return ((summary.qualname == TOPLEVEL and not _runs_the_command(index, fid))
            or summary.name in CONSTRUCTORS or set_up_name(summary.name)
            or _marked_set_up(summary) or _start_up_hook(index, info))


def _reexported(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A function a package's `__init__` imports (`from .session import close_all_sessions`) is
    API the package offers by name, whoever calls it inside the package."""
    if info.summary.class_name is not None:
        return False
    return any(module.is_package and any(i.target == info.fid for i in module.imports.values())
               for module in index.modules.values())


def _documented_for_one_thread(index: ProgramIndex, info: FunctionInfo) -> bool:
    """The method says in its docstring that it is not thread-safe (streamlit's runtime:
    "Threading: UNSAFE. Must be called on the eventloop thread."; portalocker's `acquire`: "a
    single instance is not thread-safe either"): a program that follows the documentation calls
    it from one thread. What the package itself runs on threads of its own, or from API that is
    thread-safe, still reaches it. (A class documented as not thread-safe keeps its methods as
    API: kafka-python's `KafkaClient` says so, and its producer drives one client from the
    caller's thread and its sender thread.)"""
    return info.summary.documented_not_thread_safe


def _documented_for_tests(index: ProgramIndex, info: FunctionInfo) -> bool:
    """The function, or the class it is a method of, says in its docstring's summary that it is
    there for tests (langchain's `InMemoryRecordManager`, "for testing purposes"; `mock_now`,
    "for mocking out datetime.now() in unit tests")."""
    if info.summary.documented_for_tests:
        return True
    class_name = info.summary.class_name
    known = index.classes.get(f"{info.module.module}.{class_name}") if class_name else None
    return known is not None and known[1].documented_for_tests


def _test_support_module(module: str) -> bool:
    parts = module.split(".")
    last = parts[-1]
    if "tests" in parts or last.startswith("test_") or last.endswith("_test") or last == "conftest":
        return False  # the package's own tests
    return any(part in TEST_SUPPORT_PACKAGES for part in parts)


def _marked_set_up(summary) -> bool:
    """A decorator that says the function is set-up API (Flask's `@setupmethod`, which refuses
    calls once the application has handled a request), or its documentation does (SQLAlchemy's
    `event.remove`: "it is a configurational operation")."""
    return summary.documented_set_up or any(
        SETUP_MARKER in decorator.text.rsplit(".", 1)[-1].lower() for decorator in summary.decorators)


def set_up_name(name: str) -> bool:
    """A name that says the function configures or prepares (`register_serializer`,
    `on_before_init`, `create_test_db`): programs and test runners call it while they set up."""
    lowered = name.lower()
    if lowered in SETUP_FUNCTION_NAMES:
        return True
    while lowered.startswith(HOOK_TIME_PREFIXES):
        lowered = lowered.split("_", 1)[1]
    if lowered.startswith(SETUP_FUNCTION_PREFIXES):
        return True
    words = lowered.split("_")
    return len(words) > 1 and (words[-1] in SETUP_FUNCTION_LAST_WORDS
                               or any(word in TEST_SUPPORT_WORDS for word in words[1:]))


def _start_up_hook(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A method the framework runs once at start-up or in a one-off command (`AppConfig.ready`,
    any method of a management command), in the class that defines the hook or a subclass of it."""
    class_name = info.summary.class_name
    if not class_name or "<locals>" in info.summary.qualname:
        return False
    return any(methods == ALL_METHODS or info.summary.name in methods
               for methods in _start_up_hook_methods(index.lineage(info.class_id)))


@lru_cache(maxsize=65536)
def _start_up_hook_methods(lineage: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The start-up methods of the framework bases a class's lineage matches."""
    return tuple(methods for base, methods in START_UP_HOOKS if any(name_matches(base, c) for c in lineage))


def _hook_of_outside_base(index: ProgramIndex, info: FunctionInfo) -> bool:
    """`_stream` on a LangChain chat model, `_call` on a tool: a class derived from a class outside
    the analysed code gets its private methods called by that base class's public API. Standard
    library bases (`abc.ABC`, `typing.Generic`, `threading.Thread`) call no private hooks of
    their subclasses."""
    class_name = info.summary.class_name
    if not class_name or "<locals>" in info.summary.qualname:
        return False
    return any(base.split(".", 1)[0] not in sys.stdlib_module_names
               for base in index.external_bases(f"{info.module.module}.{class_name}"))


def returned_by_parent(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A wrapper a decorator returns (`return decorated`) is called by the library's users."""
    return _handed_back_by_parent(index, info) and not _registering_decorator(info)


def registers_where_it_decorates(index: ProgramIndex, info: FunctionInfo) -> bool:
    """The decorator a decorator factory hands back, when it registers the function it is given
    and returns it (python-socketio's `on(event)`, whose `set_handler` files the handler under
    the event): it runs where the decorated function is defined, as the module is imported, or
    when a program declares a handler while it sets up; not on the threads that serve."""
    return _registering_decorator(info) and _handed_back_by_parent(index, info)


def _closures_returned_by(index: ProgramIndex, fid: str) -> list[str]:
    """The nested functions a function returns (`def checker(m): def inner(): ...; return inner`)."""
    info = index.functions.get(fid)
    if info is None:
        return []
    returned = {r.root for r in info.summary.returns if r.root_kind == "local" and not r.attrs}
    prefix = f"{fid}.<locals>."
    return [nested for nested in (prefix + name for name in returned) if nested in index.functions]


def _handed_back_by_parent(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A nested function that the function enclosing it returns (`return decorated`)."""
    qualname = info.summary.qualname
    if ".<locals>." not in qualname or qualname.startswith("<"):
        return False
    parent_qualname, _, name = qualname.rpartition(".<locals>.")
    parent = index.functions.get(f"{info.module.module}.{parent_qualname}")
    return parent is not None and any(r.root_kind == "local" and r.root == name for r in parent.summary.returns)


def _registering_decorator(info: FunctionInfo) -> bool:
    """`def decorate(fn): registry[key] = fn; return fn`, handed back by a decorator factory
    (`@inspects(Type)`): it runs where it decorates, when the module is imported, not per call
    as a wrapper that calls through does."""
    summary = info.summary
    return len(summary.parameters) == 1 and any(
        r.root_kind == "param" and r.root == summary.parameters[0] and not r.attrs for r in summary.returns)


def _candidate_names(symbol: Symbol | None) -> list[str]:
    if symbol is None:
        return []
    names = []
    if symbol.typed:
        names.append(symbol.typed)
    if symbol.kind == EXTERNAL:
        names.append(symbol.name)
    return names


def _decorated(index: ProgramIndex, knowledge: Knowledge, info: FunctionInfo, add) -> None:
    for decorator in info.summary.decorators:
        symbol = index.resolve_ref(info.module, decorator.ref, info.summary.class_name) if decorator.ref else None
        if symbol is None and decorator.ref is not None and decorator.ref.root_kind == "param":
            symbol = _through_annotated_parameter(index, info, decorator.ref)
        names = _candidate_names(symbol)
        matched = next((e for e in knowledge.decorators for n in names if name_matches(e.name, n)
                        and not (e.unless_module_uses and _module_uses(info, e.unless_module_uses, optional_too=False))),
                       None)
        if matched is None and "." in decorator.text:
            method = decorator.text.rsplit(".", 1)[-1]
            if method in ROUTE_DECORATOR_METHODS and (decorator.first_arg_text or "").startswith("/"):
                matched = ROUTE_FALLBACK
            elif method in REQUEST_HOOK_DECORATOR_METHODS or (
                    method == MIDDLEWARE_DECORATOR_METHOD and decorator.first_arg_text in MIDDLEWARE_KINDS):
                matched = REQUEST_HOOK_FALLBACK
        shared_instance_of = None
        if matched is None and decorator.text.rsplit(".", 1)[-1] == EXPOSING_DECORATOR and info.class_id:
            matched, shared_instance_of = EXPOSED_METHOD, info.class_id
        if matched is not None:
            detail = None if matched is REQUEST_HOOK_FALLBACK else decorator.first_arg_text  # a route's path
            add(EntryPoint(info.fid, matched.context, matched.framework, matched.why,
                           info.module.path, decorator.line, detail, shared_instance_of=shared_instance_of))


def _through_annotated_parameter(index: ProgramIndex, info: FunctionInfo, ref) -> Symbol | None:
    """`@app.post(path)` on a handler defined inside `add_endpoint(app: FastAPI, ...)`: the
    decorator is a method of the class the enclosing function's parameter is annotated with."""
    qualname = info.summary.qualname
    if ".<locals>." not in qualname:
        return None
    outer = index.functions.get(f"{info.module.module}.{qualname.rsplit('.<locals>.', 1)[0]}")
    declared = outer.summary.parameter_classes.get(ref.root) if outer is not None else None
    symbol = index.annotated_class(info.module, declared) if declared else None
    for attr in ref.attrs:
        symbol = index.member(symbol, attr) if symbol is not None else None
    return symbol


def _handed_to_call(index: ProgramIndex, knowledge: Knowledge, info: FunctionInfo, call: Call, add,
                    workers: dict[str, bool]) -> None:
    symbol = index.resolve_ref(info.module, call.callee, info.summary.class_name) if call.callee else None
    if symbol is not None and symbol.kind == CLASS and _thread_class(index, symbol.name):
        _handed_to_a_thread_class(index, info, call, symbol.name, add)
        return
    names = _candidate_names(symbol)
    receiver, _, method = call.callee_text.rpartition(".")
    candidates = {method, *(n.rsplit(".", 1)[-1] for n in names)}
    patterns = [p for name in candidates for p in knowledge.calls_named(name)]
    for pattern in patterns:
        if pattern.unless_module_uses and _module_uses(info, pattern.unless_module_uses, optional_too=False):
            continue
        if pattern.name.startswith("."):
            if not receiver or method != pattern.name[1:]:
                continue
            if pattern.receiver_hints and not any(h in receiver for h in pattern.receiver_hints):
                continue
            if pattern.context == TASK and _names_a_call_result(receiver):
                # `asyncio.get_running_loop().create_task(self._serve(...))`: a task of the loop the
                # code already runs on adds no thread; the function keeps the reach it has (its
                # API's). A thread or executor job on what a call returns does count.
                continue
        elif not any(name_matches(pattern.name, n) for n in names):
            continue
        # `worker.submit(job)` on a project class that keeps one thread: its jobs run on that thread.
        worker = worker_class_of_method(index, index.resolve_call(info, call), workers) \
            if pattern.context == BACKGROUND and pattern.name.startswith(".") else None
        worker = worker or _one_worker_executor(index, info, call, pattern)
        for arg in call.function_args:
            wanted = (
                arg.keyword == pattern.keyword if arg.keyword is not None
                else pattern.position == ALL_POSITIONAL or arg.position == pattern.position
            )
            if not wanted:
                continue
            if arg.called and pattern.context != TASK and pattern.position != ALL_POSITIONAL:
                # `Thread(target=timeout_checker(mutants))`: what runs is what the call returns
                fid = index.resolve_function_arg(info, arg)
                for closure in _closures_returned_by(index, fid) if fid is not None else ():
                    add(EntryPoint(closure, pattern.context, pattern.framework, pattern.why, info.module.path,
                                   call.line, multiple=not pattern.single or _started_in_a_loop(index, info, call)))
                continue
            if pattern.context == BACKGROUND and waits_for_job(call, arg):
                continue  # the caller waits for the job at once: a step of the caller (index._waited_job_edges)
            fid = index.resolve_function_arg(info, arg)
            if fid is None:
                continue
            detail = call.first_arg_text if pattern.context != BACKGROUND else None
            if worker is not None:
                add(EntryPoint(fid, BACKGROUND, ONE_THREAD_JOB, ONE_THREAD_JOB_WHY.format(worker=worker),
                               info.module.path, call.line, multiple=False, serial=worker))
                continue
            for handed in (fid, *_overrides_of_own_method(index, info, arg)):
                context = TASK if pattern.coroutines_as_tasks and index.functions[handed].summary.is_async \
                    else pattern.context
                multiple = (not pattern.single or _started_in_a_loop(index, info, call)) and not (
                    context == TASK and _kept_as_the_one_task(info, call))
                add(EntryPoint(handed, context, pattern.framework, pattern.why, info.module.path, call.line,
                               detail, multiple=multiple,
                               scheduled=pattern.scheduled, polls=_polls_on_its_thread(index, pattern, handed),
                               receiver=index.receiver_class_of_arg(info, arg),
                               shared_instance_of=_object_serving_requests(info, arg, context),
                               same_for_each=_parameters_given(index.functions[handed].summary, arg.same_for_each)))
        return


def _parameters_given(summary, arguments: tuple[int | str, ...]) -> tuple[str, ...]:
    """The parameters that receive the arguments at these positions or keywords."""
    names = []
    for argument in arguments:
        if type(argument) is int and argument < len(summary.parameters):
            names.append(summary.parameters[argument])
        elif type(argument) is str and argument in summary.parameters:
            names.append(argument)
    return tuple(names)


def _one_worker_executor(index: ProgramIndex, info: FunctionInfo, call, pattern) -> str | None:
    """`loop.run_in_executor(self.executor, job)`, `self.executor.submit(job)` where the object
    made `self.executor = ThreadPoolExecutor(max_workers=1)`: its jobs run one at a time on that
    one thread. The executor, named for reports; None for any other."""
    if pattern.context != BACKGROUND or info.class_id is None:
        return None
    if pattern.name == ".run_in_executor":
        ref = next((r for position, _, r in call.argument_refs if position == 0), None)
    elif pattern.name in (".submit", ".map") and call.callee is not None and call.callee.attrs:
        ref = Ref(call.callee.root_kind, call.callee.root, call.callee.attrs[:-1])
    else:
        return None
    if ref is None or ref.root_kind != "self" or len(ref.attrs) != 1:
        return None
    for class_id in index.mro(info.class_id):
        if class_id in index.classes and ref.attrs[0] in index.classes[class_id][1].one_worker_executors:
            return f"{info.class_id.rsplit('.', 1)[-1]}.{ref.attrs[0]}"
    return None


def _object_serving_requests(info: FunctionInfo, arg, context: str) -> str | None:
    """`listen(engine, "before_cursor_execute", self._before_execute)`, `app.add_url_rule(path,
    view_func=self.show)`: a method of the object itself handed to a framework that runs it for
    every request or statement; that one object serves them all, on their threads."""
    target = arg.target
    if context != REQUEST or arg.local is not None or target is None or target.root_kind != "self" \
            or len(target.attrs) != 1:
        return None
    return info.class_id


def _overrides_of_own_method(index: ProgramIndex, info: FunctionInfo, arg) -> list[str]:
    """`gather(self.device(), self.measurement())` in a base class runs the subclass's own
    `device` where `self` is one: the overrides of a method handed over through `self`."""
    target = arg.target
    if arg.local is not None or target is None or target.root_kind != "self" or len(target.attrs) != 1 \
            or info.class_id is None:
        return []
    name = target.attrs[0]
    found = []
    for subclass in index.subclasses_and_self(info.class_id):
        module, summary = index.classes[subclass]
        qualname = summary.methods.get(name)
        fid = f"{module.module}.{qualname}" if qualname else None
        if subclass != info.class_id and fid in index.functions:
            found.append(fid)
    return found


def _thread_class(index: ProgramIndex, class_id: str) -> bool:
    """A class of the program that derives from `threading.Thread`."""
    return class_id in index.classes and any(name_matches(THREAD_CLASS, base) for base in index.lineage(class_id))


def _handed_to_a_thread_class(index: ProgramIndex, info: FunctionInfo, call: Call, class_id: str, add) -> None:
    """`Timer(60, self._log_running_time)` where `Timer` is the program's own Thread subclass:
    what the constructor is handed is kept for its `run`, which calls it on the new thread."""
    for arg in call.function_args:
        fid = None if arg.called else index.resolve_function_arg(info, arg)
        if fid is not None:
            add(EntryPoint(fid, BACKGROUND, THREAD_CLASS_CALLBACK.format(cls=class_id.rsplit(".", 1)[-1]),
                           THREAD_CLASS_CALLBACK_WHY, info.module.path, call.line,
                           multiple=_started_in_a_loop(index, info, call),
                           receiver=index.receiver_class_of_arg(info, arg)))


def _started_in_a_loop(index: ProgramIndex, info: FunctionInfo, call: Call) -> bool:
    """The thread is started in a loop, or by a function its caller runs in a loop on the same
    object (`for _ in range(nb_threads): self.__start_thread()`, as a pool starts its workers):
    several threads run the target at once. (Not a constructor called in a loop: that makes
    several objects, each with its own thread.)"""
    if call.in_loop:
        return True
    if info.summary.name in ("__init__", "__new__"):
        return False
    method = info.summary.method_kind == "method"
    return any(edge.call.in_loop and (not method or (edge.call.callee is not None and edge.call.callee.root_kind == "self"))
               for edge in index.calls_to.get(info.fid, ()))


def _kept_as_the_one_task(info: FunctionInfo, call: Call) -> bool:
    """`if self.sniffing_task is None: self.sniffing_task = loop.create_task(self.sniff())`: the
    task is made only while none is kept, and kept where the test looks, so one runs at a time
    (opensearch-py's sniffing task)."""
    guards = set(call.lazy_guards)
    return bool(guards) and any(access.kind == WRITE and access.line == call.line and access.ref in guards
                                for access in info.summary.accesses)


def _polls_on_its_thread(index: ProgramIndex, pattern, fid: str) -> bool:
    """A thread of its own whose loop wakes on a timer (a health monitor, a periodic flusher)."""
    return pattern.context == BACKGROUND and getattr(pattern, "single", False) and index.functions[fid].summary.polls


# The call by which synchronous code hands a coroutine to a loop running on another thread (and
# waits for it): made on the loop's own thread it would hang, so the code that makes it runs on
# other threads. (Not `asyncio.run`, which starts a loop where it is called: a program's main.)
LOOP_BRIDGE_CALLS = ("run_coroutine_threadsafe", "call_soon_threadsafe")
# Tornado's `IOLoop.add_callback`, the one method of a loop safe to call from another thread, on a
# loop the caller hands in (`broadcast(msg, io_loop)`): code on the loop would use its own.
HANDED_LOOP_CALLBACKS = ("add_callback",)


def _bridges_to_a_loop(summary) -> bool:
    """A synchronous function that runs a coroutine on a loop and waits for it
    (`asyncio.run_coroutine_threadsafe(coro, self._loop).result()`), or hands a loop work the way
    only another thread needs to (`loop.call_soon_threadsafe(cb)`, `io_loop.add_callback(cb)` on
    a loop it is handed): the synchronous face of async code, which its callers call from their
    own threads, not the loop's."""
    return not summary.is_async and any(
        # (not on what a call returns: `asyncio.get_running_loop().call_soon(cb)` is on the loop)
        (call.callee_text.endswith(LOOP_BRIDGE_CALLS) and not _names_a_call_result(call.callee_text))
        or (call.callee is not None and call.callee.root_kind == "param" and len(call.callee.attrs) == 1
            and call.callee.attrs[0] in HANDED_LOOP_CALLBACKS)
        for call in summary.calls)


def _names_a_call_result(text: str) -> bool:
    """Callee text that goes through what a call returns (`asyncio.get_running_loop().create_task`:
    see summarize.syntax.chained_call_text, which writes each call as `()`)."""
    return "()" in text


def _module_uses(info: FunctionInfo, packages: tuple[str, ...], *, optional_too: bool = True) -> bool:
    """optional_too=False: not counting what the module imports under `try: ... except
    ImportError:` (`import eventlet` there is support for that loop, not what its code runs on)."""
    module = info.module
    roots = {module.module.split(".", 1)[0]} | {i.target.split(".", 1)[0] for i in module.imports.values()
                                                if optional_too or not i.optional}
    return any(p in roots for p in packages)


def _registered(index: ProgramIndex, knowledge: Knowledge, info: FunctionInfo, registration, add) -> None:
    symbol = index.resolve_ref(info.module, registration.target, info.summary.class_name)
    names = _candidate_names(symbol)
    for slot in knowledge.callback_slots:
        if not any(name_matches(slot.slot, n) for n in names):
            continue
        for arg in registration.functions:
            fid = index.resolve_function_arg(info, arg)
            if fid is not None:
                add(EntryPoint(fid, slot.context, slot.framework, slot.why, info.module.path,
                               registration.line, registration.target_text))
        return
    if symbol is not None and symbol.kind == EXTERNAL and "." in symbol.name and not registration.appended:
        # `openai.resources.Completions.create = patched`: a monkeypatch of another library.
        for arg in registration.functions:
            fid = index.resolve_function_arg(info, arg)
            if fid is not None:
                add(EntryPoint(fid, API, PATCHED_FUNCTION, PATCH_WHY, info.module.path,
                               registration.line, registration.target_text))


def _follows_protocol(module, summary, pattern) -> bool:
    """The class defines one of the protocol's methods, with the protocol's parameters if it fixes them."""
    for name in pattern.signature:
        qualname = summary.methods.get(name)
        if qualname is None:
            continue
        function = module.functions.get(qualname)
        if not pattern.parameters or (
                function is not None and tuple(function.parameters[:len(pattern.parameters)]) == pattern.parameters):
            return True
    return False


def _constructible(index: ProgramIndex, class_id: str, counts: tuple[int, ...]) -> bool:
    """The class can be made with one of these numbers of positional arguments: its `__init__`
    in the analysed code accepts it, or comes from outside (`object`, a framework's mixin)."""
    init = index.function_of(Symbol(CLASS, class_id))
    if init is None:
        return True
    required, taken, required_keywords = index.functions[init].summary.arity
    return required_keywords == 0 and any(required <= n and (taken < 0 or n <= taken) for n in counts)


def _protocol_of_another_library(outside: list[str], pattern) -> bool:
    """The class derives from a class of another library (not the standard library's, nor the
    framework's own): its methods are that base's protocol, not the framework's (django-cachalot's
    panel, a `debug_toolbar.panels.Panel`, defines `process_request` for the toolbar). Only for a
    protocol tied to a framework's packages."""
    if not pattern.package_imports:
        return False
    return any(base.split(".", 1)[0] not in sys.stdlib_module_names
               and base.split(".", 1)[0] not in pattern.package_imports for base in outside if "." in base)


def _package_imports(index: ProgramIndex, module, packages: tuple[str, ...], known: dict) -> bool:
    """Some module of the module's top-level package imports one of the packages."""
    top = module.module.split(".", 1)[0]
    if top not in known:
        known[top] = {i.target.split(".", 1)[0] for m in index.modules.values()
                      if m.module.split(".", 1)[0] == top for i in m.imports.values()}
    return any(p in known[top] for p in packages)


def _entry_methods(index: ProgramIndex, class_id: str, pattern) -> list[str]:
    """The pattern's methods, those of the class (or an analysed base) whose first parameter after
    `self` has the name the pattern gives (`def get_queryset(self, request)`), and those it names
    to the method the pattern gives (`self.call_method("_render", args)`)."""
    methods = list(pattern.methods)
    taking = getattr(pattern, "methods_taking", None)
    named_to = getattr(pattern, "methods_named_to", None)
    if not (taking or named_to):
        return methods
    for ancestor in index.mro(class_id):
        module, summary = index.classes[ancestor]
        for name, qualname in summary.methods.items():
            function = module.functions.get(qualname)
            if function is None:
                continue
            if taking and function.parameters[:1] == [taking]:
                methods.append(name)
            if named_to:
                methods.extend(call.first_arg_text for call in function.calls
                               if call.first_arg_text and call.callee is not None and call.callee.names_own_member()
                               and call.callee.attrs[0] == named_to
                               and index.class_member(class_id, call.first_arg_text, instance=True))
    return list(dict.fromkeys(methods))


def _constructor_takes(index: ProgramIndex, class_id: str, parameters: tuple[str, ...]) -> bool:
    """The class's `__init__` in the analysed code takes these parameters first, after self, and
    the package makes no instance of it inside a function: a responder that a middleware makes
    around the application for each request (starlette's `IdentityResponder`) is that request's."""
    init = index.function_of(Symbol(CLASS, class_id))
    if init is None or tuple(index.functions[init].summary.parameters[:len(parameters)]) != parameters:
        return False
    return all(index.functions[edge.caller].summary.qualname == TOPLEVEL
               for edge in _outside_tests(index, list(index.calls_to.get(init, ()))))


def _subclassed(index: ProgramIndex, knowledge: Knowledge, add) -> None:
    imported: dict[str, set[str]] = {}  # top-level package -> the packages its modules import
    for class_id, (module, summary) in index.classes.items():
        if is_test_module(module.module):
            continue
        # Bases outside the analysed code, and the analysed ones (Django's own Node subclasses).
        outside = index.external_bases(class_id)
        bases = [*outside, *index.mro(class_id)[1:]]
        patterns = [p for p in knowledge.base_classes if any(name_matches(p.base, b) for b in bases)]
        if not patterns:  # a class of a known framework base is that, whatever its methods are named
            patterns = [p for p in knowledge.duck_typed if _follows_protocol(module, summary, p) and (
                not p.package_imports or _package_imports(index, module, p.package_imports, imported))
                and (not p.constructed_with or _constructible(index, class_id, p.constructed_with))
                and (not p.constructor_parameters or _constructor_takes(index, class_id, p.constructor_parameters))
                and not _protocol_of_another_library(outside, p)]
        for pattern in patterns:
            # A base class's framework makes the instances (a duck-typed application object may be
            # one the program makes once and serves every request with).
            per_request = isinstance(pattern, BaseClassEntry) and pattern.context == REQUEST and not pattern.shares_instance
            for method in _entry_methods(index, class_id, pattern):
                symbol = index.class_member(class_id, method, instance=True)
                fid = index.function_of(symbol)
                if fid is not None:
                    add(EntryPoint(fid, pattern.context, pattern.framework, pattern.why, module.path,
                                   summary.line, class_id.rsplit(".", 1)[-1],
                                   multiple=not getattr(pattern, "single", False),
                                   shared_instance_of=class_id if pattern.shares_instance else None,
                                   instance_per_request_of=class_id if per_request else None,
                                   on_loop=getattr(pattern, "on_loop", False),
                                   polls=_polls_on_its_thread(index, pattern, fid)))
