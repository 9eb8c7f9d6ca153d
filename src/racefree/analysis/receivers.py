"""Which classes the object can be when a method runs on it as `self`, by the way the method is
reached.

The call graph dispatches `self.m()` in a base's method to every subclass's `m`, and a search of
it keeps no receiver: from a public method of one class it can arrive in an override that only a
sibling class, or a subclass that replaces the entry method, ever runs. Two accesses to an
attribute through `self` race only on one object, so only where some class of the program runs
both: the asynchronous sender's thread (`_send_loop` -> `self._close()`) and the plain sender's
`close()`, which the asynchronous one replaces, never touch one sender.

Walking back from a method over the calls made on `self` narrows the classes: each such call
`self.name()` that arrives in a method needs a class whose `name` is that method, and `super()`
a subclass of the caller's class; a call on another object, or an entry point, ends the walk.
Classes are those of the program: a user's subclass behaves as the program class it extends,
where it does not replace a method.
"""

from __future__ import annotations

from racefree.analysis.reachability import Mode, Reachability
from racefree.index import ProgramIndex

# States (function, classes) one question may visit before it gives up and answers "any class".
_WALK_LIMIT = 400


class Receivers:
    def __init__(self, index: ProgramIndex, reach: Reachability):
        self.index = index
        self.reach = reach
        self._entry_modes = reach.entry_modes
        # (entry function, mode) -> the classes its entries run it on; None: any class
        self._entry_receivers: dict[tuple[str, Mode], frozenset[str] | None] = {}
        for entry in reach.entries:
            key = (entry.fid, reach.mode_of(entry))
            known = self._entry_receivers.get(key, frozenset())
            if entry.receiver is None or known is None:
                self._entry_receivers[key] = None
            else:
                self._entry_receivers[key] = known | frozenset(index.subclasses_and_self(entry.receiver))
        self._runs: dict[str, frozenset[str] | None] = {}
        self._answers: dict[tuple[str, Mode], frozenset[str] | None] = {}

    def classes(self, fid: str, mode: Mode | None) -> frozenset[str] | None:
        """The program classes whose instances the method runs on when it is reached in this mode
        (with None, in any way it is reached, or called); None where that is not known (not a
        method, or too many ways to it)."""
        key = (fid, mode)
        if key not in self._answers:
            self._answers[key] = self._walk_back(fid, mode)
        return self._answers[key]

    def _walk_back(self, fid: str, mode: Mode | None) -> frozenset[str] | None:
        index = self.index
        info = index.functions.get(fid)
        if info is None or info.class_id not in index.classes:
            return None
        found: set[str] = set()
        start = frozenset(index.subclasses_and_self(info.class_id))
        work = [(fid, start)]
        seen: set[tuple[str, frozenset[str]]] = set()
        while work:
            state = work.pop()
            if state in seen:
                continue
            if len(seen) >= _WALK_LIMIT:
                return None
            seen.add(state)
            function, classes = state  # the classes the code below this call needs
            running = self._narrowed(classes, function)  # reached by its name, on such a class
            entry_modes = self._entry_modes.get(function, ())
            callers = index.calls_to.get(function, ())
            if mode in entry_modes:
                # an entry point, on the class of the object it was handed with, where known
                on = self._entry_receivers.get((function, mode))
                found |= running if on is None else running & on
            elif mode is None and (entry_modes or not callers):
                found |= running  # (in any mode) code the program calls unseen
            for edge in callers:
                caller = edge.caller
                if mode is not None and mode not in self.reach.modes_through(edge):
                    continue
                callee = edge.call.callee
                if callee is not None and callee.root_kind == "super":
                    caller_class = index.functions[caller].class_id
                    if caller_class in index.classes:
                        work.append((caller, classes & frozenset(index.subclasses_and_self(caller_class))))
                    else:
                        found |= classes
                elif function.startswith(caller + ".<locals>."):
                    work.append((caller, classes))  # a nested function sees its parent's `self`
                elif callee is not None and callee.names_own_member():
                    if running:
                        work.append((caller, running))  # the same `self`, one call up
                else:
                    found |= running  # called on another object: whatever class it is
        return frozenset(found)

    def _narrowed(self, classes: frozenset[str], function: str) -> frozenset[str]:
        runs = self._running(function)
        return classes if runs is None else classes & runs

    def _running(self, function: str) -> frozenset[str] | None:
        """The classes whose instances run this method for its name; None for a function that
        is no method of a class (a nested function sees its parent's `self`)."""
        if function not in self._runs:
            self._runs[function] = self._classes_running(function)
        return self._runs[function]

    def _classes_running(self, function: str) -> frozenset[str] | None:
        index = self.index
        info = index.functions.get(function)
        if info is None or info.class_id not in index.classes or "<locals>" in info.summary.qualname:
            return None
        name = info.summary.name
        if info.summary.qualname != f"{info.summary.class_name}.{name}":
            function = function.rsplit(".", 1)[0]  # a property's setter, `Babel.locale.setter`: its getter's classes
        return frozenset(c for c in index.subclasses_and_self(info.class_id)
                         if index.function_of(index.class_member(c, name, instance=True)) == function)
