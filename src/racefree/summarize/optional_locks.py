"""Locks an object has only when it is shared: `self.progress_lock = threading.Lock() if parallel
else None`, used as

    if self.progress_lock:
        with self.progress_lock:
            self.progress_total += length
    else:
        self.progress_total += length

The branch that runs without the lock runs where the object was made without one, for a single
thread (a download without parallel workers), so its accesses are as ordered with the locked
branch's as if it held the lock: the summary records them under it. Only a test of the very
expression the other branch enters as a context manager counts (`if self._lock:` / `if
self._lock is not None:` with `with self._lock:` in its body, or `if self._lock is None:` / `if
not self._lock:` with it in the `else`).
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import dotted_text, own_statements


def lockless_branch(node: ast.If) -> tuple[ast.expr, bool] | None:
    """(the lock's expression, whether the branch without it is the body) for an `if` that tests
    for an optional lock and enters it in the other branch; else None."""
    test = node.test
    without_in_body = False
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test, without_in_body = test.operand, True
    elif type(test) is ast.Compare:
        if len(test.ops) != 1 or type(test.comparators[0]) is not ast.Constant or test.comparators[0].value is not None:
            return None
        if type(test.ops[0]) is ast.Is:
            without_in_body = True
        elif type(test.ops[0]) is not ast.IsNot:
            return None
        test = test.left
    if type(test) not in (ast.Name, ast.Attribute):
        return None
    text = dotted_text(test)
    locked = node.orelse if without_in_body else node.body
    if text is None or not any(_enters(stmt, text) for stmt in own_statements(locked)):
        return None
    return test, without_in_body


def _enters(stmt: ast.stmt, text: str) -> bool:
    return type(stmt) in (ast.With, ast.AsyncWith) and any(
        dotted_text(item.context_expr) == text for item in stmt.items)
