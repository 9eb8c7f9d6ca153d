"""Run the target program in this interpreter, as `python` would, with its main code rewritten.

runpy cannot be used as is: it runs the main module's code in a fresh namespace that the import
hook never sees, so the main module's probes would have nowhere to report. This module does what
runpy does (sys.argv, sys.path[0], a fresh __main__) and binds the probes first.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
import types
from dataclasses import dataclass

from racefree.runtime import importer, probes
from racefree.runtime.scope import TraceScope


class TargetError(Exception):
    """The target cannot be started (no such module, unreadable script): a usage error."""


@dataclass
class Target:
    kind: str  # "script" | "module" | "code" | "pytest"
    name: str  # path, module name, or code
    args: list[str]


def is_python_script(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def execute(target: Target, scope: TraceScope) -> int:
    """Run the target; return its exit status as python would."""
    try:
        if target.kind == "pytest":
            import pytest

            sys.argv = ["pytest", *target.args]
            return int(pytest.main(target.args))
        if target.kind == "module":
            code, module = _module_main(target.name, scope)
            sys.argv = [module.__file__, *target.args]
            sys.path.insert(0, os.getcwd())
        elif target.kind == "code":
            module = _fresh_main(None)
            code = importer.compile_traced(target.name, "<string>", "__main__", probe_module_level=True)
            sys.argv = ["-c", *target.args]
            sys.path.insert(0, "")
        else:
            code, module = _script_main(target.name, scope)
            sys.argv = [target.name, *target.args]
            sys.path.insert(0, os.path.dirname(os.path.abspath(target.name)))
    except (OSError, SyntaxError, ImportError) as error:
        raise TargetError(f"cannot run {target.name}: {error}") from None
    probes.bind_module(module.__dict__, "__main__")
    sys.modules["__main__"] = module
    return _run_like_python(code, module.__dict__)


def _run_like_python(code, namespace: dict) -> int:
    try:
        exec(code, namespace)
    except SystemExit as exit_:
        return _exit_status(exit_.code)
    except KeyboardInterrupt:
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _exit_status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _fresh_main(filename: str | None, spec=None) -> types.ModuleType:
    module = types.ModuleType("__main__")
    module.__dict__.update(__builtins__=__builtins__, __file__=filename, __spec__=spec,
                           __loader__=spec.loader if spec else None, __cached__=None)
    if filename is None:
        del module.__file__
    return module


def _script_main(path: str, scope: TraceScope):
    with open(path, "rb") as handle:
        source = handle.read()
    module = _fresh_main(path)
    if scope.traces_file(path):
        return importer.compile_traced(source, path, "__main__", probe_module_level=True), module
    return compile(source, path, "exec", dont_inherit=True), module


def _module_main(name: str, scope: TraceScope):
    sys.path.insert(0, os.getcwd())
    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            name = f"{name}.__main__"
            spec = importlib.util.find_spec(name)
    finally:
        sys.path.pop(0)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise ImportError(f"no Python module named {name!r}")
    with open(spec.origin, "rb") as handle:
        source = handle.read()
    module = _fresh_main(spec.origin, spec)
    module.__package__ = spec.parent
    if scope.traces_module(name, spec.origin):
        code = importer.compile_traced(source, spec.origin, "__main__", probe_module_level=True)
    else:
        code = compile(source, spec.origin, "exec", dont_inherit=True)
    return code, module
