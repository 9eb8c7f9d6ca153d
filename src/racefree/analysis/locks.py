"""Which locks are held at each access: the ones taken lexically around it, plus the ones every
caller holds on every path to its function (an intersection over the call graph)."""

from __future__ import annotations

from racefree.index import FUNCTION, INSTANCE_ATTR, ProgramIndex
from racefree.knowledge.merged import BUILT_IN, Knowledge
from racefree.knowledge.sync import named_like_a_lock
from racefree.summarize.model import CALL, CLAIMED, Ref


_NO_LOCKS: frozenset[str] = frozenset()


class LockModel:
    def __init__(self, index: ProgramIndex, entry_functions: set[str] | None, knowledge: Knowledge = BUILT_IN):
        """entry_functions: where no lock is held on entry; None for a model that only names the
        locks taken lexically (before the entry points are known)."""
        self.index = index
        self.knowledge = knowledge
        self._ids: dict[tuple[str, Ref], str | None] = {}
        self.held_on_entry: dict[str, frozenset[str]] = {}
        # Locks that are attributes of ordinary instances (`self._lock`): each instance has its
        # own, so they order nothing for state that all instances share.
        self.per_instance: set[str] = set()
        self._claiming_calls: dict[str, list[tuple[int, str]]] = {}
        self._building: dict[str, frozenset[str]] = {}  # class -> the locks that are attributes of its instances
        self._methods_by_class: dict[str, list] | None = None
        if entry_functions is not None:
            self._propagate(entry_functions)

    def lock_id(self, fid: str, ref: Ref) -> str | None:
        """A stable name for the lock a `with` or `acquire()` names, or None if it is no lock."""
        key = (fid, ref)
        if key in self._ids:
            return self._ids[key]
        self._ids[key] = None  # while it is worked out: a cycle of managers names no lock
        if len(ref.attrs) >= 2 and ref.attrs[-1] == CALL and (ref.attrs[:-2] or ref.root_kind == "global"):
            # `with self._lock.writer():`, `with rwlock.read_lock():`: a method of a lock object
            # that returns a context holding it (a reader-writer lock's sides exclude each other).
            receiver = self.lock_id(fid, Ref(ref.root_kind, ref.root, ref.attrs[:-2]))
            if receiver is not None:
                self._ids[key] = receiver
                return receiver
        info = self.index.functions[fid]
        if ref.attrs and ref.attrs[-1] == CLAIMED:
            lock = self._claim_id(info, _flag_of(ref))
            self._ids[key] = lock
            return lock
        if ref.attrs and ref.attrs[-1] == CALL:
            held = self._held_by_context_manager(fid, Ref(ref.root_kind, ref.root, ref.attrs[:-1]))
            if held is None and len(ref.attrs) >= 2 and named_like_a_lock(ref.attrs[-2]):
                held = self._handed_out_lock(info, ref)
            if held is not None:
                self._ids[key] = held
                return held
        symbol = self.index.resolve_ref(info.module, ref, info.summary.class_name)
        lock = None
        named_as_lock = named_like_a_lock(ref.attrs[-1] if ref.attrs else ref.root)
        if symbol is not None:
            constructor = symbol.typed or ""
            if self.knowledge.is_lock_constructor(constructor) or named_as_lock:
                lock = symbol.name
                if self._class_level_through_the_class(ref, symbol):
                    lock = f"{symbol.name} (class-level)"  # not the one each instance binds
                elif symbol.kind == INSTANCE_ATTR and not self._has_singleton(symbol.owner_class):
                    self.per_instance.add(lock)
        elif named_as_lock and ref.root_kind != "made":
            # (The lock of an object made of another library's class is one per call: it orders
            # nothing the calls share.)
            lock = f"{info.module.module}:{ref.text()}"
        self._ids[key] = lock
        return lock

    def _class_level_through_the_class(self, ref: Ref, symbol) -> bool:
        """`with ProfileSessionManager._lock:` where the class body binds `_lock` and `__init__`
        binds another per instance: named through the class, it is the one class-level lock, a
        lock of its own beside the instances'."""
        if ref.root_kind == "self" or not ref.attrs or symbol.owner_class not in self.index.classes:
            return False
        summary = self.index.classes[symbol.owner_class][1]
        return ref.attrs[-1] in summary.attributes and ref.attrs[-1] in summary.instance_attributes

    def _handed_out_lock(self, info, ref: Ref) -> str | None:
        """`with self._failed_pin_auth.get_lock():`: a method whose name says it hands out the
        object's lock (multiprocessing's synchronized `Value` and `Array`), named by the object
        and the method, one lock per object."""
        receiver = Ref(ref.root_kind, ref.root, ref.attrs[:-2])
        if not receiver.attrs and receiver.root_kind not in ("global", "self"):
            return None  # a local or a parameter: which object it is cannot be told
        symbol = self.index.resolve_ref(info.module, receiver, info.summary.class_name) if receiver.attrs else None
        if symbol is None:
            return f"{info.module.module}:{ref.text()}"
        lock = f"{symbol.name}.{ref.attrs[-2]}()"
        if symbol.kind == INSTANCE_ATTR and not self._has_singleton(symbol.owner_class):
            self.per_instance.add(lock)
        return lock

    def _claim_id(self, info, flag: Ref) -> str:
        """The lock a claimed flag stands for: one per flag, and per instance for an attribute of
        an ordinary instance (each object's runs are claimed on its own flag)."""
        symbol = self.index.resolve_ref(info.module, flag, info.summary.class_name)
        if symbol is None:
            return f"{info.module.module}:{flag.text()}{CLAIMED}"
        if symbol.kind == INSTANCE_ATTR and not self._has_singleton(symbol.owner_class):
            self.per_instance.add(symbol.name + CLAIMED)
        return symbol.name + CLAIMED

    def _held_by_context_manager(self, fid: str, callee: Ref) -> str | None:
        """`with self._locked():` where `_locked` is a generator that yields inside `with
        self._lock:`, or `with self.get_lock():` where `get_lock` returns the lock: the body of the
        `with` runs under that lock."""
        info = self.index.functions[fid]
        symbol = self.index.resolve_ref(info.module, callee, info.summary.class_name)
        if symbol is None or symbol.kind != FUNCTION or symbol.name not in self.index.functions:
            return None
        manager = self.index.functions[symbol.name].summary
        # A generator that yields under the lock, or a function that returns the lock itself
        # (tqdm's `with self.get_lock():`, which returns `cls._lock`).
        for lock in (*manager.yield_locks, *manager.returns):
            held = self.lock_id(symbol.name, lock)
            if held is not None:
                return held
        return None

    def _has_singleton(self, class_id: str | None) -> bool:
        return class_id is not None and any(
            self.index.singletons.get(c) for c in self.index.subclasses_and_self(class_id)
        )

    def lexical(self, fid: str, refs: tuple[Ref, ...], line: int | None = None) -> frozenset[str]:
        """The locks taken around a point of fid, and (given its line) the claims that methods
        it called on its own object before that line left it holding."""
        claimed = self._claims_from_calls(fid, line) if line is not None else _NO_LOCKS
        if not refs:
            return claimed
        return frozenset(filter(None, (self.lock_id(fid, r) for r in refs))) | claimed

    def held(self, fid: str, refs: tuple[Ref, ...], line: int | None = None) -> frozenset[str]:
        return self.lexical(fid, refs, line) | self.held_on_entry.get(fid, frozenset())

    def _claims_from_calls(self, fid: str, line: int) -> frozenset[str]:
        """`self._reset_run_tracking()`, a method that claims a flag and leaves it claimed: the
        code after the call, to the end of the function, holds the claim. Not a call made only
        while the flag is unset (`if self._session is None: await self._create_session()`): the
        callers that find it set go on past the `if` without claiming anything."""
        calls = self._claiming_calls.get(fid)
        if calls is None:
            calls = self._claiming_calls[fid] = [
                (edge.call.line, self._claim_id(self.index.functions[edge.callee], _flag_of(claim)))
                for edge in self.index.calls_from.get(fid, ())
                if edge.call.callee is not None and edge.call.callee.names_own_member()
                for claim in self.index.functions[edge.callee].summary.claims
                if not _tested_by(edge.call.lazy_guards, _flag_of(claim))]
        if not calls:
            return _NO_LOCKS
        return frozenset(lock for at, lock in calls if at < line)

    def _propagate(self, entry_functions: set[str]) -> None:
        """The locks held on every path into each function: first over the paths from the entry
        points, then, for the functions those never reach, from the functions nothing calls (a
        method stored as a callback, a testing helper). A reached function keeps what its reached
        callers hold: a testing helper such as pubsub's `_set_batch`, which calls it without the
        lock, runs in no mode the analysis reports."""
        index = self.index
        held: dict[str, frozenset[str] | None] = {}
        self._spread(held, [fid for fid in entry_functions if fid in index.functions], entry_functions, fixed=set())
        reached = set(held)
        orphans = [fid for fid in index.functions if fid not in index.calls_to and fid not in reached]
        self._spread(held, orphans, entry_functions, fixed=reached)
        self.held_on_entry = {fid: locks for fid, locks in held.items() if locks}

    def _spread(self, held: dict, roots: list[str], entry_functions: set[str], fixed: set[str]) -> None:
        """Intersect, into `held`, the locks each call from the roots onwards holds, leaving the
        functions in `fixed` as they are."""
        for fid in roots:
            held[fid] = frozenset()
        work = list(roots)
        while work:
            fid = work.pop()
            mine = held[fid]
            building = self._own_locks_while_building(fid)
            for edge in self.index.calls_from.get(fid, ()):
                callee = edge.callee
                if callee in entry_functions or callee in fixed:
                    continue
                offered = mine | self.lexical(fid, edge.call.locks, edge.call.line)
                if building and edge.call.callee is not None and edge.call.callee.names_own_member():
                    offered |= building
                current = held.get(callee)
                updated = offered if current is None else current & offered
                if updated != current:
                    held[callee] = updated
                    work.append(callee)

    def _own_locks_while_building(self, fid: str) -> frozenset[str]:
        """In a constructor, the locks that are attributes of the object being built: no other
        thread has the object yet, so a method the constructor calls on it (`self._reset()`, which
        `_drain()` calls under `self._lock`) runs as if it held them. Without them, that one call
        would empty the locks its other callers hold."""
        info = self.index.functions[fid]
        if info.summary.name != "__init__" or info.class_id not in self.index.classes:
            return _NO_LOCKS
        if info.class_id not in self._building:
            if self._methods_by_class is None:
                self._methods_by_class = {}
                for method in self.index.functions.values():
                    if method.class_id is not None:
                        self._methods_by_class.setdefault(method.class_id, []).append(method)
            family = set(self.index.subclasses_and_self(info.class_id)) | set(self.index.mro(info.class_id))
            self._building[info.class_id] = frozenset(
                lock for class_id in family for method in self._methods_by_class.get(class_id, ())
                for access in method.summary.accesses for ref in access.locks
                if ref.root_kind == "self" and len(ref.attrs) == 1
                for lock in (self.lock_id(method.fid, ref),) if lock is not None)
        return self._building[info.class_id]


def _tested_by(guards: tuple[Ref, ...], flag: Ref) -> bool:
    """One of a call's enclosing emptiness tests is on the flag (through `self`, whatever the class
    that names it: the caller's subclass or the callee's base)."""
    return any(guard.root_kind == flag.root_kind == "self" and guard.attrs == flag.attrs or guard == flag
               for guard in guards)


def _flag_of(claim: Ref) -> Ref:
    """The flag a claim's reference names (without CLAIMED)."""
    return Ref(claim.root_kind, claim.root, claim.attrs[:-1])
