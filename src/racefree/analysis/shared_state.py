"""Group every access by the shared object it touches, and keep only state that can be shared:
module-level objects, class attributes, attributes of module-level singletons and of objects
whose methods run on threads of their own, and attributes of other modules. Per-thread storage
and thread-safe containers are dropped here, as are accesses made at import time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from racefree.analysis.library_settings import sets_a_library_setting_per_instance
from racefree.analysis.locks import LockModel
from racefree.analysis.parameter_guards import guarded_modes
from racefree.analysis.reachability import Mode, Reach, Reachability
from racefree.analysis.receivers import Receivers
from racefree.analysis.singleton_use import SingletonUse
from racefree.index import (
    CLASS,
    CELL,
    CLASS_ATTR,
    CONTEXT_DEFAULT,
    DEFAULT_ARGUMENT,
    EXTERNAL,
    FUNCTION,
    INSTANCE_ATTR,
    MODULE,
    OBJECT,
    FunctionInfo,
    ProgramIndex,
    Symbol,
    is_cached_property,
)
from racefree.knowledge.containers import ITEMS
from racefree.knowledge.entry_points import (
    API,
    BACKGROUND,
    COMPONENT_WHY,
    MODULE_PART,
    MODULE_PART_WHY,
    CONSTRUCTORS,
    GATHERED_TASK,
    REQUEST,
    REQUEST_CONTEXT_CODE,
    SINGLETON_MARKER,
    SINGLETON_WHY,
    LOOP_DRIVEN_BASES,
    NOT_SHARED_ROLES,
    OBSERVER_INTERFACES,
    OBSERVER_WHY,
    DESCRIPTOR_WHY,
    HANDED_OUT_PART_WHY,
    SHARED_BY_CONVENTION,
    SHARED_ROLE_RULES,
    SHARED_ROLE_SUFFIXES,
    SHARED_ROLE_WHY,
    name_matches,
)
from racefree.knowledge.interpreter_hooks import INTERPRETER_STREAMS_AND_HOOKS
from racefree.knowledge.merged import BUILT_IN, Knowledge
from racefree.knowledge.requests import PER_REQUEST_GLOBALS
from racefree.knowledge.sync import PER_THREAD_STORAGE
from racefree.summarize.model import (
    CLAIMED,
    OP_ITERATE,
    OP_LOAD,
    OP_MUTATE,
    OP_REBIND,
    OP_SLOT_LOAD,
    OP_SLOT_STORE,
    READ,
    USE,
    WRITE,
    Access,
    Ref,
)
from racefree.summarize.visitor import TOPLEVEL

THREAD_STARTED = "whose methods also run on a thread it starts"
TASKS_GATHERED = "whose coroutines it gathers run as concurrent tasks on the one object"
HANDED_TO_TASKS = "which one gather hands to each of its tasks, so they run concurrently on the one object"
DOCUMENTED_THREAD_SAFE = "whose documentation says it is thread-safe, so programs share one instance between threads"
LOCKED_STATE = "which guards its state with a lock of its own, so it is meant to be shared between threads"
# `with self.connection.server.dit_lock:` around `self.connection.server.dit`: the part is shared
PART_LOCKED = "whose part it guards with that part's own lock, so the part is meant to be shared between threads"
HANDS_OUT_HANDLERS = ("whose methods wrap request handlers in functions that keep the instance: every request "
                      "through the functions it wraps uses the one object")
FUNCTION_WRAPPER = ("made by the decorator `{maker}` in place of the function it decorates: every call of the "
                    "decorated function, on any thread or task, uses the one object")
DECORATOR_OBJECT = ("used as a decorator (its `__call__` wraps a function in one that keeps the instance): every "
                    "call of the decorated function, on any thread, uses the one object")
ROLE_SHARED = SHARED_ROLE_WHY.rsplit(",", 1)[-1]  # how a role-shared reason ends
CAPTURED = "every request it serves uses the one object"
CAPTURED_BY_HANDLER = "captured by the {framework} `{handler}`, defined inside `{owner}`: " + CAPTURED
OVERRIDDEN_ACROSS_AWAIT = (
    "swapped for a temporary value while its code awaits: other tasks that share the object meanwhile "
    "see the temporary value"
)
OVERRIDE_RULES = frozenset({"RF108"})
# A parameter's mutable default: made once when the `def` runs, and what one call stores in it
# the next finds (RF101), loses an update to (RF103) or walks while another adds (RF106). Not a
# check-then-act (RF104): `def f(n, _memo={})` that fills a memo is the idiom, and filling it
# twice with the same value is harmless.
DEFAULT_SHARED = "made once when the function is defined and shared by every call that omits the argument"
DEFAULT_WHY_START = "default value of the parameter"  # (how reports tell the form from its reason)
DEFAULT_WHY = DEFAULT_WHY_START + " `{parameter}` of `{function}`, " + DEFAULT_SHARED
DEFAULT_ARGUMENT_RULES = frozenset({"RF101", "RF103", "RF106"})
# A ContextVar's mutable default (`ContextVar("steps", default=[])`): `.get()` hands the one
# object to every thread and task that has not set the variable, so they share it.
CONTEXT_SHARED = "made once at import and handed by `.get()` to every thread and task that has not set the variable"
CONTEXT_WHY_START = "default value of the ContextVar"
CONTEXT_WHY = CONTEXT_WHY_START + " `{name}`, " + CONTEXT_SHARED
PER_REQUEST_PREFIXES = tuple(name + "." for name in PER_REQUEST_GLOBALS)  # `flask.session.get`
SINGLETON_ATTRIBUTE = "attribute of the module-level instance"
# Bases of container classes: a `Cache` or `Registry` that is a mapping is a data structure, not a
# service object its users share as it is (cachetools documents its caches as not thread-safe).
CONTAINER_BASES = frozenset(
    f"{module}.{name}" for module in ("collections.abc", "typing")
    for name in ("MutableMapping", "MutableSet", "MutableSequence")
) | {"collections.UserDict", "collections.UserList", "collections.OrderedDict", "dict", "list", "set"}


@dataclass(slots=True)
class AccessFact:
    access: Access
    info: FunctionInfo
    locks: frozenset[str]
    modes: dict[Mode, Reach]
    # In a loader that every caller runs under `if not _loaded:`: its writes initialise.
    in_lazy_loader: bool = False
    # In a function that sets the object and puts the saved value back (RF108 judges these).
    in_override: bool = False
    # A worker's job that is also library API, on an object only threads of its own share: the
    # caller's thread runs it too, beside the worker's (see `needs_thread_evidence`).
    by_caller: bool = False
    # An attribute of an object bound to one event loop (it keeps asyncio locks, events, queues,
    # and no thread's): whoever calls, the loop's thread runs the access.
    on_its_loop: bool = False
    # Reached only from library API that sets up: methods that start an object up (`start()`,
    # `async with client:`), which a program runs once per object, and a module's setters
    # (`set_start_method(m)`).
    only_while_setting_up: bool = False
    # Reached only through methods that tear an object down (`close()` and the private
    # `_close_session()` it calls), which a program runs once per object.
    only_while_tearing_down: bool = False
    # Public API of an object that starts a thread of its own, and reached from nothing else:
    # the one caller that drives the object runs it, on its own thread, beside the object's.
    # (Mode-less, as code reached from no entry point is: concurrent with background threads.)
    on_its_callers_thread: bool = False
    callers_modes: dict[Mode, Reach] = field(default_factory=dict)  # its API reach, for the report
    # The reachability its modes come from: the call chain from each entry point down to it.
    reach: Reachability | None = field(default=None, repr=False, compare=False)
    # For an attribute reached through `self`: the classes `self` can be in each mode.
    receivers: Receivers | None = field(default=None, repr=False, compare=False)

    @property
    def fid(self) -> str:
        return self.info.fid

    @property
    def function_label(self) -> str:
        """The function as the code names it: `Registry.get`, `outer.inner`."""
        return self.info.summary.qualname.replace(".<locals>", "")

    @property
    def preemptive(self) -> bool:
        return not self.on_its_loop and any(mode.preemptive for mode in self.modes)

    @property
    def on_background_thread(self) -> bool:
        return any(mode.context == BACKGROUND for mode in self.modes)

    @property
    def concurrent(self) -> bool:
        return bool(self.modes)

    @property
    def api_only(self) -> bool:
        """Reached only because it is library API, not from any framework or thread."""
        return bool(self.modes) and all(mode.context == API for mode in self.modes)


@dataclass(slots=True)
class SharedObject:
    name: str
    kind: str  # index symbol kind: object, class-attr, instance-attr, external
    defined_at: tuple[str, int] | None
    why_shared: str
    facts: list[AccessFact] = field(default_factory=list)
    typed: str | None = None  # the class its constructor names, if known (`builtins.list` for `[]`)
    # Shared only with threads the program starts (an object whose method runs on its own thread,
    # process-wide state like os.environ): library API reach alone does not make two accesses
    # concurrent here, since one caller typically drives such an object or sets such state up.
    needs_thread_evidence: bool = False
    locked_class: bool = False  # an attribute of a class that locks some of its own state
    # Shared only by the role of its class (a client, a session): the rules that may report it.
    only_rules: frozenset[str] | None = None

    def writes(self) -> list[AccessFact]:
        return [f for f in self.facts if f.access.kind == "write"]

    def reads(self) -> list[AccessFact]:
        return [f for f in self.facts if f.access.kind == "read"]

    def uses(self) -> list[AccessFact]:
        """Calls of methods that change a library object's state (`_YAML.load(f)`), for an
        object known not to be thread-safe."""
        return [f for f in self.facts if f.access.kind == USE]


def unique_facts(facts) -> list[AccessFact]:
    """The facts in order, each code location once."""
    seen, result = set(), []
    for fact in facts:
        key = (fact.fid, fact.access.line, fact.access.col)
        if key not in seen:
            seen.add(key)
            result.append(fact)
    return result


def collect_shared_objects(index: ProgramIndex, reach: Reachability, locks: LockModel,
                           knowledge: Knowledge = BUILT_IN) -> list[SharedObject]:
    part_locked: dict[str, set[tuple[str, ...]]] = {}
    made_per_call = _MadePerCall(index)
    shared_classes = _classes_shared_by_design(index, reach, locks, part_locked, made_per_call)
    overridden = _overridden_across_await(index)
    singleton_use = SingletonUse(index, reach)
    constructing_functions = _constructing_functions(index, reach)
    receivers = Receivers(index, reach)
    modes_from_outside = _ModesFromOutside(index, reach)
    objects: dict[str, SharedObject] = {}
    for fid, info in index.functions.items():
        if info.summary.qualname == TOPLEVEL or not info.summary.accesses:
            continue
        modes = reach.modes(fid)
        if not modes and _never_used(index, info):
            continue  # a private helper nothing calls or names: its reads hand nothing to anyone
        built_modes = reach.built_modes(fid)  # for `self`: the paths on which it is not being built
        constructing = fid in constructing_functions
        lazy_loader = _lazy_loader(index, fid)
        for access in info.summary.accesses:
            # The method runs on an object being built: not shared with other threads yet.
            on_a_new_object = constructing or (modes and not built_modes)
            if access.ref.root_kind == "param":
                symbols = index.argument_symbols(fid, access.ref)
                if access.ref.root in info.summary.mutable_defaults and not access.ref.attrs:
                    symbols = [*symbols, (_default_of(info, access.ref.root), None)]
            else:
                symbols = [(index.resolve_ref(info.module, access.ref, info.summary.class_name), None)]
                default = _default_kept_on_self(index, info, access)
                if default is not None:
                    symbols.append((default, None))
            for symbol, passers in symbols:
                if (symbol is not None and symbol.kind == FUNCTION and access.op not in (OP_LOAD, OP_REBIND)
                        and access.ref.names_own_member()):
                    symbol = index.attribute_behind_property(symbol)  # `for r in self.rules` iterates `_rules`
                elif symbol is not None and symbol.kind == FUNCTION and access.kind == WRITE and access.op == OP_REBIND:
                    symbol = index.attribute_behind_setter(symbol)  # `settings.mode = v` stores `_mode`
                if symbol is None or symbol.kind in (FUNCTION, MODULE):
                    continue
                if symbol.kind in (DEFAULT_ARGUMENT, CONTEXT_DEFAULT) and access.kind == WRITE \
                        and access.ref in access.behind:
                    continue  # `session = _info.get(); if session: session["n"] += 1`: never the empty default
                # The object's own state through `self`; a class attribute is every instance's,
                # also while one of them is being built.
                own_state = access.ref.root_kind == "self" and symbol.kind not in (CLASS_ATTR, DEFAULT_ARGUMENT)
                if own_state and on_a_new_object:
                    continue
                if _handled_by_own_method(index, symbol, access):
                    continue  # `for alias in connections` runs ConnectionHandler.__iter__
                safe = symbol.safe or (knowledge.has_project_containers and _declared_safe(index, knowledge, symbol))
                # Per-thread or thread-safe contents are safe; rebinding the holder itself is not,
                # and where a function rebinds it, neither is which holder a load finds.
                if safe and not (symbol.binding is not None and access.op == OP_REBIND) \
                        and not (access.op == OP_LOAD and symbol.safe and symbol.name in index.rebound_by_functions()):
                    continue
                # Through `self`, the object is an instance of the method's class or of a subclass.
                receiver = info.class_id if own_state and symbol.kind == INSTANCE_ATTR else None
                why = _why_shared(index, symbol, access, shared_classes, part_locked, made_per_call, receiver,
                                  through_instance=_through_an_instance(index, info, symbol, access))
                if why is None and symbol.name in overridden and symbol.owner_class is not None \
                        and not _documented_not_shared(index, symbol.owner_class):
                    why = f"attribute of a {symbol.owner_class} instance, {OVERRIDDEN_ACROSS_AWAIT}"
                if why is None:
                    continue
                shared = objects.get(symbol.name)
                if shared is None:
                    shared = objects[symbol.name] = SharedObject(
                        symbol.name, symbol.kind, _definition(index, symbol), why,
                        needs_thread_evidence=symbol.kind == EXTERNAL or why.endswith(
                            (THREAD_STARTED, TASKS_GATHERED, HANDED_TO_TASKS, LOCKED_STATE, PART_LOCKED, CAPTURED)),
                        locked_class=why.endswith((LOCKED_STATE, PART_LOCKED)),
                        only_rules=_rules_for_reason(why), typed=symbol.typed,
                    )
                held = locks.held(fid, access.locks, access.line)
                if symbol.kind != INSTANCE_ATTR:
                    held = held - locks.per_instance  # one instance's lock cannot guard what all share
                access_modes = built_modes if own_state else modes
                if own_state and symbol.kind == INSTANCE_ATTR and symbol.owner_class is not None:
                    access_modes = _beyond_own_request(index, symbol.owner_class, access_modes)
                if why.startswith(SINGLETON_ATTRIBUTE) and access.ref.root_kind == "self" \
                        and not _shared_beyond_its_lock(index, symbol.owner_class, shared_classes, made_per_call):
                    # Shared as the module-level instance only: in the modes its users run this method in.
                    on_instance = singleton_use.modes_on_instance(symbol.owner_class, fid)
                    if on_instance is False:
                        continue  # never run on the instance: it touches other instances' state
                    if on_instance is not None:
                        access_modes = {m: r for m, r in access_modes.items() if m in on_instance}
                if why.endswith(MODULE_PART) and access.ref.root_kind == "self":
                    # A part of a module-level instance is shared where callers reach it through
                    # that instance, not where a program calls its own public methods on a part of
                    # its own: the modes that calls from outside its class bring in.
                    through_holder = modes_from_outside(symbol.owner_class, fid)
                    access_modes = {m: r for m, r in access_modes.items() if m in through_holder}
                if passers is not None:
                    # Through a parameter: the object is this one only where a caller passes it,
                    # so in those callers' modes (a user calling the function passes their own).
                    passing_modes = {mode for caller in passers for mode in reach.modes_into(caller, fid)}
                    access_modes = {m: r for m, r in access_modes.items() if m in passing_modes}
                if access.guards:
                    guarded = guarded_modes(index, reach, fid, access.guards, access_modes)
                    if access_modes and not guarded:
                        continue  # every caller that reaches it passes arguments that keep it from running
                    access_modes = guarded
                # An attribute of an object that lives on one event loop is used on that loop's thread.
                on_its_loop = symbol.kind == INSTANCE_ATTR and symbol.owner_class in index.classes \
                    and index.loop_bound_class(symbol.owner_class)
                setting_up = bool(access_modes) and reach.only_while_setting_up(fid)
                tearing_down = bool(access_modes) and reach.only_while_tearing_down(fid)
                for seen in _as_done_on(access, symbol, info.summary.accesses):
                    shared.facts.append(AccessFact(seen, info, held,
                                                   access_modes, in_lazy_loader=lazy_loader, on_its_loop=on_its_loop,
                                                   only_while_setting_up=setting_up, only_while_tearing_down=tearing_down, reach=reach,
                                                   receivers=receivers if _own_attribute(access, symbol) else None))
    for shared in objects.values():
        overriding = {fact.fid for fact in shared.facts if fact.access.restores or fact.access.rolls_back}
        for fact in shared.facts:
            fact.in_override = fact.fid in overriding
        if shared.locked_class and any(not lock.endswith(CLAIMED) for f in shared.facts for lock in f.locks):
            # Inconsistent locking: the class locks this very attribute somewhere, so its
            # authors meant it to be shared; the unguarded accesses are the finding (RacerD).
            # (A claimed run is not such a lock: code that runs once per object claims too.)
            shared.needs_thread_evidence = False
        if shared.needs_thread_evidence:
            # A function that sets the state and puts the old value back scopes a process-wide
            # value to one call, which is wrong as soon as two calls overlap: its reach stands.
            # Not for the interpreter's streams and hooks (`sys.stdout`): a helper that swaps
            # them is a tool for one thread, a race only where the package's own threads or tasks
            # run it, not where its callers might.
            keeps_api_reach = shared.name not in INTERPRETER_STREAMS_AND_HOOKS
            # An object shared by the tasks it gathers is shared with those, not with whatever
            # else reaches its class.
            gathered_only = shared.why_shared.endswith((TASKS_GATHERED, HANDED_TO_TASKS))
            # An object that starts a thread of its own is driven by one caller, whose thread
            # runs beside the object's (`queue.submit(task)` while the object's timer thread
            # walks `self.futures`).
            driven_by_one_caller = shared.why_shared.endswith(THREAD_STARTED) \
                and any(fact.on_background_thread for fact in shared.facts)
            for fact in shared.facts:
                # So does a constructor that sets another library's setting to its instance's value.
                if not ((fact.in_override and keeps_api_reach) or sets_a_library_setting_per_instance(shared, fact)):
                    # A job of a worker with one thread races with the caller's thread, not with
                    # other jobs. (A thread the object starts for its own loop, with public methods
                    # of its own, is driven by its one caller before and after: its reach stands.)
                    # So does the one thread an object starts, where the function it runs (no
                    # main loop) is the object's public API too: a timer thread's `_flush()` that
                    # `force_flush()` also runs, on the caller's thread.
                    fact.by_caller = any(r.entry.serial for r in fact.modes.values()) and (
                        fact.fid in reach.also_api or any(mode.context == API for mode in fact.modes)) \
                        or (driven_by_one_caller and fact.fid in reach.also_api and bool(fact.modes)
                            and all(m.context == BACKGROUND and not m.multiple for m in fact.modes)
                            and all(_target_also_called_by_api(index, reach, r.entry.fid) for r in fact.modes.values()))
                    if gathered_only:  # the tasks it gathers share it, not the other threads that reach it
                        fact.modes = {m: r for m, r in fact.modes.items() if r.entry.framework == GATHERED_TASK}
                    api_only = fact.api_only
                    if driven_by_one_caller and api_only and not fact.by_caller:
                        fact.on_its_callers_thread, fact.callers_modes = True, fact.modes
                    fact.modes = {mode: r for mode, r in fact.modes.items() if mode.context != API}
    found = [o for o in objects.values()
             if any((f.concurrent or f.on_its_callers_thread) and f.access.kind in (WRITE, USE) for f in o.facts)]
    for shared in found:
        _name_items_after_their_instance(index, shared)
    return found


def _name_items_after_their_instance(index: ProgramIndex, shared: SharedObject) -> None:
    """The items of a container's subclass of which the package keeps one module-level instance
    (`POOLS = keydefaultdict(...)`) are that instance's: reported as `POOLS`, the name users know."""
    owner, _, last = shared.name.rpartition(".")
    if last != ITEMS or not shared.why_shared.startswith(SINGLETON_ATTRIBUTE):
        return
    instances = {name for class_id in index.subclasses_and_self(owner) for name in index.singletons.get(class_id, ())}
    if len(instances) == 1:
        shared.name = f"{instances.pop()}.{ITEMS}"


