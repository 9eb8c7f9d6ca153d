"""Which files to analyse, and the module name each one has."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from racefree.namespace_packages import namespace_folders

# Folders that hold no project code, or copies of it.
SKIPPED_DIRS = frozenset(
    {"__pycache__", "node_modules", ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".racefree_cache", "site-packages"}
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown to the user
    module: str  # dotted module name
    is_package: bool  # an __init__.py


@dataclass(frozen=True, slots=True)
class Discovery:
    files: list[SourceFile]
    missing: list[str]  # paths given that do not exist or are not Python


def discover(paths: list[str], cwd: str | None = None) -> Discovery:
    base = Path(cwd or os.getcwd()).resolve()
    seen: set[Path] = set()
    files: list[SourceFile] = []
    missing: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(_walk(path))
        elif path.is_file() and path.suffix in (".py", ".pyi") or path.is_file() and given.endswith(".py"):
            candidates = [path]
        else:
            missing.append(given)
            continue
        batch: list[tuple[Path, str, bool]] = []
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in seen or resolved.suffix == ".pyi":
                continue
            seen.add(resolved)
            batch.append((resolved, *module_name(resolved)))
        if path.is_dir():
            batch = _through_namespaces(batch, path.resolve())
        files.extend(SourceFile(display_path(resolved, base), module, is_package) for resolved, module, is_package in batch)
    return Discovery(files, missing)


def _through_namespaces(batch: list[tuple[Path, str, bool]], root: Path) -> list[tuple[Path, str, bool]]:
    """Prefix the names of packages that sit in namespace packages inside root (see
    namespace_packages)."""
    tops = {resolved: _top_package(resolved) for resolved, _, _ in batch}
    groups: dict[Path, list[Path]] = {}
    for resolved, top in tops.items():
        if top is not None and top != root and root in top.parents:
            groups.setdefault(top, []).append(resolved)
    packages = []
    for top, members in groups.items():
        above, folder = [], top.parent
        while folder.name.isidentifier() and not _has_init(folder) and (folder == root or root in folder.parents):
            above.append(folder)
            folder = folder.parent
        if above:
            packages.append((top, above, members))
    namespaces = namespace_folders(packages) if packages else set()
    if not namespaces:
        return batch
    renamed = []
    for resolved, module, is_package in batch:
        names, folder = [], (tops[resolved] or resolved).parent
        while folder in namespaces:
            names.append(folder.name)
            folder = folder.parent
        renamed.append((resolved, ".".join([*reversed(names), module]), is_package))
    return renamed


def _top_package(path: Path) -> Path | None:
    """The outermost folder with an __init__.py above the file, through folders without one."""
    top, folder = None, path.parent
    while folder.name.isidentifier() and folder.parent != folder:
        if _has_init(folder):
            top = folder
        folder = folder.parent
    return top


def _walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for filename in filenames:
            if filename.endswith(".py"):
                yield Path(dirpath) / filename


def module_name(path: Path) -> tuple[str, bool]:
    """Dotted name from the outermost package above the file. Folders without __init__.py
    inside a package are namespace packages (`litellm/litellm_core_utils/` has none, and
    `import litellm.litellm_core_utils.x` works), so the name runs through them."""
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    chain: list[Path] = []
    folder = path.parent
    while folder.name.isidentifier() and folder.parent != folder:
        chain.append(folder)
        folder = folder.parent
    outermost = max((i for i, f in enumerate(chain) if _has_init(f)), default=None)
    if outermost is not None:
        parts.extend(f.name for f in chain[: outermost + 1])
    if not parts:  # a lone __init__.py outside any package
        parts = [path.parent.name or "__init__"]
    return ".".join(reversed(parts)), is_package


@lru_cache(maxsize=4096)
def _has_init(folder: Path) -> bool:
    return (folder / "__init__.py").is_file()


def display_path(path: Path, base: Path) -> str:
    """Relative to the current directory where the file lies under it, else absolute."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
