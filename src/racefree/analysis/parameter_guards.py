"""Accesses guarded by a test on a parameter are reached only through calls that can pass such a
value: `register_serializer(fmt, module, serializers)` with a dict of the caller's own never runs
`if serializers is None: _serializers[fmt] = module`, and `FloatField()` (auto_created=False)
never runs `if auto_created: Field.auto_creation_counter -= 1`.

An entry point's callers pass anything, and a call that passes an argument of unknown kind, or
spreads `*args`/`**kwargs`, can satisfy any test.
"""

from __future__ import annotations

from racefree.analysis.reachability import Mode, Reach, Reachability
from racefree.index import ProgramIndex
from racefree.summarize.model import FALSE, FALSY, IS_NONE, NONE, NOT_NONE, SOME, TRUE, TRUTHY, Call, FunctionSummary

# The kinds of value each test rules out.
_RULES_OUT = {IS_NONE: {TRUE, FALSE, SOME}, NOT_NONE: {NONE}, TRUTHY: {NONE, FALSE}, FALSY: {TRUE}}


def guarded_modes(index: ProgramIndex, reach: Reachability, fid: str, guards: tuple[tuple[str, str], ...],
                  modes: dict[Mode, Reach]) -> dict[Mode, Reach]:
    """The modes (of those given for the function) in which the guarded access can run."""
    if not modes or fid in reach.entry_functions:
        return modes
    callee = index.functions[fid].summary
    allowed: set[Mode] = set()
    for edge in index.calls_to.get(fid, ()):
        if can_satisfy(edge.call, callee, guards):
            allowed.update(reach.modes(edge.caller))
    return {mode: r for mode, r in modes.items() if mode in allowed}


def can_satisfy(call: Call, callee: FunctionSummary, guards: tuple[tuple[str, str], ...]) -> bool:
    for name, test in guards:
        kind = _argument_kind(call, callee, name)
        if kind is not None and kind in _RULES_OUT[test]:
            return False
    return True


def _argument_kind(call: Call, callee: FunctionSummary, name: str) -> str | None:
    """The kind of value the call passes for the parameter: what it passes, else the default;
    None when unknown."""
    parameters = callee.parameters
    position = parameters.index(name) if name in parameters else None
    for arg_position, keyword, kind in call.argument_kinds:
        if keyword == name or (keyword is None and arg_position == position):
            return kind
    if call.spreads or (position is not None and position < call.positional):
        return None  # passed, of unknown kind
    return callee.default_kinds.get(name)
