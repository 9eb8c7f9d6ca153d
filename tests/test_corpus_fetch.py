"""The benchmark's download of a release: an old sdist whose metadata today's setuptools can no
longer prepare (pip refuses it) is fetched as a file from PyPI's index, checked against its
published hash, and unpacked for reading, never built, installed or imported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus_lib.fetch import Release, Unavailable, fetch  # noqa: E402

pytestmark = pytest.mark.wheels


def test_an_sdist_pip_cannot_prepare_is_fetched_as_a_file(request):
    cache = Path(request.config.cache.mkdir("racefree-corpus"))
    root = fetch(Release("Jinja2", "2.6", "sdist", ("--no-binary=Jinja2",)), cache)
    assert root.name == "Jinja2-2.6"
    assert "class LRUCache" in (root / "jinja2" / "utils.py").read_text(encoding="utf-8")


def test_a_release_that_does_not_exist_is_unavailable(tmp_path):
    with pytest.raises(Unavailable):
        fetch(Release("Jinja2", "0.0.0.404", "sdist"), tmp_path)
