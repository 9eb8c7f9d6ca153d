"""Summaries cached on disk by content hash, so an unchanged tree re-runs quickly.

The key covers the file's bytes, its module name and the tool version: a summary never depends on
anything else. A cache that cannot be read or written is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from racefree import __version__

_FORMAT = 1


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "racefree"


def cache_key(data: bytes, module: str, is_package: bool) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__}\0{_FORMAT}\0{module}\0{is_package}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class SummaryCache:
    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def load(self, key: str):
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except Exception:  # a missing, truncated or foreign entry is just a miss
            return None

    def store(self, key: str, summary) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(summary, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass
