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

from racefree.knowledge.requests import (
    REQUEST_OBJECTS,
    REQUEST_PARAMETER_NAMES,
    REQUEST_PARAMETER_SOURCE,
    request_object,
)
from racefree.knowledge.containers import (
    CHECK_INDEPENDENT_METHODS,
    MUTABLE_CONSTRUCTOR_NAMES,
    MUTATING_METHODS,
    READING_METHODS,
    VIEW_METHODS,
)
from racefree.summarize.model import (
    CALL,
    OP_ITERATE,
    OP_LOAD,
    OP_MUTATE,
    OP_REBIND,
    OP_SLOT_LOAD,
    OP_SLOT_STORE,
    READ,
    WRITE,
    Access,
    Binding,
    Call,
    ClassSummary,
    Decorator,
    FunctionArg,
    FunctionSummary,
    ImportBinding,
    ModuleSummary,
    Ref,
    Registration,
)
from racefree.summarize.scopes import FunctionScope, function_scope, target_names
from racefree.summarize.syntax import (
    always_leaves,
    constant_key,
    declares_instance_field,
    dotted_text,
    positions_under_arithmetic,
    says_not_thread_safe,
    stores_scalar,
    tests_only_emptiness,
)

_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_ITERATING_BUILTINS = frozenset({"enumerate", "reversed", "zip", "iter", "next", "sorted", "sum", "any", "all"})
# Compatibility helpers that iterate the mapping they are given (six, future, a project's compat).
_ITERATING_HELPERS = frozenset({"iteritems", "itervalues", "iterkeys", "viewitems", "viewvalues", "viewkeys"})
_MUTABLE_LITERALS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
_CONSTANT_LITERALS = (ast.Constant, ast.Tuple, ast.JoinedStr, ast.BinOp, ast.UnaryOp)
TOPLEVEL = "<module>"