def _target_also_called_by_api(index: ProgramIndex, reach: Reachability, fid: str) -> bool:
    """A thread's target that the package's public API calls too, and that runs no main loop
    (a timer's `_flush`, which `force_flush()` runs at once): it runs on the thread and on callers'."""
    info = index.functions.get(fid)
    return fid in reach.also_api and info is not None and not (info.summary.serves_forever or info.summary.polls)


def _own_attribute(access: Access, symbol: Symbol) -> bool:
    """`self.name` (or an element of it): an attribute of the method's own object, whose class is
    the method's or a subclass's (not `self.helper.name`, another object's)."""
    return access.ref.root_kind == "self" and len(access.ref.attrs) == 1 and symbol.kind == INSTANCE_ATTR


def _beyond_own_request(index: ProgramIndex, owner: str, modes: dict[Mode, Reach]) -> dict[Mode, Reach]:
    """Without the requests a framework runs on an instance it makes for each (a Tornado handler,
    a Django view): on `self`, such a method touches its own request's object, which no other
    request sees. (A thread that the handler starts shares the object with that one request:
    its mode stays, and the request's side runs as the code that started it.)"""
    if not any(reach.entry.instance_per_request_of for reach in modes.values()):
        return modes
    made_as = set(index.subclasses_and_self(owner))
    return {mode: reach for mode, reach in modes.items()
            if reach.entry.instance_per_request_of is None or reach.entry.instance_per_request_of not in made_as}


