"""Summaries cached on disk by content hash, so an unchanged tree re-runs quickly.

The key covers the file's bytes, its module name, the tool version, the Python version that
parses it (a newer one accepts more syntax and builds other trees), the layout of the summary
classes and a format number bumped when a summary's meaning changes: a summary never depends on
anything else. A cache that cannot be read or written is ignored, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from pathlib import Path
from types import ModuleType

from racefree import __version__
from racefree.summarize import model

# Bumped when summaries of the same layout mean something else (a fact computed differently).
_FORMAT = 169
# Pickles of protocol 2 and later start with PROTO and the protocol number.
_PICKLE_MAGIC = b"\x80"


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "racefree"


def summary_layout(classes: ModuleType = model) -> str:
    """A digest of the summary classes' names and fields, with their types: a summary pickled
    under another layout is never read back, even where `_FORMAT` was not bumped."""
    parts = [
        f"{name}({', '.join(f'{field.name}: {field.type}' for field in dataclasses.fields(value))})"
        for name, value in sorted(vars(classes).items())
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == classes.__name__
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


_LAYOUT = summary_layout()


def cache_key(data: bytes, module: str, is_package: bool) -> str:
    digest = hashlib.blake2b(digest_size=20)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    digest.update(f"{__version__}\0{python}\0{_FORMAT}\0{_LAYOUT}\0{module}\0{is_package}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class SummaryCache:
    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def load_bytes(self, key: str) -> bytes | None:
        """The pickled summary stored under key, or None. Entries are read by the pickle module
        only after this; a truncated or foreign entry fails there and is treated as a miss."""
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        return blob if blob.startswith(_PICKLE_MAGIC) else None

    def store_bytes(self, key: str, blob: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, path)
        except OSError:
            pass
