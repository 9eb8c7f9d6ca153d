"""Pure helpers that read syntax: dotted names, constant keys, what a test or a class body
declares. No summariser state."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from racefree.knowledge.sync import MADE_ONCE_FACTORIES, MODEL_LOADING_CALLS
from racefree.summarize.model import ClassSummary


def dotted_text(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is ast.Name:
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def chained_call_text(node: ast.AST) -> str | None:
    """`asyncio.get_running_loop().run_in_executor` for a chain of attributes and calls on a name,
    else None (for what `dotted_text` cannot name: a method of what a call returns)."""
    parts: list[str] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            parts.append("." + node.attr)
            node = node.value
        elif kind is ast.Call:
            parts.append("()")
            node = node.func
        elif kind is ast.Name:
            return node.id + "".join(reversed(parts))
        else:
            return None


def makes_one_worker_executor(value: ast.expr | None) -> bool:
    """`ThreadPoolExecutor(max_workers=1)`, or a conditional expression one of whose branches is
    one (`ThreadPoolExecutor(max_workers=1) if executor is None else executor`)."""
    candidates = [value.body, value.orelse] if type(value) is ast.IfExp else [value]
    for made in candidates:
        if type(made) is not ast.Call or not (dotted_text(made.func) or "").endswith("ThreadPoolExecutor"):
            continue
        workers = next((k.value for k in made.keywords if k.arg == "max_workers"), made.args[0] if made.args else None)
        if type(workers) is ast.Constant and workers.value == 1:
            return True
    return False


def parameter_defaults(args: ast.arguments) -> list[tuple[ast.arg, ast.expr]]:
    """Each parameter that has a default, with it: the last positional ones take `defaults` in
    order, keyword-only ones their own (None where they have none)."""
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    return pairs + [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None]


def subscript_chain(node: ast.Subscript) -> tuple[ast.expr, list[ast.expr]]:
    """`stats[name]["count"]` -> (`stats`, [`"count"`, `name`]): the container under a chain of
    subscripts, and the keys from the outermost subscript in to the one on the container."""
    keys = []
    while type(node) is ast.Subscript:
        keys.append(node.slice)
        node = node.value
    return node, keys


def constant_key(node: ast.AST | None) -> str | None:
    if type(node) is ast.Constant and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
        return str(node.value)
    return None


_FIELD_DECLARATIONS = frozenset({"field", "Field", "ib", "attrib", "PrivateAttr"})
_FIELD_CLASS_MARKERS = ("dataclass", "attr.s", "attrs", "define", "frozen", "BaseModel", "NamedTuple", "TypedDict")


def declares_instance_field(cls: ClassSummary, node: ast.stmt, value: ast.expr | None) -> bool:
    """`x: list = field(default_factory=list)` in a dataclass, attrs or pydantic class declares a
    per-instance field, not one object shared by all instances. So does a property made by a
    call (`schedule = property(get_schedule, set_schedule)`, `options = getitem_property(...)`):
    through an instance, the descriptor reaches that instance's own data."""
    if type(value) is ast.Call:
        called = (dotted_text(value.func) or "").rsplit(".", 1)[-1]
        if called in _FIELD_DECLARATIONS or called.lower().endswith("property"):
            return True
    if type(node) is not ast.AnnAssign:
        return False
    if "ClassVar" in (dotted_text(node.annotation) or dotted_text(getattr(node.annotation, "value", None)) or ""):
        return False  # `lock: ClassVar[RLock] = RLock()`: one object for the class
    markers = [d.text for d in cls.decorators] + cls.base_texts
    return any(marker in text for text in markers for marker in _FIELD_CLASS_MARKERS)


_OPTIONAL_WRAPPERS = frozenset({"Optional", "Union"})
_LONGEST_STRING_ANNOTATION = 200