def _default_kept_on_self(index: ProgramIndex, info, access: Access) -> Symbol | None:
    """`self._events.append(e)` where the object's `__init__` kept a parameter's mutable default
    there (`self._events = events`, `events=[]`): the one default, shared by every instance made
    without the argument. Not a rebinding, which puts another object in the attribute."""
    ref = access.ref
    if ref.root_kind != "self" or len(ref.attrs) != 1 or access.op == OP_REBIND or info.class_id is None:
        return None
    kept = index.kept_default(info.class_id, ref.attrs[0])
    keeper = index.functions.get(kept[0]) if kept is not None else None
    if keeper is None or kept[1] not in keeper.summary.mutable_defaults:
        return None
    return _default_of(keeper, kept[1])


def _default_of(info, parameter: str) -> Symbol:
    """The one object a parameter's mutable default is (`headers={}`), named after the function."""
    return Symbol(DEFAULT_ARGUMENT, f"{info.fid}.{parameter}", typed=info.summary.mutable_defaults[parameter])


def _why_shared(index: ProgramIndex, symbol: Symbol, access: Access, shared_classes: dict[str, str],
                part_locked: dict[str, set[tuple[str, ...]]], made_per_call: _MadePerCall,
                receiver: str | None = None, through_instance: bool = False) -> str | None:
    """Why the object is shared, or None. receiver: for an attribute reached through `self`, the
    class of the method, whose instance `self` is (or of a subclass of it): an attribute its base
    defines is shared there only when that kind of object is, not when a sibling subclass is (a
    DIGEST mechanism is no GSSAPI one). through_instance: the access names a module-level
    instance (`_local.enabled`), not the class."""
    if symbol.kind == CONTEXT_DEFAULT:
        return CONTEXT_WHY.format(name=symbol.name.rsplit(".", 2)[-2])
    if symbol.kind == DEFAULT_ARGUMENT:
        function, parameter = symbol.name.rsplit(".", 1)
        return DEFAULT_WHY.format(parameter=parameter, function=function.rsplit(".", 1)[-1])
    if symbol.kind == CELL:
        return _why_a_cell_is_shared(index, symbol)
    if symbol.kind == OBJECT:
        if symbol.name in PER_REQUEST_GLOBALS:
            return None  # the framework's own request proxies (`cherrypy.session`): each request's own
        return f"module-level object {symbol.name}"
    if symbol.kind == EXTERNAL:
        if symbol.name.count(".") == 0 or symbol.name in PER_REQUEST_GLOBALS or symbol.name.startswith(PER_REQUEST_PREFIXES):
            return None  # a builtin, or `flask.session["k"]`: each request has its own
        return f"attribute of the module {symbol.name.rsplit('.', 1)[0]}, global to the process"
    owner = symbol.owner_class
    through_class = access.ref.root_kind in ("global", "class") and len(access.ref.attrs) == 1 and not through_instance
    if owner is not None and not through_class and index.per_thread_class(owner):
        # A container made in the class body (`class TmpFiles(threading.local): files = []`) that
        # the program never binds anew on an instance is the class's one object for every thread.
        if not (symbol.kind == CLASS_ATTR and symbol.name not in index.rebound_on_instances()):
            return None  # `class _Depth(threading.local)`: through an instance, each thread has its own
        return (f"class attribute of {owner}, made once in the class body: every thread's instance of the "
                f"thread-local class reaches that one object")
    if symbol.kind == CLASS_ATTR:
        # `self.x = v`, `self.config.uri = v`: an assignment through an instance makes an
        # attribute of that instance, whatever its class declares.
        rebinding_on_an_instance = access.ref.root_kind == "self" and access.op == OP_REBIND \
            and "__class__" not in access.ref.attrs
        if not rebinding_on_an_instance:
            return f"class attribute of {owner}, one object shared by every instance"
    if owner is None:
        return None
    if symbol.kind == INSTANCE_ATTR and owner in index.classes and index.is_metaclass(owner):
        return f"class attribute of the classes {owner} makes, one object shared by every instance of each"
    kind_of_object = receiver if receiver in index.classes and owner in index.mro(receiver) else owner
    for class_id in index.subclasses_and_self(kind_of_object):
        singletons = index.singletons.get(class_id)
        if singletons and not index.per_thread_class(class_id):  # bottle's `response`: each thread its own
            return f"{SINGLETON_ATTRIBUTE} {singletons[0]}, shared by every caller"
    why = _shared_by_design(index, kind_of_object, shared_classes, made_per_call)
    if why is None and symbol.kind == INSTANCE_ATTR and _under_a_locked_part(symbol.name, owner, part_locked):
        why = f"attribute of a {owner} instance, {PART_LOCKED}"
    return why


