"""Where a function starts a thread and then waits for it to say it is ready, on every path that
gets past the start: `self._thread.start()` followed, in the same block, by `self._ready.wait()`,
`if not self._ready.wait(timeout):` or `self._ready_future.result()`, with no `return` between
them. A caller that gets the function's result has waited.

A `return` before the start (`if self._thread.is_alive(): return`) is a way past the wait. It is
harmless only inside the same `with` block as the start and the wait (niquests's adapter does all
three under its start-up lock: a second caller waits for the lock until the first has seen the
thread ready). Outside it, a second caller can return while the first still waits (apprise's XMPP
adapter checks under its state lock, then waits outside it), so no wait is recorded.

The result is (line of the wait, whether a return before the start makes it depend on a lock
held around it), for the analysis to match with what the thread signals on (see
analysis/signalling.awaited_by_its_starter). One walk of the body's statements.
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import own_statements, statement_blocks

_WAIT_METHODS = frozenset({"wait", "result"})


def ready_waits(body: list[ast.stmt]) -> tuple[tuple[int, bool], ...]:
    if not any(_is_start(stmt) for stmt in own_statements(body)):
        return ()  # most functions start no thread
    returns = [stmt for stmt in own_statements(body) if type(stmt) is ast.Return]
    found: list[tuple[int, bool]] = []
    for block, withs in statement_blocks(body):
        for position, stmt in enumerate(block):
            if not _is_start(stmt):
                continue
            wait = _first_wait(block[position + 1:])
            if wait is None:
                continue
            early = [node for node in returns if node.lineno < stmt.lineno]
            if not early:
                found.append((wait.lineno, False))
            elif all(any(_inside(node, with_node) for with_node in withs) for node in early):
                found.append((wait.lineno, True))
    return tuple(found)


def _first_wait(statements: list[ast.stmt]) -> ast.Call | None:
    """The first wait among the statements, unless one that can return comes before it."""
    for stmt in statements:
        wait = _wait_of(stmt)
        if wait is not None:
            return wait
        if any(type(inner) is ast.Return for inner in own_statements([stmt])):
            return None
    return None


def _wait_of(stmt: ast.stmt) -> ast.Call | None:
    """`r.wait(...)` or `r.result(...)` as a statement, an assignment's value, or an `if` test
    (`if not r.wait(timeout):`)."""
    kind = type(stmt)
    if kind is ast.Expr or kind is ast.Assign or kind is ast.AnnAssign:
        value = stmt.value
    elif kind is ast.If:
        value = stmt.test.operand if type(stmt.test) is ast.UnaryOp and type(stmt.test.op) is ast.Not else stmt.test
    else:
        return None
    if type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr in _WAIT_METHODS:
        return value
    return None


def _is_start(stmt: ast.AST) -> bool:
    """`thread.start()` or `threading.Thread.start(self)` as a statement."""
    return type(stmt) is ast.Expr and type(stmt.value) is ast.Call and type(stmt.value.func) is ast.Attribute \
        and stmt.value.func.attr == "start"


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return outer.lineno <= node.lineno <= (outer.end_lineno or outer.lineno)