def declared_class(annotation: ast.expr) -> ast.expr | None:
    """The one class an annotation declares (`Foo`, `mod.Foo`, `Optional[Foo]`, `Foo | None`,
    `Union[Foo, None]`, `"Foo"`), as a name or dotted attribute; None for anything else (generics,
    unions of classes, callables)."""
    kind = type(annotation)
    if kind is ast.Constant and type(annotation.value) is str and len(annotation.value) <= _LONGEST_STRING_ANNOTATION:
        try:
            parsed = ast.parse(annotation.value.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return None
        return declared_class(parsed) if type(parsed) is not ast.Constant else None
    if kind is ast.Name or kind is ast.Attribute:
        return annotation if dotted_text(annotation) else None
    if kind is ast.BinOp and type(annotation.op) is ast.BitOr:
        return _the_one_besides_none((annotation.left, annotation.right))
    if kind is ast.Subscript and (dotted_text(annotation.value) or "").rsplit(".", 1)[-1] in _OPTIONAL_WRAPPERS:
        inner = annotation.slice
        return _the_one_besides_none(inner.elts if type(inner) is ast.Tuple else (inner,))
    return None


def _the_one_besides_none(members) -> ast.expr | None:
    others = [m for m in members if not (type(m) is ast.Constant and m.value is None)]
    return declared_class(others[0]) if len(others) == 1 else None


# The Pythons whose code paths count: a test of `sys.version_info` that holds for all of them, or
# for none, leaves one branch of an `if` dead (as mypy decides such tests for its target version).
OLDEST_PYTHON = (3, 8, 0)
NEWEST_PYTHON = (3, 99, 99)
_VERSION_COMPARISONS = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}


def version_test_outcome(test: ast.expr) -> bool | None:
    """True or False when a test of the running Python's version (`sys.version_info >= (3,)`,
    `sys.version_info[0] == 2`, `sys.version_info.major < 3`) comes out the same on every Python
    from OLDEST_PYTHON on; None for any other test."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        inner = version_test_outcome(test.operand)
        return None if inner is None else not inner
    if type(test) is not ast.Compare or len(test.ops) != 1:
        return None
    left, op, right = test.left, type(test.ops[0]), test.comparators[0]
    width = _version_width(left)
    if width is None:
        width = _version_width(right)
        if width is None:
            return None
        left, right = right, left
        op = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}.get(op, op)
    bound = _int_tuple(right)
    if bound is None:
        return None
    low, high = OLDEST_PYTHON[:width], NEWEST_PYTHON[:width]
    if op in _VERSION_COMPARISONS:
        compare = _VERSION_COMPARISONS[op]
        at_low, at_high = compare(low, bound), compare(high, bound)
        return at_low if at_low == at_high else None
    if op in (ast.Eq, ast.NotEq):
        if bound[:1] != low[:1]:
            same = False  # `== (2, 7)`: no Python 3 equals it
        elif len(bound) == 1 and width >= 1 and low[:1] == high[:1]:
            same = True if width == 1 else None  # `sys.version_info[0] == 3`
        else:
            return None
        if same is None:
            return None
        return same if op is ast.Eq else not same
    return None


def _version_width(node: ast.expr) -> int | None:
    """How many parts of the version a node compares: 3 for `sys.version_info`, 1 for
    `sys.version_info[0]` or `.major`, 2 for `sys.version_info[:2]`; None if it is no version."""
    if dotted_text(node) == "sys.version_info":
        return 3
    if type(node) is ast.Attribute and node.attr == "major" and dotted_text(node.value) == "sys.version_info":
        return 1
    if type(node) is ast.Subscript and dotted_text(node.value) == "sys.version_info":
        index = node.slice
        if type(index) is ast.Constant and index.value == 0:
            return 1
        if type(index) is ast.Slice and index.lower is None and index.step is None \
                and type(index.upper) is ast.Constant and type(index.upper.value) is int and 1 <= index.upper.value <= 3:
            return index.upper.value
    return None


def _int_tuple(node: ast.expr) -> tuple[int, ...] | None:
    if type(node) is ast.Constant and type(node.value) is int and not isinstance(node.value, bool):
        return (node.value,)
    if type(node) is ast.Tuple and node.elts and all(
            type(e) is ast.Constant and type(e.value) is int for e in node.elts):
        return tuple(e.value for e in node.elts)
    return None


def is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = (test.left, test.comparators[0])
    return (any(type(side) is ast.Name and side.id == "__name__" for side in sides)
            and any(type(side) is ast.Constant and side.value == "__main__" for side in sides))


def tests_only_emptiness(test: ast.expr) -> bool:
    """`X is None`, `not X`, `X`, `X is not None`, `X == None`, or tests that several objects are
    all not set yet (`a is None and b is None`): a lazy-initialisation test. (`if not a or not b:
    return` leaves when either is missing, as a teardown does: no initialisation.) A test that
    also compares with other values (`not X or X.id != new.id`) is a conditional update."""
    kind = type(test)
    if kind is ast.UnaryOp and type(test.op) is ast.Not:
        return tests_only_emptiness(test.operand)
    if kind is ast.Compare:
        if len(test.ops) != 1:
            return False
        other = test.comparators[0]
        if type(test.ops[0]) in (ast.Is, ast.IsNot) and _names_a_sentinel(other):
            return True  # `self._wrapped is empty`, `value is _MISSING`
        return (type(test.ops[0]) in (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)
                and type(other) is ast.Constant and other.value is None)
    if kind is ast.BoolOp:  # `self.arguments is None and self.resources is None`: none set up yet
        return (type(test.op) is ast.And and all(_tests_absence(value) for value in test.values)
                and _separate_subjects([_emptiness_subject(value) for value in test.values]))
    if kind is ast.Call:  # hasattr(X, "y"), len(X) == 0 style probes of the object itself
        return type(test.func) is ast.Name and test.func.id in ("hasattr", "len", "bool")
    return kind in (ast.Name, ast.Attribute, ast.Subscript)


def _tests_absence(test: ast.expr) -> bool:
    """`X is None`, `X == None`, `X is _MISSING`, `not X`: the test holds while X is not set."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        return type(test.operand) in (ast.Name, ast.Attribute)
    return (type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in (ast.Is, ast.Eq)
            and tests_only_emptiness(test))