CELL_WHY_START = "a variable of `"  # (how reports tell a closure cell from its reason)


def _why_a_cell_is_shared(index: ProgramIndex, symbol: Symbol) -> str | None:
    """A local of a decorator that the wrapper it returns in place of the function it is given
    uses (a closure cell: `calls = 0`, `cache = {}`, `last_called = [0.0]`): the decorated
    function is that wrapper, so every call of it, from any thread, shares the one cell. Not a
    closure a factory makes per call (`lex_document(doc)` handing back a line getter with a cache
    of its own), nor one that runs only inside its function's own call."""
    origin = index.cell_origin(symbol.name)
    if origin is None:
        return None
    info = origin[0]
    summary = info.summary
    for ref in summary.returns:
        if ref.root_kind == "local" and _wraps_a_parameter(index, info, ref.root):
            return (f"{CELL_WHY_START}{summary.qualname}` kept by the wrapper `{ref.root}` it returns in place of the "
                    f"function it decorates (a closure cell): every call of the decorated function, on any thread, "
                    f"shares it")
    return None


def _wraps_a_parameter(index: ProgramIndex, outer: FunctionInfo, nested: str) -> bool:
    """The nested function wraps the function its enclosing function was given: it calls that
    parameter (`func(*args)`), and says it stands for it (`@functools.wraps(func)`, or
    `update_wrapper(wrapper, func)` in the enclosing function) or the parameter's name says it
    is a function (`func`, `fn`, `method`). Not a factory's closure that calls back a callback
    it was handed among other arguments (amqp's `frame_handler(connection, callback)`)."""
    wrapper = index.functions.get(f"{outer.fid}.<locals>.{nested}")
    if wrapper is None or wrapper.summary.wraps is None:
        return False
    return wrapper.summary.wraps in WRAPPED_FUNCTION_NAMES \
        or any(d.text.rsplit(".", 1)[-1] == "wraps" for d in wrapper.summary.decorators) \
        or any(c.callee_text.rsplit(".", 1)[-1] == "update_wrapper" for c in outer.summary.calls)


# Parameter names of a decorator that say it is given the function it wraps.
WRAPPED_FUNCTION_NAMES = frozenset({"func", "fn", "f", "function", "method", "meth", "wrapped", "fun", "func_",
                                    "view_func", "coro", "coroutine", "cls", "klass"})


def _shared_beyond_its_lock(index: ProgramIndex, owner: str, shared_classes: dict[str, str],
                            made_per_call: _MadePerCall) -> bool:
    """Every instance of the class is shared by design, for a reason other than its own lock: a
    thread it starts, a framework that keeps one for every request. A lock says its users may
    share an instance of their own; the package's one module-level instance is still used only
    through the methods the package calls on it (an LRU cache's `values()`, which nobody calls
    on the module's cache, runs on the users' caches, not on that one)."""
    why = _shared_by_design(index, owner, shared_classes, made_per_call)
    return why is not None and not why.endswith((LOCKED_STATE, PART_LOCKED))


def _through_an_instance(index: ProgramIndex, info: FunctionInfo, symbol: Symbol, access: Access) -> bool:
    """A class attribute reached through a module-level instance (`_local.enabled`, where `_local =
    _Local()`): the class's value is the default, and a store makes the instance's own (each
    thread's, for a `threading.local` subclass)."""
    ref = access.ref
    if symbol.kind != CLASS_ATTR or ref.root_kind != "global" or len(ref.attrs) != 1:
        return False
    root = index.resolve_ref(info.module, Ref(ref.root_kind, ref.root, ()), info.summary.class_name)
    return root is not None and root.kind == OBJECT


def _under_a_locked_part(name: str, owner: str, part_locked: dict[str, set[tuple[str, ...]]]) -> bool:
    """The attribute is state of a part whose own lock the class takes (ldap3's mock strategy
    locks `self.connection.server.dit_lock` around `self.connection.server.dit`)."""
    parts = part_locked.get(owner)
    if not parts or not name.startswith(owner + "."):
        return False
    path = tuple(name[len(owner) + 1:].split("."))
    return any(len(path) > len(part) and path[:len(part)] == part for part in parts)


def _shared_by_design(index: ProgramIndex, owner: str, shared_classes: dict[str, str],
                      made_per_call: _MadePerCall) -> str | None:
    """The instance is shared when its own class, a subclass or a base (a service base class that
    starts the thread) is shared by design: then every instance is, not only a module-level one.
    A lock says so only of the class that takes it: a widget's base is not meant for threads
    because one kind of widget locks its own state, nor an async transport because its
    threaded base locks."""
    for class_id in (*index.subclasses_and_self(owner), *index.mro(owner)[1:]):
        why = shared_classes.get(class_id)
        if why is None or (class_id != owner and why == LOCKED_STATE):
            continue
        if why.endswith(ROLE_SHARED) and (_documented_not_shared(index, owner) or owner in made_per_call):
            continue  # the role of a base does not make its per-call child shared
        return f"attribute of a {class_id} instance, {why}"
    return None


