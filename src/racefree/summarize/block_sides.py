"""The methods that open and close the `with` block of a class's instances."""

from __future__ import annotations

from racefree.knowledge.entry_points import ENTER_OF_EXIT
from racefree.summarize.model import ClassSummary, FunctionSummary


def block_side(cls: ClassSummary, functions: dict[str, FunctionSummary], name: str) -> list[FunctionSummary]:
    """The class's `__enter__` (or `__exit__`, by name) and the methods of the class it calls on
    `self`: `def __enter__(self): return self.start()`, as freezegun's `_freeze_time` pushes its
    entry in `start` and pops it in `stop`. Empty when the class has no such method."""
    qualname = cls.methods.get(name)
    method = functions.get(qualname) if qualname else None
    if method is None:
        return []
    side = [method]
    for call in method.calls:
        callee = call.callee
        if callee is None or callee.root_kind != "self" or len(callee.attrs) != 1:
            continue
        called = cls.methods.get(callee.attrs[0])
        summary = functions.get(called) if called else None
        if summary is not None and summary not in side:
            side.append(summary)
    return side


def opening_side(cls: ClassSummary, functions: dict[str, FunctionSummary],
                 method: FunctionSummary) -> list[FunctionSummary]:
    """Where the method closes the class's `with` block (it is `__exit__`, or a method of the class
    `__exit__` calls on `self`): the methods that open it (`__enter__` and those it calls).
    Empty otherwise."""
    for exit_name, enter_name in ENTER_OF_EXIT.items():
        if any(closing is method for closing in block_side(cls, functions, exit_name)):
            return block_side(cls, functions, enter_name)
    return []
