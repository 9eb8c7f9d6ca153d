"""Where the value being assigned comes from: the request data it is computed from, and the earlier
reads of shared state it carries through locals (a read-modify-write split over statements).

Mixed into ModuleSummarizer, whose frames and summary it reads.
"""

from __future__ import annotations

import ast

from racefree.knowledge.requests import (
    REQUEST_OBJECTS,
    REQUEST_PARAMETER_NAMES,
    REQUEST_PARAMETER_SOURCE,
    request_object,
)
from racefree.summarize.model import OP_SLOT_LOAD, READ, Access
from racefree.summarize.syntax import positions_under_arithmetic


class ValueFlows:
    def _request_sources(self, value: ast.expr) -> tuple[str, ...]:
        """The request data a value is computed from: request-context globals it names (by the
        dotted name they were imported from), a handler's `request` parameter, and locals that
        were computed from those."""
        frame = self.frame
        if frame.scope is None or not (frame.sources or self._request_globals
                                       or not REQUEST_PARAMETER_NAMES.isdisjoint(frame.scope.unassigned_parameters)):
            return ()  # nothing here holds request data: the common case, decided without a walk
        found: set[str] = set()
        imports = self.summary.imports
        for sub in ast.walk(value):
            if type(sub) is ast.Attribute and type(sub.value) is ast.Name:
                imported = imports.get(sub.value.id)  # `import flask` ... `flask.request`
                if imported is not None and f"{imported.target}.{sub.attr}" in REQUEST_OBJECTS:
                    found.add(f"{imported.target}.{sub.attr}")
                continue
            if type(sub) is not ast.Name:
                continue
            name = sub.id
            carried = frame.sources.get(name)
            if carried:
                found.update(carried)
            elif name in REQUEST_PARAMETER_NAMES and name in frame.scope.unassigned_parameters:
                found.add(REQUEST_PARAMETER_SOURCE)
            else:
                source = request_object(imports, name)
                if source is not None:
                    found.add(source)
        return tuple(sorted(found))

    def _names_an_argument(self, value: ast.expr) -> bool:
        """The value is computed from a parameter of the function (not its own object), as the
        call's caller passed it, directly or through locals computed from one."""
        frame = self.frame
        if frame.scope is None:
            return False
        arguments = frame.scope.unassigned_parameters - {frame.self_name, frame.cls_name}
        carried, kept = frame.argument_locals, frame.argument_attrs
        return bool(arguments) and any(
            (type(sub) is ast.Name and (sub.id in arguments or sub.id in carried))
            or (kept and type(sub) is ast.Attribute and sub.attr in kept and type(sub.value) is ast.Name
                and sub.value.id == frame.self_name)  # `self._config = config`, then `self._config.headers`
            for sub in ast.walk(value))

    def _taint_flows(self, value: ast.expr, start: int) -> None:
        """`n = shared["n"]; ...; shared["n"] = n + 1`: the value written is computed from an
        earlier read of the same object, through a local. Recorded as a read at that point, with
        the awaits seen since, so the write is seen as a read-modify-write (across an await)."""
        frame = self.frame
        if not frame.taint:
            return
        computed = None
        for sub in ast.walk(value):
            if type(sub) is ast.Name and sub.id in frame.taint:
                if computed is None:
                    computed = positions_under_arithmetic(value)
                if (sub.lineno, sub.col_offset) in computed:
                    ref, _, awaits = frame.taint[sub.id]
                    read = Access(ref=ref, kind=READ, op=OP_SLOT_LOAD, line=sub.lineno, col=sub.col_offset,
                                  locks=tuple(frame.locks))
                    read.await_between = frame.awaits > awaits
                    frame.summary.accesses.append(read)
