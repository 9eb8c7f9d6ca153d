"""Mutable defaults a method keeps on its object (`def __init__(self, events=[]):` then
`self._events = events`): every instance made without the argument holds the one list Python
made when the `def` ran, so what a method of one instance adds to it (`self._events.append(e)`),
every other such instance sees, on any thread. Also the defaults a method hands up to its base's
`__init__` (`super().__init__(events=events)`), which keeps them."""

from __future__ import annotations

import ast

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def kept_defaults(body: list[ast.stmt], self_name: str, kept_names: set[str],
                  defaults: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(attribute -> parameter) for `self.attribute = parameter`, for the parameters of
    kept_names; and (the base's parameter, as its keyword or as `#position` -> parameter) for
    `super().__init__(...)` arguments, for the parameters of defaults (those with a mutable
    default that the function never rebinds)."""
    kept: dict[str, str] = {}
    passed_up: dict[str, str] = {}
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        kind = type(node)
        if kind is ast.Assign and type(node.value) is ast.Name and node.value.id in kept_names:
            for target in node.targets:
                if type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id == self_name:
                    kept.setdefault(target.attr, node.value.id)
        elif kind is ast.Call and _calls_base_init(node):
            for position, arg in enumerate(node.args):
                if type(arg) is ast.Name and arg.id in defaults:
                    passed_up[f"#{position}"] = arg.id
            for keyword in node.keywords:
                if keyword.arg and type(keyword.value) is ast.Name and keyword.value.id in defaults:
                    passed_up[keyword.arg] = keyword.value.id
        stack.extend(ast.iter_child_nodes(node))
    return kept, passed_up


def _calls_base_init(node: ast.Call) -> bool:
    """`super().__init__(...)`."""
    func = node.func
    return type(func) is ast.Attribute and func.attr == "__init__" and type(func.value) is ast.Call \
        and type(func.value.func) is ast.Name and func.value.func.id == "super"