def _emptiness_subject(test: ast.expr) -> str | None:
    """What an emptiness test tests, as written: `self.arguments` in `self.arguments is None`."""
    while type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test = test.operand
    if type(test) is ast.Compare:
        test = test.left
    return dotted_text(test) or None


def _separate_subjects(subjects: list[str | None]) -> bool:
    """Each test is on its own object: `x is not None and not x.is_closed` tests a state of the
    object it found, which is no emptiness test."""
    if None in subjects:
        return False
    return not any(a == b or b.startswith(a + ".") for i, a in enumerate(subjects)
                   for j, b in enumerate(subjects) if i != j)


# The names programs give the object that stands for "not set yet" (`empty = object()`).
SENTINEL_NAMES = frozenset({"empty", "missing", "sentinel", "notset", "not_set", "unset", "nothing", "marker",
                            "undefined", "not_loaded", "unloaded"})


def _names_a_sentinel(node: ast.expr) -> bool:
    """`empty`, `_MISSING`, `NOTSET`, `_sentinel`: a name that says it stands for no value."""
    name = node.id if type(node) is ast.Name else node.attr if type(node) is ast.Attribute else None
    return name is not None and name.strip("_").lower() in SENTINEL_NAMES


def absences_tested_with_a_condition(test: ast.expr) -> list[ast.expr]:
    """`X is None and Process is not None`, `self.enabled and not cls._worker`: emptiness tests
    joined by `and`, a lazy initialisation that waits for something else too. Returns the objects
    tested for being absent (`X`, `cls._worker`): a store into one of them initialises it. Not
    `or` (`X is None or force`), which also rebuilds a value that is there; and an object tested
    for being there (`X is not None and X.closed`) is replaced or reset by the act, not made."""
    if type(test) is not ast.BoolOp or type(test.op) is not ast.And \
            or not all(tests_only_emptiness(value) for value in test.values):
        return []
    return [subject for subject in map(_absent_subject, test.values) if subject is not None]


def _absent_subject(test: ast.expr) -> ast.expr | None:
    """X in `X is None`, `X == None`, `not X`."""
    kind = type(test)
    if kind is ast.UnaryOp and type(test.op) is ast.Not:
        return test.operand if type(test.operand) in (ast.Name, ast.Attribute, ast.Subscript) else None
    if (kind is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in (ast.Is, ast.Eq)
            and type(test.comparators[0]) is ast.Constant and test.comparators[0].value is None):
        return test.left
    return None


def tests_for_presence(test: ast.expr) -> bool:
    """An emptiness test whose true branch runs when the object is there and not empty: `X`,
    `X is not None`, `X != None`, `len(X)` (not `not X`, `X is None`)."""
    if not tests_only_emptiness(test) or type(test) is ast.UnaryOp:
        return False
    if type(test) is ast.Compare:
        return type(test.ops[0]) in (ast.IsNot, ast.NotEq)
    return True


def runs_until_stopped(loop: ast.While, self_name: str | None) -> bool:
    """A loop that runs until the service stops: `while True:`, or a test of a flag of the object
    that the body leaves alone (`while self.alive:`, `while not self._shutdown.is_set():`), as
    opposed to a drain (`while self.pending: self.pending.pop()`)."""
    test = loop.test
    if type(test) is ast.Constant:
        return bool(test.value)
    test = _flag_tested(test)
    if self_name is None or type(test) is not ast.Attribute or type(test.value) is not ast.Name \
            or test.value.id != self_name:
        return False
    flag = test.attr
    return not any(type(node) is ast.Attribute and node.attr == flag
                   for statement in loop.body for node in ast.walk(statement))


