"""Python 3.12's type parameter syntax read on an older parser: rewritten, positions kept."""

from __future__ import annotations

import ast
import sys

import pytest

from racefree.summarize import FileError, summarize_source
from racefree.summarize.newer_syntax import without_type_parameters

GENERIC = """\
type Pair[T] = tuple[T, T]
def first[T: int, *Ts, **P](items: list[T]) -> T:
    return items[0]
class Box[T](Base, metaclass=Meta):
    type Inner = list[int]; size = 0
    async def get[K](self, key: K) -> K:
        return CACHE[key]
"""


def _positions(tree: ast.AST) -> set[tuple[str, int, int]]:
    return {(type(node).__name__, node.lineno, node.col_offset)
            for node in ast.walk(tree) if isinstance(node, (ast.Name, ast.Subscript, ast.Return, ast.Attribute))}


def test_type_parameters_become_blanks_and_aliases_become_assignments():
    rewritten = without_type_parameters(GENERIC)
    assert rewritten is not None
    assert rewritten.splitlines()[0] == "Pair         = tuple[T, T]"
    assert rewritten.splitlines()[1].startswith("def first                  (items: list[T]) -> T:")
    assert "    Inner      = list[int]; size = 0" in rewritten
    tree = ast.parse(rewritten)
    assert [type(node).__name__ for node in tree.body] == ["Assign", "FunctionDef", "ClassDef"]
    box = tree.body[2]
    assert [base.id for base in box.bases] == ["Base"] and box.keywords[0].arg == "metaclass"
    get = box.body[-1]
    assert isinstance(get, ast.AsyncFunctionDef) and [a.arg for a in get.args.args] == ["self", "key"]
    # Everything the rewrite keeps stays on its line and column.
    return_value = get.body[0].value
    assert (return_value.lineno, return_value.col_offset) == (7, 15)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="compares with the native 3.12 parse")
def test_kept_positions_match_the_native_parse():
    native, rewritten = ast.parse(GENERIC), ast.parse(without_type_parameters(GENERIC))
    # Only an alias's name moves: to where its `type` keyword stood.
    assert _positions(rewritten) - _positions(native) == {("Name", 1, 0), ("Name", 5, 4)}


@pytest.mark.parametrize("text", [
    "x = type(y)\n",                       # the builtin, called
    "type = 3\nprint(type)\n",             # the name, assigned
    "items[0] = 1\n",                      # a subscript, not a parameter list
    "def f(\n    a,\n): pass\n",           # no type parameters at all
])
def test_code_without_type_parameters_is_left_alone(text):
    assert without_type_parameters(text) is None


def test_a_parameter_list_over_several_lines_is_not_rewritten():
    assert without_type_parameters("def f[\n    T,\n](x: T) -> T:\n    return x\n") is None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the native parser reads 3.12 syntax")
def test_older_python_summarizes_a_generic_module_and_names_itself_when_it_cannot():
    summary = summarize_source(GENERIC.encode(), "generic.py", "generic", False)
    assert not isinstance(summary, FileError)
    error = summarize_source(b'x = f"{d["key"]}"\n', "fstring.py", "fstring", False)
    assert isinstance(error, FileError)
    assert error.message.endswith(f"(parsed as Python 3.{sys.version_info.minor})")


def test_a_form_feed_does_not_shift_the_lines_it_edits():
    text = "x = 1  \x0c\ntype Alias = int\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
    rewritten = without_type_parameters(text)
    assert rewritten.split("\n")[1:3] == ["Alias      = int", "def first   (items: list[T]) -> T:"]
    ast.parse(rewritten)
