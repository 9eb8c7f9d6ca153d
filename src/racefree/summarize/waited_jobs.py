"""Calls that hand a function to another thread and then wait for it at once, so the function runs
while its caller does nothing else: `executor.submit(job).result()`; `future = executor.submit(job)`
followed by `return future.result()` (or `x = future.result()`, `future.result()`) as the next
statement of the block; `thread = Thread(target=job)`, then `thread.start()`, then
`thread.join()`. The job is then a step of the caller (camel's `process_task` runs its coroutine
on a fresh loop in a pool thread and returns the future's result): it runs in the caller's
context, not concurrently with it. A wait with a timeout (`result(5)`, `join(timeout=1)`) can
return before the job ends, and is no such wait.

The result is the (line, column) of each such handing-off call, for the summariser to mark on
its `Call` (`Call.waited_at_once`). One walk of the body's statement lists.
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import statement_blocks

_FUTURE_WAIT = "result"
_JOB_KEYWORDS = frozenset({"target", "fn", "func", "function"})
_THREAD_WAIT = "join"


def waited_jobs(body: list[ast.stmt]) -> frozenset[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for block, _ in statement_blocks(body):
        for position, stmt in enumerate(block):
            chained = _chained_wait(stmt)
            if chained is not None:
                found.add((chained.lineno, chained.col_offset))
                continue
            bound = _bound_call(stmt)
            if bound is None:
                continue
            name, call = bound
            after = block[position + 1:position + 3]
            if after and _waits_on(after[0], name, _FUTURE_WAIT):
                found.add((call.lineno, call.col_offset))
            elif len(after) == 2 and _waits_on(after[0], name, "start") and _waits_on(after[1], name, _THREAD_WAIT):
                found.add((call.lineno, call.col_offset))
    return frozenset(found)


def is_job_argument(arg) -> bool:
    """The argument that names the job (`submit(job, ...)`, `Thread(target=job)`), not a function
    handed on to it."""
    return arg.position == 0 if arg.keyword is None else arg.keyword in _JOB_KEYWORDS


def _chained_wait(stmt: ast.stmt) -> ast.Call | None:
    """`executor.submit(job).result()` as the value of a statement: the inner call."""
    value = _value(stmt)
    if _is_untimed_call_of(value, _FUTURE_WAIT) and type(value.func.value) is ast.Call:
        return value.func.value
    return None


def _bound_call(stmt: ast.stmt) -> tuple[str, ast.Call] | None:
    """`name = <call>`: the name and the call."""
    if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name \
            and type(stmt.value) is ast.Call:
        return stmt.targets[0].id, stmt.value
    if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name and type(stmt.value) is ast.Call:
        return stmt.target.id, stmt.value
    return None


def _waits_on(stmt: ast.stmt, name: str, method: str) -> bool:
    """The statement's value is `name.method()` with no arguments."""
    value = _value(stmt)
    return _is_untimed_call_of(value, method) and type(value.func.value) is ast.Name and value.func.value.id == name


def _value(stmt: ast.stmt) -> ast.expr | None:
    kind = type(stmt)
    if kind is ast.Expr or kind is ast.Return or kind is ast.Assign or kind is ast.AnnAssign:
        return stmt.value
    return None


def _is_untimed_call_of(node: ast.expr | None, method: str) -> bool:
    return type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr == method \
        and not node.args and not node.keywords
