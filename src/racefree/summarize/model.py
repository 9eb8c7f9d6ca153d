"""What one file tells the later stages: plain, picklable records, no AST nodes.

A *reference* names shared state symbolically, before imports are resolved:
``Ref("global", "server_config", ())`` is the module-level name ``server_config`` of the file,
``Ref("self", "Registry", ("_handlers",))`` is ``self._handlers`` inside a method of class
``Registry``, ``Ref("global", "litellm", ("success_callback",))`` is ``litellm.success_callback``.
The index turns a root into a canonical dotted object name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# In a reference's attributes, a call: `get_client().query` is ("get_client", ("()", "query")).
CALL = "()"
# In a lock's reference, a flag claimed under a lock (`if self._running: raise ...;
# self._running = True`): the code after the claim runs in one caller at a time, as under a lock.
CLAIMED = "<claimed>"

# The kind of a value where the syntax shows it (parameter_guards.py) ...
NONE = "none"
TRUE = "true"  # true, and not None
FALSE = "false"  # false, and not None
SOME = "some"  # not None
# ... and the tests on a parameter that guard an access.
IS_NONE = "is-none"
NOT_NONE = "not-none"
TRUTHY = "truthy"
FALSY = "falsy"

# Access kinds
READ = "read"
WRITE = "write"
# A call of a method that uses a library object's state (`_YAML.load(f)`); the index keeps it
# only for objects known not to be thread-safe (knowledge/unsafe_objects.py), and the method's
# name is the access's slot.
USE = "use"

# How an access touches its object; rules look at these.
OP_LOAD = "load"  # the object is read as a whole (passed, returned, compared)
OP_SLOT_LOAD = "slot-load"  # d["k"], d.get("k"), obj.attr read
OP_ITERATE = "iterate"  # for x in obj, obj.items(), comprehension over obj, list(obj)
OP_REBIND = "rebind"  # NAME = ... under `global`, obj.attr = ... on a shared object
OP_SLOT_STORE = "slot-store"  # d[k] = v, del d[k]
OP_MUTATE = "mutate"  # d.update(...), lst.append(...), d.pop(...)
OP_CALL = "call"  # _YAML.load(stream), self._conn.cursor(): a USE access
# What a test that joins an emptiness test of the object with other conditions (`X is None and
# Process is not None`) makes of a check: a lazy-initialisation test for a write that binds the
# object anew (`X = Process(...)`), not for one that changes or empties it (`del X[i]`).
LAZY_IF_REBOUND = "if-rebound"
# What a classmethod's instance is made with (`instance = cls(...)`), as `Call.made_receiver` keeps
# it: the method's own class.
OWN_CLASS = "cls"


@dataclass(frozen=True, slots=True)
class Ref:
    """Symbolic name of a piece of possibly shared state."""

    # "global" (module-level name of this file), "self" (instance), "class", "super", "param" (a
    # parameter, bound to the arguments at call sites), "local" (a nested function), "typed" (a
    # closure's use of an enclosing function's parameter annotated with a class; the root is
    # "<that function's qualname>:<the class's dotted name>"), "made" (the lock of an object the
    # function made, `pool._cond` after `pool = Pool(...)`; the root as for "typed", the class as
    # its constructor is written)
    root_kind: str
    root: str  # the global name, or the qualified class name for "self"/"class"
    attrs: tuple[str, ...] = ()

    def text(self) -> str:
        head = {"self": "self", "super": "super()"}.get(self.root_kind, self.root)
        return ".".join((head, *self.attrs))

    def names_own_member(self) -> bool:
        """`self.name`: one member (a method, an attribute) of the function's own object."""
        return self.root_kind == "self" and len(self.attrs) == 1

    def names_a_table_holder(self) -> bool:
        """`self._parsers`, `_PARSERS`: a member of the function's own object or a module-level
        name, the holders of dispatch tables whose elements a call may run."""
        return self.names_own_member() or (self.root_kind == "global" and not self.attrs)


