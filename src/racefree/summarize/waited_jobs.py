"""Calls that hand a function to another thread and then wait for it at once, so the function runs
while its caller does nothing else: `executor.submit(job).result()`; `future = executor.submit(job)`
followed by `return future.result()` (or `x = future.result()`, `future.result()`) as the next
statement of the block; `thread = Thread(target=job)`, then `thread.start()`, then
`thread.join()`. The wait may open a `try` statement (`try: return future.result()`). The job is
then a step of the caller (camel's `process_task` runs its coroutine on a fresh loop in a pool
thread and returns the future's result): it runs in the caller's context, not concurrently with
it. A wait with a timeout (`result(5)`, `join(timeout=1)`) can return before the job ends, and is
no such wait, unless the executor is the one a `with` statement around the wait made (`with
ThreadPoolExecutor() as executor:`, a step timeout): leaving the block waits for the job in any
case, and only the handling of the timeout runs beside it.

The result is the (line, column) of each such handing-off call, for the summariser to mark on
its `Call` (`Call.waited_at_once`). One walk of the body's statement lists.
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import statement_blocks

_EXECUTOR_SUFFIX = "Executor"
_FUTURE_WAIT = "result"
_JOB_KEYWORDS = frozenset({"target", "fn", "func", "function"})
_THREAD_WAIT = "join"


def waited_jobs(body: list[ast.stmt]) -> frozenset[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for block, withs in statement_blocks(body):
        executors = _executors_made_by(withs)
        for position, stmt in enumerate(block):
            chained = _chained_wait(stmt, executors)
            if chained is not None:
                found.add((chained.lineno, chained.col_offset))
                continue
            bound = _bound_call(stmt)
            if bound is None:
                continue
            name, call = bound
            after = block[position + 1:position + 3]
            timed_too = _submitted_to(call, executors)
            if after and _waits_on(after[0], name, _FUTURE_WAIT, timed_too):
                found.add((call.lineno, call.col_offset))
            elif len(after) == 2 and _waits_on(after[0], name, "start") and _waits_on(after[1], name, _THREAD_WAIT):
                found.add((call.lineno, call.col_offset))
    return frozenset(found)


def waits_for_job(call, arg) -> bool:
    """The call hands `arg` to another thread as its job (`submit(job, ...)`, `Thread(target=job)`,
    not a function handed on to the job), and the caller waits for it at once (`Call.waited_at_once`):
    the job is a step of the caller, not an entry point of its own."""
    return call.waited_at_once and not arg.called and _is_job_argument(arg)


def _is_job_argument(arg) -> bool:
    return arg.position == 0 if arg.keyword is None else arg.keyword in _JOB_KEYWORDS


def _chained_wait(stmt: ast.stmt, executors: frozenset[str]) -> ast.Call | None:
    """`executor.submit(job).result()` as the value of a statement: the inner call."""
    value = _value(stmt)
    if type(value) is ast.Call and type(value.func) is ast.Attribute and type(value.func.value) is ast.Call:
        inner = value.func.value
        if _is_call_of(value, _FUTURE_WAIT, _submitted_to(inner, executors)):
            return inner
    return None


def _executors_made_by(withs: tuple[ast.AST, ...]) -> frozenset[str]:
    """The names that `with SomeExecutor(...) as name:` statements around a block bind."""
    names = set()
    for statement in withs:
        for item in statement.items:
            made = item.context_expr
            if type(made) is ast.Call and type(item.optional_vars) is ast.Name \
                    and _called_name(made.func).endswith(_EXECUTOR_SUFFIX):
                names.add(item.optional_vars.id)
    return frozenset(names)


def _called_name(func: ast.expr) -> str:
    if type(func) is ast.Name:
        return func.id
    if type(func) is ast.Attribute:
        return func.attr
    return ""


def _submitted_to(call: ast.Call, executors: frozenset[str]) -> bool:
    """`executor.submit(...)` on an executor that a `with` around it made."""
    receiver = call.func.value if type(call.func) is ast.Attribute else None
    return type(receiver) is ast.Name and receiver.id in executors


def _bound_call(stmt: ast.stmt) -> tuple[str, ast.Call] | None:
    """`name = <call>`: the name and the call."""
    if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name \
            and type(stmt.value) is ast.Call:
        return stmt.targets[0].id, stmt.value
    if type(stmt) is ast.AnnAssign and type(stmt.target) is ast.Name and type(stmt.value) is ast.Call:
        return stmt.target.id, stmt.value
    return None


def _waits_on(stmt: ast.stmt, name: str, method: str, timed_too: bool = False) -> bool:
    """The statement's value is `name.method()` with no arguments (or any, with `timed_too`), or
    the statement is a `try` that starts with it."""
    if type(stmt) is ast.Try and stmt.body:
        stmt = stmt.body[0]
    value = _value(stmt)
    return _is_call_of(value, method, timed_too) and type(value.func.value) is ast.Name \
        and value.func.value.id == name


def _value(stmt: ast.stmt) -> ast.expr | None:
    kind = type(stmt)
    if kind is ast.Expr or kind is ast.Return or kind is ast.Assign or kind is ast.AnnAssign:
        return stmt.value
    return None


def _is_call_of(node: ast.expr | None, method: str, timed_too: bool = False) -> bool:
    """`x.method()`, with no arguments unless `timed_too`."""
    return type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr == method \
        and (timed_too or (not node.args and not node.keywords))
