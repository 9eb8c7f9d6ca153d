"""Objects a function makes and keeps to itself: `client = IRCClient(host)` (or `with
IRCClient(host) as client:`), used only through its attributes and methods (`client.connect()`,
`client.nick = n`), tested (`if client:`), and never handed on: not returned or yielded, not
passed to a call, not stored anywhere, not named by a nested function. Such an object belongs to
the call that made it; no other thread can reach it.

The result is the positions (line, column) of the calls that made such objects, for the analysis
to tell a class the program only ever makes per call. One walk of the body.
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import NESTED_SCOPES, STATEMENT_LISTS

_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert)


def objects_kept_local(body: list[ast.stmt]) -> tuple[tuple[int, int], ...]:
    if not _makes_an_object(body):
        return ()  # most functions: the statements alone say so, without walking expressions
    made: dict[str, ast.Call] = {}  # local name -> the call that made its object
    stores: dict[str, int] = {}
    handed_on: set[str] = set()  # names used in a way that may hand the object on
    # (node, parent, inside a nested scope)
    stack: list[tuple[ast.AST, ast.AST | None, bool]] = [(stmt, None, False) for stmt in reversed(body)]
    while stack:
        node, parent, nested = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:
                if nested or not _kept(node, parent):
                    handed_on.add(node.id)
            elif not nested:
                stores[node.id] = stores.get(node.id, 0) + 1
            continue
        if not nested:
            target = value = None
            if kind is ast.Assign and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif kind is ast.withitem:
                target, value = node.optional_vars, node.context_expr
            if type(target) is ast.Name and _constructs(value):
                made[target.id] = value
        inner = nested or isinstance(node, NESTED_SCOPES)
        for child in ast.iter_child_nodes(node):
            stack.append((child, node, inner))
    return tuple((call.lineno, call.col_offset) for name, call in made.items()
                 if name not in handed_on and stores.get(name) == 1)


def _makes_an_object(body: list[ast.stmt]) -> bool:
    """Some statement binds a local to a call of a class by its name (`client = IRCClient(...)`,
    `with Pool(n) as pool:`; class names are capitalised), in the body's own blocks."""
    stack = list(body)
    while stack:
        stmt = stack.pop()
        kind = type(stmt)
        if kind is ast.Assign:
            if len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name and _constructs(stmt.value):
                return True
            continue
        if kind is ast.With or kind is ast.AsyncWith:
            if any(type(item.optional_vars) is ast.Name and _constructs(item.context_expr) for item in stmt.items):
                return True
        if isinstance(stmt, NESTED_SCOPES):
            continue
        for field in STATEMENT_LISTS:
            stack.extend(getattr(stmt, field, ()))
        for handler in getattr(stmt, "handlers", ()):
            stack.extend(handler.body)
        for case in getattr(stmt, "cases", ()):
            stack.extend(case.body)
    return False


def _constructs(value: ast.expr) -> bool:
    if type(value) is not ast.Call:
        return False
    func = value.func
    name = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""
    return name[:1].isupper()


def _kept(name: ast.Name, parent: ast.AST | None) -> bool:
    """A use that hands the object to nothing: an attribute of it, a test of it."""
    kind = type(parent)
    if kind is ast.Attribute:
        return True  # `client.send(...)`, `client.nick`: its own methods and fields
    if kind is ast.Compare or kind is ast.BoolOp or (kind is ast.UnaryOp and type(parent.op) is ast.Not):
        return True  # `if client is None`, `client and ...`, `not client`
    return kind in _TESTS and parent.test is name
