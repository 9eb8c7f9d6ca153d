"""Where the per-request fix (RF101) changes code, worked out from the analysis alone.

A request handler writes per-request values into a module-level dict that code it calls reads
back. The fix gives each request its own copy: the handler gets a decorator,
``@gateway_config_per_request``, that gives the running request (thread or asyncio task, through
a ``contextvars.ContextVar``) a copy of the dict for the duration of the call, and every use of
the dict in the handler and in the code it reaches goes through ``current_gateway_config()``,
which returns that copy inside a request and the shared dict elsewhere. Startup code that writes
the defaults is left alone.

The plan is refused (None: the report's advice stands) when the object is not a module-level
name, when a write is not in a handler itself (a helper the handler calls), when code the
handler reaches also writes it, when a closure of the handler uses it (it may run after the
handler returns, a streamed response), or when a use cannot be named by an import the fix can
add.
The edit itself, and the checks that need the syntax tree, are in ``request_context``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from racefree.findings import Finding
from racefree.index import ProgramIndex
from racefree.summarize.model import WRITE, Ref
from racefree.summarize.visitor import TOPLEVEL

REQUEST_RULES = ("RF101",)


@dataclass(frozen=True, slots=True)
class HelperNames:
    """The names the fix introduces for one object, e.g. for `gateway_config`."""

    variable: str  # _gateway_config_of_request, the ContextVar
    current: str  # current_gateway_config(), the accessor every use goes through
    decorator: str  # gateway_config_per_request, the handler's decorator

    @classmethod
    def for_object(cls, name: str) -> "HelperNames":
        base = name.strip("_").lower() or "state"
        return cls(f"_{base}_of_request", f"current_{base}", f"{base}_per_request")

    def all(self) -> tuple[str, ...]:
        return (self.variable, self.current, self.decorator)


@dataclass(frozen=True, slots=True)
class Site:
    """An expression naming the object: `gateway_config` or `settings.gateway_config`."""

    line: int
    col: int
    text: str

    def renamed(self, new_last: str) -> str:
        """The same expression with its last name replaced (`settings.current_gateway_config`)."""
        head, dot, _ = self.text.rpartition(".")
        return f"{head}{dot}{new_last}"


@dataclass(frozen=True, slots=True)
class ImportNeed:
    """A file reaches the object through `from M import name` at `line`: the helpers it uses are
    added to that import when M is the defining module, or imported from it on a new line."""

    line: int
    local: str  # the name the import binds
    same_module: bool
    names: tuple[str, ...]


@dataclass(slots=True)
class FileEdit:
    path: str
    handler_sites: list[Site] = field(default_factory=list)  # in handlers, where writes are
    reached_sites: list[Site] = field(default_factory=list)  # in the code the handlers reach
    handler_lines: list[int] = field(default_factory=list)  # `def` lines of handlers to decorate
    decorator_expression: str | None = None  # how this file names the decorator
    import_needs: list[ImportNeed] = field(default_factory=list)
    definition_line: int | None = None  # defining file: the object's line, helpers go after it


@dataclass(slots=True)
class RequestContextPlan:
    object_name: str  # dotted
    name: str  # the module-level name
    defining_module: str
    names: HelperNames
    edits: dict[str, FileEdit]


def plan_request_context(finding: Finding, index: ProgramIndex) -> RequestContextPlan | None:
    if finding.rule not in REQUEST_RULES or finding.defined_at is None:
        return None
    module_name, _, name = finding.object.rpartition(".")
    module = index.modules.get(module_name)
    binding = module.bindings.get(name) if module else None
    if binding is None or binding.value_kind != "mutable" or name in module.global_rebinds:
        return None
    handlers = _handlers(finding)
    if handlers is None:
        return None
    names = HelperNames.for_object(name)
    plan = RequestContextPlan(finding.object, name, module_name, names, {})
    plan.edits[module.path] = FileEdit(module.path, definition_line=binding.line)
    reached = _reached_from(index, handlers)
    for fid, info in index.functions.items():
        in_handler = fid in handlers
        in_closure = any(fid.startswith(f"{h}.<locals>.") for h in handlers)
        if info.summary.qualname == TOPLEVEL or not (in_handler or in_closure or fid in reached):
            continue
        for access in info.summary.accesses:
            if access.ref.root_kind != "global" or index.name_of(info, access.ref) != finding.object:
                continue
            if in_closure or (not in_handler and access.kind == WRITE):
                return None  # a closure that may outlive the request, or a second writer
            edit = plan.edits.setdefault(info.module.path, FileEdit(info.module.path))
            site = Site(access.line, access.col, access.ref.text())
            (edit.handler_sites if in_handler else edit.reached_sites).append(site)
            if not _import_for(index, info.module, module_name, name, access.ref, names, edit, in_handler):
                return None
    planned = {(path, site.line, site.col + 1) for path, edit in plan.edits.items()
               for site in (*edit.handler_sites, *edit.reached_sites)}
    if any((access.file, access.line, access.col) not in planned for access in finding.accesses):
        return None  # a reader the handler reaches through a thread or a task: the copy would not follow
    for fid in handlers:
        info = index.functions[fid]
        edit = plan.edits[info.module.path]
        edit.handler_lines.append(info.summary.line)
        prefixes = {s.text.rpartition(".")[0] for s in edit.handler_sites}
        prefix = min(prefixes, key=len) if prefixes else ""
        edit.decorator_expression = f"{prefix}.{names.decorator}" if prefix else names.decorator
    return plan


def _handlers(finding: Finding) -> list[str] | None:
    """The functions holding the per-request writes; each must be the entry point itself, since the
    private copy lives as long as the handler's body."""
    handlers: set[str] = set()
    for access in finding.accesses:
        if access.kind != "write":
            continue
        if not any(entry.function == access.function for entry in access.entry_points):
            return None
        handlers.add(access.function)
    return sorted(handlers) or None


def _reached_from(index: ProgramIndex, starts: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        fid = todo.pop()
        for edge in index.calls_from.get(fid, ()):
            if edge.callee not in seen:
                seen.add(edge.callee)
                todo.append(edge.callee)
    for fid in list(index.functions):  # closures of reached functions run as their parent says
        if any(fid.startswith(f"{r}.<locals>.") for r in seen):
            seen.add(fid)
    return seen


def _import_for(index: ProgramIndex, module, defining: str, name: str, ref: Ref,
                names: HelperNames, edit: FileEdit, in_handler: bool) -> bool:
    """Record the import a bare-name site needs; False when the fix cannot name the helpers."""
    if ref.attrs:
        return True  # `settings.gateway_config`: the helpers are reached the same way
    if module.module == defining:
        return True
    binding = module.imports.get(ref.root)
    if binding is None:
        return False  # a star import, or a name the index resolved some other way
    wanted = (names.current, names.decorator) if in_handler else (names.current,)
    same_module = binding.target == f"{defining}.{name}"
    for need in edit.import_needs:
        if need.line == binding.line and need.local == ref.root:
            if not set(wanted) <= set(need.names):
                edit.import_needs[edit.import_needs.index(need)] = ImportNeed(
                    need.line, need.local, need.same_module, tuple(sorted({*need.names, *wanted})))
            return True
    edit.import_needs.append(ImportNeed(binding.line, ref.root, same_module, wanted))
    return True
