"""Virtualenvs with real PyPI packages for the end-to-end tests, cached between runs.

A venv is built once under pytest's cache directory and marked ready with a stamp naming what
was installed, so a warm run costs nothing and a changed requirement list rebuilds it. racefree
itself is not installed into it: the tests put this checkout's package on PYTHONPATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import racefree

RACEFREE_PATH = str(Path(racefree.__file__).resolve().parent.parent)


def ensure_venv(root: Path, name: str, python: str, pip_commands: list[list[str]],
                timeout: float = 900) -> Path:
    """Path of the venv's python, building the venv if the stamp is missing or different."""
    venv = root / name
    stamp = venv / "racefree-ready.json"
    wanted = json.dumps({"python": python, "pip": pip_commands})
    if stamp.exists() and stamp.read_text() == wanted:
        return venv / "bin" / "python"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    for arguments in pip_commands:
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", *arguments],
                       check=True, timeout=timeout)
    stamp.write_text(wanted)
    return venv / "bin" / "python"


def racefree_env(**extra: str) -> dict:
    return {"PYTHONPATH": RACEFREE_PATH, **extra}
