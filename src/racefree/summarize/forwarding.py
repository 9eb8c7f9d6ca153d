"""Calls that pass on what their function was given: `def __init__(self, *args, **kwargs):
super().__init__(*args, **kwargs)`.

A subclass's constructor, a decorator's wrapper and a proxy method take arguments they do not
name and hand them on. A test on a parameter of the function they call (`if auto_created:` in
`Field.__init__`) then holds or not by what *their* callers pass: `FloatField()` passes nothing,
and `auto_created` keeps its default however many wrappers lie between. Such a call is recorded
as a forward, with what is needed to follow an argument through it: where `*args` lands among
the callee's positional arguments, how many positional arguments the function itself names, and
which keys the function puts into its `**kwargs` before passing them on.

A call forwards only when each of its spreads is the function's own `*args` or `**kwargs`, never
bound again, and the function changes its `**kwargs` only by setting constant keys
(`kwargs["unique"] = True`, `kwargs.setdefault("db_index", True)`) or taking keys out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from racefree.summarize.syntax import constant_key

# Methods of a dict that read it or take keys out: they put nothing into it.
_READING_OR_REMOVING = frozenset({"get", "pop", "copy", "items", "keys", "values", "__contains__", "__getitem__"})


@dataclass(frozen=True, slots=True)
class PassedOn:
    """The function's own spreadable parameters and what it does to them."""

    vararg: str | None
    kwarg: str | None
    named_positional: int  # positional parameters it names, after self/cls
    keys_set: tuple[str, ...]  # keys it puts into its **kwargs


def passed_on(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, skip: int) -> PassedOn | None:
    """What the function can pass on, or None when it takes no `*args`/`**kwargs`, or changes
    its `**kwargs` in ways the syntax does not show (`kwargs.update(options)`, `configure(kwargs)`)."""
    args = node.args
    if args.vararg is None and args.kwarg is None:
        return None
    kwarg = args.kwarg.arg if args.kwarg is not None else None
    keys: list[str] = []
    if kwarg is not None and type(node) is not ast.Lambda:
        found = _keys_set(node, kwarg)
        if found is None:
            return None
        keys = found
    named = len(args.posonlyargs) + len(args.args) - skip
    return PassedOn(args.vararg.arg if args.vararg else None, kwarg, max(0, named), tuple(sorted(set(keys))))


def forward_of(call: ast.Call, own: PassedOn | None, unassigned: set[str]) -> tuple[int, int, tuple[str, ...]] | None:
    """For a call that spreads only the function's own `*args`/`**kwargs`: (the position of
    `*args` among the call's positional arguments, or -1 when it passes no `*args`; the
    positional parameters the function names; the keys it sets in its `**kwargs`)."""
    if own is None:
        return None
    star_at = -1
    for position, arg in enumerate(call.args):
        if type(arg) is ast.Starred:
            if star_at != -1 or not _is_name(arg.value, own.vararg, unassigned):
                return None
            star_at = position
    for keyword in call.keywords:
        if keyword.arg is None and not _is_name(keyword.value, own.kwarg, unassigned):
            return None
    if star_at != -1 and star_at != len(call.args) - 1:
        return None  # positional arguments after `*args`: where each lands depends on its length
    if star_at == -1 and all(keyword.arg is not None for keyword in call.keywords):
        return None  # spreads nothing
    return star_at, own.named_positional, own.keys_set


def _is_name(node: ast.expr, name: str | None, unassigned: set[str]) -> bool:
    return name is not None and name in unassigned and _names(node, name)


def _keys_set(node: ast.AST, kwarg: str) -> list[str] | None:
    """The constant keys the function sets in its `**kwargs`; None when it uses the dict in a way
    that may add others (hands it to a call, aliases it, updates it from another mapping)."""
    keys: list[str] = []
    allowed: set[int] = set()  # ids of the Name nodes used in a known way
    uses: list[int] = []  # ids of every Name node that reads it
    for sub in ast.walk(node):
        kind = type(sub)
        if kind is ast.Name:
            if sub.id == kwarg and type(sub.ctx) is ast.Load:
                uses.append(id(sub))
        elif kind is ast.Subscript and _names(sub.value, kwarg):
            if type(sub.ctx) is ast.Store:
                key = constant_key(sub.slice)
                if key is None:
                    return None
                keys.append(key)
            allowed.add(id(sub.value))
        elif kind is ast.Call and type(sub.func) is ast.Attribute and _names(sub.func.value, kwarg):
            method = sub.func.attr
            if method == "setdefault" and sub.args and constant_key(sub.args[0]) is not None:
                keys.append(constant_key(sub.args[0]))
            elif method == "update" and not sub.args and all(k.arg is not None for k in sub.keywords):
                keys += [k.arg for k in sub.keywords]
            elif method not in _READING_OR_REMOVING:
                return None
            allowed.add(id(sub.func.value))
        elif kind is ast.keyword and sub.arg is None and _names(sub.value, kwarg):
            allowed.add(id(sub.value))  # `**kwargs`: passed on as a copy
        elif kind is ast.Compare and _names(sub.comparators[-1], kwarg) and len(sub.comparators) == 1:
            allowed.add(id(sub.comparators[-1]))  # `"x" in kwargs`
    return keys if allowed.issuperset(uses) else None


def _names(node: ast.expr, name: str) -> bool:
    return type(node) is ast.Name and node.id == name