@dataclass(slots=True)
class Access:
    ref: Ref
    kind: str  # READ or WRITE
    op: str  # one of the OP_* values
    line: int
    col: int
    slot: str | None = None  # constant key or attribute touched inside the object, if known
    locks: tuple[Ref, ...] = ()  # locks held lexically at this point
    # Pattern facts, filled by the summariser where the syntax shows them:
    read_modify_write: bool = False  # x += 1, d[k] = d[k] + 1, d[k] = d.get(k, 0) + 1
    grows: bool = False  # the write can add or remove entries (size change)
    appends: bool = False  # ... only at the end (`append`, `extend`): a list's iterators see no shift
    checked_at: int | None = None  # line of an `if` whose test read this object first
    check_is_lazy_init: bool = False  # that test was `is None` / `not X` on the object itself
    # that test was a guard clause that leaves (`if _loaded: return`) and the write follows it in
    # no `if` of its own: every call that gets past the guard makes it
    after_guard_clause: bool = False
    await_between: bool = False  # an await runs between the check and this write
    restores: bool = False  # puts back a value saved from this object earlier (`x.flag = old`)
    restores_across_await: bool = False  # ... after an await since it was saved
    # Replaces, with a value computed by the call, what the function read whole into a local
    # before (`t1 = _last_times`, then `_last_times = cpu_times()`): an exchange in two steps.
    replaces_what_it_read: bool = False
    rolls_back: bool = False  # puts the saved value back in an `except` block: undoes a failed change
    merges: bool = False  # `d.update(other)`: merges a whole mapping in
    # binds an empty container to an object whose contents the function took before (`packets =
    # list(self.packets)`, then `self.packets = []`): a drain in two steps
    drains: bool = False
    in_handler: bool = False  # made in an `except` block: undoes or records a failure
    stores_scalar: bool = False  # binds a constant or a truth value (`_ready = True`, `_ok = v >= MIN`)
    stores_truth: bool = False  # binds a truth value only (`True`, `False`, `v >= MIN`, `not found`)
    stores_constant: str | None = None  # the constant it binds, as written (`True`, `None`), if one
    # binds None or a new empty container (`self.last_response = None`, `self.responses = []`):
    # resets the object for what comes next
    stores_empty: bool = False
    stores_instance: str | None = None  # the class of a new instance it binds, as written (`Session`)
    # binds what an import bound (`import litellm as _litellm`, then `litellm = _litellm` under
    # `global`): a module or a library's class or function, the same for every caller
    stores_import: bool = False
    # binds the exception being handled (`self.failed = e` in `except ... as e`, `sys.exc_info()[1]`)
    stores_exception: bool = False
    # stores under the calling thread's identity (`self.threads[threading.get_ident()] = ...`): no
    # other thread touches that key
    keyed_by_thread: bool = False
    # acts on a test of whether the calling thread or task is the owner (`if self._owner is
    # current_task(): ... self._owner = None`), which no other thread can make stale
    checked_by_owner: bool = False
    # made inside the branch of such an owner test (`if self._owner == me: self._count += 1`): only
    # the thread that owns the object gets here
    under_owner_test: bool = False
    # read in a loop that waits a while each round (`while not self.ready: time.sleep(0.1)`)
    polled: bool = False
    # empties the object when a test on it holds (`if len(cache) >= N: cache.clear()`): the program
    # drops its entries wholesale, as a bounded cache does
    evicts_all: bool = False
    # Shared objects a test around it or a guard clause before it proved set (`if not
    # self._session: return` then `self._rules[k]`): a read reads what was published before them;
    # a write into an empty default (`session = _info.get(); if session: session["n"] += 1`) never
    # reaches the default.
    behind: tuple[Ref, ...] = ()
    deletes: bool = False  # `del d[k]`, `del _name`: a later use fails when it is gone
    # The write can take entries out (`d.pop(k)`, `del d[k]`, `s.discard(x)`, `d.clear()`): a
    # lookup of a key another thread has just tested present can fail
    removes: bool = False
    # For an index (`d[key]`): the line of a test around it or a guard clause before it that
    # proved the key present (`if key in d:`, `if key not in d: return`)
    key_checked_at: int | None = None
    # For a read: an index (`d[key]`, not `d.get(key)` or `key in d`), which on a defaultdict
    # inserts a missing key
    indexes: bool = False
    # For an index or a removal (`d[run_id]`, `d.pop(run_id)`, `del d[run_id]`): the parameter
    # that is its key, where it names one flow's unit of work (see knowledge.containers.is_flow_key)
    flow_key: str | None = None
    # For a store: the request-data sources its value is computed from, directly or through
    # locals (`data = request.get_json(); cfg["k"] = data["k"]` -> ("flask.request",)).
    value_sources: tuple[str, ...] = ()
    # For a store: its value is computed from an argument of the function's call (`TABLES["user"]
    # = build(words)` in `def set_words(words)`), so it differs from call to call.
    stores_argument: bool = False
    # For a rebinding store: the function whose result it binds, directly or through a local
    # (`engine = get_engine(); _ENGINE = engine`), which the index follows to what it makes.
    stores_result_of: Ref | None = None
    # For a rebinding store: it binds a new object made by this call, by a constructor or a
    # factory (`Tracer(...)`, `factory.create_metrics_tracer()`, `new_session()`): each call's own.
    stores_new_object: bool = False
    # Tests on the function's own parameters that hold where the access runs:
    # `if serializers is None: _serializers[k] = v` -> (("serializers", IS_NONE),)
    guards: tuple[tuple[str, str], ...] = ()
    # The awaits the function has run before it gets here, on any path: where other tasks on its
    # loop may have run since the function started.
    awaits_before: int = 0
    # Reaches into an item of the container rather than the container itself: a loop over an
    # item (`for key in cache[category]`), or a store that adds to one (`cache[category][key] = v`).
    in_item: bool = False