def _handled_by_own_method(index: ProgramIndex, symbol: Symbol, access: Access) -> bool:
    """A loop over an instance of a project class that defines `__iter__`: the loop runs that
    method, whose body decides what it walks (`ConnectionHandler` iterates its settings, not the
    thread-local connections its `__setitem__` stores), not a plain container that a concurrent
    store can change in size. (Its stores stay writes: a check and a store on a thread-safe
    cache still race as check-then-act.)"""
    class_id = symbol.typed
    if access.op != OP_ITERATE or class_id not in index.classes:
        return False
    return index.any_analysed_base(class_id, lambda summary: "__iter__" in summary.methods)


def _rules_for_reason(why: str) -> frozenset[str] | None:
    """The rules that may report an object shared for this reason (None: all of them). An object
    shared only by its class's role (a client, a session) is reported for check-then-act,
    iteration and temporary overrides (a shared client's `token_as` context manager); one shared
    only because it is overridden around an await, for that override."""
    if why.endswith(ROLE_SHARED):
        return SHARED_ROLE_RULES | OVERRIDE_RULES
    if why.endswith(OVERRIDDEN_ACROSS_AWAIT):
        return OVERRIDE_RULES
    if why.endswith((DEFAULT_SHARED, CONTEXT_SHARED)):
        return DEFAULT_ARGUMENT_RULES
    return None


def _overridden_across_await(index: ProgramIndex) -> set[str]:
    """Instance attributes that a coroutine saves, sets and puts back around an await (`live =
    rc.messages; rc.messages = copy; await hook(); rc.messages = live`): the temporary value is
    there to be seen by other code using the object while this coroutine waits, and in async
    code that other code is the other tasks. (A sync context manager's `yield` is as often a
    nesting scope on an object of one call, like a template context's `push_state`.)"""
    names = set()
    for info in index.functions.values():
        for access in info.summary.accesses:
            if access.restores_across_await:
                symbol = index.resolve_ref(info.module, access.ref, info.summary.class_name)
                if symbol is not None and symbol.kind == INSTANCE_ATTR:
                    names.add(symbol.name)
    return names


def _documented_not_shared(index: ProgramIndex, class_id: str) -> bool:
    """The class or a base says in its docstring that an instance must not be shared between
    threads (`SingletonThreadPool`: one connection per thread)."""
    return index.any_analysed_base(class_id, lambda summary: summary.documented_not_thread_safe)


def _lazy_loader(index: ProgramIndex, fid: str, depth: int = 2) -> bool:
    """Every call of the function sits under a test for emptiness (`if not _loaded: _load()`), or
    is made by such a loader (`_setup()`, called under `if self._wrapped is empty:`, makes
    `Settings(module)`, whose `__init__` runs once with it)."""
    callers = index.calls_to.get(fid)
    return bool(callers) and all(
        edge.call.lazy_guards or (depth > 0 and edge.caller != fid and _lazy_loader(index, edge.caller, depth - 1))
        for edge in callers)


def _constructing_functions(index: ProgramIndex, reach: Reachability) -> set[str]:
    """The functions that work on an object under construction: constructors, and methods only
    ever called on `self` by such functions of their own class (`Session.__init__` ->
    `self.mount(...)`), that are no entry point of their own. Worked out for the whole program at
    once, from the constructors outwards (a method qualifies once every call of it does; a cycle of
    calls proves nothing), without recursing along call chains."""
    result = {fid for fid, info in index.functions.items() if info.summary.name in CONSTRUCTORS}
    pending: dict[str, int] = {}  # method -> its calls not yet shown to come from such a function
    for fid, info in index.functions.items():
        callers = index.calls_to.get(fid, ())
        if fid in result or fid in reach.entry_functions or not callers or info.summary.class_name is None:
            continue
        if all(edge.call.callee is not None and edge.call.callee.root_kind == "self"
               and index.functions[edge.caller].summary.class_name is not None for edge in callers):
            pending[fid] = len(callers)
    work = list(result)
    while work:
        for edge in index.calls_from.get(work.pop(), ()):
            callee = edge.callee
            if callee in pending:
                pending[callee] -= 1
                if not pending[callee]:
                    del pending[callee]
                    result.add(callee)
                    work.append(callee)
    return result


def _classes_shared_by_design(index: ProgramIndex, reach: Reachability, locks: LockModel,
                              part_locked: dict[str, set[tuple[str, ...]]], made_per_call: _MadePerCall) -> dict[str, str]:
    """Classes whose instances are shared between threads, with the reason: one of their
    methods runs on a thread they start; a framework keeps one instance for every request; or
    they guard their own state with a lock of their own, which says they are meant to be shared
    (the reasoning RacerD applies to Java classes that use locks)."""
    from racefree.analysis.entry_points import is_test_module, returned_by_parent

    classes: dict[str, str] = {}
    singletons: set[str] = set()
    gathered: set[str] = set()
    handed_to_tasks: set[str] = set()
    for entry in reach.entries:
        info = index.functions.get(entry.fid)
        if entry.framework == GATHERED_TASK and info is not None:
            handed_to_tasks.update(_classes_handed_to_every_task(index, info, entry))
        if entry.shared_instance_of:
            classes.setdefault(entry.shared_instance_of, f"one instance serves every request ({entry.framework})")
        elif entry.context == BACKGROUND and info is not None and info.class_id and _uses_self(info):
            classes.setdefault(info.class_id, THREAD_STARTED)
        elif entry.framework == GATHERED_TASK and info is not None and info.class_id and _uses_self(info):
            gatherer = _gathered_by_its_own_class(index, reach, entry, info.class_id)
            if gatherer is not None:
                gathered.add(gatherer)  # after the roles: a client's role says more about who shares it
        elif (entry.framework == REQUEST_CONTEXT_CODE and info is not None and info.class_id
              and returned_by_parent(index, info) and _uses_self(info)):
            # `auth.login_required(view)` hands back a wrapper that keeps `self`: every request
            # through every view it decorates uses the one extension object.
            classes.setdefault(info.class_id, HANDS_OUT_HANDLERS)
        elif info is not None and info.class_id and _wrapper_of_a_decorator_object(index, info):
            classes.setdefault(info.class_id, DECORATOR_OBJECT)
    _wrappers_made_by_decorators(index, classes)
    _captured_by_handlers(index, reach, classes)
    _handed_to_thread_owners(index, classes)
    for class_id, (_, summary) in index.classes.items():
        for method, why in SHARED_BY_CONVENTION:
            if method in summary.methods:
                classes.setdefault(class_id, why)
        if "__get__" in summary.methods and index.sits_in_class_bodies(class_id):
            classes.setdefault(class_id, DESCRIPTOR_WHY)
        observer = _observer_interface(summary)
        if observer is not None:
            classes.setdefault(class_id, observer)
        marker = _singleton_marker(summary)
        if marker is not None:
            singletons.add(class_id)
            classes.setdefault(class_id, SINGLETON_WHY.format(marker=marker))
    for fid, info in index.functions.items():
        class_id = info.class_id
        if class_id is None or class_id in classes:
            continue
        for access in info.summary.accesses:
            # Its own lock (`self._lock`) says its state is shared. A part's (`self._conn.lock`)
            # says the part is: a cursor that takes its connection's lock guards its use of the
            # shared connection, not its own position (part_locked, for _why_shared).
            held = [ref for ref in access.locks if ref.root_kind == "self" and locks.lock_id(fid, ref)]
            if any(len(ref.attrs) == 1 for ref in held):
                classes[class_id] = LOCKED_STATE
                break
            for ref in held:
                part_locked.setdefault(class_id, set()).add(ref.attrs[:-1])
    # Its documentation says users may share an instance between threads ("This class is
    # thread-safe"): every public method of the one instance they share runs concurrently.
    for class_id, (module, summary) in index.classes.items():
        if summary.documented_thread_safe and not is_test_module(module.module):
            classes.setdefault(class_id, DOCUMENTED_THREAD_SAFE)
    components = _components(index)
    owned = {component for held in components.values() for _, component in held} | _kept_per_key(index)
    # The parts a singleton makes and keeps are as shared as it is (`Client()._llm_tracker`).
    for holder in singletons & components.keys():
        for _, component in components[holder]:
            classes.setdefault(component, COMPONENT_WHY.format(holder=holder, why_holder=classes[holder]))
    for component, holder in _parts_of_module_level_instances(index, components, made_per_call).items():
        classes.setdefault(component, MODULE_PART_WHY.format(holder=holder, name=index.singletons[holder][0]))
    for class_id in index.classes:
        role = _shared_role(index, class_id) if class_id not in owned else None
        if role is not None and not _handed_out_per_thread(index, class_id) and class_id not in made_per_call:
            classes.setdefault(class_id, SHARED_ROLE_WHY.format(role=role))
    # The parts a shared object files under a key and hands out (`return self._databases[name]`)
    # are as shared as it is: every caller that asks for the key gets the one part. In turn, a
    # few deep (a client's databases, their collections).
    handed_out = made_per_call.handed_out
    for _ in range(_PART_DEPTH):
        for part, holders in handed_out.items():
            holder = next((h for h in sorted(holders) if h in classes), None)
            if holder is not None and part not in classes:
                classes[part] = HANDED_OUT_PART_WHY.format(holder=holder, why_holder=classes[holder])
    for class_id in gathered:
        classes.setdefault(class_id, TASKS_GATHERED)
    for class_id in handed_to_tasks:
        classes.setdefault(class_id, HANDED_TO_TASKS)
    return classes


