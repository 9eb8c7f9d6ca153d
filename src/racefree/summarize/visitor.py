"""One pass over one module's AST that records what the later stages need.

Recorded per function: accesses to possibly shared state (module globals, `self`/`cls`
attributes, attributes of imported modules), call sites, functions handed to calls, functions
stored into slots (callback registration), the locks held lexically at each point, and the facts
that make a pattern visible in the syntax (read-modify-write, a write after a check of the same
object, an await between the two).

Nothing is resolved across files here: that is the index's job.
"""

from __future__ import annotations

import ast
from bisect import bisect_left

from racefree.knowledge.containers import VIEW_METHODS, is_flow_key
from racefree.summarize.bindings import BindingNotes
from racefree.summarize.calls import CallVisits
from racefree.summarize.control_flow import ControlFlowVisits
from racefree.summarize.definitions import DefinitionVisits
from racefree.summarize.frame import TOPLEVEL, Frame
from racefree.summarize.imports import ImportVisits
from racefree.summarize.method_wrappers import wrappers_of_one_class
from racefree.summarize.model import (
    LAZY_IF_REBOUND,
    OP_ITERATE,
    OP_LOAD,
    OP_REBIND,
    OP_SLOT_LOAD,
    READ,
    WRITE,
    Access,
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    Ref,
)
from racefree.summarize.parameter_guards import ParameterGuards
from racefree.summarize.presence import KeyPresent, key_text
from racefree.summarize.references import References
from racefree.summarize.store_api_updates import StoreApiUpdates
from racefree.summarize.stores import StoreVisits
from racefree.summarize.syntax import constant_key, constructor_text, dotted_text, hands_over
from racefree.summarize.value_flows import ValueFlows

__all__ = ["TOPLEVEL", "ModuleSummarizer"]  # TOPLEVEL: the later stages import it from here

_ITERATING_BUILTINS = frozenset({"enumerate", "reversed", "zip", "iter", "next", "sorted", "sum", "any", "all"})
# Compatibility helpers that iterate the mapping they are given (six, future, a project's compat).
_ITERATING_HELPERS = frozenset({"iteritems", "itervalues", "iterkeys", "viewitems", "viewvalues", "viewkeys"})