@dataclass(slots=True)
class Call:
    """A call site: the callee named symbolically, plus the functions handed to it."""

    callee: Ref | None  # None for calls on non-shared receivers we cannot name
    local_callee: str | None  # qualname of a function defined in an enclosing scope
    line: int
    col: int
    locks: tuple[Ref, ...] = ()
    callee_text: str = ""  # dotted text of the called expression, for pattern tables
    function_args: tuple["FunctionArg", ...] = ()  # functions passed as arguments
    first_arg_text: str | None = None  # literal first string argument (route path, ...)
    in_loop: bool = False  # a thread started in a loop runs many times at once
    # Shared state passed as arguments: (position or None, keyword or None, reference)
    argument_refs: tuple[tuple[int | None, str | None, Ref], ...] = ()
    # Shared state an enclosing `if` tested for emptiness: `if not _loaded: _load()`
    lazy_guards: tuple[Ref, ...] = ()
    # The kinds of the arguments where the syntax shows them: (position or None, keyword or
    # None, kind; None for a keyword argument of unknown kind), how many it passes by position,
    # and whether it spreads more (`*args`, `**kwargs`).
    argument_kinds: tuple[tuple[int | None, str | None, str | None], ...] = ()
    positional: int = 0
    spreads: bool = False
    # A call that spreads only its function's own `*args`/`**kwargs` (see summarize.forwarding):
    # (position of `*args` in the call or -1, positional parameters the function names, keys it
    # sets in its `**kwargs`).
    forwards: tuple[int, int, tuple[str, ...]] | None = None
    hands_self: bool = False  # `TransactionWrapper(self)`: the method passes its own object on
    # A method called on a local the function bound to a new instance (`manager = Manager(...)`,
    # then `manager.sync()`): the constructor as written, and the method's name.
    made_receiver: tuple[str, str] | None = None
    # `getattr(client, name)(...)`, or `fn = getattr(client, name)` and then `fn(...)`: what the
    # lookup found is called (a method, any of them), not only read.
    result_called: bool = False
    # The caller waits for the function it hands over at once (`executor.submit(job).result()`,
    # `t = Thread(target=job); t.start(); t.join()`, see summarize.waited_jobs): the job is a step
    # of the caller, on another thread but not concurrently with it.
    waited_at_once: bool = False
    # `self._handlers[kind](event)`, `_PARSERS[fmt](data)`: an element of a container is called
    # (a dispatch table: of the object's own bound methods, see ClassSummary.bound_methods, or of
    # a module's functions, see ModuleSummary.function_tables): the container.
    element_of: Ref | None = None


@dataclass(frozen=True, slots=True)
class FunctionArg:
    """A function handed to a call: positional index or keyword, and how to find it."""

    position: int | None
    keyword: str | None
    target: Ref | None  # global/self/class reference to the function
    local: str | None  # qualname of a function defined in an enclosing scope
    called: bool = False  # `create_task(worker(x))`: the argument is a call of the function
    # `gather(*(worker(x, limiter) for x in xs))`: the arguments of the call, by position or
    # keyword, that name one object for every call the comprehension makes (not its own variables)
    same_for_each: tuple[int | str, ...] = ()


@dataclass(slots=True)
class Registration:
    """Functions stored into a named slot: `litellm.success_callback = [f]`, `hooks.append(f)`."""

    target: Ref
    target_text: str
    functions: tuple[FunctionArg, ...]
    line: int
    appended: bool = False  # added to a list of callbacks rather than assigned


@dataclass(slots=True)
class Decorator:
    text: str  # dotted text of the decorator expression without its call, "app.route"
    ref: Ref | None
    first_arg_text: str | None
    line: int


