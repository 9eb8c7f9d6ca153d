"""Which entry points reach each function, over the call graph, and by which chain of calls.

Reach is kept per *mode*: the context of the entry point (request, background, task) and whether
the code runs preemptively on threads or cooperatively on an event loop. An async handler and
the sync helpers it calls run on the loop; a sync handler and what it calls run on threads.
One breadth-first search per mode, from all its entry points at once, records for each function
the first entry point that reaches it and the caller it came through: enough for a chain, linear
in the size of the call graph.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from racefree.analysis.entry_points import EntryPoint, registers_where_it_decorates
from racefree.index import ProgramIndex
from racefree.knowledge.entry_points import (
    API,
    BACKGROUND,
    CONSTRUCTORS,
    COROUTINE_SCHEDULERS,
    SETTER_PREFIX,
    START_UP_METHODS,
    TASK,
    TEARDOWN_METHODS,
    TEARDOWN_VERBS,
)
from racefree.summarize.model import CALL


class Mode(NamedTuple):
    """How code runs (a tuple: modes are dictionary keys and set members by the million, and a
    tuple hashes in C)."""

    context: str
    preemptive: bool
    multiple: bool = True  # several instances of this code can run at once
    scheduled: bool = False  # run by a scheduler on its timetable, not for a caller
    polls: bool = False  # run by a thread that wakes on a timer, not for a caller


@dataclass(frozen=True, slots=True)
class Reach:
    entry: EntryPoint
    caller: str | None  # the function this one was first reached from (None: it is the entry)
    call_line: int  # the line of that call in the caller
    caller_mode: Mode | None = None  # the caller's mode, where it differs (see mode_of_callee)


class Reachability:
    def __init__(self, index: ProgramIndex, entries: list[EntryPoint]):
        self.index = index
        self.entries = entries
        self.by_function: dict[str, dict[Mode, Reach]] = {}
        # The same, over paths on which `self` is not an object still being built: a constructor,
        # and the methods it calls on `self`, work on an instance no other thread has yet.
        self.built_by_function: dict[str, dict[Mode, Reach]] = {}
        # Calls into a decorator that registers what it decorates are not followed: it runs
        # where handlers are declared (see registers_where_it_decorates).
        self._declaring = {fid for fid, info in index.functions.items()
                           if "<locals>" in fid and registers_where_it_decorates(index, info)}
        # Functions that are library API too, though a framework or a thread reaches them.
        self.also_api: set[str] = set()
        self._beyond_set_up: set[str] | None = None  # reached from an entry that sets nothing up
        self._beyond_teardown: set[str] | None = None  # reached other than through a teardown
        self._modules_by_path: dict | None = None
        by_mode: dict[Mode, list[EntryPoint]] = {}
        self.entry_modes: dict[str, set[Mode]] = {}  # function -> the modes its own entries run it in
        for entry in entries:
            mode = self.mode_of(entry)
            by_mode.setdefault(mode, []).append(entry)
            self.entry_modes.setdefault(entry.fid, set()).add(mode)
        self.entry_functions = set(self.entry_modes)
        for mode, sources in by_mode.items():
            self._search(mode, sources)
        self._prefer_framework_reach()

    def only_while_setting_up(self, fid: str) -> bool:
        """Every entry point that reaches the function is library API that sets something up: a
        method that starts an object up (`client.start()`, `async with app:`), which programs run
        once per object, or a module's setter (`set_start_method(m)`), which they call while they
        configure."""
        if self._beyond_set_up is None:
            self._beyond_set_up = self._reached_from(
                [e.fid for e in self.entries if not (sets_up(e) or self._spawned_while_starting(e))])
        return fid not in self._beyond_set_up

    def only_while_tearing_down(self, fid: str) -> bool:
        """The function tears its object down (`close()`), or every chain of calls that reaches
        it runs through one that does (`close()` calling the private `_close_session()` that does
        the work): programs run one teardown per object. Chains start at the entry points and at
        every function the program's code never calls (one called dynamically, as
        `getattr(self, "_connect_" + transport)()` calls its connectors, among them)."""
        if self._beyond_teardown is None:
            roots = [f for f in self.index.functions if not tears_down(f.rsplit(".", 1)[-1])
                     and (f in self.entry_functions or not self.index.calls_to.get(f))]
            self._beyond_teardown = self._closure(roots, lambda caller, edge: not tears_down(edge.callee.rsplit(".", 1)[-1]))
        return fid not in self._beyond_teardown

    def _spawned_while_starting(self, entry: EntryPoint) -> bool:
        """A task or thread that a method starting its object up spawns (`start()` running
        `asyncio.ensure_future(self._start())`): one runs per start of the object."""
        if entry.context not in (TASK, BACKGROUND):
            return False
        _, spawner = self.registered_in(entry)
        return spawner is not None and spawner.class_name is not None and starts_its_object_up(spawner.name)

    def registered_in(self, entry: EntryPoint):
        """The module and the function whose code registers the entry point (the call that hands
        it to a thread or a gather, the decorator line): (None, None) where no function holds it."""
        if not entry.file:
            return None, None
        if self._modules_by_path is None:
            self._modules_by_path = {m.path: m for m in self.index.modules.values()}
        module = self._modules_by_path.get(entry.file)
        if module is None:
            return None, None
        return module, self.index.function_around(module, entry.line)

    def _reached_from(self, roots: list[str]) -> set[str]:
        """The functions the roots reach, except through a constructor or a `with` entering the
        object that starts its own object up (`__init__` or `__enter__` calling `self.start()`),
        which runs once per object."""
        def follows(caller: str, edge) -> bool:
            if edge.callee in self._declaring:
                return False
            constructing = self._constructor(caller) or caller.rsplit(".", 1)[-1] in ("__enter__", "__aenter__")
            return not (constructing and _on_self(edge.call) and starts_its_object_up(edge.callee.rsplit(".", 1)[-1]))

        return self._closure(roots, follows)

    def _closure(self, roots: list[str], follows) -> set[str]:
        """The roots and the functions their calls reach, over the call edges `follows(caller,
        edge)` accepts."""
        reached = set(roots)
        work = list(roots)
        while work:
            caller = work.pop()
            for edge in self.index.calls_from.get(caller, ()):
                if edge.callee not in reached and follows(caller, edge):
                    reached.add(edge.callee)
                    work.append(edge.callee)
        return reached

    def _prefer_framework_reach(self) -> None:
        """Public-API reach is the fallback for code nothing else says how it runs: where a
        framework entry point or a thread reaches a function, that is how it runs."""
        for fid, modes in self.by_function.items():
            if any(mode.context == API for mode in modes) and any(mode.context != API for mode in modes):
                self.also_api.add(fid)
                self.by_function[fid] = {m: r for m, r in modes.items() if m.context != API}
                built = self.built_by_function.get(fid)
                if built:
                    self.built_by_function[fid] = {m: r for m, r in built.items() if m.context != API}

    def mode_of(self, entry: EntryPoint) -> Mode:
        info = self.index.functions.get(entry.fid)
        is_async = info is not None and info.summary.is_async
        if entry.context == BACKGROUND:
            return Mode(BACKGROUND, True, entry.multiple, entry.scheduled, entry.polls)
        return Mode(entry.context, not is_async and not entry.on_loop, entry.multiple)

    def _search(self, mode: Mode, sources: list[EntryPoint]) -> None:
        """Breadth-first over (function, self under construction): each function is reached at
        most twice per mode, once on a path where its `self` is being built and once where not."""
        queue: deque[tuple[str, bool, Mode]] = deque()
        for entry in sources:
            building = self._constructor(entry.fid)
            if self._reach(entry.fid, building, mode, Reach(entry, None, 0)):
                queue.append((entry.fid, building, mode))
        while queue:
            fid, building, current = queue.popleft()
            table = self.by_function if building else self.built_by_function
            reach = table[fid][current]
            for edge in self.index.calls_from.get(fid, ()):
                if edge.callee in self._declaring:
                    continue
                callee = edge.call.callee
                on_self = _on_self(edge.call) or (callee is not None and callee.root_kind == "super")
                # A method called on an object the caller just made (`loader = RateLoader(src)`,
                # `loader._load(k)`) works on that call's own object, as a constructor does.
                callee_building = self._constructor(edge.callee) or (building and on_self) \
                    or edge.call.made_receiver is not None
                callee_mode = self.mode_of_callee(fid, edge, current)
                came = Reach(reach.entry, fid, edge.line, current if callee_mode != current else None)
                if self._reach(edge.callee, callee_building, callee_mode, came):
                    queue.append((edge.callee, callee_building, callee_mode))

    def modes_into(self, caller: str, callee: str) -> set[Mode]:
        """The modes in which the caller's calls run the callee."""
        edges = [edge for edge in self.index.calls_from.get(caller, ()) if edge.callee == callee]
        if not edges:
            return set(self.modes(caller))
        return set().union(*(self.modes_through(edge) for edge in edges))

    def modes_through(self, edge) -> set[Mode]:
        """The modes in which the call runs its callee: its caller's (see mode_of_callee)."""
        return {self.mode_of_callee(edge.caller, edge, mode) for mode in self.modes(edge.caller)}

    def mode_of_callee(self, caller: str, edge, mode: Mode) -> Mode:
        """A coroutine function that plain code calls runs where its coroutine is awaited. Where
        the plain caller hands the coroutine back (a dispatcher returning `_astream(...)`) or
        schedules it on a running loop (`asyncio.ensure_future(...)`,
        `run_coroutine_threadsafe(..., loop)`), that is an event loop, whichever thread made it:
        its body runs cooperatively. Anything else (`asyncio.run(main())`, a helper running it on
        a loop of the calling thread's own) keeps the caller's mode."""
        if not mode.preemptive:
            return mode
        callee = self.index.functions.get(edge.callee)
        if callee is None or not callee.summary.is_async:
            return mode
        info = self.index.functions.get(caller)
        if info is None or info.summary.is_async:
            return mode
        if _returns_the_call(info.summary, edge.call) or any(
                call.line == edge.line and _schedules_on_a_loop(call) for call in info.summary.calls):
            return mode._replace(preemptive=False)
        return mode

    def _reach(self, fid: str, building: bool, mode: Mode, reach: Reach) -> bool:
        """Record the first reach of fid in this mode (and, off construction paths, in the
        built table too); True when (fid, building) is reached for the first time."""
        reached = self.by_function.setdefault(fid, {})
        first = mode not in reached
        if first:
            reached[mode] = reach
        if building:
            return first
        built = self.built_by_function.setdefault(fid, {})
        if mode in built:
            return False
        built[mode] = reach
        return True

    def _constructor(self, fid: str) -> bool:
        info = self.index.functions.get(fid)
        return info is not None and info.summary.class_name is not None and info.summary.name in CONSTRUCTORS

    def modes(self, fid: str) -> dict[Mode, Reach]:
        return self.by_function.get(fid, {})

    def built_modes(self, fid: str) -> dict[Mode, Reach]:
        """The modes that reach fid on a path where its `self` is already built (and may be shared)."""
        return self.built_by_function.get(fid, {})

    def chain(self, fid: str, mode: Mode, built: bool = False) -> list[tuple[str, int]]:
        """(function, line of the call it makes next) from the entry point down to fid; with
        built, along a path on which fid's `self` is not under construction."""
        steps: list[tuple[str, int]] = []
        current: str | None = fid
        line = 0
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            table = self.built_by_function if built and mode in self.built_by_function.get(current, {}) else self.by_function
            reach = table[current][mode]
            steps.append((current, line))
            line = reach.call_line
            current = reach.caller
            mode = reach.caller_mode or mode
        steps.reverse()
        return steps


