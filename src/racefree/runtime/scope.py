"""Which source files racefree instruments.

By default: the project's own code, i.e. files under the working directory that are neither in
the standard library nor in an installed-packages directory (a virtualenv inside the project is
not "the project"). `--trace PKG` adds an installed package by its top-level import name.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig


class TraceScope:
    def __init__(self, root: str, packages: list[str], include_project: bool = True):
        self.root = os.path.realpath(root)
        self.packages = tuple(packages)
        self.include_project = include_project
        self._excluded = tuple(_installed_dirs())
        self._verdicts: dict[str, bool] = {}

    def traces_module(self, module_name: str, filename: str | None) -> bool:
        if not filename or not filename.endswith(".py"):
            return False
        top = module_name.split(".")[0]
        if top in self.packages:
            return True
        return self.traces_file(filename)

    def traces_file(self, filename: str) -> bool:
        verdict = self._verdicts.get(filename)
        if verdict is None:
            verdict = self._verdicts[filename] = self._decide(filename)
        return verdict

    def _decide(self, filename: str) -> bool:
        if filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if any(path == d or path.startswith(d + os.sep) for d in self._excluded):
            return self._in_traced_package(path)
        if self.include_project and (path == self.root or path.startswith(self.root + os.sep)):
            return True
        return self._in_traced_package(path)

    def _in_traced_package(self, path: str) -> bool:
        parts = path.split(os.sep)
        return any(package in parts for package in self.packages)


def _installed_dirs() -> list[str]:
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            dirs.add(os.path.realpath(value))
    for value in [*getattr(site, "getsitepackages", lambda: [])(), site.getusersitepackages()]:
        dirs.add(os.path.realpath(value))
    dirs.add(os.path.realpath(os.path.dirname(os.__file__)))
    # racefree never instruments itself, wherever it is installed from.
    dirs.add(os.path.realpath(os.path.dirname(os.path.dirname(__file__))))
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            dirs.add(os.path.realpath(entry))
    return sorted(dirs)
