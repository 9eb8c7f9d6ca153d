"""Which shared objects a test proves set: `if self._session:` in its body, `if not
self._session: return` after it. A reader behind such a test reads what a writer published
before it set the tested object (see analysis/signalling.published_before)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from racefree.summarize.model import Ref
from racefree.summarize.syntax import outcomes_of_test


def presence_of_test(test: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> tuple[list[Ref], list[Ref]]:
    """The shared objects known to be set (not None, not false) in the body of `if test:`, and in
    its else branch."""
    return outcomes_of_test(test, lambda simple: _presence_of_simple_test(simple, ref_of))


def set_makes_true(test: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> list[Ref]:
    """The shared objects any one of which, set, makes the test true: `x`, `x is not None`,
    either side of an `or` (where presence_of_test gives what the body can count on, none of
    them)."""
    if type(test) is ast.BoolOp and type(test.op) is ast.Or:
        return [ref for value in test.values for ref in set_makes_true(value, ref_of)]
    return _presence_of_simple_test(test, ref_of)[0]


def _presence_of_simple_test(test: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> tuple[list, list]:
    """`x`: set in the body; `x is None`: set in the else; `x is not None`: set in the body."""
    kind = type(test)
    if kind is ast.Compare and len(test.ops) == 1 and type(test.comparators[0]) is ast.Constant \
            and test.comparators[0].value is None and type(test.ops[0]) in (ast.Is, ast.IsNot):
        ref = _shared(test.left, ref_of)
        if ref is None:
            return [], []
        return ([], [ref]) if type(test.ops[0]) is ast.Is else ([ref], [])
    if kind in (ast.Name, ast.Attribute):
        ref = _shared(test, ref_of)
        return ([ref], []) if ref is not None else ([], [])
    return [], []


def _shared(node: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> Ref | None:
    ref = ref_of(node) if type(node) in (ast.Name, ast.Attribute) else None
    if ref is None or ref.root_kind == "param" or (ref.root_kind != "global" and not ref.attrs):
        return None
    return ref


@dataclass(frozen=True, slots=True)
class KeyPresent:
    """`if key in self._models:` proves `key` in `self._models` in its body, and `if key not in
    self._models: raise` after it (a lookup there counts on it: see Access.key_checked_at)."""
    ref: Ref
    key: str
    line: int


def keys_of_test(test: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> tuple[list, list]:
    """The keys a test proves present in shared containers, in the body of `if test:` and in its
    else branch."""
    return outcomes_of_test(test, lambda simple: _keys_of_simple_test(simple, ref_of))


def _keys_of_simple_test(test: ast.expr, ref_of: Callable[[ast.expr], Ref | None]) -> tuple[list, list]:
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) not in (ast.In, ast.NotIn):
        return [], []
    key = key_text(test.left)
    ref = _shared(test.comparators[0], ref_of)
    if key is None or ref is None:
        return [], []
    present = [KeyPresent(ref, key, test.lineno)]
    return (present, []) if type(test.ops[0]) is ast.In else ([], present)


def key_text(node: ast.expr) -> str | None:
    """A key as written, where it names the same value each time it is read in a call: a local,
    a constant, an attribute of one (`model_id`, `"default"`, `request.id`)."""
    inner = node
    while type(inner) is ast.Attribute:
        inner = inner.value
    if type(inner) not in (ast.Name, ast.Constant):
        return None
    return ast.unparse(node)
