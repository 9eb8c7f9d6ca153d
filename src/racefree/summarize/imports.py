"""Import statements: the names a module imports, at the top or inside a function, and which of
them put request data in reach.

Mixed into ModuleSummarizer, whose summary it fills.
"""

from __future__ import annotations

import ast

from racefree.knowledge.requests import REQUEST_OBJECTS
from racefree.summarize.model import ImportBinding


class ImportVisits:
    def _import(self, node: ast.Import) -> None:
        if self._in_class_body():
            return
        if not self._is_toplevel():
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                self._function_import(local, alias.name if alias.asname else local, node.lineno, True)
            return
        for alias in node.names:
            if alias.asname:
                self.summary.imports[alias.asname] = ImportBinding(alias.asname, alias.name, node.lineno, True)
            else:
                top = alias.name.split(".")[0]
                self.summary.imports.setdefault(top, ImportBinding(top, top, node.lineno, True))
            local, target = (alias.asname, alias.name) if alias.asname else (alias.name.split(".")[0],) * 2
            if any(name.startswith(target + ".") for name in REQUEST_OBJECTS):
                self._request_globals.add(local)  # `import flask`: `flask.request` is in reach

    def _import_from(self, node: ast.ImportFrom) -> None:
        if self._in_class_body():
            return
        base = self._absolute_module(node.module, node.level)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                if self._is_toplevel():
                    self.summary.star_imports.append(base)
                continue
            local = alias.asname or alias.name
            if self._is_toplevel():
                self.summary.imports[local] = ImportBinding(local, f"{base}.{alias.name}", node.lineno, False)
                if f"{base}.{alias.name}" in REQUEST_OBJECTS:
                    self._request_globals.add(local)
            else:
                self._function_import(local, f"{base}.{alias.name}", node.lineno, False)

    def _function_import(self, local: str, target: str, line: int, is_module_import: bool) -> None:
        """`from openai.resources.chat import completions` inside a function (an optional
        dependency, imported where it is used) names the same module-level object as it would at
        the top: `completions.Completions.create = patched` patches another library. Taken as a
        module-level import when the module binds the name to nothing else."""
        frame = self.frame
        if frame.scope is None or local in self.module_names or local in self.summary.bindings:
            return
        existing = self.summary.imports.get(local)
        if existing is not None and existing.target != target:
            return
        self.summary.imports.setdefault(local, ImportBinding(local, target, line, is_module_import))
        if target in REQUEST_OBJECTS:
            self._request_globals.add(local)
        self._function_imports.add(local)
        frame.scope.local_names.discard(local)

    def _absolute_module(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        parts = self.summary.module.split(".")
        if not self.summary.is_package:
            parts = parts[:-1]
        if level - 1 > len(parts):
            return None
        parts = parts[: len(parts) - (level - 1)]
        if module:
            parts.append(module)
        return ".".join(parts) if parts else None
