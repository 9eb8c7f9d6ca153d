"""Source -> AST with access probes, for one module. A pure function of the source text.

What is probed (everything else runs untouched, at full speed):

* module globals that some function rebinds (`global x; x = ...`): reads and writes of the name;
* the contents of module-level objects: `G[k]`, `G.attr`, `G.attr[k]`, `del G[k]`, `G[k] += 1`,
  container methods (`G.get(k)`, `G.append(x)`, ...), `k in G`, `for x in G`, `len(G)`;
* class attributes (`Cls.count += 1`), which are attributes of a module-level object.

Module-level code of an imported module runs once, at import time, under the import lock and
before any thread can see the module, so it is not probed; function bodies always are. The main
script's module-level code is probed too, since it is the program.

Which names are global is decided by a small scope model (pyflakes-style): a name is local to a
function if the function binds it and does not declare it `global`; a free name resolves through
the enclosing function scopes (class scopes are skipped, as Python does) to the module.
"""

from __future__ import annotations

import ast
import itertools

from racefree.runtime import sites
from racefree.runtime.probes import CONTAINER_METHOD_NAMES

# Builtins whose argument is read whole (iteration, size): `len(G)`, `list(G)`, ...
_WHOLE_READING_CALLS = frozenset(
    {"len", "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min", "max", "any",
     "all", "iter", "enumerate", "reversed", "repr", "str"}
)

_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class Scope:
    def __init__(self, kind: str, parent: Scope | None):
        self.kind = kind  # "module" | "function" | "class" | "comprehension"
        self.parent = parent
        self.bound: set[str] = set()
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()

    def is_global(self, name: str) -> bool:
        if self.kind == "module" or name in self.declared_global:
            return True
        if name in self.bound or name in self.declared_nonlocal:
            return False
        scope = self.parent
        while scope.kind != "module":
            if scope.kind != "class":
                if name in scope.declared_global:
                    return True
                if name in scope.bound or name in scope.declared_nonlocal:
                    return False
            scope = scope.parent
        return True


