"""The per-request fix (RF101, optillm's pattern), carried out on one file with libcst.

For a plan made by ``request_plan``: in the defining file, a ``contextvars.ContextVar`` and two
helpers go right after the object, ``current_X()`` and the ``@X_per_request`` decorator; each
handler gets the decorator (innermost, so the framework registers the decorated function), and
every use of the object in the handlers and in the code they reach becomes ``current_X()``.
Only those lines change; the rest of each file is kept byte for byte.

Refused (None) when the object is not a dict, when a handler is a generator (it runs after the
decorator returns), when a write in a handler reaches inside a value of the dict (a shallow copy
would still share it), when a name the fix adds is already used, or when any planned site is
not found where the analysis put it.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from racefree.fix.cst_syntax import after_imports, bound_name, contains, dotted, line_span
from racefree.fix.request_plan import FileEdit, HelperNames, RequestContextPlan
from racefree.knowledge.containers import MUTATING_METHODS

_HELPERS = '''
# Per-request values live in a copy of {name} private to the request (its thread or asyncio
# task): concurrent requests must not see each other's values.
{variable} = contextvars.ContextVar("{variable_label}")


def {current}():
    """{name} as the running request sees it: its own copy, or the shared defaults."""
    return {variable}.get({name})


def {decorator}(handler):
    """Run handler with a private copy of {name}, seen through {current}()."""
    if inspect.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def run_async(*args, **kwargs):
            token = {variable}.set(dict({name}))
            try:
                return await handler(*args, **kwargs)
            finally:
                {variable}.reset(token)
        return run_async

    @functools.wraps(handler)
    def run(*args, **kwargs):
        token = {variable}.set(dict({name}))
        try:
            return handler(*args, **kwargs)
        finally:
            {variable}.reset(token)
    return run
'''

_HELPER_IMPORTS = ("contextvars", "functools", "inspect")


def apply_request_context(source: str, plan: RequestContextPlan, edit: FileEdit) -> str | None:
    """The new source of one file, or None when the plan cannot be carried out safely here."""
    if any(re.search(rf"\b{re.escape(new)}\b", source) for new in plan.names.all()):
        return None  # a name the fix would add is taken
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return None
    transformer = _RequestContext(plan, edit, _unused_after(source, edit))
    new_module = MetadataWrapper(module).visit(transformer)
    if transformer.refused or not transformer.complete():
        return None
    return new_module.code


def _unused_after(source: str, edit: FileEdit) -> set[str]:
    """Names imported for the object that no other text of the file mentions once its uses are
    replaced (counted on the text, so a mention in a comment or string keeps the import)."""
    unused = set()
    for need in edit.import_needs:
        uses = sum(1 for s in (*edit.handler_sites, *edit.reached_sites) if s.text == need.local)
        if len(re.findall(rf"\b{re.escape(need.local)}\b", source)) == uses + 1:
            unused.add(need.local)
    return unused


class _RequestContext(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, plan: RequestContextPlan, edit: FileEdit, unused_after: set[str]):
        self.plan = plan
        self.unused_after = unused_after  # imported names the fix leaves unused: dropped
        self.edit = edit
        self.names: HelperNames = plan.names
        self.handler_sites = {(s.line, s.col): s for s in edit.handler_sites}
        self.sites = {**self.handler_sites, **{(s.line, s.col): s for s in edit.reached_sites}}
        self.replaced: set[tuple[int, int]] = set()
        self.wrapped: set[int] = set()
        self.imports_done: set[int] = set()
        self.helpers_placed = edit.definition_line is None
        self.refused = False
        self.module_imports: set[str] = set()

    def complete(self) -> bool:
        needs = {need.line for need in self.edit.import_needs}
        return (set(self.sites) == self.replaced and set(self.edit.handler_lines) == self.wrapped
                and needs <= self.imports_done and self.helpers_placed)

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        position = self.get_metadata(PositionProvider, node).start
        return position.line, position.column


    # ------------------------------------------------------------ uses of the object
    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self._replace(original, updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        return self._replace(original, updated)

    def _replace(self, original, updated):
        start = self._start(original)
        site = self.sites.get(start)
        if site is None or start in self.replaced or dotted(original) != site.text:
            return updated
        self.replaced.add(start)
        if start in self.handler_sites and self._writes_inside_a_value(original):
            self.refused = True
        return cst.Call(func=cst.parse_expression(site.renamed(self.names.current)))

    def _writes_inside_a_value(self, node: cst.CSTNode) -> bool:
        """A write through the copy must change the copy itself (`d[k] = v`, `d.update(...)`), not
        a value inside it (`d[k][j] = v`, `d[k].append(v)`), which a shallow copy still shares."""
        parent = self.get_metadata(ParentNodeProvider, node)
        if not (isinstance(parent, cst.Subscript) and parent.value is node):
            return False
        grand = self.get_metadata(ParentNodeProvider, parent)
        return isinstance(grand, (cst.Subscript, cst.Attribute)) and grand.value is parent and self._is_written(grand)

    def _is_written(self, node: cst.CSTNode) -> bool:
        """Whether node (a subscript or attribute) is an assignment or `del` target, or the
        receiver of a mutating method, directly or through further subscripts."""
        if isinstance(node, cst.Attribute) and node.attr.value in MUTATING_METHODS:
            return True
        parent = self.get_metadata(ParentNodeProvider, node)
        if isinstance(parent, (cst.AssignTarget, cst.Del)) or (
                isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is node):
            return True
        if isinstance(parent, (cst.Subscript, cst.Attribute)) and parent.value is node:
            return self._is_written(parent)
        return False

    # ------------------------------------------------------------ handlers
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        line = self._start(original.name)[0]
        if line not in self.edit.handler_lines or line in self.wrapped:
            return updated
        self.wrapped.add(line)
        if contains(original, (cst.Yield,)):
            self.refused = True
            return updated
        decorator = cst.Decorator(decorator=cst.parse_expression(self.edit.decorator_expression))
        if not updated.decorators:  # the new line takes the function's place after blank lines
            return updated.with_changes(decorators=[decorator.with_changes(leading_lines=updated.leading_lines)],
                                        leading_lines=[])
        return updated.with_changes(decorators=[*updated.decorators, decorator])

    # ------------------------------------------------------------ imports and helpers
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.asname is None:
                self.module_imports.add(alias.name.value)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        line = self._start(original)[0]
        needs = [n for n in self.edit.import_needs if n.line == line and n.same_module]
        if not needs or isinstance(updated.names, cst.ImportStar):
            return updated
        bound = {bound_name(a) for a in updated.names}
        if not all(need.local in bound for need in needs):
            return updated
        self.imports_done.update(need.line for need in needs)
        kept = [a for a in updated.names if bound_name(a) not in self.unused_after]
        new_names = sorted({n for need in needs for n in need.names})
        return updated.with_changes(names=_with_names(kept, new_names, isinstance(updated.lpar, cst.LeftParen)))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body: list[cst.CSTNode] = []
        new_imports: list[str] = []
        for statement, original_statement in zip(updated.body, original.body):
            body.append(statement)
            start, end = line_span(self, original_statement)
            for need in self.edit.import_needs:
                if not need.same_module and start <= need.line <= end and need.line not in self.imports_done:
                    body.append(cst.parse_statement(
                        f"from {self.plan.defining_module} import {', '.join(need.names)}\n"))
                    self.imports_done.add(need.line)
            line = self.edit.definition_line
            if line is not None and start <= line <= end and not self.helpers_placed:
                if not _defines_dict(original_statement):
                    self.refused = True
                    continue
                body.extend(cst.parse_module(f"pass\n{self._helpers()}").body[1:])  # keeps the leading comment
                self.helpers_placed = True
                new_imports = [m for m in _HELPER_IMPORTS if m not in self.module_imports]
        if new_imports:
            index = after_imports(body)
            statements = [cst.parse_statement(f"import {name}\n") for name in new_imports]
            if index and not _is_import(body[index - 1]):  # right after the docstring: a blank line first
                statements[0] = statements[0].with_changes(leading_lines=[cst.EmptyLine()])
            body[index:index] = statements
        return updated.with_changes(body=body)

    def _helpers(self) -> str:
        names = self.names
        return _HELPERS.format(variable=names.variable, variable_label=names.variable.strip("_"),
                               current=names.current, decorator=names.decorator, name=self.plan.name)



def _with_names(aliases: list[cst.ImportAlias], new_names: list[str], parenthesised: bool) -> list[cst.ImportAlias]:
    """The imported names with new_names appended, in the import's own style: a parenthesised
    import over several lines keeps one name a line and its trailing comma."""
    last = aliases[-1] if aliases else None
    if parenthesised and last is not None and isinstance(last.comma, cst.Comma):
        return [*aliases, *(cst.ImportAlias(name=cst.Name(n), comma=last.comma) for n in new_names)]
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    names = [*aliases, *(cst.ImportAlias(name=cst.Name(n)) for n in new_names)]
    return [a.with_changes(comma=separator) for a in names[:-1]] + [names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)


def _defines_dict(statement: cst.CSTNode) -> bool:
    """The object's defining statement binds a dict: a literal, a comprehension or `dict(...)`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    assignment = statement.body[0]
    if not isinstance(assignment, (cst.Assign, cst.AnnAssign)) or assignment.value is None:
        return False
    value = assignment.value
    return isinstance(value, (cst.Dict, cst.DictComp)) or (
        isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict")
