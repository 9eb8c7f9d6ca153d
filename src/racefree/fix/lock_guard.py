"""The lock fix: a lost update (RF103) or check-then-act (RF104) on a module-level object gets a
module-level `threading.Lock` defined next to the object and a `with` around each racing
statement (for check-then-act, the whole `if` that checks and acts). Built on libcst, so
comments and formatting elsewhere are kept byte for byte.

Not offered (the report's advice stands) when the object is not defined in the file of its
writes, when a statement to guard contains an `await` (a threading lock must not be held across
one) or a `yield`, when a statement cannot be found at the reported line, or when a lost update's
read is in an earlier statement (`n = stats["n"]` ... `stats["n"] = n + 1`, `views =
cache.get(k)` ... `cache.set(k, views + 1)`): a lock around the write alone would not cover it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from racefree.findings import Finding
from racefree.fix import LOCK_RULES
from racefree.fix.cst_syntax import after_imports, contains, line_span



@dataclass(frozen=True, slots=True)
class LockPlan:
    """What to change in one file for one shared object."""

    object_name: str  # the module-level name, e.g. "_counter"
    definition_line: int
    write_lines: tuple[int, ...]  # every racing write
    check_lines: tuple[int, ...] = ()  # check-then-act: the `if` lines whose whole statement is guarded


def plan_for(finding: Finding, module_name: str, path: str) -> LockPlan | None:
    if finding.rule not in LOCK_RULES or finding.defined_at is None:
        return None
    prefix, _, name = finding.object.rpartition(".")
    if prefix != module_name or finding.defined_at[0] != path:
        return None  # not a module-level object of this very file
    writes = [a for a in finding.accesses if a.kind == "write"]
    if not writes or any(a.file != path for a in writes):
        return None
    checks = [a.line for a in finding.accesses if a.kind == "read" and a.file == path] if finding.rule == "RF104" else []
    if finding.rule == "RF104" and not checks:
        return None
    return LockPlan(name, finding.defined_at[1], tuple(sorted({a.line for a in writes})), tuple(sorted(set(checks))))


def apply_plans(source: str, plans: list[LockPlan]) -> str | None:
    """The new source, or None when some plan cannot be carried out safely."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return None
    transformer = _LockGuard(plans)
    wrapper = MetadataWrapper(module)
    new_module = wrapper.visit(transformer)
    if transformer.refused or transformer.unplaced():
        return None
    return new_module.code


def _reads_and_writes(statement: cst.SimpleStatementLine, name: str) -> bool:
    """The statement is the whole update: `n += 1`, or an assignment whose value reads the object
    (`d[k] = d.get(k, 0) + 1`)."""
    for small in statement.body:
        if isinstance(small, cst.AugAssign):
            return True
        if isinstance(small, cst.Assign) and _names(small.value, name):
            return True
    return False


def _names(node: cst.CSTNode, name: str) -> bool:
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Name(self, sub: cst.Name) -> bool:
            nonlocal found
            found = found or sub.value == name
            return False

    node.visit(_Finder())
    return found


def lock_name(object_name: str) -> str:
    return f"_{object_name.lstrip('_')}_lock"


class _LockGuard(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, plans: list[LockPlan]):
        self.plans = plans
        self.refused = False
        self.placed_definitions: set[str] = set()
        self.guarded: set[tuple[str, int]] = set()
        self.has_threading_import = False

    def unplaced(self) -> bool:
        wanted = {(p.object_name, line) for p in self.plans for line in p.write_lines}
        return bool(wanted - self.guarded) or len(self.placed_definitions) != len(self.plans)

    # Find `import threading` anywhere at module level.
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == "threading" and alias.asname is None:
                self.has_threading_import = True


    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        """A read-modify-write statement (lost update): guard the statement itself, when it holds
        the read as well as the write."""
        start, end = line_span(self, original)
        plans = [p for p in self.plans if not p.check_lines and any(start <= w <= end for w in p.write_lines)]
        if any(not _reads_and_writes(original, p.object_name) for p in plans):
            self.refused = True
            return updated
        return self._wrap(original, updated, plans, start, end)

    def leave_If(self, original: cst.If, updated: cst.If):
        """Check-then-act: guard the whole `if` that checks, when it holds every write it acts with."""
        start, end = line_span(self, original)
        plans = [p for p in self.plans if start in p.check_lines and all(start <= w <= end for w in p.write_lines)]
        return self._wrap(original, updated, plans, start, end)

    def _wrap(self, original, updated, plans: list[LockPlan], start: int, end: int):
        plans = [p for p in plans if not all((p.object_name, w) in self.guarded for w in p.write_lines if start <= w <= end)]
        if not plans:
            return updated
        if contains(original, (cst.Await, cst.Yield)):
            self.refused = True
            return updated
        for plan in plans:
            self.guarded.update((plan.object_name, w) for w in plan.write_lines if start <= w <= end)
        if len({p.object_name for p in plans}) > 1:
            self.refused = True  # two objects in one statement: lock order is a design decision
            return updated
        return cst.With(
            items=[cst.WithItem(item=cst.Name(lock_name(plans[0].object_name)))],
            body=cst.IndentedBlock(body=[updated.with_changes(leading_lines=[])]),
            leading_lines=updated.leading_lines,
        )

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = list(updated.body)
        new_body: list[cst.CSTNode] = []
        for statement, original_statement in zip(body, original.body):
            new_body.append(statement)
            start, end = line_span(self, original_statement)
            for plan in self.plans:
                if start <= plan.definition_line <= end and plan.object_name not in self.placed_definitions:
                    new_body.append(cst.parse_statement(f"{lock_name(plan.object_name)} = threading.Lock()\n"))
                    self.placed_definitions.add(plan.object_name)
        if not self.has_threading_import:
            index = after_imports(new_body)
            new_body.insert(index, cst.parse_statement("import threading\n"))
        return updated.with_changes(body=new_body)