class _Bindings(ast.NodeVisitor):
    """Names one scope binds, without entering nested scopes (except what they evaluate here)."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def collect(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None:
                    self.scope.bound.add(arg.arg)
            body = node.body if isinstance(node.body, list) else [node.body]
            for child in body:
                self.visit(child)
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                self.visit(child)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for index, generator in enumerate(node.generators):
                self.visit(generator.target)
                if index:
                    self.visit(generator.iter)
                for condition in generator.ifs:
                    self.visit(condition)
        else:  # module
            for child in node.body:
                self.visit(child)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.scope.bound.add(node.id)

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.declared_nonlocal.update(node.names)

    def _bind_definition(self, node) -> None:
        self.scope.bound.add(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)

    def visit_FunctionDef(self, node) -> None:
        self._bind_definition(node)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind_definition(node)
        for base in [*node.bases, *node.keywords]:
            self.visit(base)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)

    def _visit_comprehension(self, node) -> None:
        self.visit(node.generators[0].iter)
        # A walrus inside a comprehension binds in the enclosing function.
        for child in ast.walk(node):
            if isinstance(child, ast.NamedExpr) and isinstance(child.target, ast.Name):
                self.scope.bound.add(child.target.id)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    def visit_alias(self, node: ast.alias) -> None:
        if node.name != "*":
            self.scope.bound.add((node.asname or node.name).split(".")[0])

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scope.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node) -> None:
        if node.name:
            self.scope.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node) -> None:
        if node.name:
            self.scope.bound.add(node.name)

    def visit_MatchMapping(self, node) -> None:
        if node.rest:
            self.scope.bound.add(node.rest)
        self.generic_visit(node)


def _build_scopes(tree: ast.Module) -> dict[ast.AST, Scope]:
    scopes: dict[ast.AST, Scope] = {}

    def build(node: ast.AST, kind: str, parent: Scope | None) -> None:
        scope = Scope(kind, parent)
        scopes[node] = scope
        _Bindings(scope).collect(node)
        for child in _child_scopes(node):
            child_kind = {ast.ClassDef: "class"}.get(type(child), "function")
            if isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                child_kind = "comprehension"
            build(child, child_kind, scope)

    build(tree, "module", None)
    return scopes


def _child_scopes(node: ast.AST):
    """Scope nodes directly nested in `node` (not inside a deeper scope)."""
    pending = list(ast.iter_child_nodes(node))
    while pending:
        child = pending.pop()
        if isinstance(child, _SCOPE_NODES):
            yield child
            pending.extend(_evaluated_outside(child))
        else:
            pending.extend(ast.iter_child_nodes(child))


def _evaluated_outside(node: ast.AST) -> list:
    """Parts of a scope node that run in the enclosing scope: decorators, defaults, bases."""
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return [node.generators[0].iter]
    parts = list(getattr(node, "decorator_list", []))
    if isinstance(node, ast.ClassDef):
        return parts + node.bases + node.keywords
    return parts + node.args.defaults + [d for d in node.args.kw_defaults if d is not None]


def _rebound_globals(tree: ast.Module, scopes: dict, include_module_level: bool) -> set[str]:
    """Globals whose *name* can change after import: only these get name-level probes."""
    rebound: set[str] = set()
    module_stores: dict[str, int] = {}
    for node, scope in scopes.items():
        if scope.kind == "function":
            rebound |= scope.declared_global & scope.bound
    if include_module_level:
        for node in _nodes_in_scope(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                module_stores[node.id] = module_stores.get(node.id, 0) + 1
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                module_stores[node.target.id] = module_stores.get(node.target.id, 0) + 2
        rebound |= {name for name, count in module_stores.items() if count > 1}
    return rebound


def _nodes_in_scope(node: ast.AST):
    pending = list(ast.iter_child_nodes(node))
    while pending:
        child = pending.pop()
        yield child
        if not isinstance(child, _SCOPE_NODES):
            pending.extend(ast.iter_child_nodes(child))


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _const(value) -> ast.Constant:
    return ast.Constant(value)


class _Rewriter(ast.NodeTransformer):
    def __init__(self, module: str, filename: str, scopes: dict, rebound: set[str],
                 module_names: set[str], probe_module_level: bool):
        self.module = module
        self.filename = filename
        self.scopes = scopes
        self.rebound = rebound
        self.module_names = module_names
        self.probe_module_level = probe_module_level
        self.scope: Scope | None = None
        self.probing = False  # False while in code that only runs at import time
        self.temps = itertools.count()

    # -- scopes --------------------------------------------------------------------------------

    def _in_scope(self, node, probing: bool, work):
        saved = self.scope, self.probing
        self.scope, self.probing = self.scopes[node], probing
        try:
            return work()
        finally:
            self.scope, self.probing = saved

    def visit_Module(self, node: ast.Module):
        return self._in_scope(node, self.probe_module_level, lambda: self.generic_visit(node))

    def _visit_function(self, node):
        if not isinstance(node, ast.Lambda):
            node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]

        def body():
            if isinstance(node.body, list):
                node.body = self._visit_statements(node.body)
            else:
                node.body = self.visit(node.body)
            return node

        return self._in_scope(node, True, body)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.bases = [self.visit(b) for b in node.bases]
        node.keywords = [self.visit(k) for k in node.keywords]

        def body():
            node.body = self._visit_statements(node.body)
            return node

        # A class body runs when the class statement does: at import time for module-level classes.
        return self._in_scope(node, self.probing, body)

    def _visit_comprehension(self, node):
        first = node.generators[0]
        first.iter = self._whole_read_or_visit(first.iter)

        def body():
            for index, generator in enumerate(node.generators):
                generator.target = self.visit(generator.target)
                if index:
                    generator.iter = self._whole_read_or_visit(generator.iter)
                generator.ifs = [self.visit(c) for c in generator.ifs]
            for field in ("elt", "key", "value"):
                if hasattr(node, field):
                    setattr(node, field, self.visit(getattr(node, field)))
            return node

        return self._in_scope(node, self.probing, body)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    def _visit_statements(self, statements: list) -> list:
        result = []
        for statement in statements:
            new = self.visit(statement)
            if isinstance(new, list):
                result.extend(new)
            elif new is not None:
                result.append(new)
        return result

    # -- what counts as shared -----------------------------------------------------------------

    def _is_module_name(self, node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Name)
            and node.id in self.module_names
            and self.scope.is_global(node.id)
        )

    def _is_shared_base(self, node: ast.AST) -> bool:
        """A module-level object, or an attribute of one."""
        if not self.probing:
            return False
        if isinstance(node, ast.Attribute):
            return self._is_module_name(node.value)
        return self._is_module_name(node)

    def _site(self, node: ast.AST, base: ast.AST) -> ast.Constant:
        site = sites.Site(self.module, self.filename, getattr(node, "lineno", 0),
                          getattr(node, "col_offset", 0), ast.unparse(base))
        return _const(sites.register(site))

    # -- loads -----------------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name):
        if (
            self.probing
            and isinstance(node.ctx, ast.Load)
            and node.id in self.rebound
            and self.scope.is_global(node.id)
        ):
            return ast.copy_location(
                _call("_rf_gr", _const(node.id), self._site(node, node), node), node
            )
        return node

    def visit_Subscript(self, node: ast.Subscript):
        if isinstance(node.ctx, ast.Load) and self._is_shared_base(node.value):
            base = self.visit(node.value)
            if isinstance(node.slice, ast.Slice):
                node.value = _call("_rf_cr", base, self._site(node, node.value))
                node.slice = self.visit(node.slice)
                return node
            return ast.copy_location(
                _call("_rf_ir", base, self.visit(node.slice), self._site(node, node.value)), node
            )
        return self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute):
        if isinstance(node.ctx, ast.Load) and self.probing and self._is_module_name(node.value):
            return ast.copy_location(
                _call("_rf_ar", self.visit(node.value), _const(node.attr), self._site(node, node.value)),
                node,
            )
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and self._is_shared_base(func.value):
            base = self.visit(func.value)
            args = [self.visit(a) for a in node.args]
            keywords = [self.visit(k) for k in node.keywords]
            if func.attr in CONTAINER_METHOD_NAMES:
                call = ast.Call(
                    func=ast.Name("_rf_mc", ast.Load()),
                    args=[base, _const(func.attr), self._site(node, func.value), *args],
                    keywords=keywords,
                )
                return ast.copy_location(call, node)
            # Calling any other method is not itself a data access: leave it untouched.
            func.value = base
            node.args, node.keywords = args, keywords
            return node
        if (
            isinstance(func, ast.Name)
            and func.id in _WHOLE_READING_CALLS
            and not self._is_module_name(func)
            and len(node.args) >= 1
        ):
            node.args[0] = self._whole_read_or_visit(node.args[0])
            node.args[1:] = [self.visit(a) for a in node.args[1:]]
            node.keywords = [self.visit(k) for k in node.keywords]
            return node
        return self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare):
        if (
            len(node.ops) == 1
            and isinstance(node.ops[0], (ast.In, ast.NotIn))
            and self._is_shared_base(node.comparators[0])
        ):
            container = node.comparators[0]
            probe = _call("_rf_in", self.visit(node.left), self.visit(container),
                          self._site(node, container))
            if isinstance(node.ops[0], ast.NotIn):
                probe = ast.UnaryOp(ast.Not(), probe)
            return ast.copy_location(probe, node)
        return self.generic_visit(node)

    def _whole_read_or_visit(self, node: ast.expr) -> ast.expr:
        if self._is_shared_base(node):
            return ast.copy_location(_call("_rf_cr", self.visit(node), self._site(node, node)), node)
        return self.visit(node)

    def visit_For(self, node):
        node.iter = self._whole_read_or_visit(node.iter)
        node.target = self.visit(node.target)
        node.body = self._visit_statements(node.body)
        node.orelse = self._visit_statements(node.orelse)
        return node

    visit_AsyncFor = visit_For

    # -- stores: the statement runs, then a probe records the write ------------------------------

    def visit_Assign(self, node: ast.Assign):
        node.value = self.visit(node.value)
        after: list[ast.stmt] = []
        node.targets = [self._target(t, "write", after) for t in node.targets]
        return [node, *after]

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is None:
            return node
        node.value = self.visit(node.value)
        after: list[ast.stmt] = []
        node.target = self._target(node.target, "write", after)
        return [node, *after]

    def visit_AugAssign(self, node: ast.AugAssign):
        node.value = self.visit(node.value)
        after: list[ast.stmt] = []
        node.target = self._target(node.target, "update", after)
        return [node, *after]

    def visit_Delete(self, node: ast.Delete):
        after: list[ast.stmt] = []
        node.targets = [self._target(t, "delete", after) for t in node.targets]
        return [node, *after]

    def _target(self, target: ast.expr, effect: str, after: list) -> ast.expr:
        """Rewrite one assignment target; append the probes that record it to `after`."""
        if isinstance(target, (ast.Tuple, ast.List)):
            target.elts = [self._target(e, effect, after) for e in target.elts]
            return target
        if isinstance(target, ast.Starred):
            target.value = self._target(target.value, effect, after)
            return target
        if isinstance(target, ast.Name):
            if self.probing and target.id in self.rebound and self.scope.is_global(target.id):
                probe = {"write": "_rf_gw", "update": "_rf_gu", "delete": "_rf_gw"}[effect]
                after.append(self._probe_statement(
                    target, _call(probe, _const(target.id), self._site(target, target))))
            return target
        if isinstance(target, ast.Subscript) and self._is_shared_base(target.value):
            site = self._site(target, target.value)
            base, base_again = self._reusable(self._load_of(target.value))
            if isinstance(target.slice, ast.Slice):
                target.value, target.slice = base, self.visit(target.slice)
                after.append(self._probe_statement(
                    target, _call("_rf_iw", base_again, _call("slice", _const(None)), site)))
                return target
            key, key_again = self._reusable(self.visit(target.slice))
            target.value, target.slice = base, key
            probe = {"write": "_rf_iw", "update": "_rf_iu", "delete": "_rf_id"}[effect]
            after.append(self._probe_statement(target, _call(probe, base_again, key_again, site)))
            return target
        if isinstance(target, ast.Attribute) and self.probing and self._is_module_name(target.value):
            site = self._site(target, target.value)
            base, base_again = self._reusable(self._load_of(target.value))
            target.value = base
            probe = {"write": "_rf_aw", "update": "_rf_au", "delete": "_rf_aw"}[effect]
            after.append(self._probe_statement(
                target, _call(probe, base_again, _const(target.attr), site)))
            return target
        return self.generic_visit(target)

    def _load_of(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name):
            return ast.Name(node.id, ast.Load())  # re-reading the name adds no probe of its own
        return self.visit(node)

    def _reusable(self, expression: ast.expr) -> tuple[ast.expr, ast.expr]:
        """(expression to evaluate once in the statement, expression to reuse in the probe)."""
        if isinstance(expression, (ast.Name, ast.Constant)):
            return expression, ast.Name(expression.id, ast.Load()) if isinstance(
                expression, ast.Name) else _const(expression.value)
        temp = f"_rf_t{next(self.temps)}"
        walrus = ast.NamedExpr(target=ast.Name(temp, ast.Store()), value=expression)
        return walrus, ast.Name(temp, ast.Load())

    @staticmethod
    def _probe_statement(anchor: ast.AST, call: ast.Call) -> ast.stmt:
        return ast.copy_location(ast.Expr(call), anchor)


def rewrite(source: str | bytes, filename: str, module: str, probe_module_level: bool) -> ast.Module:
    tree = ast.parse(source, filename)
    scopes = _build_scopes(tree)
    module_scope = scopes[tree]
    function_globals = set()
    for scope in scopes.values():
        function_globals |= scope.declared_global
    module_names = module_scope.bound | function_globals
    rebound = _rebound_globals(tree, scopes, probe_module_level)
    rewriter = _Rewriter(module, filename, scopes, rebound, module_names, probe_module_level)
    tree = rewriter.visit(tree)
    return ast.fix_missing_locations(tree)