_PART_DEPTH = 3  # how many parts deep a module-level instance's parts are followed


class _ModesFromOutside:
    """For a method of a class, the modes that code outside the class runs it in: its callers'
    outside the class, and those of the methods that call it through `self`, in turn. The part
    of a module-level instance its holder drives runs in these, not in its own public API's."""

    _DEPTH = 6  # how many calls through `self` are followed back

    def __init__(self, index: ProgramIndex, reach: Reachability):
        self.index = index
        self.reach = reach
        self._found: dict[tuple[str | None, str], set] = {}

    def __call__(self, class_id: str | None, fid: str) -> set:
        key = (class_id, fid)
        if key not in self._found:
            self._found[key] = self._walk(class_id, fid)
        return self._found[key]

    def _walk(self, class_id: str | None, fid: str) -> set:
        index, modes = self.index, set()
        own = set(index.subclasses_and_self(class_id)) if class_id in index.classes else set()
        layer, seen = [fid], {fid}
        for _ in range(self._DEPTH):
            inside = []
            for callee in layer:
                for edge in index.calls_to.get(callee, ()):
                    if index.functions[edge.caller].class_id in own:
                        if edge.caller not in seen:
                            seen.add(edge.caller)
                            inside.append(edge.caller)
                    else:
                        modes |= self.reach.modes_through(edge)
            layer = inside
        return modes


def _parts_of_module_level_instances(index: ProgramIndex, components: dict[str, list[tuple[str, str]]],
                                     made_per_call) -> dict[str, str]:
    """The parts a package's module-level instance makes and keeps, and theirs in turn
    (`_s3_accessor = _S3Accessor()`, whose `__init__` sets `self.configuration_map =
    _S3ConfigurationMap()`): one object each, used by every caller of the instance. Part class ->
    the holder class whose module-level instance keeps it. Only a part the package makes nowhere
    else but in such holders and parts: a class also made per call elsewhere has instances of its
    own. (snuba-sdk's `Translation` is made by the module-level `PRINTER` and by the parts of its
    `MQL_PRINTER`; the constructor of a base of the parts may make one as a default, for a part
    handed none: Adyen's services make an `AdyenClient()` when not given the one the module-level
    `Adyen` keeps.)"""
    found: dict[str, str] = {}
    holders = [h for h in index.singletons if not index.per_thread_class(h) and h in components]
    held = set(holders)  # the classes whose instances module-level instances keep
    for _ in range(_PART_DEPTH):  # again while a part found lets another's makers in
        before = len(found)
        for holder in holders:
            chain, frontier = {holder}, [holder]
            for _ in range(_PART_DEPTH):
                parts = [component for kept_by in frontier for _, component in components.get(kept_by, ())
                         if component not in chain]
                frontier = []
                bases = {base for part in [*chain, *parts] for base in index.mro(part)}
                for part in dict.fromkeys(parts):
                    makers = {index.functions[edge.caller].class_id for edge in _constructions(index, part)}
                    if part in made_per_call or not makers or not makers <= chain | bases | held:
                        continue
                    chain.add(part)
                    frontier.append(part)
                    found.setdefault(part, holder)
            held |= chain
        if len(found) == before:
            break
    return found


def _wrappers_made_by_decorators(index: ProgramIndex, classes: dict[str, str]) -> None:
    """A callable object that a decorator makes of the function it is given and hands back in its
    place (`def wrapper(fn): return _LRUCacheWrapper(fn, maxsize)`): the decorated function is
    that object, so every call of it, from any thread or task, runs its `__call__` on the one
    instance, and its cache, counters and in-flight tasks are shared by all of them."""
    from racefree.analysis.entry_points import private_classes_handed_out

    for class_id, maker in private_classes_handed_out(index).items():
        methods = index.classes[class_id][1].methods
        if "__call__" in methods and len(index.functions[maker].summary.parameters) == 1:
            classes.setdefault(class_id, FUNCTION_WRAPPER.format(maker=index.functions[maker].summary.qualname))


def _wrapper_of_a_decorator_object(index: ProgramIndex, info: FunctionInfo) -> bool:
    """`def __call__(self, func): @wraps(func) def wrapper(*a, **k): with self: return func(*a,
    **k); return wrapper`: an object used as a decorator (`@statsd.timer("db")`, `@cache(ttl=60)`)
    hands back a wrapper that keeps it, so every call of the decorated function, on whichever
    thread calls it, works on that one object."""
    from racefree.analysis.entry_points import returned_by_parent

    qualname = info.summary.qualname
    parent = qualname.rsplit(".<locals>.", 1)[0] if ".<locals>." in qualname else None
    return (parent is not None and parent.rsplit(".", 1)[-1] == "__call__" and "<locals>" not in parent
            and _uses_self(info) and returned_by_parent(index, info)
            # a decorator class, not a mixin that makes objects of other kinds usable as decorators
            # too (peewee's `_callable_context_manager` under its databases and transactions)
            and index.subclasses_and_self(info.class_id) == [info.class_id])


def _captured_by_handlers(index: ProgramIndex, reach: Reachability, classes: dict[str, str]) -> None:
    """`add_endpoint(app, agent: Agent)` registering a handler defined inside it, which calls
    `agent.run(...)`: the one object the function was given serves every request the handler runs
    for (RacerD's escape through a captured reference), and its class is shared by design, in
    the methods the handlers run (its other methods, such as those that set it up, count only
    where a thread or a framework runs them). A handler that only reads a field of it
    (`Agent(agent.name)`, a copy per request) shares no method's state. Only request handlers:
    a task or a job defined inside a function is made anew, with what it captures, each time the
    function runs."""
    handlers = {entry.fid: entry for entry in reach.entries
                if entry.context == REQUEST and entry.multiple and ".<locals>." in entry.fid}
    if not handlers:
        return
    for fid, function in index.functions.items():
        if ".<locals>." not in fid:
            continue
        typed = [c.callee for c in function.summary.calls if c.callee is not None and c.callee.root_kind == "typed"]
        if not typed:
            continue
        # The handler the function is, or is defined in (`event_generator` inside the route).
        parts = fid.split(".<locals>.")
        entry = next((handlers[h] for h in (".<locals>.".join(parts[:n]) for n in range(len(parts), 1, -1))
                      if h in handlers), None)
        if entry is None:
            continue
        qualname = index.functions[entry.fid].summary.qualname
        for ref in typed:
            owner = ref.root.rsplit(":", 1)[0]
            if not qualname.startswith(owner + ".<locals>."):
                continue  # a parameter of a function the handler itself runs: its own per call
            class_id = index.captured_class(function.module, ref)
            if class_id is not None:
                classes.setdefault(class_id, CAPTURED_BY_HANDLER.format(
                    framework=entry.framework, handler=qualname.rsplit(".", 1)[-1], owner=owner))


