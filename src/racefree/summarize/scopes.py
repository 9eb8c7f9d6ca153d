"""Which names a function body binds locally, and which it declares global or nonlocal.

Python decides a name's scope for the whole body at compile time, so this runs before the body is
summarised: a name assigned anywhere in the function is local everywhere in it, unless declared
`global` or `nonlocal`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(slots=True)
class FunctionScope:
    local_names: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)


def parameters_of(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return names


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> FunctionScope:
    scope = FunctionScope(local_names=set(parameters_of(node.args)))
    body = [node.body] if isinstance(node, ast.Lambda) else node.body
    _collect(body, scope)
    scope.local_names -= scope.declared_global
    scope.local_names -= scope.declared_nonlocal
    return scope


def _collect(nodes: list, scope: FunctionScope) -> None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        cls = type(node)
        if cls is ast.Name:
            if type(node.ctx) is not ast.Load:
                scope.local_names.add(node.id)
            continue
        if cls is ast.Global:
            scope.declared_global.update(node.names)
            continue
        if cls is ast.Nonlocal:
            scope.declared_nonlocal.update(node.names)
            continue
        if isinstance(node, _NESTED_SCOPES):
            if cls is not ast.Lambda:
                scope.local_names.add(node.name)
                stack.extend(node.decorator_list)
                if cls is not ast.ClassDef:
                    stack.extend(node.args.defaults)
                    stack.extend(d for d in node.args.kw_defaults if d is not None)
                else:
                    stack.extend(node.bases)
            continue
        if isinstance(node, _COMPREHENSIONS):
            # Comprehension targets are their own scope; only a walrus inside leaks out.
            for sub in ast.walk(node):
                if type(sub) is ast.NamedExpr and type(sub.target) is ast.Name:
                    scope.local_names.add(sub.target.id)
            continue
        if cls is ast.Import or cls is ast.ImportFrom:
            for alias in node.names:
                if alias.name != "*":
                    scope.local_names.add((alias.asname or alias.name).split(".")[0])
            continue
        if cls is ast.ExceptHandler and node.name:
            scope.local_names.add(node.name)
        elif cls is ast.MatchAs or cls is ast.MatchStar:
            if node.name:
                scope.local_names.add(node.name)
        elif cls is ast.MatchMapping and node.rest:
            scope.local_names.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
