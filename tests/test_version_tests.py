"""Tests of the running Python's version that come out the same on every Python racefree
analyses for (3.8 on) leave one branch of an `if` dead; tests that depend on the minor version,
or on anything else, leave both branches live."""

import ast

import pytest

from racefree.summarize.syntax import version_test_outcome

DECIDED = [
    ("sys.version_info >= (2, 5)", True),
    ("sys.version_info < (3,)", False),
    ("sys.version_info[0] == 2", False),
    ("sys.version_info[0] == 3", True),
    ("sys.version_info.major < 3", False),
    ("sys.version_info[:2] < (3, 7)", False),
    ("(3, 0) <= sys.version_info", True),
    ("sys.version_info[:2] != (2, 7)", True),
    ("not sys.version_info < (3,)", True),
    ("sys.version_info >= (3, 8)", True),
]
UNDECIDED = [
    "sys.version_info >= (3, 10)",
    "sys.version_info[:2] == (3, 11)",
    "sys.version_info < (3, 12)",
    "sys.version_info >= (2, 5) and PY3",
    "version >= (2, 5)",
    "sys.version_info >= '3'",
    "sys.platform == 'win32'",
]


@pytest.mark.parametrize("test, outcome", DECIDED)
def test_a_test_every_supported_python_answers_alike_is_decided(test, outcome):
    assert version_test_outcome(ast.parse(test, mode="eval").body) is outcome


@pytest.mark.parametrize("test", UNDECIDED)
def test_other_tests_are_left_to_run_time(test):
    assert version_test_outcome(ast.parse(test, mode="eval").body) is None