class _Frame:
    """The state of the function being summarised."""

    __slots__ = (
        "summary", "scope", "class_name", "self_name", "cls_name", "locks", "checks",
        "awaits", "loop_depth", "taint", "nested", "aliases", "in_test", "enclosing_checks", "saved",
        "check_free_writes", "awaits_seen", "saved_at", "sources",
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
        self.awaits = 0
        self.loop_depth = 0
        # local name -> (shared ref it was read from, read as a whole object, awaits seen then)
        self.taint: dict[str, tuple[Ref, bool, int]] = {}
        self.nested: dict[str, str] = {}  # local def name -> qualname
        self.aliases: dict[str, Ref] = {}  # `core = self._core`: the local names shared state
        self.in_test = False  # visiting the condition of an if/while
        # The tests of the if/while statements around the current point, innermost last.
        self.enclosing_checks: list[dict[Ref, tuple[int, bool, int]]] = []
        self.saved: dict[str, Ref] = {}  # `old = lib.flag`: the local holds the object's value as it was
        self.check_free_writes: set[int] = set()  # ids of writes whose effect no test can change (`clear()`)
        self.awaits_seen = 0  # every await so far, on any branch: where other tasks run
        self.saved_at: dict[str, int] = {}  # saved local -> awaits seen when it was saved
        self.sources: dict[str, tuple[str, ...]] = {}  # local -> request-data sources of its value


class ModuleSummarizer:
    def __init__(self, module: str, path: str, is_package: bool, lines: int, has_walrus: bool = True):
        self.summary = ModuleSummary(module=module, path=path, is_package=is_package, lines=lines)
        self.has_walrus = has_walrus
        self._walrus_lines: list[int] = []  # lines of the `:=` expressions, in order
        self.module_names: set[str] = set()
        self._function_imports: set[str] = set()  # names functions import for themselves
        self.frames: list[_Frame] = []
        self.frame: _Frame = None  # type: ignore[assignment]  # set by _enter before any use
        self.class_stack: list[ClassSummary] = []
        self._visited_calls: set[int] = set()
        self._value_sources: tuple[str, ...] = ()  # request-data sources of the value being assigned
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
        if self.has_walrus:
            self._walrus_lines = sorted(n.lineno for n in ast.walk(tree) if type(n) is ast.NamedExpr)
        toplevel = FunctionSummary(
            qualname=TOPLEVEL, name=TOPLEVEL, line=1, end_line=self.summary.lines,
            class_name=None, is_async=False,
        )
        self.summary.toplevel = toplevel
        self._enter(_Frame(toplevel, None, None))
        self._block(tree.body)
        self._leave()
        return self.summary

    def _collect_module_names(self, body: list[ast.stmt]) -> None:
        stack = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, (*_FUNCTION_NODES, ast.ClassDef)):
                self.module_names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for target in (node.targets if type(node) is ast.Assign else [node.target]):
                    target_names(target, self.module_names)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                target_names(node.target, self.module_names)
                stack.extend(node.body)
                stack.extend(node.orelse)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        target_names(item.optional_vars, self.module_names)
                stack.extend(node.body)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        self.module_names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, (ast.If, ast.While)):
                stack.extend(node.body)
                stack.extend(node.orelse)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                stack.extend(node.body)
                stack.extend(node.orelse)
                stack.extend(node.finalbody)
                for handler in node.handlers:
                    stack.extend(handler.body)

    # ------------------------------------------------------------ helpers
    def _walrus_within(self, node: ast.AST) -> bool:
        """A `:=` in the lines of node: only then must its scope search expressions for bindings."""
        lines = self._walrus_lines
        i = bisect_left(lines, node.lineno)
        return i < len(lines) and lines[i] <= (node.end_lineno or node.lineno)

    def _enter(self, frame: _Frame) -> None:
        self.frames.append(frame)
        self.frame = frame  # the innermost frame: an attribute, read a million times

    def _leave(self) -> None:
        self.frames.pop()
        self.frame = self.frames[-1] if self.frames else None

    def _is_toplevel(self) -> bool:
        return self.frame.scope is None

    def _in_class_body(self) -> bool:
        return bool(self.class_stack) and self.frame.summary.qualname == TOPLEVEL

    def _name_is_local(self, name: str) -> bool:
        """Local to the current function or to an enclosing one (a closure variable)."""
        for frame in reversed(self.frames):
            if frame.scope is None:
                return False
            if name in frame.scope.declared_global:
                return False
            if name in frame.scope.local_names:
                return True
        return False

    def ref_of(self, node: ast.AST) -> Ref | None:
        """The shared-state reference an expression names, if it is one."""
        key = self._ref_of(node)
        return None if key is None else self._interned(key)

    def _interned(self, key: tuple[str, str, tuple[str, ...]]) -> Ref:
        """One object per distinct reference: summaries pickle (to the cache, between processes)
        much smaller and faster when repeated references are the same object. Looked up by the
        plain tuple, which hashes faster than a Ref, and a Ref made only the first time."""
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = Ref(*key)
        return ref

    def _ref_of(self, node: ast.AST) -> tuple[str, str, tuple[str, ...]] | None:
        """The fields of ref_of's reference."""
        attrs: list[str] = []
        while type(node) is ast.Attribute:
            attrs.append(node.attr)
            node = node.value
        if type(node) is not ast.Name:
            if type(node) is not ast.Call:
                return None
            if type(node.func) is ast.Name and node.func.id == "super":
                if self.frame.class_name and attrs:
                    return "super", self.frame.class_name, tuple(reversed(attrs))
                return None
            # `get_client().query`: what the called function returns, then its attributes.
            inner = self.ref_of(node.func)
            if inner is None:
                return None
            self._call(node)  # the call itself still happens (call graph, arguments)
            return inner.root_kind, inner.root, (*inner.attrs, CALL, *reversed(attrs))
        name = node.id
        frame = self.frame
        attrs.reverse()
        if frame.scope is not None and name in frame.scope.unassigned_parameters and name != frame.self_name \
                and name != frame.cls_name and name not in frame.taint:
            # A parameter: the caller's argument, which the index binds at each call site.
            return "param", name, tuple(attrs)
        if frame.class_name and frame.scope is not None:
            if name == frame.self_name:
                if attrs[:1] == ["__class__"] and len(attrs) > 1:
                    return "class", frame.class_name, tuple(attrs[1:])  # `self.__class__.cache`
                return ("self", frame.class_name, tuple(attrs)) if attrs else None
            if name == frame.cls_name:
                return ("class", frame.class_name, tuple(attrs)) if attrs else None
        alias = frame.aliases.get(name)
        if alias is not None:
            return alias.root_kind, alias.root, (*alias.attrs, *attrs)
        if self._name_is_local(name):
            return None
        if name in self.module_names or name in self._function_imports or self.summary.star_imports:
            return "global", name, tuple(attrs)
        return None

    def _local_function(self, name: str) -> str | None:
        for frame in reversed(self.frames):
            if name in frame.nested:
                return frame.nested[name]
        return None

    def _record(self, ref: Ref, kind: str, op: str, node: ast.AST, slot: str | None = None,
                grows: bool = False, acts_on_check: bool = True) -> Access | None:
        frame = self.frame
        if ref.root_kind == "param" and kind == READ and op != OP_ITERATE and not frame.in_test:
            # Arguments are read everywhere; only their writes, iterations and checks can race.
            return None
        access = Access(
            ref=ref, kind=kind, op=op, line=node.lineno, col=node.col_offset, slot=slot,
            locks=tuple(frame.locks), grows=grows,
        )
        if not acts_on_check:
            frame.check_free_writes.add(id(access))
        elif kind == WRITE:
            # The check a write acts on: the innermost test around it that read the object, else
            # the latest one before it (`if key in cache: return ...` then `cache[key] = ...`).
            check = next((c[ref] for c in reversed(frame.enclosing_checks) if ref in c), None) or frame.checks.get(ref)
            if check is not None and check[0] <= node.lineno and not self._updated_since(ref, check[0]):
                access.checked_at = check[0]
                access.check_is_lazy_init = check[1]
                access.await_between = frame.awaits > check[2]
        frame.summary.accesses.append(access)
        return access

    def _updated_since(self, ref: Ref, check_line: int) -> bool:
        """A read-modify-write of ref already acted on the check at check_line: a later write
        (`pending -= 1` in a `finally` after `pending += 1`) acts on what that update left."""
        return any(a.kind == WRITE and a.ref == ref and a.read_modify_write and a.checked_at == check_line
                   for a in self.frame.summary.accesses)

    # --------------------------------------------------------- statements
    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            handler = self._stmt.get(type(stmt))
            if handler is not None:
                handler(stmt)
            else:
                self._generic(stmt)

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
            self._expr(node.value)
            ref = self.ref_of(node.value)
            if ref is None and type(node.value) is ast.Name and self._local_function(node.value.id):
                ref = Ref("local", node.value.id)  # a decorator handing back its wrapper
            if ref is not None and self.frame.scope is not None:
                self.frame.summary.returns.append(ref)

    def _try(self, node: ast.Try) -> None:
        self._block(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self._expr(handler.type)
            self._block(handler.body)
        self._block(node.orelse)
        frame = self.frame
        start = len(frame.summary.accesses)
        self._block(node.finalbody)
        # `finally: self._waiter = None`: a reset that runs however the block ended acts on no
        # test made before the `try`, unless that test encloses it (`if n >= N: try: flush()
        # finally: n = 0` resets because of the test).
        first_line = node.finalbody[0].lineno if node.finalbody else node.lineno
        for access in frame.summary.accesses[start:]:
            if (access.kind == WRITE and access.op == OP_REBIND and access.stores_scalar
                    and access.checked_at is not None and access.checked_at < first_line
                    and not any(access.ref in checks for checks in frame.enclosing_checks)):
                access.checked_at = None
                access.check_is_lazy_init = False
                access.await_between = False

    def _assign(self, node: ast.Assign) -> None:
        self._assignment(node.targets, node.value, node)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assignment([node.target], node.value, node)

    def _assignment(self, targets: list[ast.expr], value: ast.expr, node: ast.stmt) -> None:
        start = len(self.frame.summary.accesses)
        self._expr(value)
        self._value_sources = self._request_sources(value)
        scope = self.frame.scope
        # Read-modify-write facts matter only when the target may be shared state.
        may_be_shared = scope is None or any(
            type(t) is not ast.Name or t.id in scope.declared_global for t in targets
        )
        if may_be_shared:
            self._taint_flows(value, start)
        value_reads = {a.ref: a for a in self.frame.summary.accesses[start:] if a.kind == READ}
        arithmetic_reads = value_reads
        if value_reads and may_be_shared:
            # Only a read that feeds arithmetic makes a read-modify-write (`n = n + 1`); a read
            # used as a fallback (`cfg["k"] = data.get("k", cfg["k"])`) just keeps the old value.
            computed = positions_under_arithmetic(value)
            arithmetic_reads = {ref: a for ref, a in value_reads.items() if (a.line, a.col) in computed}
        for target in targets:
            if type(target) is ast.Name:
                self._store_name(target, value, value_reads, arithmetic_reads, node)
            else:
                self._store(target, value, arithmetic_reads, node)
        self._value_sources = ()

    def _request_sources(self, value: ast.expr) -> tuple[str, ...]:
        """The request data a value is computed from: request-context globals it names (by the
        dotted name they were imported from), a handler's `request` parameter, and locals that
        were computed from those."""
        frame = self.frame
        if frame.scope is None or not (frame.sources or self._request_globals
                                       or not REQUEST_PARAMETER_NAMES.isdisjoint(frame.scope.unassigned_parameters)):
            return ()  # nothing here holds request data: the common case, decided without a walk
        found: set[str] = set()
        imports = self.summary.imports
        for sub in ast.walk(value):
            if type(sub) is ast.Attribute and type(sub.value) is ast.Name:
                imported = imports.get(sub.value.id)  # `import flask` ... `flask.request`
                if imported is not None and f"{imported.target}.{sub.attr}" in REQUEST_OBJECTS:
                    found.add(f"{imported.target}.{sub.attr}")
                continue
            if type(sub) is not ast.Name:
                continue
            name = sub.id
            carried = frame.sources.get(name)
            if carried:
                found.update(carried)
            elif name in REQUEST_PARAMETER_NAMES and name in frame.scope.unassigned_parameters:
                found.add(REQUEST_PARAMETER_SOURCE)
            else:
                source = request_object(imports, name)
                if source is not None:
                    found.add(source)
        return tuple(sorted(found))

    def _taint_flows(self, value: ast.expr, start: int) -> None:
        """`n = shared["n"]; ...; shared["n"] = n + 1`: the value written is computed from an
        earlier read of the same object, through a local. Recorded as a read at that point, with
        the awaits seen since, so the write is seen as a read-modify-write (across an await)."""
        frame = self.frame
        if not frame.taint:
            return
        computed = None
        for sub in ast.walk(value):
            if type(sub) is ast.Name and sub.id in frame.taint:
                if computed is None:
                    computed = positions_under_arithmetic(value)
                if (sub.lineno, sub.col_offset) in computed:
                    ref, _, awaits = frame.taint[sub.id]
                    read = Access(ref=ref, kind=READ, op=OP_SLOT_LOAD, line=sub.lineno, col=sub.col_offset,
                                  locks=tuple(frame.locks))
                    read.await_between = frame.awaits > awaits
                    frame.summary.accesses.append(read)

    def _aug_assign(self, node: ast.AugAssign) -> None:
        self._expr(node.value)
        target = node.target
        ref = self.ref_of(target.value) if type(target) is ast.Subscript else self.ref_of(target)
        if type(target) is ast.Name and ref is not None and not self._is_toplevel():
            if target.id in self.frame.scope.declared_global:
                self.summary.global_rebinds.add(target.id)
                self._record(ref, WRITE, OP_REBIND, node).read_modify_write = True
            return
        if ref is not None and type(target) is ast.Attribute and ref.root_kind == "self" and len(ref.attrs) == 1:
            # `self.count += 1` rebinds on the instance, shadowing any class-level default.
            self._note_instance_attribute(ref.attrs[0], None, target)
        if ref is not None and type(target) is not ast.Name:
            if type(target) is ast.Subscript:
                self._expr(target.slice)
                access = self._record(ref, WRITE, OP_SLOT_STORE, node, slot=constant_key(target.slice))
            else:
                access = self._record(ref, WRITE, OP_REBIND, node)
            access.read_modify_write = True
            self._registration(ref, target, node.value, node, appended=True)
        elif type(target) is ast.Subscript and self._element_write(target, node, read_modify_write=True):
            return
        elif type(target) is not ast.Name:
            self._expr(target)

    def _element_write(self, target: ast.Subscript, node: ast.stmt, read_modify_write: bool) -> bool:
        """`stats[name]["count"] += 1`: a write into an element of a shared container (and, for a
        defaultdict, possibly a new entry). Recorded as an in-place change of the container."""
        inner = target.value
        slices = [target.slice]
        while type(inner) is ast.Subscript:
            slices.append(inner.slice)
            inner = inner.value
        ref = self.ref_of(inner)
        if ref is None or len(slices) < 2 or self._is_toplevel():
            return False
        for piece in slices:
            self._expr(piece)
        # `config["limits"]["depth"] = v`: a store at a fixed path, as much a per-request value
        # as `config["depth"] = v`; under a computed key it is an element change of a container.
        fixed_path = not read_modify_write and all(constant_key(piece) is not None for piece in slices)
        op = OP_SLOT_STORE if fixed_path else OP_MUTATE
        access = self._record(ref, WRITE, op, node, slot=constant_key(slices[-1]))
        access.read_modify_write = read_modify_write
        return True

    def _delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if type(target) is ast.Subscript:
                ref = self.ref_of(target.value)
                self._expr(target.slice)
                if ref is not None:
                    self._record(ref, WRITE, OP_SLOT_STORE, node, slot=constant_key(target.slice), grows=True)
                else:
                    self._expr(target.value)
            elif type(target) is ast.Attribute:
                ref = self.ref_of(target)
                if ref is not None:
                    self._record(ref, WRITE, OP_REBIND, node)
            elif type(target) is ast.Name and not self._is_toplevel():
                if target.id in self.frame.scope.declared_global:
                    self._record(Ref("global", target.id), WRITE, OP_REBIND, node)

    def _store(self, target: ast.expr, value: ast.expr | None, value_reads: dict, node: ast.stmt) -> None:
        kind = type(target)
        if kind is ast.Name:
            self._store_name(target, value, value_reads, value_reads, node)
        elif kind is ast.Attribute:
            ref = self.ref_of(target)
            if ref is None:
                self._expr(target.value)
                return
            if ref.root_kind == "self" and len(ref.attrs) == 1 and self.class_stack:
                self._note_instance_attribute(ref.attrs[0], value, target)
            elif ref.root_kind == "class" and len(ref.attrs) == 1:
                self._note_class_attribute(ref.attrs[0], value, target)
            if self._is_toplevel():
                self._registration(ref, target, value, node)
                return
            access = self._record(ref, WRITE, OP_REBIND, target)
            access.read_modify_write = ref in value_reads
            access.await_between = access.await_between or (ref in value_reads and value_reads[ref].await_between)
            self._mark_restore(access, ref, value)
            access.stores_scalar = stores_scalar(value)
            access.value_sources = self._value_sources
            self._registration(ref, target, value, node)
            self._note_publication(value, ref)
        elif kind is ast.Subscript:
            ref = self.ref_of(target.value)
            if ref is None and type(target.value) is ast.Subscript and self._element_write(target, node, False):
                return
            self._expr(target.slice)
            if ref is None:
                self._expr(target.value)
                return
            if self._is_toplevel():
                return
            slot = constant_key(target.slice)
            access = self._record(ref, WRITE, OP_SLOT_STORE, target, slot=slot, grows=slot is None)
            self._mark_restore(access, ref, value)
            access.value_sources = self._value_sources
            previous = value_reads.get(ref)
            access.read_modify_write = previous is not None and (previous.slot in (slot, None))
            if access.read_modify_write and previous.await_between:
                access.await_between = True
            self._registration(ref, target, value, node)
        elif kind is ast.Tuple or kind is ast.List:
            # `self.token, old = token, self.token`: element by element, each target gets its value.
            paired = (type(value) in (ast.Tuple, ast.List) and len(value.elts) == len(target.elts)
                      and not any(type(e) is ast.Starred for e in (*value.elts, *target.elts)))
            rebound = {self.ref_of(e) for e in target.elts if type(e) is not ast.Name} - {None} if paired else set()
            for position, element in enumerate(target.elts):
                element_value = value.elts[position] if paired else None
                self._store(element, element_value, value_reads, node)
                if type(element) is ast.Name and element_value is not None and rebound \
                        and type(element_value) in (ast.Name, ast.Attribute) and self.ref_of(element_value) in rebound:
                    # `pending, self.outbuf = self.outbuf, []`: the local takes the old object,
                    # which the same statement detaches; it is no longer the shared one.
                    self.frame.aliases.pop(element.id, None)
                    self.frame.taint.pop(element.id, None)
        elif kind is ast.Starred:
            self._store(target.value, None, value_reads, node)

    def _store_name(self, target: ast.Name, value: ast.expr | None, value_reads: dict, arithmetic_reads: dict,
                    node: ast.stmt) -> None:
        name = target.id
        if self._is_toplevel():
            if self._in_class_body():
                cls = self.class_stack[-1]
                table = cls.instance_attributes if declares_instance_field(cls, node, value) else cls.attributes
                table.setdefault(name, self._binding(name, value, target))
            else:
                self._bind_module_name(name, value, target)
            return
        frame = self.frame
        if name in frame.scope.declared_global:
            self.summary.global_rebinds.add(name)
            self.module_names.add(name)
            if type(value) is ast.Call:
                self._bind_module_name(name, value, target)
            ref = Ref("global", name)
            access = self._record(ref, WRITE, OP_REBIND, target)
            self._mark_restore(access, ref, value)
            access.stores_scalar = stores_scalar(value)
            access.value_sources = self._value_sources
            access.read_modify_write = ref in arithmetic_reads
            access.await_between = access.await_between or (ref in arithmetic_reads and arithmetic_reads[ref].await_between)
            return
        if self._value_sources:
            frame.sources[name] = self._value_sources
        else:
            frame.sources.pop(name, None)
        # A local bound to shared state itself (not a value read from it) is another name for it.
        frame.aliases.pop(name, None)
        if value is not None and type(value) in (ast.Name, ast.Attribute):
            alias = self.ref_of(value)
            if alias is not None and (alias.attrs or alias.root_kind == "global"):
                frame.aliases[name] = alias
        saved = self._saved_value(value)
        if saved is not None:
            frame.saved[name] = saved
            frame.saved_at[name] = frame.awaits_seen
        else:
            frame.saved.pop(name, None)
        # A local that holds what was read from shared state: a later test of it checks that state.
        if value is not None and value_reads:
            read = next(iter(value_reads.values()))
            frame.taint[name] = (read.ref, read.op == OP_LOAD, frame.awaits)
        else:
            frame.taint.pop(name, None)

    def _bind_module_name(self, name: str, value: ast.expr | None, target: ast.AST) -> None:
        binding = self._binding(name, value, target)
        existing = self.summary.bindings.get(name)
        if existing is None:
            self.summary.bindings[name] = binding
        elif existing.value_kind in ("constant", "other") and binding.value_kind not in ("constant", "other"):
            # `_client = None` at module level, `_client = Client()` later: it holds a Client.
            binding.line = existing.line
            self.summary.bindings[name] = binding

    def _binding(self, name: str, value: ast.expr | None, target: ast.AST) -> Binding:
        line = target.lineno
        if value is None:
            return Binding(name, line, "other")
        if isinstance(value, _MUTABLE_LITERALS):
            return Binding(name, line, "mutable")
        if type(value) is ast.Call:
            text = dotted_text(value.func)
            ref = self.ref_of(value.func)
            if text and text.rsplit(".", 1)[-1] in MUTABLE_CONSTRUCTOR_NAMES:
                return Binding(name, line, "mutable", text, ref)
            return Binding(name, line, "call", text, ref)
        if isinstance(value, ast.Lambda):
            return Binding(name, line, "function")
        if isinstance(value, _CONSTANT_LITERALS):
            return Binding(name, line, "constant")
        if type(value) in (ast.Name, ast.Attribute):
            return Binding(name, line, "alias", dotted_text(value), self.ref_of(value))
        return Binding(name, line, "other")

    def _note_instance_attribute(self, attr: str, value: ast.expr | None, target: ast.AST) -> None:
        """The first binding of `self.attr`, unless it only set a placeholder (`self._tracker =
        None` in `__init__`) and a later one builds the object (`self._tracker = Tracker(self)`)."""
        cls = self._class_of_frame()
        if cls is None:
            return
        existing = cls.instance_attributes.get(attr)
        if existing is None:
            cls.instance_attributes[attr] = self._binding(attr, value, target)
        elif existing.value_kind == "constant" and type(value) is ast.Call:
            cls.instance_attributes[attr] = self._binding(attr, value, target)

    def _note_class_attribute(self, attr: str, value: ast.expr | None, target: ast.AST) -> None:
        """`cls._lookup = threading.local()` in a classmethod binds a class attribute."""
        cls = self._class_of_frame()
        if cls is not None and attr not in cls.attributes:
            cls.attributes[attr] = self._binding(attr, value, target)

    def _class_of_frame(self) -> ClassSummary | None:
        name = self.frame.class_name
        return self.summary.classes.get(name) if name else None

    def _registration(self, ref: Ref, target: ast.AST, value: ast.expr | None, node: ast.stmt,
                      appended: bool = False) -> None:
        """`x.callbacks = [f]`, `x.callbacks += [f]`: functions stored into a slot."""
        if value is None:
            return
        elements = value.elts if type(value) in (ast.List, ast.Tuple) else [value]
        functions = tuple(fa for fa in (self._function_arg(e, None, None) for e in elements) if fa)
        if functions:
            self.frame.summary.registrations.append(
                Registration(ref, dotted_text(target) or ref.text(), functions, node.lineno,
                             appended or type(value) in (ast.List, ast.Tuple))
            )

    def _note_publication(self, value: ast.expr | None, ref: Ref) -> None:
        """`self._core.handlers = handlers`: from now on the local names the shared object, and
        changing it changes what every thread sees."""
        if type(value) is ast.Name and self.frame.scope is not None and value.id in self.frame.scope.local_names:
            self.frame.aliases[value.id] = ref

    def _publications_in(self, body: list[ast.stmt]) -> None:
        """In a loop, a local published at the end of one pass is the shared object in the next."""
        for stmt in body:
            if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Attribute:
                ref = self.ref_of(stmt.targets[0])
                if ref is not None:
                    self._note_publication(stmt.value, ref)

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self._iterated(node.iter)
        if type(node) is ast.AsyncFor:
            self.frame.awaits += 1
            self.frame.awaits_seen += 1
        self._store(node.target, None, {}, node)
        element_of = self._common_container(node.iter)
        if element_of is not None and type(node.target) is ast.Name and self.frame.scope is not None:
            # `for base in (stats["total"], stats[model]): base["n"] += 1` changes stats.
            self.frame.aliases[node.target.id] = element_of
        self.frame.loop_depth += 1
        self._publications_in(node.body)
        self._block(node.body)
        self.frame.loop_depth -= 1
        self._block(node.orelse)

    def _common_container(self, node: ast.expr) -> Ref | None:
        """The shared container whose elements a tuple or list literal lists, if all are its."""
        if type(node) not in (ast.Tuple, ast.List) or not node.elts:
            return None
        refs = {self.ref_of(e.value) if type(e) is ast.Subscript else None for e in node.elts}
        return refs.pop() if len(refs) == 1 else None

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
        if ref is not None:
            self._record(ref, READ, OP_ITERATE, node)
        else:
            self._expr(node)

    def _while(self, node: ast.While) -> None:
        checks = self._test(node.test)
        self.frame.loop_depth += 1
        self.frame.enclosing_checks.append(checks)
        self._block(node.body)
        self.frame.enclosing_checks.pop()
        self.frame.loop_depth -= 1
        self._block(node.orelse)

    def _if(self, node: ast.If) -> None:
        earlier = dict(self.frame.checks)
        checks = self._test(node.test)
        start = len(self.frame.summary.accesses)
        self.frame.enclosing_checks.append(checks)
        # `if lock.acquire(False):` (a try-lock) holds the lock in its body.
        lock = None
        test = node.test
        if type(test) is ast.Call and type(test.func) is ast.Attribute and test.func.attr == "acquire":
            lock = self.ref_of(test.func.value)
        if lock is not None:
            self.frame.locks.append(lock)
        # An await in a branch that leaves (`if full: await reject(); return`) does not run
        # before the code after the `if`: only the branches that fall through count.
        before = self.frame.awaits
        self._block(node.body)
        after_body = before if always_leaves(node.body) else self.frame.awaits
        if lock is not None and lock in self.frame.locks:
            self.frame.locks.remove(lock)
        self.frame.awaits = before
        self._block(node.orelse)
        after_else = before if node.orelse and always_leaves(node.orelse) else self.frame.awaits
        self.frame.awaits = max(after_body, after_else)
        self.frame.enclosing_checks.pop()
        self._consume_acted_checks(checks, earlier, start, node.body)

    def _consume_acted_checks(self, checks: dict, earlier: dict, start: int, body: list[ast.stmt]) -> None:
        """A test whose branch only emptied the object and fell through is spent: the code after
        the `if` runs on an object the test no longer describes (`if len(cache) > N:
        cache.clear()` then `cache[k] = v`), so later writes act on the test before it, if any.
        Other writes in the branch keep the test: `if stale: cache.pop(k, None)` leaves the key
        absent, as the test's other outcome does, and a later `cache[k] = v` acts on both."""
        if always_leaves(body):
            return
        frame = self.frame
        writes: dict[Ref, bool] = {}
        for access in frame.summary.accesses[start:]:
            if access.kind == WRITE and access.ref in checks:
                writes[access.ref] = writes.get(access.ref, True) and id(access) in frame.check_free_writes
        for ref in (ref for ref, only_check_free in writes.items() if only_check_free):
            if ref in earlier:
                frame.checks[ref] = earlier[ref]
            else:
                frame.checks.pop(ref, None)

    def _test(self, test: ast.expr) -> dict:
        """A condition: what it reads counts as a check for writes that follow in this function.
        Returns the checks it makes, for the body it guards."""
        frame = self.frame
        start = len(frame.summary.accesses)
        frame.in_test = True
        self._expr(test)
        frame.in_test = False
        made: dict[Ref, tuple[int, bool, int]] = {}
        if frame.scope is None:
            return made
        lazy = tests_only_emptiness(test)
        for access in frame.summary.accesses[start:]:
            if access.kind == READ:
                made[access.ref] = (test.lineno, lazy and access.op == OP_LOAD, frame.awaits)
        for sub in (ast.walk(test) if frame.taint else ()):
            if type(sub) is ast.Name and sub.id in frame.taint:
                ref, whole, awaits = frame.taint[sub.id]
                made.setdefault(ref, (test.lineno, whole and lazy, awaits))
        frame.checks.update(made)  # the latest test: in double-checked locking, the re-check
        return made

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        frame = self.frame
        pushed = 0
        for item in node.items:
            self._expr(item.context_expr)
            lock = self.ref_of(item.context_expr)
            if lock is not None:
                frame.locks.append(lock)
                pushed += 1
            if item.optional_vars is not None:
                self._store(item.optional_vars, None, {}, node)
        if type(node) is ast.AsyncWith:
            frame.awaits += 1
            frame.awaits_seen += 1
        self._block(node.body)
        if pushed:
            del frame.locks[-pushed:]

    def _expr_stmt(self, node: ast.Expr) -> None:
        value = node.value
        if type(value) is ast.Call and type(value.func) is ast.Attribute:
            method = value.func.attr
            if method in ("acquire", "release"):
                lock = self.ref_of(value.func.value)
                if lock is not None:
                    if method == "acquire":
                        self.frame.locks.append(lock)
                    elif lock in self.frame.locks:
                        self.frame.locks.remove(lock)
                    return
        self._expr(value)

    def _import(self, node: ast.Import) -> None:
        if self._in_class_body():
            return
        if not self._is_toplevel():
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self._function_import(local, alias.name if alias.asname else local, node.lineno, True)
            return
        for alias in node.names:
            if alias.asname:
                self.summary.imports[alias.asname] = ImportBinding(alias.asname, alias.name, node.lineno, True)
            else:
                top = alias.name.split(".")[0]
                self.summary.imports.setdefault(top, ImportBinding(top, top, node.lineno, True))
            local, target = (alias.asname, alias.name) if alias.asname else (alias.name.split(".")[0],) * 2
            if any(name.startswith(target + ".") for name in REQUEST_OBJECTS):
                self._request_globals.add(local)  # `import flask`: `flask.request` is in reach

    def _import_from(self, node: ast.ImportFrom) -> None:
        if self._in_class_body():
            return
        base = self._absolute_module(node.module, node.level)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                if self._is_toplevel():
                    self.summary.star_imports.append(base)
                continue
            local = alias.asname or alias.name
            if self._is_toplevel():
                self.summary.imports[local] = ImportBinding(local, f"{base}.{alias.name}", node.lineno, False)
                if f"{base}.{alias.name}" in REQUEST_OBJECTS:
                    self._request_globals.add(local)
            else:
                self._function_import(local, f"{base}.{alias.name}", node.lineno, False)

    def _function_import(self, local: str, target: str, line: int, is_module_import: bool) -> None:
        """`from openai.resources.chat import completions` inside a function (an optional
        dependency, imported where it is used) names the same module-level object as it would at
        the top: `completions.Completions.create = patched` patches another library. Taken as a
        module-level import when the module binds the name to nothing else."""
        frame = self.frame
        if frame.scope is None or local in self.module_names or local in self.summary.bindings:
            return
        existing = self.summary.imports.get(local)
        if existing is not None and existing.target != target:
            return
        self.summary.imports.setdefault(local, ImportBinding(local, target, line, is_module_import))
        if target in REQUEST_OBJECTS:
            self._request_globals.add(local)
        self._function_imports.add(local)
        frame.scope.local_names.discard(local)

    def _absolute_module(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        parts = self.summary.module.split(".")
        if not self.summary.is_package:
            parts = parts[:-1]
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
        if module:
            parts.append(module)
        return ".".join(parts) if parts else None

    # ---------------------------------------------------- definitions
    def _decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[Decorator]:
        decorators = []
        for deco in node.decorator_list:
            self._expr(deco)
            func = deco.func if type(deco) is ast.Call else deco
            first = constant_key(deco.args[0]) if type(deco) is ast.Call and deco.args else None
            decorators.append(Decorator(dotted_text(func) or "", self.ref_of(func), first, deco.lineno))
        return decorators

    def _qualname(self, name: str) -> str:
        parent = self.frame.summary.qualname
        if self.class_stack and parent == TOPLEVEL:
            return f"{self.class_stack[-1].qualname}.{name}"
        if parent == TOPLEVEL:
            return name
        return f"{parent}.<locals>.{name}"

    def _function_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        decorators = self._decorators(node)
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self._expr(default)
        self._function_body(node, node.name, decorators)

    def _function_body(self, node, name: str, decorators: list[Decorator]) -> str:
        qualname = self._qualname(name)
        in_class = self._in_class_body()
        class_name = self.class_stack[-1].qualname if in_class else self.frame.class_name
        deco_texts = {d.text for d in decorators}
        method_kind = "function"
        if in_class:
            method_kind = (
                "staticmethod" if "staticmethod" in deco_texts
                else "classmethod" if "classmethod" in deco_texts
                else "method"
            )
            self.class_stack[-1].methods[name] = qualname
        summary = FunctionSummary(
            qualname=qualname, name=name, line=node.lineno,
            end_line=getattr(node, "end_lineno", node.lineno) or node.lineno,
            class_name=class_name, is_async=type(node) is ast.AsyncFunctionDef,
            decorators=decorators, method_kind=method_kind,
        )
        self.summary.functions[qualname] = summary
        if self.frame.scope is not None:
            self.frame.nested[name] = qualname
        frame = _Frame(summary, function_scope(node, self._walrus_within(node)), class_name)
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        skip = 1 if in_class and method_kind in ("method", "classmethod") else 0
        summary.parameters = params[skip:] + [a.arg for a in node.args.kwonlyargs]
        if in_class and params and method_kind == "method":
            frame.self_name = params[0]
        elif in_class and params and method_kind == "classmethod":
            frame.cls_name = params[0]
        elif not in_class and self.frame.scope is not None:
            # A closure inside a method sees the method's self.
            frame.self_name, frame.cls_name = self.frame.self_name, self.frame.cls_name
        self._enter(frame)
        if type(node) is ast.Lambda:
            self._expr(node.body)
        else:
            self._block(node.body)
        self._leave()
        return qualname

    def _class_def(self, node: ast.ClassDef) -> None:
        decorators = self._decorators(node)
        for base in node.bases:
            self._expr(base)
        for keyword in node.keywords:
            self._expr(keyword.value)
        qualname = self._qualname(node.name)
        cls = ClassSummary(
            qualname=qualname, line=node.lineno,
            bases=[self.ref_of(b) for b in node.bases],
            base_texts=[dotted_text(b) or "" for b in node.bases],
            decorators=decorators,
            documented_not_thread_safe=says_not_thread_safe(ast.get_docstring(node, clean=False)),
        )
        self.summary.classes[qualname] = cls
        if self.frame.scope is not None:
            self.frame.nested[node.name] = qualname
        # The class body runs like module code at import time, in its own namespace.
        outer = self.frame
        body_frame = _Frame(self.summary.toplevel, None, None)
        body_frame.locks = outer.locks
        self.class_stack.append(cls)
        self._enter(body_frame)
        self._block(node.body)
        self._leave()
        self.class_stack.pop()

    # -------------------------------------------------------- expressions
    def _expr(self, node: ast.expr) -> None:
        kind = type(node)
        if kind is ast.Name:
            name = node.id  # only module-level names count, a cheaper test than ref_of: first
            if type(node.ctx) is ast.Load and self.frame.scope is not None and (
                    name in self.module_names or name in self.summary.bindings or name in self.summary.global_rebinds):
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
                self._record(ref, READ, OP_SLOT_LOAD, node, slot=constant_key(node.slice))
        elif kind is ast.Call:
            self._call(node)
        elif kind is ast.Compare:
            self._compare(node)
        elif kind is ast.Await:
            self._expr(node.value)
            self.frame.awaits += 1
            self.frame.awaits_seen += 1
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

    def _lambda(self, node: ast.Lambda) -> None:
        for default in node.args.defaults:
            self._expr(default)
        self._function_body(node, f"<lambda:{node.lineno}:{node.col_offset}>", [])

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

    def _call(self, node: ast.Call) -> None:
        if id(node) in self._visited_calls:
            return
        self._visited_calls.add(id(node))
        func = node.func
        frame = self.frame
        callee: Ref | None = None
        local_callee: str | None = None
        if type(func) is ast.Attribute:
            receiver = self.ref_of(func.value)
            method = func.attr
            if method == "__setattr__" and len(node.args) == 3 and frame.scope is not None:
                self._reflective_access("setattr", node)  # object.__setattr__(self, "name", value)
            elif method == "update" and type(func.value) is ast.Attribute and func.value.attr == "__dict__":
                if frame.scope is not None:
                    self._instance_dict_update(func.value, node)
            elif receiver is not None and method in MUTATING_METHODS:
                if frame.scope is not None:
                    slot = constant_key(node.args[0]) if node.args and method in ("pop", "setdefault") else None
                    self._record(receiver, WRITE, OP_MUTATE, node, slot=slot, grows=MUTATING_METHODS[method],
                                 acts_on_check=method not in CHECK_INDEPENDENT_METHODS)
                if method in ("append", "extend", "insert") and node.args:
                    self._registration(receiver, func.value, node.args[-1], node, appended=True)
            elif receiver is not None and frame.scope is not None and method in READING_METHODS:
                slot = constant_key(node.args[0]) if node.args and method == "get" else None
                self._record(receiver, READ, OP_SLOT_LOAD if method == "get" else OP_LOAD, node, slot=slot)
            else:
                # self.method(), module.function(), singleton.method(), super().method()
                callee = self.ref_of(func)
                if callee is None:
                    self._expr(func.value)
        elif type(func) is ast.Name:
            local_callee = self._local_function(func.id)
            if local_callee is None and not self._name_is_local(func.id):
                callee = self._interned(("global", func.id, ()))
                if func.id in ("getattr", "setattr", "hasattr") and frame.scope is not None:
                    self._reflective_access(func.id, node)
        else:
            self._expr(func)
        function_args = []
        argument_refs = []
        for position, arg in enumerate(node.args):
            self._expr(arg)
            fa = self._function_arg(arg, position, None)
            if fa is not None:
                function_args.append(fa)
            if type(arg) in (ast.Name, ast.Attribute) and (ref := self.ref_of(arg)) is not None:
                argument_refs.append((position, None, ref))
        for keyword in node.keywords:
            self._expr(keyword.value)
            if keyword.arg is not None:
                fa = self._function_arg(keyword.value, None, keyword.arg)
                if fa is not None:
                    function_args.append(fa)
                value = keyword.value
                if type(value) in (ast.Name, ast.Attribute) and (ref := self.ref_of(value)) is not None:
                    argument_refs.append((None, keyword.arg, ref))
        if callee is None and local_callee is None and not function_args:
            return
        first = constant_key(node.args[0]) if node.args else None
        frame.summary.calls.append(
            Call(
                callee=callee, local_callee=local_callee, line=node.lineno, col=node.col_offset,
                locks=tuple(frame.locks), callee_text=dotted_text(func) or "",
                function_args=tuple(function_args), first_arg_text=first, in_loop=frame.loop_depth > 0,
                argument_refs=tuple(argument_refs),
                lazy_guards=tuple(ref for checks in frame.enclosing_checks for ref, check in checks.items() if check[1]),
            )
        )

    def _reflective_access(self, builtin: str, node: ast.Call) -> None:
        """`getattr(obj, "name", default)` and `hasattr(obj, "name")` read obj.name, and
        `setattr(obj, "name", value)` rebinds it, when the name is a constant."""
        args = node.args
        ref = self._named_attribute(args)
        if ref is None:
            return
        if builtin in ("getattr", "hasattr"):
            self._record(ref, READ, OP_LOAD, node)
        elif len(args) == 3:
            access = self._record(ref, WRITE, OP_REBIND, node)
            self._mark_restore(access, ref, args[2])
            if ref.root_kind == "self" and len(ref.attrs) == 1 and self.class_stack:
                self._note_instance_attribute(ref.attrs[0], args[2], node)

    def _instance_dict_update(self, receiver: ast.expr, node: ast.Call) -> None:
        """`self.__dict__.update(name=value)` sets instance attributes, as `self.name = value`
        does: they shadow class-level defaults of the same names."""
        if not self._is_self(receiver.value) or not self.class_stack:
            return
        for keyword in node.keywords:
            if keyword.arg is not None:
                self._note_instance_attribute(keyword.arg, keyword.value, node)

    def _named_attribute(self, args: list[ast.expr]) -> Ref | None:
        """`obj.name` for the arguments `(obj, "name", ...)` of getattr/hasattr/setattr."""
        if len(args) < 2 or type(args[1]) is not ast.Constant or not isinstance(args[1].value, str):
            return None
        if not args[1].value.isidentifier():
            return None
        if self._is_self(args[0]):
            return self._interned(("self", self.frame.class_name, (args[1].value,)))
        owner = self.ref_of(args[0])
        if owner is None:
            return None
        return self._interned((owner.root_kind, owner.root, (*owner.attrs, args[1].value)))

    def _is_self(self, node: ast.expr) -> bool:
        """The expression is the method's own instance (`self`), which ref_of does not name alone."""
        frame = self.frame
        return type(node) is ast.Name and frame.class_name is not None and frame.scope is not None \
            and node.id == frame.self_name

    def _mark_restore(self, access: Access, ref: Ref, value: ast.expr | None) -> None:
        """A write that puts back the saved value; whether an await ran since it was saved, so
        that other tasks ran while the temporary value was in place."""
        access.restores = self._restores(ref, value)
        if access.restores:
            access.restores_across_await = self.frame.awaits_seen > self.frame.saved_at.get(value.id, 0)

    def _restores(self, ref: Ref, value: ast.expr | None) -> bool:
        """The value is a local saved from this very object earlier: the write puts it back."""
        return type(value) is ast.Name and self.frame.saved.get(value.id) == ref

    def _saved_value(self, value: ast.expr | None) -> Ref | None:
        """The shared object whose current value this expression is, unchanged: `lib.flag`,
        `getattr(lib, "flag", None)`, `os.environ.get("K")`, `os.environ["K"]`."""
        kind = type(value)
        if kind in (ast.Name, ast.Attribute):
            return self.ref_of(value)
        if kind is ast.Subscript:
            return self.ref_of(value.value)
        if kind is not ast.Call or not value.args:
            return None
        func = value.func
        if type(func) is ast.Name and func.id == "getattr":
            return self._named_attribute(value.args)
        if type(func) is ast.Attribute and func.attr == "get":
            return self.ref_of(func.value)
        return None

    def _function_arg(self, node: ast.expr, position: int | None, keyword: str | None) -> FunctionArg | None:
        """A function named by an argument, or a call of one (a coroutine handed to a task)."""
        called = False
        if type(node) is ast.Starred and type(node.value) in (ast.GeneratorExp, ast.ListComp):
            node = node.value.elt  # gather(*(worker(x) for x in xs))
        if type(node) is ast.Call:
            # partial(f, ...) and create_task(f(...)) both hand over f.
            inner = node.func
            text = dotted_text(inner) or ""
            if text.endswith("partial") and node.args:
                node = node.args[0]
            else:
                node = inner
                called = True
        if type(node) is ast.Lambda:
            return FunctionArg(position, keyword, None, self._lambda_qualname(node), called)
        if type(node) is ast.Name:
            local = self._local_function(node.id)
            if local is not None:
                return FunctionArg(position, keyword, None, local, called)
            if self._name_is_local(node.id):
                return None
            return FunctionArg(position, keyword, self._interned(("global", node.id, ())), None, called)
        if type(node) is ast.Attribute:
            ref = self.ref_of(node)
            if ref is not None:
                return FunctionArg(position, keyword, ref, None, called)
        return None

    def _lambda_qualname(self, node: ast.Lambda) -> str:
        return self._qualname(f"<lambda:{node.lineno}:{node.col_offset}>")


def _skip(node: ast.AST) -> None:
    return None


