"""Small libcst helpers the fixes share."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider


def after_imports(body: list[cst.CSTNode]) -> int:
    """Where a new import goes: after the module docstring and the leading imports."""
    index = 0
    for i, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.SimpleString))
            for s in statement.body
        ):
            index = i + 1
        else:
            break
    return index


def contains(node: cst.CSTNode, kinds: tuple[type, ...]) -> bool:
    """Whether node holds one of kinds outside nested functions, lambdas and classes (which have
    their own awaits and yields)."""
    found = False

    class _Finder(cst.CSTVisitor):
        def on_visit(self, sub: cst.CSTNode) -> bool:
            nonlocal found
            if isinstance(sub, kinds):
                found = True
            return not found and (sub is node or not isinstance(sub, (cst.FunctionDef, cst.Lambda, cst.ClassDef)))

    node.visit(_Finder())
    return found


def dotted(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a name or an attribute chain of names, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def line_span(transformer: cst.CSTTransformer, node: cst.CSTNode) -> tuple[int, int]:
    """First and last line of node, for a transformer that depends on PositionProvider."""
    position = transformer.get_metadata(PositionProvider, node)
    return position.start.line, position.end.line


def bound_name(alias: cst.ImportAlias) -> str | None:
    """The name an imported alias binds: `b` for `import a as b`, `a` for `from m import a`."""
    return alias.asname.name.value if alias.asname else dotted(alias.name)
