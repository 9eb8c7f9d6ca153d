"""`self._pool: Optional[Pool] = None`: the annotation says which class of the program the
attribute will hold, so the analysis types it (and so sees it as a part of its holder, and
follows calls through it) as it would `self._pool = Pool()`. Only an annotation naming one class
types it; containers, callables, unions of classes and builtins do not."""

from pathlib import Path

import pytest

from racefree import engine

DATA = Path(__file__).parent / "data" / "annotated_placeholders"
POOL = "placeholders.Pool"


@pytest.fixture(scope="module")
def index():
    return engine.load_program([str(DATA / "placeholders.py")])


@pytest.mark.parametrize("attr", ["optional", "union", "qualified", "pipe", "pipe_first", "forward", "bare"])
def test_an_annotation_naming_one_class_types_the_placeholder(index, attr):
    assert index.class_member("placeholders.Engine", attr, instance=True).typed == POOL


@pytest.mark.parametrize("attr", ["mapping", "factory", "either", "builtin", "broken"])
def test_other_annotations_leave_it_untyped(index, attr):
    assert index.class_member("placeholders.Engine", attr, instance=True).typed is None


def test_class_attributes_and_module_names_are_typed_too(index):
    assert index.class_member("placeholders.Engine", "pool_class", instance=False).typed == POOL
    module = index.modules["placeholders"]
    assert index.resolve_global(module, "shared_pool").typed == POOL


def test_a_module_name_built_later_is_the_packages_singleton(index):
    assert index.singletons.get(POOL) == ["placeholders.lazy_pool"]