def _handed_to_thread_owners(index: ProgramIndex, classes: dict[str, str]) -> None:
    """`RulePoller(self._cache, connector)`, where `RulePoller.__init__` keeps the argument
    (`self._cache = cache`) and the poller runs methods on a thread it starts: the object handed
    over is used by that thread and by its maker's callers at once (RacerD's escape through a
    constructor argument). Its class is shared as the thread owner's is, with the same reason."""
    owners = [class_id for class_id, why in classes.items() if why == THREAD_STARTED and class_id in index.classes]
    for owner in owners:
        init = index.function_of(index.class_member(owner, "__init__", instance=True))
        if init is None:
            continue
        parameters = index.functions[init].summary.parameters
        kept = {binding.constructor_ref.root for binding in index.classes[owner][1].instance_attributes.values()
                if binding.value_kind == "alias" and binding.constructor_ref is not None
                and binding.constructor_ref.root_kind == "param" and not binding.constructor_ref.attrs}
        if not kept:
            continue
        for edge in _constructions(index, owner):
            caller = index.functions[edge.caller]
            for position, keyword, ref in edge.call.argument_refs:
                name = keyword if keyword is not None else (
                    parameters[position] if position is not None and position < len(parameters) else None)
                if name not in kept or ref.root_kind not in ("self", "global"):
                    continue
                symbol = index.resolve_ref(caller.module, ref, caller.summary.class_name)
                handed = symbol.typed if symbol is not None else None
                if handed in index.classes and handed != owner:
                    classes.setdefault(handed, f"handed to a {owner.rsplit('.', 1)[-1]}, {THREAD_STARTED}")


def _never_used(index: ProgramIndex, info: FunctionInfo) -> bool:
    """A private function or method that no code of the program calls, passes or names
    (paramiko's `Transport._get_latest_kex_init`): dead code, or a hook for tests."""
    if not info.summary.is_private_helper():
        return False
    return info.fid not in index.calls_to and info.summary.name not in index.mentioned_names()


def _handed_out_per_thread(index: ProgramIndex, class_id: str) -> bool:
    """Every place the program makes an instance also keeps one in per-thread or per-task
    storage (gunicorn's `get_dirty_client`: `_thread_local.dirty_client = DirtyClient(...)`, or a
    ContextVar's `set`): the library hands out one instance per thread or task, not one for all."""
    makers = [edge.caller for edge in _constructions(index, class_id)]
    return bool(makers) and all(_keeps_per_thread(index, index.functions[fid]) for fid in makers)


class _MadePerCall:
    """The classes made per call (`_made_per_call_by_its_parent`, `_made_per_call_as_a_local`),
    worked out when asked, once each."""

    def __init__(self, index: ProgramIndex):
        self.index = index
        self.known: dict[str, bool] = {}
        # A part filed under a key and handed out to whoever asks for the key is made once per key.
        self.handed_out = _handed_out_by_key(index)

    def __contains__(self, class_id: str) -> bool:
        found = self.known.get(class_id)
        if found is None:
            found = self.known[class_id] = class_id not in self.handed_out and (
                _made_per_call_by_its_parent(self.index, class_id) or _made_per_call_as_a_local(self.index, class_id))
        return found


def _made_per_call_by_its_parent(index: ProgramIndex, class_id: str) -> bool:
    """Every place the program makes an instance is a method (not a constructor) that hands the
    new object its own (tortoise's `TransactionWrapper(self)` in a client's `_in_transaction`): a
    child the shared object makes for one call, a transaction or a cursor, used by the task that
    asked for it. Its role, from its own name or its parent's, does not make it shared. A class
    the program never makes itself is made as its subclasses are (`ODBCTransactionWrapper`),
    unless it is the parent that makes them (`MySQLClient`)."""
    edges = _constructions(index, class_id)
    if not edges:
        edges = [edge for made in index.subclasses_and_self(class_id) if made != class_id
                 for edge in _constructions(index, made)]
        if any(index.functions[edge.caller].class_id == class_id for edge in edges):
            return False
    return bool(edges) and all(
        edge.call.hands_self and index.functions[edge.caller].summary.name != "__init__" for edge in edges)


def _made_per_call_as_a_local(index: ProgramIndex, class_id: str) -> bool:
    """Every place the program makes an instance keeps it to itself in a local (apprise's
    `client = IRCClient(...)` in one notification's `send`, kafka's `ScramClient` for one
    handshake), and the package does not export the class from its top level: a helper made per
    call, not the client a program makes once and shares (httpx's `Client`, which its
    module-level `get()` also makes per call, is exported)."""
    edges = _constructions(index, class_id)
    if not edges or _exported(index, class_id):
        return False
    return all((edge.call.line, edge.call.col) in index.functions[edge.caller].summary.kept_local for edge in edges)


def _exported(index: ProgramIndex, class_id: str) -> bool:
    """The package's top-level module defines the class or imports it, by name or with a `*`."""
    top = index.modules.get(class_id.split(".", 1)[0])
    if top is None:
        return False
    home = class_id.rsplit(".", 1)[0]
    return home == top.module or home in top.star_imports \
        or any(imported.target == class_id for imported in top.imports.values())


def _constructions(index: ProgramIndex, class_id: str) -> list:
    """The calls that make an instance of the class by its name."""
    init = index.function_of(Symbol(CLASS, class_id))
    if init is None:
        return []
    short = class_id.rsplit(".", 1)[-1]
    return [edge for edge in index.calls_to.get(init, ()) if edge.call.callee_text.rsplit(".", 1)[-1] == short]


def _keeps_per_thread(index: ProgramIndex, info: FunctionInfo) -> bool:
    summary = info.summary
    for access in summary.accesses:
        if access.kind == "write" and access.ref.attrs:
            holder = index.resolve_ref(info.module, Ref(access.ref.root_kind, access.ref.root, ()), summary.class_name)
            if holder is not None and holder.typed in PER_THREAD_STORAGE:
                return True
    for call in summary.calls:
        callee = call.callee
        if callee is not None and callee.attrs and callee.attrs[-1] == "set":
            holder = index.receiver_symbol(info, callee)
            if holder is not None and holder.typed in PER_THREAD_STORAGE:
                return True
    return False


def _observer_interface(summary) -> str | None:
    """Why the class is an observer the library calls for every run (OBSERVER_INTERFACES): it
    implements two or more methods of one of those interfaces."""
    for interface, methods in OBSERVER_INTERFACES:
        implemented = sorted(methods.intersection(summary.methods))
        if len(implemented) >= 2:
            return OBSERVER_WHY.format(interface=interface, methods="`, `".join(implemented[:3]))
    return None


def _singleton_marker(summary) -> str | None:
    """The class decorator that makes the class a singleton, by its name."""
    for decorator in summary.decorators:
        if SINGLETON_MARKER in decorator.text.lower():
            return f"@{decorator.text}"
    return None


def _components(index: ProgramIndex) -> dict[str, list[tuple[str, str]]]:
    """For each class, the project objects its instances hold: (attribute, class) for every
    `self.attr = Component(...)` in its methods, and every cached property that makes one. A part
    that the library makes and keeps inside another object is shared or not as that object is,
    not by its own role name."""
    held: dict[str, list[tuple[str, str]]] = {}
    for class_id, (module, summary) in index.classes.items():
        cached = [name for name, qualname in summary.methods.items()
                  if qualname in module.functions and is_cached_property(module.functions[qualname])]
        for attr in (*summary.instance_attributes, *cached):
            symbol = index.class_member(class_id, attr, instance=True)
            typed = symbol.typed if symbol is not None else None
            if typed in index.classes and typed != class_id:
                held.setdefault(class_id, []).append((attr, typed))
    return held


def _kept_per_key(index: ProgramIndex) -> set[str]:
    """Classes whose instances the program files under a key in a container an object keeps
    (`self.connections[conn] = Http1Server(ctx)`): one per connection or stream, parts of the
    object that keeps them, not objects every thread shares by their role. Unless the program
    hands them out: a function that returns from that container (`return self._clients[name]`)
    gives its callers one object per key to share."""
    kept: dict[str, set[str]] = {}  # class -> the attribute names of the containers it is kept in
    for info in index.functions.values():
        for container, constructor in info.summary.kept_per_key:
            class_id = index.program_class(info.module, constructor)
            if class_id is not None:
                kept.setdefault(class_id, set()).add(container.rsplit(".", 1)[-1])
    if not kept:
        return set()
    handed_out = {container.rsplit(".", 1)[-1] for info in index.functions.values()
                  for container in info.summary.containers_handed_out}
    return {class_id for class_id, containers in kept.items() if containers.isdisjoint(handed_out)}


