"""Real PyPI artifacts for tests: downloaded once with pip, unpacked (never installed or
imported), kept in pytest's cache folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


def unpacked_wheel(cache_root: Path, requirement: str, *pip_args: str) -> Path:
    name = requirement.replace("==", "-")
    target = cache_root / name
    marker = target / ".complete"
    if marker.exists():
        return target
    download = cache_root / f"{name}-download"
    download.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
               "-d", str(download), *pip_args, requirement]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    wheels = sorted(download.glob("*.whl"))
    if completed.returncode != 0 or not wheels:
        pytest.skip(f"cannot download {requirement} from PyPI: {completed.stderr.strip()[-300:]}")
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheels[0]) as archive:
        archive.extractall(target)
    marker.touch()
    return target
