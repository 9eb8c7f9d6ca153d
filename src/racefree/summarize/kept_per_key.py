"""Objects a function makes and files under a key in a container an object keeps:
`self.connections[conn] = Http1Server(ctx)`, or `server = Http1Server(ctx)` and then
`self.connections.setdefault(conn, server)`. One such object is made per key (a connection, a
stream, a flow) and belongs to the object that keeps the container, as a part it made would: its
class's role name (`...Server`) does not make it an object every thread shares.

The result is (the container as written, the constructor as written), for the index to resolve:
`("self.connections", "Http1Server")`; alongside, the containers a function returns an entry of
(`return self._clients[name]`, `return self._clients.get(name)`) or returns an object it filed in
(`self._sessions[sid] = session; return session`): it hands their objects out to its callers.
One walk of the body's statements (a `setdefault` counts as a statement or a statement's value).
"""

from __future__ import annotations

import ast

from racefree.summarize.syntax import constructor_text, dotted_text, own_statements


_LOOKUPS = frozenset({"get", "setdefault", "pop"})


def kept_per_key(body: list[ast.stmt]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(what the function files, as (container, constructor)), (the containers it hands out)."""
    made: dict[str, set[str]] = {}  # local name -> the constructors of the objects it holds, on any branch
    filed: dict[str, list[str]] = {}  # local name -> the containers it was filed in
    kept: list[tuple[str, str]] = []
    handed_out: list[str] = []
    for stmt in own_statements(body):
        kind = type(stmt)
        if kind is ast.Assign:
            # `db = self._databases[name] = Database(self, name)`: made, filed, and held by `db`
            names = [target.id for target in stmt.targets if type(target) is ast.Name]
            for target in stmt.targets:
                if type(target) is ast.Name:
                    constructor = constructor_text(stmt.value)
                    if constructor is not None:
                        made.setdefault(target.id, set()).add(constructor)
                    # `db = self._databases.get(name)`: an entry of the container, handed out if returned
                    filed.setdefault(target.id, []).extend(_containers_returned_from(stmt.value, {}))
                elif type(target) is ast.Subscript and type(target.value) is ast.Attribute:
                    _file(kept, filed, target.value, stmt.value, made)
                    text = dotted_text(target.value)
                    for name in names if text else ():
                        filed.setdefault(name, []).append(text)
        elif kind is ast.AnnAssign and type(stmt.target) is ast.Name and stmt.value is not None:
            constructor = constructor_text(stmt.value)
            if constructor is not None:
                made.setdefault(stmt.target.id, set()).add(constructor)
        elif kind is ast.Return and stmt.value is not None:
            handed_out += _containers_returned_from(stmt.value, filed)
        # `self.connections.setdefault(conn, server)`, as a statement or a statement's value
        value = getattr(stmt, "value", None) if kind in (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return) else None
        if type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr == "setdefault" \
                and type(value.func.value) is ast.Attribute and len(value.args) == 2:
            _file(kept, filed, value.func.value, value.args[1], made)
    return tuple(kept), tuple(handed_out)


def _file(kept: list[tuple[str, str]], filed: dict[str, list[str]], container: ast.Attribute, value: ast.expr,
          made: dict[str, set[str]]) -> None:
    text = dotted_text(container)
    if not text:
        return
    if type(value) is ast.Name:
        filed.setdefault(value.id, []).append(text)
        constructors = sorted(made.get(value.id, ()))
    else:
        made_here = constructor_text(value)
        constructors = [made_here] if made_here else []
    kept.extend((text, constructor) for constructor in constructors)


def _containers_returned_from(value: ast.expr, filed: dict[str, list[str]]) -> list[str]:
    """`return self._clients[name]`, `return self._clients.get(name)`, or `return session` after
    filing it: the containers whose objects the function hands out."""
    if type(value) is ast.Name:
        return filed.get(value.id, [])
    if type(value) is ast.Subscript:
        container = value.value
    elif type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr in _LOOKUPS:
        container = value.func.value
    else:
        return []
    text = dotted_text(container) if type(container) is ast.Attribute else None
    return [text] if text else []
