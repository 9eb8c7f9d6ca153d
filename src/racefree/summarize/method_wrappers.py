"""Decorators that a module applies to the methods of one of its classes.

`def lazy_load(f): def load_if_needed(self, *args, **kw): if not self._is_loaded: self._load();
return f(self, *args, **kw); return load_if_needed`, then `@lazy_load` on the methods of
`Database`: every call of such a method runs the wrapper first, with the instance as its first
argument. Summarised as a method of that class, the wrapper's `self._is_loaded` is the
instance's attribute and `self._load()` the class's method, as they are when it runs. Only where
every use of the decorator in the module decorates a method of the same class: a decorator used
on several classes, or on plain functions, says nothing of what its wrapper is given."""

from __future__ import annotations

import ast


def wrappers_of_one_class(body: list[ast.stmt]) -> dict[str, str]:
    """{qualname of the wrapper: qualname of the class whose methods it wraps}."""
    wrappers: dict[str, str] = {}  # decorator name -> its wrapper's name
    for node in body:
        if type(node) in (ast.FunctionDef, ast.AsyncFunctionDef):
            wrapper = _returned_wrapper(node)
            if wrapper is not None:
                wrappers[node.name] = wrapper
    if not wrappers:
        return {}
    classes: dict[str, set[str]] = {name: set() for name in wrappers}
    for node in body:
        _uses(node, None, wrappers, classes)
    return {f"{name}.<locals>.{wrappers[name]}": next(iter(owners))
            for name, owners in classes.items() if len(owners) == 1 and None not in owners}


def _returned_wrapper(decorator: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The nested function a one-parameter decorator returns, where it takes the instance first."""
    if len(decorator.args.args) != 1:
        return None
    nested = {n.name: n for n in decorator.body if type(n) in (ast.FunctionDef, ast.AsyncFunctionDef)}
    for statement in decorator.body:
        if type(statement) is ast.Return and type(statement.value) is ast.Name and statement.value.id in nested:
            wrapper = nested[statement.value.id]
            return wrapper.name if wrapper.args.args else None
    return None


def _uses(node: ast.stmt, owner: str | None, wrappers: dict[str, str], classes: dict[str, set]) -> None:
    """Notes, for each decorator, the class whose method it decorates (None for a function)."""
    if type(node) is ast.ClassDef:
        qualname = node.name if owner is None else f"{owner}.{node.name}"
        for statement in node.body:
            _uses(statement, qualname, wrappers, classes)
        return
    if type(node) not in (ast.FunctionDef, ast.AsyncFunctionDef):
        return
    for decorator in node.decorator_list:
        if type(decorator) is ast.Name and decorator.id in wrappers:
            classes[decorator.id].add(owner)
