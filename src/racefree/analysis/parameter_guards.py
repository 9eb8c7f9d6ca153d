"""Accesses guarded by a test on a parameter are reached only through calls that can pass such a
value: `register_serializer(fmt, module, serializers)` with a dict of the caller's own never runs
`if serializers is None: _serializers[fmt] = module`, and `FloatField()` (auto_created=False)
never runs `if auto_created: Field.auto_creation_counter -= 1`.

An entry point's callers pass anything (where the function is one, its own entries' modes
stand, and the program's calls of it are still asked: a pool job calling `set_client(c,
context_wise=True)` never runs the public setter's store of the global), and a call that passes
an argument of unknown kind, or spreads `*args`/`**kwargs`, can satisfy any test, except where
the spread is the calling function's own arguments passed on (`super().__init__(*args,
**kwargs)` in a subclass's constructor): then what reaches the parameter is what that
function's own callers pass, and they are asked in turn (see summarize.forwarding).
"""

from __future__ import annotations

from racefree.analysis.reachability import Mode, Reach, Reachability
from racefree.index import ProgramIndex
from racefree.summarize.model import FALSE, FALSY, IS_NONE, NONE, NOT_NONE, SOME, TRUE, TRUTHY, Call, FunctionSummary

# The kinds of value each test rules out.
_RULES_OUT = {IS_NONE: {TRUE, FALSE, SOME}, NOT_NONE: {NONE}, TRUTHY: {NONE, FALSE}, FALSY: {TRUE}}

# How many functions that pass their arguments on are followed, one above the other.
_FORWARDING_DEPTH = 4


def guarded_modes(index: ProgramIndex, reach: Reachability, fid: str, guards: tuple[tuple[str, str], ...],
                  modes: dict[Mode, Reach]) -> dict[Mode, Reach]:
    """The modes (of those given for the function) in which the guarded access can run. Where
    the function is an entry point itself, its callers there pass anything: those modes stand,
    and the calls the program makes of it are asked as any function's are."""
    if not modes:
        return modes
    callee = index.functions[fid].summary
    allowed: set[Mode] = set(reach.entry_modes.get(fid, ()))
    if allowed.issuperset(modes):
        return modes
    for edge in index.calls_to.get(fid, ()):
        kinds = [(test, _argument_kind(edge.call, callee, name)) for name, test in guards]
        if any(kind in _RULES_OUT[test] for test, kind in kinds if kind is not None):
            continue
        passed_on = [(name, test, kind[1]) for (name, test), (_, kind) in zip(guards, kinds) if type(kind) is tuple]
        if passed_on and edge.caller not in reach.entry_functions:
            allowed |= _modes_passing(index, reach, edge.caller, edge.call.forwards, callee, passed_on, _FORWARDING_DEPTH)
        else:
            allowed |= reach.modes_through(edge)
    return {mode: r for mode, r in modes.items() if mode in allowed}


def _argument_kind(call: Call, callee: FunctionSummary, name: str) -> str | tuple[str, int | None] | None:
    """The kind of value the call passes for the parameter: what it passes, else the default;
    None when unknown; ("forwarded", position) when it comes from what the calling function was
    given (its `*args`/`**kwargs`, passed on)."""
    parameters = callee.parameters
    position = parameters.index(name) if name in parameters else None
    for arg_position, keyword, kind in call.argument_kinds:
        if keyword == name or (keyword is None and arg_position == position):
            return kind
    forwards = call.forwards
    if forwards is not None:
        keys_set = forwards[2]
        if name in keys_set:
            return None  # the function sets it itself
        if position is not None and position < _explicit_positional(call):
            return None  # passed by position, of unknown kind
        return ("forwarded", position)
    if call.spreads or (position is not None and position < call.positional):
        return None  # passed, of unknown kind
    return callee.default_kinds.get(name)


def _modes_passing(index: ProgramIndex, reach: Reachability, wrapper: str, forwards: tuple[int, int, tuple[str, ...]],
                   target: FunctionSummary, guards: list[tuple[str, str, int | None]], depth: int) -> set[Mode]:
    """The modes of the callers of `wrapper` whose arguments, passed on by it to `target`, can
    satisfy the guards (name, test, the parameter's position in target)."""
    if depth == 0:
        return set(reach.modes(wrapper))
    star_at, named_positional, _ = forwards
    wrapper_summary = index.functions[wrapper].summary
    allowed: set[Mode] = set()
    for edge in index.calls_to.get(wrapper, ()):
        call = edge.call
        onward = []
        ruled_out = False
        for name, test, position in guards:
            if name in wrapper_summary.parameters:  # the wrapper takes it for itself
                kind = target.default_kinds.get(name)
            else:
                kind = _kind_into_spread(call, name, position, star_at, named_positional, target)
            if type(kind) is tuple:
                onward.append((name, test, kind[1]))
            elif kind is not None and kind in _RULES_OUT[test]:
                ruled_out = True
                break
        if ruled_out:
            continue
        if onward and call.forwards is not None and edge.caller not in reach.entry_functions:
            allowed |= _modes_passing(index, reach, edge.caller, call.forwards, target, onward, depth - 1)
        else:
            allowed |= reach.modes_through(edge)
    return allowed


def _kind_into_spread(call: Call, name: str, position: int | None, star_at: int,
                      named_positional: int, target: FunctionSummary) -> str | tuple[str, int | None] | None:
    """What a call of the wrapper passes on for `name` through its `*args`/`**kwargs`: the
    target's default when the call passes nothing there; None when unknown."""
    for _, keyword, kind in call.argument_kinds:
        if keyword == name:
            return kind
    if call.forwards is not None:
        if name in call.forwards[2]:
            return None  # the calling function sets it itself
    elif call.spreads:
        return None  # spreads arguments of its own
    if star_at != -1 and position is not None and _explicit_positional(call) > named_positional + position - star_at:
        return None  # a positional argument lands on it through `*args`
    if call.forwards is not None:
        return ("forwarded", position)
    return target.default_kinds.get(name)


def _explicit_positional(call: Call) -> int:
    """The positional arguments a call writes out, its `*args` of its own function left out."""
    return call.positional - (1 if call.forwards is not None and call.forwards[0] != -1 else 0)