@dataclass(slots=True)
class FunctionSummary:
    qualname: str  # "proxy", "Registry.get_handlers", "outer.<locals>.inner"
    name: str
    line: int
    end_line: int
    class_name: str | None  # qualname of the enclosing class for methods
    is_async: bool
    decorators: list[Decorator] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    registrations: list["Registration"] = field(default_factory=list)
    returns: list[Ref] = field(default_factory=list)  # shared state the function returns
    # shared containers an element of which it returns (`return self._general_cache[self._id]`)
    returns_an_element_of: list[Ref] = field(default_factory=list)
    # the class (or made-once factory) of a new object it returns, as written (`Engine`,
    # `sqlalchemy.create_engine`): directly or through a local it made
    returns_made: str | None = None
    parameters: list[str] = field(default_factory=list)  # positional then keyword, without self/cls
    method_kind: str = "function"  # "function", "method", "classmethod", "staticmethod"
    # Locks held where the function yields: used as a context manager (`with self._locked():`),
    # it holds them around the body of the `with`.
    yield_locks: tuple[Ref, ...] = ()
    # Runs a loop that ends only when the service stops (`while True:`, `while self.alive:`): the
    # main loop of whichever thread calls it, not an operation callers run side by side.
    serves_forever: bool = False
    # Its loop waits a while each round and never leaves early (`while self._running:
    # time.sleep(interval); self.run()`): run on a thread, it works to its own timetable.
    polls: bool = False
    # The kinds of the parameters' constant defaults (`auto_created=False` -> FALSE).
    default_kinds: dict[str, str] = field(default_factory=dict)
    # Parameters, never rebound, whose default is a mutable container, with its type
    # (`headers={}` -> builtins.dict): one object for every call that omits the argument.
    mutable_defaults: dict[str, str] = field(default_factory=dict)
    # How it can be called, without self/cls: (positional arguments it requires, positional
    # arguments it takes, or -1 under *args, keyword-only arguments it requires).
    arity: tuple[int, int, int] = (0, -1, 0)
    documented_for_tests: bool = False  # its docstring's summary says it is there for tests
    # Its docstring says it is not thread-safe ("Threading: UNSAFE. Must be called on the
    # eventloop thread."): its callers are told to call it from one thread.
    documented_not_thread_safe: bool = False
    # Lines where it waits for a thread to end (`committer.join()`, `self._thread.join(timeout=5)`).
    thread_joins: tuple[int, ...] = ()
    # Waits for a thread it started to say it is ready, on every path past the start (see
    # summarize/ready_waits): (line of the wait, whether a lock held around it is what makes it so).
    ready_waits: tuple[tuple[int, bool], ...] = ()
    # Shared objects it proves set before it returns, by raising otherwise (`def check_apps_ready(self):
    # if not self.apps_ready: raise AppRegistryNotReady`), and the methods it calls on its own
    # object as statements of its body before anything else can branch: (line, method name).
    ensures: tuple[Ref, ...] = ()
    calls_on_self_first: tuple[tuple[int, str], ...] = ()
    # Flags it claims under a lock and leaves claimed (see control_flow._claimed_flag): its
    # caller holds the claim after the call, as joblib's `__call__` after `_reset_run_tracking()`.
    claims: tuple[Ref, ...] = ()
    # The calls (line, column) whose result it keeps to itself in a local, using it only through
    # its attributes (`client = IRCClient(host); client.connect()`): an object made per call.
    kept_local: tuple[tuple[int, int], ...] = ()
    # Objects it makes and files under a key in a container an object keeps, as (container,
    # constructor) written: `self.connections[conn] = Http1Server(ctx)` (see summarize/kept_per_key).
    kept_per_key: tuple[tuple[str, str], ...] = ()
    containers_handed_out: tuple[str, ...] = ()  # `return self._clients[name]`: "self._clients"
    # Parameters whose annotation names one class (`app: FastAPI`), with its dotted name.
    parameter_classes: dict[str, str] = field(default_factory=dict)
    does_nothing: bool = False  # its body only documents it: a hook for subclasses to fill in
    # Its locals that functions defined inside it use as closure cells and change (`last_called =
    # [0.0]`, then `last_called[0] = time.time()` in the wrapper it returns; `nonlocal count`):
    # name -> (the type it was made as, as written, or "" when unknown; the line that made it)
    cells: dict[str, tuple[str, int]] = field(default_factory=dict)
    # The parameter of the function it is defined in that it calls (`func(*args)`): a wrapper of
    # the function that one was given, as a decorator returns.
    wraps: str | None = None
    # Its docstring says it configures, once, while the program starts (see syntax.says_set_up).
    documented_set_up: bool = False

    def is_private_helper(self) -> bool:
        """A private function or method (`_flush`): not a dunder, not nested, not a lambda."""
        return self.name.startswith("_") and not self.name.startswith("__") and "<" not in self.qualname