class ModuleSummarizer(References, ImportVisits, DefinitionVisits, StoreVisits, BindingNotes, ValueFlows,
                       ControlFlowVisits, CallVisits, StoreApiUpdates, ParameterGuards):
    """The pass itself: frames, statement dispatch, expressions and the record of each access. The
    statements and expressions with more to say are visited by the mixins it is built from."""

    def __init__(self, module: str, path: str, is_package: bool, lines: int, has_walrus: bool = True,
                 writes_stores: bool = True):
        self.summary = ModuleSummary(module=module, path=path, is_package=is_package, lines=lines)
        self.has_walrus = has_walrus
        self._walrus_lines: list[int] = []  # lines of the `:=` expressions, in order
        self.module_names: set[str] = set()
        self.writes_stores = writes_stores  # the source calls a store's set method (store_api_updates)
        self.module_functions: set[str] = set()  # names of the functions defined at module level
        self.module_classes: set[str] = set()  # and of the classes
        self.container_classes: set[str] = set()  # classes derived from dict, list, set, ...
        self.method_wrappers: dict[str, str] = {}  # wrapper qualname -> the class whose methods it wraps
        # bare `.pop()`s in the methods of the class being summarised, that its `__exit__` may make
        self.method_pops: list = []
        # Calls that may bring a value read from a store (see store_api_updates), counted so that
        # an expression is searched for them only when it made one.
        self._store_reading_calls = 0
        self._pending_store_writes: list = []  # store writes through functions, kept once resolved
        self._returned_store_reads: dict[str, frozenset] = {}  # function -> stores its result is read from
        self._function_imports: set[str] = set()  # names functions import for themselves
        self.frames: list[Frame] = []
        self.frame: Frame = None  # type: ignore[assignment]  # set by _enter before any use
        self.class_stack: list[ClassSummary] = []
        self._visited_calls: set[int] = set()
        self._value_sources: tuple[str, ...] = ()  # request-data sources of the value being assigned
        self._value_from_arguments = False  # the value being assigned is computed from a parameter
        self._annotation: ast.expr | None = None  # the annotation of the assignment being visited
        self._in_main_block = False  # inside the module's `if __name__ == "__main__":`
        self._request_globals: set[str] = set()  # names imported from REQUEST_OBJECTS
        self._refs: dict[tuple, Ref] = {}
        self._stmt = {
            ast.Assign: self._assign, ast.AnnAssign: self._ann_assign, ast.AugAssign: self._aug_assign,
            ast.Delete: self._delete, ast.For: self._for, ast.AsyncFor: self._for,
            ast.While: self._while, ast.If: self._if, ast.With: self._with, ast.AsyncWith: self._with,
            ast.FunctionDef: self._function_def, ast.AsyncFunctionDef: self._function_def,
            ast.ClassDef: self._class_def, ast.Expr: self._expr_stmt, ast.Import: self._import,
            ast.ImportFrom: self._import_from, ast.Global: _skip, ast.Nonlocal: _skip,
            ast.Pass: _skip, ast.Break: _skip, ast.Continue: _skip,
            ast.Return: self._return, ast.Try: self._try,
        }

    # ----------------------------------------------------------------- entry
    def summarize(self, tree: ast.Module) -> ModuleSummary:
        self._collect_module_names(tree.body)
        self.method_wrappers = wrappers_of_one_class(tree.body)
        if self.has_walrus:
            self._walrus_lines = sorted(n.lineno for n in ast.walk(tree) if type(n) is ast.NamedExpr)
        toplevel = FunctionSummary(
            qualname=TOPLEVEL, name=TOPLEVEL, line=1, end_line=self.summary.lines,
            class_name=None, is_async=False,
        )
        self.summary.toplevel = toplevel
        self._enter(Frame(toplevel, None, None))
        self._block(tree.body)
        self._leave()
        self._resolve_store_api_writes()
        return self.summary

    # ------------------------------------------------------------ helpers
    def _walrus_within(self, node: ast.AST) -> bool:
        """A `:=` in the lines of node: only then must its scope search expressions for bindings."""
        lines = self._walrus_lines
        i = bisect_left(lines, node.lineno)
        return i < len(lines) and lines[i] <= (node.end_lineno or node.lineno)

    def _enter(self, frame: Frame) -> None:
        self.frames.append(frame)
        self.frame = frame  # the innermost frame: an attribute, read a million times

    def _leave(self) -> None:
        self.frames.pop()
        self.frame = self.frames[-1] if self.frames else None

    def _is_toplevel(self) -> bool:
        return self.frame.scope is None

    def _in_class_body(self) -> bool:
        return bool(self.class_stack) and self.frame.summary.qualname == TOPLEVEL

    def _flow_key(self, key: ast.expr) -> str | None:
        """The parameter a key is, where it names one flow's unit of work (`run_id`)."""
        scope = self.frame.scope
        if type(key) is ast.Name and scope is not None and key.id in scope.unassigned_parameters \
                and is_flow_key(key.id):
            return key.id
        return None

    def _record(self, ref: Ref, kind: str, op: str, node: ast.AST, slot: str | None = None,
                grows: bool = False, acts_on_check: bool = True) -> Access | None:
        frame = self.frame
        if ref.root_kind == "param" and kind == READ and op != OP_ITERATE and not frame.in_test \
                and ref.root not in frame.summary.mutable_defaults:
            # Arguments are read everywhere; only their writes, iterations and checks can race
            # (and the reads of a mutable default, one object for every call that omits it).
            return None
        access = Access(
            ref=ref, kind=kind, op=op, line=node.lineno, col=node.col_offset, slot=slot,
            locks=tuple(frame.locks), grows=grows,
        )
        if frame.param_guards:
            access.guards = tuple(frame.param_guards)
        if frame.in_handler:
            access.in_handler = True
        if frame.owner_tests and frame.enclosing_checks:
            owner_lines = {line for _, line in frame.owner_tests}
            access.under_owner_test = any(check[0] in owner_lines
                                          for checks in frame.enclosing_checks for check in checks.values())
        if frame.awaits_seen:
            access.awaits_before = frame.awaits_seen
        if frame.present:  # (for a write: what it changes only when a test found it set or non-empty)
            access.behind = tuple(fact for fact in frame.present if type(fact) is Ref)
        if not acts_on_check:
            frame.check_free_writes.add(id(access))
        elif kind == WRITE:
            # The check a write acts on: the innermost test around it that read the object, or a
            # guard clause after that test (in double-checked locking, `if key in cache: return`
            # under the lock), else the latest test before it (`if key in cache: return ...` then
            # `cache[key] = ...`).
            check = next((c[ref] for c in reversed(frame.enclosing_checks) if ref in c), None)
            guard = frame.guard_checks.get(ref)
            if check is None:
                check = frame.checks.get(ref)
            elif guard is not None and check[0] < guard[0] <= node.lineno:
                check = guard
            if check is not None and check[0] <= node.lineno and not self._updated_since(ref, check[0]):
                access.checked_at = check[0]
                access.check_is_lazy_init = check[1] is True or (check[1] == LAZY_IF_REBOUND and op == OP_REBIND)
                access.await_between = frame.awaits > check[2]
                access.checked_by_owner = (ref, check[0]) in frame.owner_tests
                access.after_guard_clause = check == guard and not frame.enclosing_checks
        frame.summary.accesses.append(access)
        return access

    def _key_proved_present(self, ref: Ref, key: ast.expr) -> int | None:
        """The line of the latest test around here that proved `key` in `ref` (`if key in d:`)."""
        text = key_text(key)
        return next((fact.line for fact in reversed(self.frame.present)
                     if type(fact) is KeyPresent and fact.ref == ref and fact.key == text), None) if text else None

    def _updated_since(self, ref: Ref, check_line: int) -> bool:
        """A read-modify-write of ref already acted on the check at check_line: a later write
        (`pending -= 1` in a `finally` after `pending += 1`) acts on what that update left."""
        return any(a.kind == WRITE and a.ref == ref and a.read_modify_write and a.checked_at == check_line
                   for a in self.frame.summary.accesses)

    # --------------------------------------------------------- statements
    def _block(self, body: list[ast.stmt]) -> None:
        frame = self.frame
        guards, present = frame.param_guards, frame.present
        held, held_present = len(guards), len(present)
        read_whole = set(frame.read_whole)
        claims: list[Ref] = []
        # On an event loop a flag is claimed without a lock (see ControlFlowVisits.flag_claims).
        on_the_loop = self.flag_claims(body, across_awaits=False) if frame.summary.is_async and frame.scope is not None else None
        for index, stmt in enumerate(body):
            handler = self._stmt.get(type(stmt))
            if handler is not None:
                handler(stmt)
            else:
                self._generic(stmt)
            if self.frame.new_claim is not None or (on_the_loop and index in on_the_loop):
                self._hold_claim(body, claims, on_the_loop.get(index) if on_the_loop else None)
        for claim in claims:
            if claim in self.frame.locks:
                self.frame.locks.remove(claim)
        del guards[held:]  # tests a guard clause made hold only to the end of its block
        del present[held_present:]
        if body and type(body[-1]) in (ast.Return, ast.Raise):
            # (what a block that returns read whole, the code after it never has in hand)
            self.frame.read_whole.intersection_update(read_whole)

    def _hold_claim(self, body: list[ast.stmt], claims: list[Ref], on_the_loop) -> None:
        """The statement just visited claimed a flag: the rest of its block holds the claim, as
        a lock, and so does the caller of a function whose own body refuses by raising."""
        frame = self.frame
        made, frame.new_claim = frame.new_claim, None
        if on_the_loop is not None:
            claim, tests, refuses = on_the_loop
            self.claim_its_tests(claim, tests)
            made = claim, refuses
        claim, refuses = made
        if claim in frame.locks:
            return
        frame.locks.append(claim)
        claims.append(claim)
        if refuses and body is frame.top_body:
            frame.top_claims.append(claim)

    def _generic(self, node: ast.AST) -> None:
        """Statements with no special meaning: visit expressions, recurse into bodies."""
        for field_name, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self._block(value)
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self._expr(item)
                        elif isinstance(item, ast.AST):
                            self._generic(item)
            elif isinstance(value, ast.expr):
                self._expr(value)
            elif isinstance(value, ast.AST):
                self._generic(value)

    def _return(self, node: ast.Return) -> None:
        if node.value is not None:
            self.frame.returns_value = True
            calls_before = self._store_reading_calls
            self._expr(node.value)
            if self.writes_stores and self.frame.scope is not None and \
                    (calls_before != self._store_reading_calls or self.frame.store_reads):
                self._note_store_api_return(node.value)
            summary = self.frame.summary
            if summary.returns_made is None:
                value = node.value
                # (a private class's name too: `return _LRUCacheWrapper(fn)` hands the caller one)
                summary.returns_made = constructor_text(value, private_too=True) or self.class_a_local_names(value) or (
                    self.frame.made.get(value.id) if type(value) is ast.Name else None) or self._module_class_made(value)
            ref = self.ref_of(node.value)
            if ref is None and type(node.value) is ast.Name and self._local_function(node.value.id):
                ref = Ref("local", node.value.id)  # a decorator handing back its wrapper
            if ref is not None and self.frame.scope is not None:
                self.frame.summary.returns.append(ref)
            elif type(node.value) is ast.Subscript and self.frame.scope is not None:
                container = self.ref_of(node.value.value)
                if container is not None:
                    summary.returns_an_element_of.append(container)
            if type(node.value) is ast.Call and self.frame.scope is not None:
                # `return decorate(f, wrapped)`, `return update_wrapper(wrapper, f)`: the wrapper
                # comes back made into the decorated function
                summary.returns.extend(Ref("local", arg.id) for arg in node.value.args
                                       if type(arg) is ast.Name and self._local_function(arg.id))

    def _module_class_made(self, value: ast.expr) -> str | None:
        """`return _freeze_time(...)`: a class of this module named in lower case (freezegun's
        `freeze_time` hands back an instance of its private `_freeze_time`)."""
        if type(value) is ast.Call and type(value.func) is ast.Name and value.func.id in self.module_classes \
                and not self._name_is_local(value.func.id):
            return value.func.id
        return None

    # -------------------------------------------------------- expressions
    def _expr(self, node: ast.expr) -> None:
        kind = type(node)
        if kind is ast.Name:
            name = node.id  # only module-level names count, a cheaper test than ref_of: first
            scope = self.frame.scope
            if type(node.ctx) is ast.Load and scope is not None and (
                    name in self.module_names or name in self.summary.bindings or name in self.summary.global_rebinds
                    or (name not in scope.local_names and self.frame.free_names_used)):
                ref = self.ref_of(node)
                if ref is not None:
                    self._record(ref, READ, OP_LOAD, node)
        elif kind is ast.Attribute:
            ref = self.ref_of(node)
            if ref is None:
                self._expr(node.value)
            elif self.frame.scope is not None:
                self._record(ref, READ, OP_LOAD, node)
        elif kind is ast.Subscript:
            ref = self.ref_of(node.value)
            self._expr(node.slice)
            if ref is None:
                self._expr(node.value)
            elif self.frame.scope is not None:
                access = self._record(ref, READ, OP_SLOT_LOAD, node, slot=constant_key(node.slice))
                if access is not None:
                    access.indexes = True
                    access.key_checked_at = self._key_proved_present(ref, node.slice)
                    access.flow_key = self._flow_key(node.slice)
        elif kind is ast.Call:
            self._call(node)
        elif kind is ast.Compare:
            self._compare(node)
        elif kind is ast.Await:
            self._expr(node.value)
            self.frame.awaits += 1
            self.frame.awaits_seen += 1
            if hands_over(node.value, self.frame.self_name):
                self.frame.awaits_handing_self += 1
        elif kind is ast.Yield or kind is ast.YieldFrom:
            if node.value is not None:
                self._expr(node.value)
            frame = self.frame
            if frame.first_yield is None:
                frame.first_yield = node.lineno
            if frame.locks and frame.scope is not None and not frame.summary.yield_locks:
                frame.summary.yield_locks = tuple(frame.locks)
        elif kind is ast.Lambda:
            self._lambda(node)
        elif kind in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            self._comprehension(node)
        elif kind is ast.Constant:
            return
        elif kind is ast.BinOp:
            self._expr(node.left)
            self._expr(node.right)
        elif kind is ast.BoolOp or kind is ast.JoinedStr:
            for value in node.values:
                self._expr(value)
        elif kind is ast.UnaryOp:
            self._expr(node.operand)
        elif kind is ast.Tuple or kind is ast.List or kind is ast.Set:
            for element in node.elts:
                self._expr(element)
        elif kind is ast.FormattedValue:
            self._expr(node.value)
            if node.format_spec is not None:
                self._expr(node.format_spec)
        elif kind is ast.Dict:
            for key in node.keys:
                if key is not None:
                    self._expr(key)
            for value in node.values:
                self._expr(value)
        elif kind is ast.Starred:
            self._expr(node.value)
        elif kind is ast.IfExp:
            self._expr(node.test)
            self._expr(node.body)
            self._expr(node.orelse)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child)
                elif isinstance(child, ast.AST):
                    self._generic(child)

    def _compare(self, node: ast.Compare) -> None:
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if type(op) in (ast.In, ast.NotIn):
                ref = self.ref_of(right)
                if ref is not None and self.frame.scope is not None:
                    self._expr(left)
                    self._record(ref, READ, OP_SLOT_LOAD, right, slot=constant_key(left))
                    left = right
                    continue
            self._expr(left)
            left = right
        self._expr(left)

    def _comprehension(self, node) -> None:
        frame = self.frame
        scope = frame.scope
        added: list[str] = []
        for generator in node.generators:
            self._iterated(generator.iter)
            if scope is not None:
                for sub in ast.walk(generator.target):
                    if type(sub) is ast.Name and sub.id not in scope.local_names:
                        scope.local_names.add(sub.id)
                        added.append(sub.id)
            for condition in generator.ifs:
                self._expr(condition)
        # The element runs once per item: `[Thread(target=work) for _ in range(n)]` starts many.
        frame.loop_depth += 1
        if type(node) is ast.DictComp:
            self._expr(node.key)
            self._expr(node.value)
        else:
            self._expr(node.elt)
        frame.loop_depth -= 1
        if scope is not None:
            scope.local_names.difference_update(added)

    def _iterated(self, node: ast.expr) -> None:
        """An expression whose value is iterated by Python code."""
        target = node
        if type(node) is ast.Call:
            func = node.func
            if type(func) is ast.Attribute and func.attr in VIEW_METHODS and not node.args:
                target = func.value
            elif node.args and (
                (type(func) is ast.Name and func.id in _ITERATING_BUILTINS)
                or (type(func) in (ast.Name, ast.Attribute) and (dotted_text(func) or "").rsplit(".", 1)[-1] in _ITERATING_HELPERS)
            ):
                for arg in node.args[1:]:
                    self._expr(arg)
                self._iterated(node.args[0])
                return
        ref = self.ref_of(target) if target is not node or type(node) in (ast.Name, ast.Attribute) else None
        if ref is None and type(node) is ast.Call and not node.args and not node.keywords:
            ref = self.ref_of(node)  # `for h in get_handlers():`: what the getter returns, if shared
            if ref is not None:
                self._record(ref, READ, OP_ITERATE, node)
                return
        if ref is None and type(node) is ast.Name:
            ref = self.frame.views.get(node.id)  # `keys = self.pending.keys()`, then `for k in keys`
            target = None if ref is None else target
        if ref is not None:
            self._record(ref, READ, OP_ITERATE, node)
            if target is not node:
                self._view_call(node, ref)  # `_cache.values()`: a method call too, on a project object
        elif type(target) is ast.Subscript and type(target.value) in (ast.Name, ast.Attribute):
            self._iterated_item(node, target)
        else:
            self._expr(node)

    def _iterated_item(self, node: ast.expr, item: ast.Subscript) -> None:
        """`for key in cache[category]`, `cache[category].items()`: read as the lookup of an item,
        marked as a loop over that item."""
        accesses = self.frame.summary.accesses
        before = len(accesses)
        self._expr(node)
        container = self.ref_of(item.value)
        for access in accesses[before:]:
            if access.kind == READ and access.ref == container and access.line == item.lineno \
                    and access.col == item.col_offset:
                access.in_item = True  # (not a defaultdict's lookup, which adds to the container itself)


def _skip(node: ast.AST) -> None:
    return None