def sets_up(entry: EntryPoint) -> bool:
    """Library API that sets up: a method that starts its object up (`start`, `initialize`,
    `__aenter__`), or a module's setter (`set_start_method`)."""
    name = entry.fid.rsplit(".", 1)[-1]
    if entry.framework == "public function":
        return name.lstrip("_").startswith(SETTER_PREFIX)
    return entry.framework == "public method" and starts_its_object_up(name)


def _bare(name: str) -> str:
    """The name without the underscores of a private method (`_close` -> `close`); a dunder as it is."""
    return name if name.startswith("__") else name.lstrip("_")


def _schedules_on_a_loop(call) -> bool:
    callee = call.callee
    if callee is None:
        return False
    return (callee.attrs[-1] if callee.attrs else callee.root) in COROUTINE_SCHEDULERS


def _returns_the_call(summary, call) -> bool:
    """`return _astream(...)`: the function hands the call's result back."""
    callee = call.callee
    return callee is not None and any(
        ref.attrs[-1:] == (CALL,) and ref.root_kind == callee.root_kind and ref.root == callee.root
        and ref.attrs[:-1] == callee.attrs for ref in summary.returns)


def _on_self(call) -> bool:
    return call.callee is not None and call.callee.names_own_member()


def tears_down(name: str) -> bool:
    """`close`, `_close`, `__exit__`, `close_session`, `stop_supervisor`: a method by that name tears
    its object, or the part it names, down."""
    bare = _bare(name)
    return bare in TEARDOWN_METHODS or bare.split("_", 1)[0] in TEARDOWN_VERBS


def starts_its_object_up(name: str) -> bool:
    """`start`, `initialize`, `__aenter__`: a method by that name starts its object up."""
    return _bare(name) in START_UP_METHODS
