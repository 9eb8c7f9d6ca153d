"""Which names a function body binds locally, and which it declares global or nonlocal.

Python decides a name's scope for the whole body at compile time, so this runs before the body is
summarised: a name assigned anywhere in the function is local everywhere in it, unless declared
`global` or `nonlocal`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field



@dataclass(slots=True)
class FunctionScope:
    local_names: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    unassigned_parameters: set[str] = field(default_factory=set)  # parameters never rebound


def parameters_of(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, has_walrus: bool = True) -> FunctionScope:
    """has_walrus: the file contains `:=`, so expressions must be searched for bindings too."""
    parameters = set(parameters_of(node.args))
    scope = FunctionScope()
    if isinstance(node, ast.Lambda):
        if has_walrus:
            _walrus_targets(node.body, scope)
    else:
        _collect_block(node.body, scope, has_walrus)
    scope.unassigned_parameters = parameters - scope.local_names
    scope.local_names |= parameters
    scope.local_names -= scope.declared_global
    scope.local_names -= scope.declared_nonlocal
    return scope


def _collect_block(body: list[ast.stmt], scope: FunctionScope, has_walrus: bool) -> None:
    """Statements bind names; expressions only through `:=`. Nested scopes bind their own name."""
    names = scope.local_names
    for stmt in body:
        kind = type(stmt)
        if kind is ast.Assign:
            for target in stmt.targets:
                target_names(target, names)
        elif kind is ast.AugAssign or kind is ast.AnnAssign:
            target_names(stmt.target, names)
        elif kind is ast.For or kind is ast.AsyncFor:
            target_names(stmt.target, names)
            _collect_block(stmt.body, scope, has_walrus)
            _collect_block(stmt.orelse, scope, has_walrus)
        elif kind is ast.While or kind is ast.If:
            _collect_block(stmt.body, scope, has_walrus)
            _collect_block(stmt.orelse, scope, has_walrus)
        elif kind is ast.With or kind is ast.AsyncWith:
            for item in stmt.items:
                if item.optional_vars is not None:
                    target_names(item.optional_vars, names)
            _collect_block(stmt.body, scope, has_walrus)
        elif kind is ast.Try or kind.__name__ == "TryStar":
            _collect_block(stmt.body, scope, has_walrus)
            for handler in stmt.handlers:
                if handler.name:
                    names.add(handler.name)
                _collect_block(handler.body, scope, has_walrus)
            _collect_block(stmt.orelse, scope, has_walrus)
            _collect_block(stmt.finalbody, scope, has_walrus)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
            names.add(stmt.name)
        elif kind is ast.Import or kind is ast.ImportFrom:
            for alias in stmt.names:
                if alias.name != "*":
                    names.add((alias.asname or alias.name).split(".")[0])
        elif kind is ast.Global:
            scope.declared_global.update(stmt.names)
        elif kind is ast.Nonlocal:
            scope.declared_nonlocal.update(stmt.names)
        elif kind is ast.Delete:
            for target in stmt.targets:
                target_names(target, names)
        elif kind is ast.Match:
            for case in stmt.cases:
                for sub in ast.walk(case.pattern):
                    if type(sub) in (ast.MatchAs, ast.MatchStar) and sub.name:
                        names.add(sub.name)
                    elif type(sub) is ast.MatchMapping and sub.rest:
                        names.add(sub.rest)
                _collect_block(case.body, scope, has_walrus)
        if has_walrus and kind not in _BLOCK_ONLY:
            _walrus_targets(stmt, scope)


_BLOCK_ONLY = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Global,
               ast.Nonlocal, ast.Pass, ast.Break, ast.Continue)


def target_names(target: ast.expr, names: set[str]) -> None:
    kind = type(target)
    if kind is ast.Name:
        names.add(target.id)
    elif kind is ast.Tuple or kind is ast.List:
        for element in target.elts:
            target_names(element, names)
    elif kind is ast.Starred:
        target_names(target.value, names)


def _walrus_targets(node: ast.AST, scope: FunctionScope) -> None:
    """`(x := ...)` in the expressions of one statement (not in nested statements or scopes)."""
    stack = [c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt)]
    while stack:
        sub = stack.pop()
        if type(sub) is ast.NamedExpr and type(sub.target) is ast.Name:
            scope.local_names.add(sub.target.id)
        if not isinstance(sub, (ast.stmt, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(sub))