def _flag_tested(test: ast.expr) -> ast.expr:
    """The flag a loop's stop test reads: `self.alive` in `not self.alive`, `self._stop` in
    `self._stop.is_set()`."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test = test.operand
    if type(test) is ast.Call and type(test.func) is ast.Attribute and test.func.attr == "is_set" and not test.args:
        test = test.func.value
    return test


def waits_each_round(loop: ast.While) -> bool:
    """The loop sleeps or waits with a timeout in its test or body (`time.sleep(interval)`,
    `while not self._stopped.wait(5):`), outside nested functions and loops: it polls on a timer.
    A `wait()` with no timeout waits for a signal instead (a consumer woken per item)."""
    stack: list[ast.AST] = [loop.test, *loop.body]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.While):
            continue
        if kind is ast.Call and (node.args or node.keywords) and called_name(node) in ("sleep", "wait"):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def binds_names(body: list[ast.stmt]) -> bool:
    """The statements bind a local name (`old = default`, `for x in ...`, `with ... as f`), so
    code after them can depend on which of them ran. Statements only: a `:=` inside an
    expression is not looked for."""
    stack = list(body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Assign:
            if any(_binds_name(target) for target in node.targets):
                return True
        elif kind is ast.AugAssign or kind is ast.AnnAssign or kind is ast.For or kind is ast.AsyncFor:
            if _binds_name(node.target):
                return True
        elif kind is ast.With or kind is ast.AsyncWith:
            if any(_binds_name(item.optional_vars) for item in node.items):
                return True
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(node, field, ()))
    return False


def _binds_name(target: ast.expr | None) -> bool:
    kind = type(target)
    if kind is ast.Name:
        return True
    if kind is ast.Tuple or kind is ast.List:
        return any(_binds_name(element) for element in target.elts)
    return kind is ast.Starred and _binds_name(target.value)


def breaks_out(body: list[ast.stmt]) -> bool:
    """A `break` of this loop (not of a loop inside it) in its body."""
    stack = list(body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Break:
            return True
        if kind in (ast.For, ast.AsyncFor, ast.While):
            stack.extend(node.orelse)  # a break in an inner loop's body leaves only that loop
            continue
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler)))
    return False


def can_leave_loop(body: list[ast.stmt]) -> bool:
    """A `break` of this loop or a `return` in its body (a retry loop, a drain loop): the loop
    ends when its work is done, not when the service stops. A break on a flag that the body
    leaves alone (`if self.options.test: break`, `if self._stopping: break`) is a stop test, as
    in `while not self._stopping:`: the loop still runs until the service stops."""
    stack = list(body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Return or kind is ast.Break:
            return True
        if kind is ast.If and _breaks_on_a_stop_flag(node, body):
            continue
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        if kind in (ast.For, ast.AsyncFor, ast.While):
            # A break there leaves only that inner loop; a return still leaves this one.
            stack.extend(n for n in ast.walk(node) if type(n) is ast.Return)
            continue
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler)))
    return False


def _breaks_on_a_stop_flag(branch: ast.If, loop_body: list[ast.stmt]) -> bool:
    """`if self.options.test: break`: a lone break under a test of a flag (an attribute, or an
    event's `is_set()`) that the loop body only ever tests: it never sets it, nor uses it as a
    container (`if not self.pending: break` after `self.pending.pop()` is a drain)."""
    if len(branch.body) != 1 or type(branch.body[0]) is not ast.Break or branch.orelse:
        return False
    test = _flag_tested(branch.test)
    if type(test) is not ast.Attribute:
        return False
    flag = test.attr
    for statement in loop_body:
        for parent in ast.walk(statement):
            for child in ast.iter_child_nodes(parent):
                if type(child) is ast.Attribute and child.attr == flag and not _tested(parent, child):
                    return False
    return True


def _tested(parent: ast.AST, flag: ast.Attribute) -> bool:
    """The flag is read as a truth value: an `if`'s or `while`'s test, under `not`, `and`/`or`,
    or the event of an `is_set()` call."""
    kind = type(parent)
    if kind in (ast.If, ast.While, ast.IfExp):
        return parent.test is flag
    if kind is ast.UnaryOp:
        return type(parent.op) is ast.Not
    if kind is ast.BoolOp:
        return True
    return kind is ast.Attribute and parent.attr == "is_set" and type(flag.ctx) is ast.Load


def alias_candidates(value: ast.expr | None) -> list[ast.expr]:
    """The names a local bound to value may stand for: `core = self._core`, and either branch of
    `target = shared_cache if cache is None else cache` or `target = cache or shared_cache`."""
    kind = type(value)
    if kind in (ast.Name, ast.Attribute):
        return [value]
    if kind is ast.IfExp:
        branches = [value.body, value.orelse]
    elif kind is ast.BoolOp and type(value.op) is ast.Or:
        branches = value.values
    else:
        return []
    return [b for b in branches if type(b) in (ast.Name, ast.Attribute)]


def positions_under_arithmetic(value: ast.expr) -> set[tuple[int, int]]:
    """Where a read feeds the new value rather than sitting beside it: operands of arithmetic
    (`n + 1`, `items + [x]`), what a comprehension walks (`[r for r in receivers if r.alive]`),
    and what is unpacked into a new container (`{**config, "k": v}`, `[*handlers, h]`)."""
    positions: set[tuple[int, int]] = set()
    for node in ast.walk(value):
        kind = type(node)
        if kind is ast.BinOp:
            feeding = [node]
        elif kind in (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp):
            feeding = [generator.iter for generator in node.generators]
        elif kind is ast.Dict:
            feeding = [v for k, v in zip(node.keys, node.values) if k is None]
        elif kind is ast.Starred:
            feeding = [node.value]
        else:
            continue
        for part in feeding:
            for sub in ast.walk(part):
                if isinstance(sub, ast.expr):
                    positions.add((sub.lineno, sub.col_offset))
    return positions


def only_sleeps(block: list[ast.stmt]) -> bool:
    """The block is one `await asyncio.sleep(...)` (any library's `sleep`): it only waits."""
    if len(block) != 1 or type(block[0]) is not ast.Expr or type(block[0].value) is not ast.Await:
        return False
    call = block[0].value.value
    return type(call) is ast.Call and (dotted_text(call.func) or "").rsplit(".", 1)[-1] == "sleep"


def always_leaves(block: list[ast.stmt]) -> bool:
    """The block never falls through to what follows it: it ends in return, raise, continue or
    break, or in an `if` both of whose branches do."""
    if not block:
        return False
    last = block[-1]
    if type(last) in (ast.Return, ast.Raise, ast.Continue, ast.Break):
        return True
    if type(last) is ast.If:
        return always_leaves(last.body) and always_leaves(last.orelse)
    return False


_NOT_THREAD_SAFE = re.compile(
    r"\b(?:not|isn't|is\s+not|aren't|are\s+not|never)\s+(?:\w+\s+)?thread[-\s]?safe"
    r"|\bnot\s+safe\s+(?:to\s+share|(?:(?:to|for)\s+use\s+)?(?:in|from|across|with|between)\s+"
    r"(?:multiple\s+|concurrent\s+|several\s+|different\s+)?threads)"
    r"|\b(?:must|should)\s+not\s+be\s+shared\s+(?:between|across|among)\s+threads"
    r"|\bone\s+per\s+thread\b|\bper[-\s]thread\b"
    r"|\bthread(?:ing|[-\s]?safety)\s*:\s*(?:unsafe|not\s+safe|no)\b",  # a "Threading: UNSAFE" note
    re.IGNORECASE,
)


_THREAD_SAFE = re.compile(
    r"\b(?:is|are|be)\s+(?:fully\s+|completely\s+|entirely\s+)?thread[-\s]?safe\b"
    r"|^\s*thread[-\s]?safe\b"
    r"|\b(?:safe|designed|meant)\s+to\s+(?:be\s+)?(?:share[d]?|use[d]?)\s+(?:\w+\s+)?(?:across|between|from|by)\s+"
    r"(?:multiple\s+|many\s+|several\s+|concurrent\s+)?threads"
    r"|\bcan\s+be\s+(?:safely\s+)?shared\s+(?:across|between|among|by)\s+(?:multiple\s+|many\s+)?threads",
    re.IGNORECASE | re.MULTILINE,
)


def says_thread_safe(docstring: str | None) -> bool:
    """The class's own documentation says its instances may be shared between threads ("This class
    is thread-safe", "can be shared across threads"), and nowhere that they may not."""
    if not docstring or says_not_thread_safe(docstring):
        return False
    return _THREAD_SAFE.search(docstring.replace("*", "")) is not None


_PER_THREAD_CLASS = re.compile(r"\s*(?:(?:an?|the)\s+)?(?:thread[-\s]local|per[-\s]thread)\b", re.IGNORECASE)


def says_per_thread(docstring: str | None) -> bool:
    """The class's documentation opens by calling it thread-local ("A thread-local subclass of
    BaseResponse with a different set of attributes for each thread", bottle's `LocalResponse`):
    each thread sees its own state through one instance."""
    return bool(docstring) and _PER_THREAD_CLASS.match(docstring) is not None


_FOR_TESTS = re.compile(r"\b(?:for\s+(?:unit\s+)?(?:testing|tests)|in\s+(?:unit\s+)?tests)\b", re.IGNORECASE)


# Anywhere in the documentation, a sentence about the code itself that gives tests as its use
# ("This function is used primarily for testing", "This function is not for general use but may
# be useful for test suites"); not a remark that it is useful for testing among other things.
_SAYS_ITS_USE_IS_TESTS = re.compile(
    r"\b(?:this|it)\b(?:\s+(?:function|method|class|helper))?\s+is\s+"
    r"(?:(?:used|intended|meant|designed)\s+(?:only\s+|primarily\s+|mainly\s+|mostly\s+)?"
    r"|(?:only|primarily|mainly|mostly)\s+(?:used\s+|useful\s+)?)"
    r"for\s+(?:unit\s+)?(?:testing|tests|test\s+suites)\b"
    r"|\bnot\s+(?:intended\s+|meant\s+)?for\s+general\s+use\b[^.]*\btest",
    re.IGNORECASE,
)


def says_for_tests(docstring: str | None) -> bool:
    """The documentation's first sentence says the code is there for tests ("An in-memory record
    manager for testing purposes", "Context manager for mocking out datetime.now() in unit
    tests"), or a later sentence says that tests are what it is for ("This function is not for
    general use but may be useful for test suites within the teardown scheme", SQLAlchemy's
    `close_all_sessions`): test-support API, which test code calls, not a program's threads. (A
    remark such as "handy for testing too" does not make production code test support.)"""
    if not docstring:
        return False
    first_sentence = re.split(r"\.\s|\n\s*\n", docstring.strip(), maxsplit=1)[0]
    if _FOR_TESTS.search(first_sentence) is not None:
        return True
    return _SAYS_ITS_USE_IS_TESTS.search(" ".join(docstring.split())) is not None


_FOR_SET_UP = re.compile(
    r"\bconfigurational\s+operation\b"
    r"|\bat\s+configuration\s+time\b"
    r"|\b(?:intended|meant|designed)\s+to\s+be\s+called\s+once\b"
    r"|\bcall(?:ed)?\s+(?:this\s+|it\s+)?(?:once\s+)?(?:at|during)\s+(?:application\s+|program\s+|process\s+)?start-?up\b",
    re.IGNORECASE,
)


def says_set_up(docstring: str | None) -> bool:
    """The documentation says the function configures, once, while the program starts ("Event
    registration and removal ... is a configurational operation", "This method is intended to be
    called once during application startup"): set-up API, called before the threads that serve."""
    return bool(docstring) and _FOR_SET_UP.search(" ".join(docstring.split())) is not None


def says_not_thread_safe(docstring: str | None) -> bool:
    """The class's own documentation tells users not to share an instance between threads."""
    # Emphasis does not change the words: "methods are *not* threadsafe".
    return bool(docstring) and _NOT_THREAD_SAFE.search(docstring.replace("*", "")) is not None


_THREAD_IDENTITY_CALLS = frozenset({
    "get_ident", "get_native_id", "current_thread", "currentThread", "current_task", "get_current_task",
    "current_thread_id", "get_thread_id", "current_task_id",
})


def is_thread_identity(node: ast.expr | None, names: set[str]) -> bool:
    """The calling thread's or task's identity: `threading.get_ident()`, `_thread.get_ident()`,
    `threading.current_thread()` (or its `.ident`), `asyncio.current_task()`, a class's own
    `self._current_thread()`, or a local bound to one of them."""
    kind = type(node)
    if kind is ast.Name:
        return node.id in names
    if kind is ast.Attribute and node.attr in ("ident", "native_id"):
        return is_thread_identity(node.value, names)
    if kind is ast.Call and not node.args:
        return (called_name(node) or "").lstrip("_") in _THREAD_IDENTITY_CALLS
    return False


def compared_with_identity(test: ast.expr, names: set[str]) -> list[ast.expr]:
    """The expressions a test compares with the calling thread's or task's identity
    (`self._owner is current` in `if self._owner is current: raise NestedCallError`): whether
    the caller is the owner, which only the caller itself can make true."""
    compared = []
    for node in ast.walk(test):
        if type(node) is ast.Compare and len(node.ops) == 1 and type(node.ops[0]) in (ast.Eq, ast.NotEq, ast.Is, ast.IsNot):
            left, right = node.left, node.comparators[0]
            if is_thread_identity(right, names):
                compared.append(left)
            elif is_thread_identity(left, names):
                compared.append(right)
    return compared


def outcomes_of_test(test: ast.expr, leaf: Callable[[ast.expr], tuple[list, list]]) -> tuple[list, list]:
    """The facts that hold in the body of `if test:` and in its else branch, from what `leaf`
    says of each simple test: `and` keeps every part's body facts and knows nothing in the else,
    `or` the reverse, and `not` swaps the branches."""
    kind = type(test)
    if kind is ast.BoolOp:
        parts = [outcomes_of_test(value, leaf) for value in test.values]
        if type(test.op) is ast.And:  # all hold in the body; nothing is known in the else
            return [fact for body, _ in parts for fact in body], []
        return [], [fact for _, orelse in parts for fact in orelse]  # `or`: every part failed in the else
    if kind is ast.UnaryOp and type(test.op) is ast.Not:
        body, orelse = outcomes_of_test(test.operand, leaf)
        return orelse, body
    return leaf(test)


def hands_over(value: ast.expr, name: str | None) -> bool:
    """The expression calls something with the named local among its arguments
    (`command.reinvoke(self, call_hooks=True)`)."""
    if name is None or type(value) is not ast.Call:
        return False
    arguments = [*value.args, *(k.value for k in value.keywords)]
    return any(type(a) is ast.Name and a.id == name for a in arguments)


def called_name(call: ast.Call) -> str | None:
    """The last name of what is called: `sleep` for `time.sleep(1)` and for `sleep(1)`."""
    func = call.func
    return func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None


def is_caught_exception(value: ast.expr | None, caught: list[str]) -> bool:
    """The value is the exception being handled: the name an enclosing `except ... as e` binds,
    `sys.exc_info()` (the whole triple, as ipykernel's pipe watcher keeps it), `sys.exc_info()[1]`
    or `sys.exception()`."""
    kind = type(value)
    if kind is ast.Name:
        return value.id in caught
    if kind is ast.Subscript and type(value.value) is ast.Call:
        return _sys_call(value.value, "exc_info") and type(value.slice) is ast.Constant and value.slice.value == 1
    if kind is ast.Call:
        return _sys_call(value, "exception") or _sys_call(value, "exc_info")
    return False


def _sys_call(call: ast.Call, name: str) -> bool:
    """`sys.<name>()`, without arguments."""
    func = call.func
    return type(func) is ast.Attribute and func.attr == name and not call.args \
        and type(func.value) is ast.Name and func.value.id == "sys"


def stores_truth(value: ast.expr | None) -> bool:
    """The value is a truth value: `True`, `False`, a comparison, a `not`."""
    kind = type(value)
    if kind is ast.Constant:
        return type(value.value) is bool
    return kind is ast.Compare or (kind is ast.UnaryOp and type(value.op) is ast.Not)


# What an exception handler's exceptions say is missing: a name or attribute the `try` looked up
# (`except AttributeError:`), or an entry of a container (`except KeyError:`).
MISSING_NAME = "name"
MISSING_KEY = "key"
_ABSENCE_ERRORS = {"AttributeError": MISSING_NAME, "NameError": MISSING_NAME, "UnboundLocalError": MISSING_NAME,
                   "KeyError": MISSING_KEY, "LookupError": MISSING_KEY}


def caught_absences(caught: ast.expr | None) -> set[str]:
    """`except AttributeError:`, `except (KeyError, TypeError):`: what the handler's exceptions
    say is missing (MISSING_NAME, MISSING_KEY); empty for a bare `except:` or others."""
    names = caught.elts if type(caught) is ast.Tuple else [caught] if caught is not None else []
    return {_ABSENCE_ERRORS[n.id] for n in names if type(n) is ast.Name and n.id in _ABSENCE_ERRORS}


_IMPORT_FAILURES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def catches_import_error(node: ast.Try) -> bool:
    """`try: import eventlet except ImportError: eventlet = None`: a handler that catches a failed
    import (also a bare `except:` and `except Exception:`), so what the body imports is optional."""
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if type(caught) is ast.Tuple else [caught] if caught is not None else []
        if caught is None or any(type(n) is ast.Name and n.id in _IMPORT_FAILURES for n in names):
            return True
    return False


def constant_text(value: ast.expr | None) -> str | None:
    """The constant a store binds, as written (`True`, `None`, `3`); None for anything else."""
    return repr(value.value) if type(value) is ast.Constant else None


def stores_scalar(value: ast.expr | None) -> bool:
    """The value is a constant or a truth value (`True`, `None`, `3`, `version >= MINIMUM`,
    `not found`): a finished object that cannot be seen half-built."""
    kind = type(value)
    if kind is ast.Constant or kind is ast.Compare:
        return True
    return kind is ast.UnaryOp and type(value.op) is ast.Not


NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


STATEMENT_LISTS = ("body", "orelse", "finalbody")  # the fields of a compound statement that hold statements


def statement_blocks(body: list[ast.stmt], withs: tuple[ast.AST, ...] = ()):
    """Every statement list of a function's body (the body, and those of its compound statements,
    handlers and `match` cases, not of nested functions and classes), each with the `with`
    statements around it: for passes that look at statements in sequence within a block."""
    yield body, withs
    for stmt in body:
        if isinstance(stmt, NESTED_SCOPES):
            continue
        inner = (*withs, stmt) if type(stmt) in (ast.With, ast.AsyncWith) else withs
        for name in STATEMENT_LISTS:
            block = getattr(stmt, name, None)
            if block:
                yield from statement_blocks(block, inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from statement_blocks(handler.body, inner)
        for case in getattr(stmt, "cases", ()):
            yield from statement_blocks(case.body, inner)


def own_statements(body: list[ast.stmt]):
    """The statements of a function's body, those inside its compound statements too (`if`,
    `for`, `while`, `with`, `try` and its handlers, `match` cases), but not those of the functions
    and classes nested in it, in source order: a walk that skips expressions, for passes that
    only look at statements."""
    stack: list[ast.stmt] = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, NESTED_SCOPES):
            continue
        inner: list[ast.stmt] = []
        for name in STATEMENT_LISTS:
            inner += getattr(stmt, name, None) or ()
        for handler in getattr(stmt, "handlers", ()):
            inner += handler.body
        for case in getattr(stmt, "cases", ()):
            inner += case.body
        stack.extend(reversed(inner))


def constructor_text(value: ast.expr | None, private_too: bool = False) -> str | None:
    """`Manager(...)`, `workers.Pool(...)`: the class a call makes, as written, when its name reads
    as a class's (capitalised) or the call is a factory of a made-once object (`requests.session()`,
    `AutoModel.from_pretrained(name)`);
    the index resolves it, and drops what is no class of the program."""
    if type(value) is not ast.Call:
        return None
    text = dotted_text(value.func)
    if not text:
        return None
    last = text.rsplit(".", 1)[-1]
    if not ((last.lstrip("_") if private_too else last)[:1].isupper() or text in MADE_ONCE_FACTORIES
            or last in MODEL_LOADING_CALLS):
        return None
    return text


# Factory names: a call of a function or method whose name starts so makes a new object.
NEW_OBJECT_PREFIXES = ("create_", "new_", "make_", "build_")


def makes_a_new_object(value: ast.expr | None) -> bool:
    """`Tracer(...)`, `factory.create_metrics_tracer()`, `make_session()`: a call that makes a new
    object, by a class's name or a factory's."""
    if type(value) is not ast.Call:
        return False
    func = value.func
    last = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""
    return last[:1].isupper() or last.startswith(NEW_OBJECT_PREFIXES)


def makes_own_instance(value: ast.expr | None, cls_name: str | None) -> bool:
    """`cls()` in a classmethod whose class parameter is `cls_name`, and `super().__new__(cls)`,
    `object.__new__(cls, *args)` in a `__new__`: a new instance of the method's own class (the
    one a singleton's accessor or `__new__` keeps)."""
    if type(value) is not ast.Call or cls_name is None:
        return False
    func = value.func
    if type(func) is ast.Name:
        return func.id == cls_name
    first = value.args[0] if value.args else None
    return (type(func) is ast.Attribute and func.attr == "__new__" and type(first) is ast.Name
            and first.id == cls_name)


def does_nothing(body: list[ast.stmt]) -> bool:
    """A body that only documents: a docstring, `pass`, `...`, or `raise NotImplementedError`
    (an interface's hook, left for subclasses to fill in)."""
    for stmt in body:
        kind = type(stmt)
        if kind is ast.Pass or (kind is ast.Expr and type(stmt.value) is ast.Constant):
            continue
        if kind is ast.Raise and stmt.exc is not None:
            raised = stmt.exc.func if type(stmt.exc) is ast.Call else stmt.exc
            if type(raised) is ast.Name and raised.id == "NotImplementedError":
                continue
        return False
    return True


# The builtin container a literal makes (`{}`, `[x for x in y]`), by its node type.
LITERAL_CONTAINER_TYPES = {ast.Dict: "dict", ast.DictComp: "dict", ast.List: "list", ast.ListComp: "list",
                           ast.Set: "set", ast.SetComp: "set"}
