"""Callbacks scheduled on an event loop run on the thread that runs that loop.

`self._loop.call_soon_threadsafe(self._shutdown)` from another thread does not call `_shutdown`
there: the loop calls it later, on its own thread. That thread is the one running the function
that took the loop (`self._loop = asyncio.get_running_loop()` in a coroutine) or that runs it
(`loop.run_forever()`). The call graph gets an edge from that function to the callback, so the
callback is reached from the same entry point as the loop's other code, and the scheduling
function does not call it at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from racefree.knowledge.entry_points import LOOP_GETTERS, LOOP_RUNNERS, LOOP_SCHEDULING_METHODS
from racefree.summarize.model import Call

if TYPE_CHECKING:
    from racefree.index import CallEdge, ProgramIndex, Symbol


def loop_callback_edges(index: ProgramIndex) -> list[tuple[str, str, int]]:
    """(function running the loop, callback, line where it takes or runs the loop) for each
    callback scheduled on a loop whose running function is known."""
    scheduled = [(info, call) for info in index.functions.values() for call in info.summary.calls
                 if call.callee is not None and call.callee.attrs and call.function_args
                 and call.callee.attrs[-1] in LOOP_SCHEDULING_METHODS]
    if not scheduled:
        return []
    runners = _loop_runners(index)
    edges = []
    for info, call in scheduled:
        loop = index.receiver_symbol(info, call.callee)
        if loop is None:
            continue
        position = LOOP_SCHEDULING_METHODS[call.callee.attrs[-1]]
        callback = next((arg for arg in call.function_args if arg.position == position), None)
        target = index.resolve_function_arg(info, callback) if callback is not None else None
        if target is None:
            continue
        for runner, line in runners.get(loop.name, ()) or _taker_of(index, loop):
            edges.append((runner, target, line))
    return edges


def callback_edge(caller: str, callee: str, line: int, edge_type: type[CallEdge]) -> CallEdge:
    """An edge for a loop callback: no locks are held, the loop calls it from its own stack."""
    return edge_type(caller, callee, line, Call(callee=None, local_callee=None, line=line, col=0, spreads=True))


def _loop_runners(index: ProgramIndex) -> dict[str, list[tuple[str, int]]]:
    """Loop object -> the functions that run it (`loop.run_forever()`), with the line."""
    runners: dict[str, list[tuple[str, int]]] = {}
    for info in index.functions.values():
        for call in info.summary.calls:
            callee = call.callee
            if callee is None or not callee.attrs or callee.attrs[-1] not in LOOP_RUNNERS:
                continue
            loop = index.receiver_symbol(info, callee)
            if loop is not None:
                runners.setdefault(loop.name, []).append((info.fid, call.line))
    return runners


def _taker_of(index: ProgramIndex, loop: Symbol) -> list[tuple[str, int]]:
    """The function that bound the loop object to the loop running it
    (`self._loop = asyncio.get_running_loop()`), found by the binding's line."""
    binding = loop.binding
    if binding is None or not binding.constructor or binding.constructor.rsplit(".", 1)[-1] not in LOOP_GETTERS:
        return []
    if loop.owner_class is not None and loop.owner_class in index.classes:
        module = index.classes[loop.owner_class][0]
    else:
        module = index.modules.get(loop.name.rsplit(".", 1)[0])
    if module is None:
        return []
    innermost = index.function_around(module, binding.line)
    return [(f"{module.module}.{innermost.qualname}", binding.line)] if innermost is not None else []
