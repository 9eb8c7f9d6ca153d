"""Parameters whose default is a mutable container (`def _send(self, path, headers={})`): Python
makes the default once, when the `def` runs, so every call that omits the argument gets the same
dict, list or set. What one call stores in it, the next call finds there, on any thread."""

from __future__ import annotations

import ast

from racefree.summarize.syntax import dotted_text, parameter_defaults

# The container a default makes, by the call that makes it, as written.
_CONTAINER_CALLS = {
    "dict": "builtins.dict", "list": "builtins.list", "set": "builtins.set",
    "defaultdict": "collections.defaultdict", "collections.defaultdict": "collections.defaultdict",
    "OrderedDict": "collections.OrderedDict", "collections.OrderedDict": "collections.OrderedDict",
}
_DISPLAYS = {ast.Dict: "builtins.dict", ast.List: "builtins.list", ast.Set: "builtins.set"}


def mutable_defaults(args: ast.arguments) -> dict[str, str]:
    """Parameter -> the type of the mutable container its default makes (`headers={}` ->
    builtins.dict)."""
    found = {}
    for arg, default in parameter_defaults(args):
        typed = container_made(default)
        if typed is not None:
            found[arg.arg] = typed
    return found


def container_made(node: ast.expr) -> str | None:
    """The type of the mutable container an expression makes (`{}`, `list()`), else None."""
    if type(node) in _DISPLAYS:
        return _DISPLAYS[type(node)]
    if type(node) is ast.Call and not node.keywords:
        text = dotted_text(node.func)
        return _CONTAINER_CALLS.get(text) if text else None
    return None
