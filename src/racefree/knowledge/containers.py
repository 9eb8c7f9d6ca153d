"""Built-in container operations: which method calls write, which grow, which only read."""

# Method calls that change a container in place. The value says whether the call can change the
# container's size (which breaks a concurrent iteration) as opposed to changing an element.
MUTATING_METHODS: dict[str, bool] = {
    # dict
    "update": True, "pop": True, "popitem": True, "setdefault": True, "clear": True,
    # list
    # (`sort` empties the list while it sorts: another thread's loop over it sees it end early)
    "append": True, "extend": True, "insert": True, "remove": True, "sort": True, "reverse": False,
    # set
    "add": True, "discard": True, "difference_update": True, "intersection_update": True,
    "symmetric_difference_update": True,
    # deque
    "appendleft": True, "extendleft": True, "popleft": True, "rotate": False,
    # OrderedDict
    "move_to_end": False,
}

# Mutating calls whose effect does not depend on anything a test could have seen and that cannot
# fail: `if len(cache) > N: cache.clear()` run twice leaves the same empty cache as once, and so
# does `if gen in writers: writers.discard(gen)`, so the test before them is not a check the
# write acts on.
CHECK_INDEPENDENT_METHODS = frozenset({"clear", "discard"})

# Mutating calls that take entries out: a key another thread has just tested present can be gone
# by the time it looks the key up.
REMOVING_METHODS = frozenset({"pop", "popitem", "clear", "remove", "discard", "difference_update",
                              "intersection_update"})

# Method calls that read a container without changing it.
READING_METHODS = frozenset(
    {"get", "copy", "count", "index", "keys", "values", "items", "__contains__", "__getitem__"}
)

# Methods whose result is a view or iterator over the container: iterating them iterates it.
VIEW_METHODS = frozenset({"keys", "values", "items"})

# Constructors (canonical dotted names, or builtins by bare name) that build a mutable container.
MUTABLE_CONSTRUCTORS = frozenset(
    {
        "dict", "list", "set", "bytearray",
        "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
        "collections.deque", "collections.ChainMap",
        "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "weakref.WeakSet",
    }
)

# The bare names of those constructors, for the per-file pass (imports are resolved later).
MUTABLE_CONSTRUCTOR_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in MUTABLE_CONSTRUCTORS)

# The attribute that stands for the items of an instance of a class derived from one of those
# containers (`class JobsProgress(set)`): `super().add(job)`, `for job in self` and `len(self)`
# change and read it, as `self._jobs.add(job)` would an attribute.
ITEMS = "<items>"

# Decorators (by their last name) that turn a method into an attribute of each instance, computed
# once and then stored: functools.cached_property, pyramid's reify, the cached-property package.
CACHED_PROPERTY_DECORATORS = frozenset({"cached_property", "cachedproperty", "reify", "cached_property_with_ttl"})

# Libraries whose class-level declarations are descriptors: `_pending_kernels = Dict()` in a
# traitlets class is each instance's own dict (see racefree.declared_fields).
DECLARED_FIELD_PACKAGES = ("traitlets.",)


# Parameters that name one unit of work whose events its own flow delivers in order (a LangChain
# run's `on_llm_start` then `on_llm_end`, an OpenTelemetry span's start then end, the reply to one
# request message): a container keyed by one holds that flow's entry, which only that flow tests,
# looks up and removes; other threads touch other keys. Not a parent's id (parallel branches of
# one parent share it) nor a trace's (a trace spans threads).
FLOW_KEY_SUFFIXES = ("run_id", "span_id", "message_id", "msg_id", "request_id", "event_id", "call_id",
                     "invocation_id")


def is_flow_key(name: str) -> bool:
    return name.endswith(FLOW_KEY_SUFFIXES) and not name.startswith("parent")