@dataclass(slots=True)
class Binding:
    """A module-level or class-level name and what it was bound to."""

    name: str
    line: int
    value_kind: str  # "mutable", "instance", "call", "function", "class", "import", "constant", "other",
    # or "annotated" (`self._pool: Optional[Pool] = None`: a placeholder whose annotation names the class)
    constructor: str | None = None  # dotted text of the constructor call, e.g. "threading.Lock"
    constructor_ref: Ref | None = None
    # `ContextVar("steps", default=[])`: the type of the mutable container its default makes, one
    # object every thread and task gets from `.get()` until it sets the variable
    context_default: str | None = None


@dataclass(slots=True)
class ClassSummary:
    qualname: str
    line: int
    bases: list[Ref | None]
    base_texts: list[str]
    attributes: dict[str, Binding] = field(default_factory=dict)  # class-body bindings
    instance_attributes: dict[str, Binding] = field(default_factory=dict)  # self.x = ... in methods
    # `self.client = client if client else Client()`: the object an attribute kept from a parameter
    # is made as when none is handed in, which says the class of what is handed in too
    made_when_not_given: dict[str, Binding] = field(default_factory=dict)
    declared_attributes: set[str] = field(default_factory=set)  # annotated in the body, no value
    declared_class_vars: set[str] = field(default_factory=set)  # annotated `ClassVar[...]` in the body
    methods: dict[str, str] = field(default_factory=dict)  # method name -> function qualname
    decorators: list[Decorator] = field(default_factory=list)
    metaclass: Ref | None = None  # `class HasProps(metaclass=MetaHasProps)`
    # Attributes bound to methods of the object's own (`self._send = self._send_to_buffer`, a
    # dispatch table `self._parsers = {"relative": self._try_relative, ...}`): attribute -> the
    # names of the methods, wherever in the class it is bound; calling the attribute (or one of
    # its elements) runs one of them.
    bound_methods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Attributes bound to an executor with one worker thread (`self.executor =
    # ThreadPoolExecutor(max_workers=1)`, also as one branch of a conditional expression): the jobs
    # handed to it run one at a time, on that thread.
    one_worker_executors: set[str] = field(default_factory=set)
    # `self._events = events` where `events=[]`, or in `__init__` whatever the parameter's default:
    # attribute -> (the method's qualname, the parameter)
    kept_defaults: dict[str, tuple[str, str]] = field(default_factory=dict)
    # `super().__init__(events=events)` in its `__init__` where `events=[]`: the base's parameter
    # (its keyword, or `#position`) -> (the `__init__`'s qualname, the parameter)
    defaults_passed_up: dict[str, tuple[str, str]] = field(default_factory=dict)
    documented_not_thread_safe: bool = False  # its docstring says instances must not be shared
    documented_thread_safe: bool = False  # its docstring says an instance may be shared between threads
    documented_per_thread: bool = False  # its docstring calls it thread-local (each thread its own state)
    documented_for_tests: bool = False  # its docstring's summary says it is there for tests


@dataclass(slots=True)
class ImportBinding:
    """`import a.b as c` binds c -> "a.b"; `from a import b as c` binds c -> "a.b"."""

    local: str
    target: str
    line: int
    is_module_import: bool  # plain `import x` form
    # made in a `try:` whose handler catches ImportError: a dependency the module can do without
    optional: bool = False


@dataclass(slots=True)
class ModuleSummary:
    module: str  # dotted module name
    path: str
    is_package: bool  # __init__.py
    lines: int
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    bindings: dict[str, Binding] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    # Module-level code runs at import time: its accesses are setup, its calls register things.
    toplevel: FunctionSummary | None = None
    # Names rebound somewhere under `global` (so they are shared mutable even if immutable values)
    global_rebinds: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)
    # Names that module-level and class-level values name (`_handlers = {KEXINIT: _parse_kexinit}`):
    # functions kept in a table there are used, though no function calls them by name.
    named_in_values: set[str] = field(default_factory=set)
    # Module-level dicts, lists and tuples of names (`_PARSERS = {"json": parse_json, ...}`): the
    # names they hold, which a call of one of their elements may run.
    function_tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Module-level names that parameter defaults name (`formatter=default_formatter`): the object
    # is handed to every call that takes the default.
    named_in_defaults: set[str] = field(default_factory=set)
    # The lines of `if __name__ == "__main__":`, the script part: what it calls runs as a program
    # would call it (a demo of the API), not as the module sets itself up.
    main_block: tuple[int, int] | None = None
