"""The summary cache's key covers the layout of the summary classes, so that a summary pickled
by a racefree whose model had other fields is never read back as if it were current."""

import dataclasses
import types

from racefree.summarize import cache


def _model(name: str, **fields: type) -> types.ModuleType:
    module = types.ModuleType(name)
    record = dataclasses.make_dataclass("Access", list(fields.items()))
    record.__module__ = name
    module.Access = record
    module.helper = len  # not a summary class: left out of the layout
    return module


def test_the_layout_changes_when_a_summary_class_gains_a_field():
    before = cache.summary_layout(_model("model_a", ref=str, line=int))
    same = cache.summary_layout(_model("model_a", ref=str, line=int))
    after = cache.summary_layout(_model("model_a", ref=str, line=int, checked_by_owner=bool))
    assert before == same
    assert before != after


def test_the_layout_changes_when_a_field_changes_its_type():
    assert cache.summary_layout(_model("model_b", line=int)) != cache.summary_layout(_model("model_b", line=str))


def test_the_real_model_has_a_layout_and_it_is_in_the_cache_key(monkeypatch):
    assert cache.summary_layout() == cache._LAYOUT
    key = cache.cache_key(b"x = 1\n", "pkg.mod", False)
    monkeypatch.setattr(cache, "_LAYOUT", "another layout")
    assert cache.cache_key(b"x = 1\n", "pkg.mod", False) != key
