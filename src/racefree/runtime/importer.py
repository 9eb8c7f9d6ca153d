"""The import hook: traced modules are compiled from rewritten source instead of plain source.

Like pytest's assertion rewriting, a meta-path finder in front of the normal ones claims the
modules the scope traces and hands them a loader that rewrites the AST before compiling. Rewritten
code is never written to __pycache__, so a later plain run never picks up probes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

from racefree.runtime import probes, rewrite
from racefree.runtime.scope import TraceScope


def compile_traced(source, filename: str, module: str, probe_module_level: bool):
    tree = rewrite.rewrite(source, filename, module, probe_module_level)
    return compile(tree, filename, "exec", dont_inherit=True)


class RewritingLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):
        source = self.get_data(self.path)
        return compile_traced(source, self.path, fullname, probe_module_level=False)

    def exec_module(self, module):
        probes.bind_module(module.__dict__, module.__name__)
        super().exec_module(module)


class RewritingFinder(importlib.abc.MetaPathFinder):
    def __init__(self, scope: TraceScope, skip=lambda filename: False):
        self.scope = scope
        self.skip = skip  # files another tool must own (pytest rewrites test modules itself)
        self._busy = set()

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        finally:
            self._busy.discard(fullname)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        if not self.scope.traces_module(fullname, spec.origin) or self.skip(spec.origin):
            return None
        spec.loader = RewritingLoader(fullname, spec.origin)
        return spec


def install(finder: RewritingFinder) -> None:
    sys.meta_path.insert(0, finder)


def uninstall(finder: RewritingFinder) -> None:
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
