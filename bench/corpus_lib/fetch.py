"""Download one release with `pip download --no-deps` and unpack it into the cache.

The artifact is only unpacked, never installed or imported: the benchmark reads its source as
text through `racefree check`, exactly as a user's code would be read.

Cache layout (one folder per package, version and artifact kind):
    <cache>/<package>-<version>-<artifact>/download/   what pip downloaded
    <cache>/<package>-<version>-<artifact>/tree/       the unpacked artifact
    <cache>/<package>-<version>-<artifact>/root        the tree root relative to tree/ (sdists: name-version/)
The `root` file is written last, so its presence means the entry is complete.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

PIP_TIMEOUT_SECONDS = 300
# Pure wheels that declare Requires-Python >= 3.12 are refused by pip on our 3.11; asking pip
# to pick for 3.12 gets them, and we never run them anyway.
NEWER_PYTHON = "3.12"

_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar")
# Where an old sdist is fetched as a file when pip cannot prepare it (see _fetch_sdist_file).
PYPI_SIMPLE_URL = "https://pypi.org/simple/{project}/"

# Two cases may share a release (one's fixed is another's buggy): fetch each once.
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class Unavailable(Exception):
    """The release cannot be downloaded or unpacked; the case is reported, not scored."""


@dataclass(frozen=True)
class Release:
    package: str
    version: str
    artifact: str  # "wheel" or "sdist"
    pip_args: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.package}-{self.version}-{self.artifact}"


def fetch(release: Release, cache_dir: Path) -> Path:
    """Return the root of the unpacked release, downloading it first if it is not cached."""
    with _lock_for(release.key):
        cached = cached_root(release, cache_dir)
        if cached is not None:
            return cached
        entry = cache_dir / release.key
        root_marker = entry / "root"
        archive = _download(release, entry / "download")
        tree = entry / "tree"
        if tree.exists():
            shutil.rmtree(tree)
        relative_root = _unpack(archive, tree, top_folder=release.artifact == "sdist")
        root_marker.write_text(relative_root + "\n")
        return tree / relative_root


def cached_root(release: Release, cache_dir: Path) -> Path | None:
    """The unpacked release's root if it is already in the cache, without downloading."""
    root_marker = cache_dir / release.key / "root"
    if not root_marker.is_file():
        return None
    return cache_dir / release.key / "tree" / root_marker.read_text().strip()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _download(release: Release, dest: Path) -> Path:
    existing = _archives_in(dest)
    if len(existing) == 1:
        return existing[0]
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    first = _pip_download(release, dest, python_version=None)
    if first.returncode != 0 and release.artifact == "wheel":
        second = _pip_download(release, dest, python_version=NEWER_PYTHON)
        if second.returncode == 0:
            first = second
    if first.returncode != 0 and release.artifact == "sdist":
        # pip prepares an sdist's metadata before it keeps the file, and old sdists no longer
        # build with today's setuptools (Jinja2 2.6, mongoengine 0.7.9): we only read the
        # source, so the file itself will do.
        if _fetch_sdist_file(release, dest):
            return _archives_in(dest)[0]
    if first.returncode != 0:
        raise Unavailable(f"pip download failed: {_last_error_line(first.stderr)}")
    archives = _archives_in(dest)
    if len(archives) != 1:
        raise Unavailable(f"pip download gave {len(archives)} archives, expected 1")
    return archives[0]


def _pip_download(
    release: Release, dest: Path, python_version: str | None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(dest)]
    if release.artifact == "wheel":
        command.append("--only-binary=:all:")
    else:
        command.append("--no-binary=:all:")
    if python_version:
        command += ["--python-version", python_version]
    command += list(release.pip_args)
    command.append(f"{release.package}=={release.version}")
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"pip download timed out after {PIP_TIMEOUT_SECONDS} s") from None


def _fetch_sdist_file(release: Release, dest: Path) -> bool:
    """Download the release's source archive straight from PyPI's simple index (PEP 691, as pip
    reads it), checked against its published SHA-256: True when one archive is in `dest` then."""
    wanted = _normalized(release.package)
    url = PYPI_SIMPLE_URL.format(project=wanted)
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=PIP_TIMEOUT_SECONDS) as response:
            files = json.load(response).get("files") or []
        chosen = next((f for f in files if _names_the_sdist(f.get("filename", ""), wanted, release.version)), None)
        if chosen is None:
            return False
        with urllib.request.urlopen(chosen["url"], timeout=PIP_TIMEOUT_SECONDS) as response:
            data = response.read()
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return False
    expected = (chosen.get("hashes") or {}).get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        return False
    (dest / Path(chosen["filename"]).name).write_bytes(data)
    return len(_archives_in(dest)) == 1


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names_the_sdist(filename: str, project: str, version: str) -> bool:
    """`Jinja2-2.6.tar.gz` for Jinja2 2.6 (not 2.6.1, not a wheel)."""
    for suffix in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if filename.lower().endswith(suffix):
            stem = filename[: -len(suffix)]
            name, _, found = stem.rpartition("-")
            return found == version and _normalized(name) == project
    return False


def _last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]


def _archives_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith(_ARCHIVE_SUFFIXES))


def _unpack(archive: Path, tree: Path, top_folder: bool) -> str:
    """Unpack into `tree`; return the root relative to it ('.' for wheels, 'name-version' for sdists)."""
    tree.mkdir(parents=True)
    try:
        if archive.name.lower().endswith((".whl", ".zip")):
            with zipfile.ZipFile(archive) as zipped:
                _refuse_escaping_names(zipped.namelist())
                zipped.extractall(tree)
        else:
            with tarfile.open(archive) as tarred:
                tarred.extractall(tree, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, OSError, ValueError) as error:
        raise Unavailable(f"cannot unpack {archive.name}: {error}") from None
    if not top_folder:
        return "."
    entries = [p for p in tree.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0].name
    return "."


def _refuse_escaping_names(names: list[str]) -> None:
    for name in names:
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(f"unsafe member name {name!r}")
