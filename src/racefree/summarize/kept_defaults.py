"""Mutable defaults a method keeps on its object (`def __init__(self, events=[]):` then
`self._events = events`): every instance made without the argument holds the one list Python
made when the `def` ran, so what a method of one instance adds to it (`self._events.append(e)`),
every other such instance sees, on any thread. Also the defaults a method hands up to its base's
`__init__` (`super().__init__(events=events)`), which keeps them. Noted on the class as the
summariser visits the stores and calls, with no walk of its own."""

from __future__ import annotations

import ast

from racefree.summarize.model import ClassSummary, FunctionSummary


def note_kept_parameter(cls: ClassSummary, method: FunctionSummary, unassigned: set[str], attr: str,
                        value: ast.expr | None) -> None:
    """`self.<attr> = <parameter>` in a method of the class: in `__init__` whatever the parameter's
    default (a subclass's `__init__` may hand it a mutable one), elsewhere only a parameter with a
    mutable default. As (the method's qualname, the parameter), the first binding kept."""
    if type(value) is not ast.Name or value.id not in unassigned:
        return
    if method.name == "__init__" or value.id in method.mutable_defaults:
        cls.kept_defaults.setdefault(attr, (method.qualname, value.id))


def note_defaults_passed_up(cls: ClassSummary, method: FunctionSummary, node: ast.Call) -> None:
    """`super().__init__(name, events=events)` in `__init__`, where `events=[]`: the base's
    parameter (its keyword, or `#position`) -> (the `__init__`'s qualname, the parameter)."""
    if method.name != "__init__" or not method.mutable_defaults or not _calls_base_init(node):
        return
    for position, arg in enumerate(node.args):
        if type(arg) is ast.Name and arg.id in method.mutable_defaults:
            cls.defaults_passed_up.setdefault(f"#{position}", (method.qualname, arg.id))
    for keyword in node.keywords:
        if keyword.arg and type(keyword.value) is ast.Name and keyword.value.id in method.mutable_defaults:
            cls.defaults_passed_up.setdefault(keyword.arg, (method.qualname, keyword.value.id))


def _calls_base_init(node: ast.Call) -> bool:
    """`super().__init__(...)`."""
    func = node.func
    return type(func) is ast.Attribute and func.attr == "__init__" and type(func.value) is ast.Call \
        and type(func.value.func) is ast.Name and func.value.func.id == "super"
