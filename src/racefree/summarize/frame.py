"""The state the summariser keeps for each function it is inside, and the name of module-level code."""

from __future__ import annotations

import ast

from racefree.summarize.model import FunctionSummary, Ref
from racefree.summarize.scopes import FunctionScope

TOPLEVEL = "<module>"


class Frame:
    """The state of the function being summarised."""

    __slots__ = (
        "summary", "scope", "class_name", "self_name", "cls_name", "locks", "checks",
        "awaits", "loop_depth", "taint", "nested", "aliases", "in_test", "enclosing_checks", "saved",
        "check_free_writes", "awaits_seen", "awaits_handing_self", "saved_at", "sources", "store_reads",
        "lock_elements", "returns_value", "param_guards", "present", "value_kinds", "guard_checks", "caught",
        "thread_ids", "owner_tests", "passes_on", "loop_keys", "taken_under", "new_claim",
        "top_body", "top_claims", "made", "looked_up", "last_lookup", "in_handler", "saved_in_handler",
        "lazily_stored", "started", "first_yield", "loop_tables",
        "loop_callees", "views", "argument_locals", "argument_attrs", "read_whole", "contents_taken", "made_at", "free_names_used", "comprehensions",
    )

    def __init__(self, summary: FunctionSummary, scope: FunctionScope | None, class_name: str | None):
        self.summary = summary
        self.scope = scope
        self.class_name = class_name
        self.self_name: str | None = None
        self.cls_name: str | None = None
        self.locks: list[Ref] = []
        # ref -> (line of the test, test was on the object itself, awaits seen at the test)
        self.checks: dict[Ref, tuple[int, bool, int]] = {}
        # The same for tests of guard clauses (`if key in cache: return cache[key]`): the code
        # after one runs only on the test's other outcome, so it acts on it.
        self.guard_checks: dict[Ref, tuple[int, bool, int]] = {}
        self.awaits = 0
        self.loop_depth = 0
        # local name (or attribute of the function's own object) -> (shared ref it was read from,
        # read as a whole object, awaits seen then)
        self.taint: dict[str | Ref, tuple[Ref, bool, int]] = {}
        self.nested: dict[str, str] = {}  # local def name -> qualname
        self.comprehensions: dict[str, ast.expr] = {}  # local -> the list comprehension it was bound to
        self.aliases: dict[str, Ref] = {}  # `core = self._core`: the local names shared state
        self.in_test = False  # visiting the condition of an if/while
        self.caught: list[str] = []  # names of the exceptions the enclosing `except ... as e` handle
        self.in_handler = 0  # depth of the `except` blocks around the current point
        self.thread_ids: set[str] = set()  # locals holding the calling thread's identity
        self.owner_tests: set[tuple[Ref, int]] = set()  # (object, line) of `if self._owner is me:`
        # The tests of the if/while statements around the current point, innermost last.
        self.enclosing_checks: list[dict[Ref, tuple[int, bool, int]]] = []
        self.saved: dict[str, Ref] = {}  # `old = lib.flag`: the local holds the object's value as it was
        self.check_free_writes: set[int] = set()  # ids of writes whose effect no test can change (`clear()`)
        self.awaits_seen = 0  # every await so far, on any branch: where other tasks run
        # awaits of a call handed the method's own object (`await handler.reinvoke(self)`): the
        # callee, in this task, is who sees the values the method set on it for the call
        self.awaits_handing_self = 0
        # saved local -> awaits seen when it was saved, less those handing the object over
        self.saved_at: dict[str, int] = {}
        self.saved_in_handler: dict[str, int] = {}  # saved local -> depth of `except` blocks it was saved in
        self.sources: dict[str, tuple[str, ...]] = {}  # local -> request-data sources of its value
        self.argument_locals: set[str] = set()  # locals computed from the call's arguments
        self.argument_attrs: set[str] = set()  # `self.config = config`: attributes it set from them so far
        # Shared objects read whole into a local so far (`t1 = _last_times`), whatever the local
        # holds later: a store to one then replaces what this call read.
        self.read_whole: set[Ref] = set()
        # Shared containers whose contents were taken into a local so far, whole or as a copy
        # (`pending = self._pending`, `packets = list(self.packets)`): emptying one then drains it.
        self.contents_taken: set[Ref] = set()
        # local -> (the type of the container or object it was made as, as written, or ""; the line):
        # what a closure cell holds, for the functions defined inside (see References.closure_cell)
        self.made_at: dict[str, tuple[str, int]] = {}
        self.free_names_used = False  # defined inside another function: names it does not bind may be cells
        # local -> where its value was read through a store's API (see store_api_updates)
        self.store_reads: dict[str, tuple[dict, bool]] = {}
        # `key_lock = self._locks[key]`: the local is one of the locks a shared container holds
        self.lock_elements: dict[str, Ref] = {}
        self.returns_value = False  # a `return <value>`: the function computes something
        self.param_guards: list[tuple[str, str]] = []  # tests on parameters that hold here
        self.present: list = []  # shared objects the tests around here proved set (Ref), keys in them (KeyPresent)
        self.value_kinds: dict[str, str] = {}  # local -> the kind of value it holds, if known
        self.passes_on = None  # its own *args/**kwargs, for calls that forward them (see forwarding)
        self.loop_keys: dict[str, Ref] = {}  # loop variable -> the container whose keys it walks
        self.taken_under: dict[str, tuple[Ref, ...]] = {}  # alias -> the locks held when it was bound
        self.made: dict[str, str] = {}  # `manager = Manager(...)`: local -> the constructor as written
        # Lazily initialised shared state, by the local it was stored from or by its own reference
        # (`cls.clean_thread = t`, `self._thread = Thread(...)`): a later `start()` of it makes the
        # initialisation one that runs a thread (see StoreVisits._starts_what_it_stores).
        self.lazily_stored: dict[str | Ref, list] = {}
        self.started: set[str] = set()  # locals whose `start()` the function has called
        self.first_yield: int | None = None  # line of the function's first `yield`
        # loop variable -> the dispatch table it walks (`for hook in _HOOKS:`, `for handler in
        # self._handlers.values():`), whose elements a call of the variable runs
        self.loop_tables: dict[str, Ref] = {}
        # loop name -> the functions a list or tuple written in the loop's header names (`for
        # matcher in [dictionary_match, date_match]: matcher(password)`): a call of it runs each
        self.loop_callees: dict[str, list[ast.expr]] = {}
        # `fn = getattr(client, name)`: local -> the recorded getattr call, marked if fn is called.
        self.looked_up: dict[str, object] = {}
        # Locals bound to a view of shared state (`keys = self.pending.keys()`): iterating one
        # iterates the container.
        self.views: dict[str, Ref] = {}
        self.last_lookup: tuple[int, object] | None = None  # the last getattr call: (node id, Call)
        # A flag the statement just visited claimed under a lock (see control_flow.claimed_flag):
        # the rest of its block runs as the one holder of the claim.
        self.new_claim: tuple[Ref, bool] | None = None  # the flag, and whether it refuses by raising
        self.top_body: list | None = None  # the function's own body (its outermost block)
        self.top_claims: list[Ref] = []  # claims made in that block, held to the function's end
