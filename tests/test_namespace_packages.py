"""Module names through namespace packages: a package inside folders without __init__.py that
its code imports it through (opentelemetry-sdk's `opentelemetry/sdk/`) is named through them,
so its imports of its own modules resolve; a source layout's `src/` is not."""

import json
from pathlib import Path

from racefree.cli import main
from racefree.discover import discover

DATA = Path(__file__).parent / "data" / "namespace_layouts"


def test_a_package_in_namespace_folders_is_named_through_them():
    modules = {f.module for f in discover([str(DATA / "acme")]).files}
    assert modules == {"acme.telemetry.processing", "acme.telemetry.export"}


def test_a_source_layout_folder_is_no_part_of_the_name():
    modules = {f.module for f in discover([str(DATA / "src_layout")]).files}
    assert modules == {"shop", "shop.cart"}


def test_a_base_class_from_the_same_namespace_is_no_outside_base(capsys):
    """With the names right, `SpanProcessor` is the SDK's own class, not a framework base whose
    private hooks users call: the flush request is touched only under the condition."""
    code = main(["check", str(DATA / "acme"), "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and code == 0
    assert report["stats"]["entry_points"] > 0