def _handed_out_by_key(index: ProgramIndex) -> dict[str, set[str]]:
    """Part class -> the classes whose instances file instances of it under a key in a container
    (`self._databases[name] = Database(self, name)`) and hand them out from that container."""
    handed = {(info.class_id, container.rsplit(".", 1)[-1]) for info in index.functions.values()
              for container in info.summary.containers_handed_out}
    parts: dict[str, set[str]] = {}
    for info in index.functions.values():
        for container, constructor in info.summary.kept_per_key:
            if info.class_id is None or (info.class_id, container.rsplit(".", 1)[-1]) not in handed:
                continue  # (a module function's registry: no holder object to be as shared as)
            class_id = index.program_class(info.module, constructor)
            if class_id is not None and class_id != info.class_id:
                parts.setdefault(class_id, set()).add(info.class_id)
    return parts


def _shared_role(index: ProgramIndex, class_id: str) -> str | None:
    """The role (`Client`, `Session`, `Pool`...) that makes a public library class one its users
    share, from its own name or a base class's; None for private, test and documented
    not-thread-safe classes."""
    from racefree.analysis.entry_points import is_non_api_module

    module, summary = index.classes[class_id]
    if any(part.startswith("_") or part == "<locals>" for part in summary.qualname.split(".")):
        return None
    if is_non_api_module(module.module):
        return None
    if _documented_not_shared(index, class_id):
        return None
    lineage = index.lineage(class_id)
    if any(name_matches(base, name) for base in LOOP_DRIVEN_BASES for name in lineage):
        return None  # one event-loop thread drives it
    if "threading.Thread" in lineage:
        return None  # a thread of its own (paramiko's per-channel `SFTPServer`): its run says who shares it
    own_name = summary.qualname.rsplit(".", 1)[-1]
    in_package = module.is_package or "." in module.module  # not a lone `metrics.py` with `Metrics`
    if in_package and own_name.lower() == module.module.split(".", 1)[0].lower().replace("_", ""):
        return f"namesake {own_name}"  # `datasette.app.Datasette`, `flask.Flask`: the one app object
    if any(name in CONTAINER_BASES for name in lineage) or _stores_items(index, class_id):
        return None  # a data structure (cachetools' `Cache`): like a dict, whoever shares one locks it
    for name in lineage:
        last = name.rsplit(".", 1)[-1]
        if last.endswith(NOT_SHARED_ROLES):
            continue
        role = next((suffix for suffix in SHARED_ROLE_SUFFIXES
                     if last.endswith(suffix) and not last[:-len(suffix)].endswith("No")), None)  # not `QuerySetNoCache`
        if role is not None:
            return role
    return None


def _stores_items(index: ProgramIndex, class_id: str) -> bool:
    """The class or an analysed base takes item assignment (`__setitem__`): a record or mapping
    its users fill, as a dict is (stripe's API resources, an `Application` among them, are
    `StripeObject`s built from each response), not a service object shared as it is."""
    return index.any_analysed_base(class_id, lambda summary: "__setitem__" in summary.methods)


def _declared_safe(index: ProgramIndex, knowledge: Knowledge, symbol: Symbol) -> bool:
    """A thread-safe container the project's configuration declares: an object its constructor
    made, a subclass of it, or a name inside such a library object."""
    typed = symbol.typed
    if typed and (knowledge.is_project_safe_container(typed) or (
            typed in index.classes and any(knowledge.is_project_safe_container(b) for b in index.external_bases(typed)))):
        return True
    if symbol.kind == EXTERNAL:
        parts = symbol.name.split(".")
        return any(knowledge.is_project_safe_container(".".join(parts[:i])) for i in range(2, len(parts) + 1))
    return False


def _as_done_on(access: Access, symbol: Symbol, function_accesses: list[Access]) -> tuple[Access, ...]:
    """On a defaultdict, `d[key]` inserts a missing key: a write into an element (`d[k]["n"] += 1`)
    or a store under a computed key can grow the container, and so can a plain read of `d[key]`
    (`dq = self._batches[tp]`), as an iteration elsewhere will see: such a read under a computed
    key is also a write that grows the container, unless the function looked the key up first
    (`if key in d: return d[key]`). A constant key (`d["total"]`) is inserted once for the
    object's life, not per call."""
    if not (symbol.typed or "").endswith("defaultdict") or access.grows:
        return (access,)
    if access.kind == WRITE and access.op in (OP_MUTATE, OP_SLOT_STORE):
        return (dataclasses.replace(access, grows=True),)
    if access.kind == READ and access.indexes and access.slot is None and not _looked_up_before(access, function_accesses):
        # (the insert is into the container itself, also where the item it makes is walked)
        return (access, dataclasses.replace(access, kind=WRITE, op=OP_MUTATE, grows=True, behind=(), in_item=False))
    return (access,)


def _looked_up_before(access: Access, function_accesses: list[Access]) -> bool:
    """The function tests the container for a key (`key in d`, `d.get(key)`) before it indexes it."""
    return any(other.ref == access.ref and other.op == OP_SLOT_LOAD and not other.indexes
               and other.slot == access.slot and (other.line, other.col) < (access.line, access.col)
               for other in function_accesses)


def _classes_handed_to_every_task(index: ProgramIndex, info: FunctionInfo, entry) -> set[str]:
    """The classes of the program that the gathered coroutine's parameters name, where the
    gathering code passes every task the same object (`limiter = RateLimiter(60)`, then
    `gather(*(repair(chunk, limiter) for chunk in chunks))` with `limiter: RateLimiter`)."""
    found = set()
    for parameter in entry.same_for_each:
        declared = info.summary.parameter_classes.get(parameter)
        class_id = index.program_class(info.module, declared) if declared else None
        if class_id is not None:
            found.add(class_id)
    return found


def _gathered_by_its_own_class(index: ProgramIndex, reach: Reachability, entry, class_id: str) -> str | None:
    """The class of the method whose `asyncio.gather` runs the coroutine, where that is the
    coroutine's class, a base or a subclass (`gather(fetch(self.device()), fetch(self.state()))`,
    a gathered closure that uses the method's `self`): the tasks share that one object."""
    module, gathering = reach.registered_in(entry)
    if gathering is None or gathering.class_name is None:
        return None
    gatherer = f"{module.module}.{gathering.class_name}"
    return gatherer if gatherer in index.mro(class_id) or class_id in index.mro(gatherer) else None


def _uses_self(info: FunctionInfo) -> bool:
    """A thread target that touches its object's state or calls its methods (not a callback
    like `lambda f: f.exception()` that merely sits in a method)."""
    summary = info.summary
    return any(a.ref.root_kind == "self" for a in summary.accesses) or any(
        c.callee is not None and c.callee.root_kind == "self" for c in summary.calls
    )


def _definition(index: ProgramIndex, symbol: Symbol) -> tuple[str, int] | None:
    if symbol.kind == CELL:  # the assignment in the enclosing function
        origin = index.cell_origin(symbol.name)
        return (origin[0].module.path, origin[1][1]) if origin is not None else None
    if symbol.kind == DEFAULT_ARGUMENT:  # the `def` that makes it
        info = index.functions.get(symbol.name.rsplit(".", 1)[0])
        return (info.module.path, info.summary.line) if info is not None else None
    if symbol.binding is not None:
        module_name = symbol.owner_class.rsplit(".", 1)[0] if symbol.owner_class else symbol.name.rsplit(".", 1)[0]
        for candidate in (module_name, *_prefixes(symbol.name)):
            module = index.modules.get(candidate)
            if module is not None:
                return (module.path, symbol.binding.line)
    return None


def _prefixes(name: str):
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        yield ".".join(parts[:i])
