"""Module names through namespace packages (PEP 420) above a project's packages.

`racefree check opentelemetry` on the opentelemetry-sdk wheel finds `opentelemetry/sdk/trace/
__init__.py` but no `__init__.py` in `opentelemetry/` or `opentelemetry/sdk/`: those folders are
namespace packages, and the code imports itself as `opentelemetry.sdk.trace`. A folder without
`__init__.py` may also be a source layout (`src/`) or a repository, which are no part of any
name. The code tells them apart: a folder counts as a namespace package when the package's own
files import the longer name (`from opentelemetry.sdk.trace import ...`). Files are only read
for packages with such folders above them inside the analysed directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Read at most this much of a file to look for imports: they sit at the top.
_HEAD_BYTES = 64 * 1024


def namespace_folders(packages: Iterable[tuple[Path, list[Path], list[Path]]]) -> set[Path]:
    """The folders that are namespace packages: those a package below them is imported through
    (`opentelemetry` and `opentelemetry/sdk`, where `trace`'s files import `opentelemetry.sdk.trace`).
    Once one package shows it, the folder is a namespace for its other packages too.

    packages: (the package folder, the folders without __init__.py above it up to the analysed
    directory, innermost first, and the package's files)."""
    found: set[Path] = set()
    for _, above, files in packages:
        for count in range(len(above), 0, -1):  # the longest name the code uses
            prefix = ".".join(folder.name for folder in reversed(above[:count]))
            if _imports_through(prefix, above[0], files):
                found.update(above[:count])
                break
    return found


def _imports_through(prefix: str, namespace: Path, files: list[Path]) -> bool:
    """Some file imports a package or module of the namespace folder by the prefixed name
    (`from opentelemetry.sdk.trace import ...`, `from acme.telemetry.processing import ...`)."""
    pattern = re.compile(rb"^[ \t]*(?:from|import)[ \t]+" + re.escape(prefix.encode()) + rb"\.(\w+)", re.MULTILINE)
    for path in files:
        try:
            with open(path, "rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except OSError:
            continue
        for match in pattern.finditer(head):
            name = match.group(1).decode("ascii", "replace")
            if (namespace / name).is_dir() or (namespace / f"{name}.py").is_file():
                return True
    return False
