"""Which calls pass their function's own arguments on (racefree.summarize.forwarding), and what a
parameter guard sees through them."""

from __future__ import annotations

import ast
import textwrap

import pytest

from racefree.summarize.forwarding import forward_of, passed_on
from racefree.summarize.scopes import function_scope


def forwards(source: str):
    """The forward of the method's `super().__init__(...)` call, as recorded for it."""
    function = ast.parse(textwrap.dedent(source)).body[0]
    own = passed_on(function, skip=1)
    call = next(node for node in ast.walk(function)
                if type(node) is ast.Call and getattr(node.func, "attr", None) == "__init__")
    return forward_of(call, own, function_scope(function).unassigned_parameters)


def test_a_constructor_passing_all_it_was_given_forwards():
    assert forwards("""
        def __init__(self, *args, max_length=255, **kwargs):
            self.max_length = max_length
            super().__init__(*args, **kwargs)
    """) == (0, 0, ())


def test_keys_the_function_sets_are_recorded():
    assert forwards("""
        def __init__(self, to, *args, **kwargs):
            kwargs["unique"] = True
            kwargs.setdefault("db_index", True)
            kwargs.pop("related_name", None)
            super().__init__(to, *args, **kwargs)
    """) == (1, 1, ("db_index", "unique"))


@pytest.mark.parametrize("body", [
    "kwargs.update(options)\n    super().__init__(**kwargs)",  # keys the syntax does not show
    "configure(kwargs)\n    super().__init__(**kwargs)",  # handed to a call that may change it
    "extra = kwargs\n    super().__init__(**kwargs)",  # another name for it
    "kwargs = dict(kwargs, auto_created=True)\n    super().__init__(**kwargs)",  # bound again
    "super().__init__(**options)",  # spreads something else
    "super().__init__(*args, 1, **kwargs)",  # a positional argument after *args
    "super().__init__(1, 2)",  # spreads nothing
])
def test_calls_that_do_not_plainly_pass_the_arguments_on(body):
    assert forwards(f"def __init__(self, *args, **kwargs):\n    {body}\n") is None


FIELDS = '''
class Field:
    auto_creation_counter = -1

    def __init__(self, name=None, null=False, auto_created=False):
        self.name = name
        if auto_created:
            Field.auto_creation_counter -= 1


class CharField(Field):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


def column_for(label, options=None):
    return {call}
'''


@pytest.mark.parametrize("call, reported", [
    ("CharField(label)", False),  # `auto_created` keeps its default through the wrapper
    ("CharField(label, null=True)", False),
    ("CharField(label, auto_created=True)", True),
    ("CharField(label, False, True)", True),  # the third positional argument lands on it through *args
    ("CharField(label, **options)", True),  # whatever the caller spreads
])
def test_a_guard_on_a_parameter_sees_through_the_wrapper(tmp_path, call, reported):
    from conftest import check

    module = tmp_path / "fields.py"
    module.write_text(FIELDS.replace("{call}", call))
    result = check(module)
    assert bool(result.findings) is reported
