"""Read-modify-writes through a key-value store's API: a value read with the store's get call,
changed, and written back with its set call (`views = cache.get(k) or 0; cache.set(k, views + 1)`,
`spent = await spend_cache.async_get_cache(k)` ... `await spend_cache.async_set_cache(k, spent + cost)`).

Locals carry where their value was read from: a store (by its reference), or the result of a
function or method of this module, which may hand back what it read from a store. The origin
travels through assignments, loops, appends to local lists and closures, and is marked *changed*
once the value feeds arithmetic. A set call on a store whose arguments carry a changed value read
from the same store is recorded as a read-modify-write of the store; when the value came through a
function of the module, the write is kept once the whole module has been read and that function is
known to return what it read from that store.

Mixed into ModuleSummarizer, whose frames and summary it fills.
"""

from __future__ import annotations

import ast
import re

from racefree.knowledge.key_value_stores import STORE_READ_METHODS, STORE_WRITE_METHODS
from racefree.summarize.model import OP_MUTATE, WRITE, Access, Ref

_STORE_WRITE_CALL = re.compile(r"\.(?:" + "|".join(sorted(STORE_WRITE_METHODS)) + r")\s*\(")


def may_write_stores(text: str) -> bool:
    """The source calls a store's set method somewhere: only then can the module write back a
    value it read from a store, so only then are reads followed (most modules never do)."""
    return _STORE_WRITE_CALL.search(text) is not None


# Calls that put a value into a local container, which then carries where the value came from.
_CARRYING_METHODS = frozenset({"append", "extend", "insert", "add", "appendleft", "update", "setdefault"})

# What a local carries: each origin (a store's reference, or the name of a function of this module)
# with the awaits its frame had counted before the read, and whether the value has been changed.
Carried = tuple[dict, bool]


# Builtins whose result says something about a value without being made of it.
_ABOUT_A_VALUE = frozenset({"len", "range", "isinstance", "bool", "type", "id", "hash", "callable", "hasattr"})


def _value_parts(value: ast.expr):
    """The nodes a value is made of, each with whether arithmetic uses it (`spent + cost`): like
    ast.walk, but not into indexes (`keys[i + 1]`), comparisons and tests, or calls that only
    measure a value (`len(values)`)."""
    stack = [(value, False)]
    while stack:
        node, computed = stack.pop()
        yield node, computed
        kind = type(node)
        if kind is ast.Subscript:
            stack.append((node.value, computed))
        elif kind is ast.Compare:
            continue
        elif kind is ast.IfExp:
            stack.extend(((node.body, computed), (node.orelse, computed)))
        elif kind is ast.Call and type(node.func) is ast.Name and node.func.id in _ABOUT_A_VALUE:
            continue
        elif kind is ast.comprehension:
            stack.append((node.iter, computed))
        else:
            inner = computed or kind is ast.BinOp
            stack.extend((child, inner) for child in ast.iter_child_nodes(node))


class StoreApiUpdates:
    def _store_api_origins(self, value: ast.expr, awaits_before: int) -> Carried:
        """Where value comes from: the stores it reads through their API and the functions of the
        module whose results it uses (read at awaits_before), and what the locals it names carry;
        changed when any of those feeds arithmetic in it."""
        origins: dict = {}
        changed = False
        for sub, computed in _value_parts(value):
            kind = type(sub)
            if kind is ast.Call:
                func = sub.func
                found = None
                if type(func) is ast.Attribute and func.attr in STORE_READ_METHODS:
                    found = self.ref_of(func.value)
                else:
                    found = self._store_reading_callee(func)
                if found is None:
                    continue
                origins[found] = min(origins.get(found, awaits_before), awaits_before)
            elif kind is ast.Name:
                carried = self._carried(sub.id)
                if carried is None:
                    continue
                for origin, awaits in carried[0].items():
                    origins[origin] = min(origins.get(origin, awaits), awaits)
                changed = changed or carried[1]
            else:
                continue
            changed = changed or computed
        return origins, changed

    def _store_reading_callee(self, func: ast.expr) -> str | None:
        """The function of this module a call runs (`_read_spend(key)`, `self._read_spend(key)`),
        if it may return what it read from a store: it does, or it has not been read yet."""
        frame = self.frame
        if type(func) is ast.Name:
            if func.id not in self.module_functions or self._name_is_local(func.id):
                return None
            qualname = func.id
        elif type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == frame.self_name \
                and frame.class_name:
            qualname = f"{frame.class_name}.{func.attr}"
        else:
            return None
        if qualname in self._returned_store_reads or qualname not in self.summary.functions:
            return qualname
        return None

    def _carried(self, name: str) -> Carried | None:
        """What a local (or a closure variable of an enclosing function) carries."""
        for frame in reversed(self.frames):
            if frame.scope is None:
                return None
            carried = frame.store_reads.get(name)
            if carried is not None or name in frame.scope.local_names:
                return carried
        return None

    def _owning_frame(self, name: str):
        for frame in reversed(self.frames):
            if frame.scope is None:
                return None
            if name in frame.scope.local_names:
                return frame
        return None

    def _carry(self, name: str, value: ast.expr, awaits_before: int, merge: bool) -> None:
        """name now holds value (merge: value was added to what name holds)."""
        frame = self._owning_frame(name)
        if frame is None:
            return
        origins, changed = self._store_api_origins(value, awaits_before)
        if frame is not self.frame:
            # Set by a nested function: its awaits are counted in another frame.
            origins = {origin: 0 for origin in origins}
        old = frame.store_reads.get(name) if merge else None
        if old is not None:
            origins = {**old[0], **{o: min(a, old[0].get(o, a)) for o, a in origins.items()}}
            changed = changed or old[1]
        if origins:
            frame.store_reads[name] = (origins, changed)
        else:
            frame.store_reads.pop(name, None)

    def _carrying(self) -> bool:
        return any(f.store_reads for f in self.frames)

    def _note_store_api_assignment(self, targets: list[ast.expr], value: ast.expr, awaits_before: int,
                                   value_calls: bool) -> None:
        """`x = ...`, `a, b = ...`, `obj.spend = ...`: what the targets' locals now carry.
        value_calls: the value makes a call that may read a store (only such a call or a carrying
        local can bring a read)."""
        if not value_calls and not self._carrying():
            for target in targets:  # the common case, decided without a walk
                if type(target) is ast.Name:
                    self.frame.store_reads.pop(target.id, None)
            return
        for target in targets:
            if type(target) is ast.Name:
                if target.id in self.frame.scope.local_names:
                    self._carry(target.id, value, awaits_before, merge=False)
            elif type(target) in (ast.Tuple, ast.List):
                for element in target.elts:
                    if type(element) is ast.Name and element.id in self.frame.scope.local_names:
                        self._carry(element.id, value, awaits_before, merge=False)
            elif type(target) in (ast.Attribute, ast.Subscript):
                root = target.value
                while type(root) in (ast.Attribute, ast.Subscript):
                    root = root.value
                if type(root) is ast.Name and self._carried(root.id) is not None:
                    self._carry(root.id, value, awaits_before, merge=True)  # existing.spend = new_spend

    def _note_store_api_update(self, name: str, value: ast.expr) -> None:
        """`total += cost` on a local: it carries what it did, changed."""
        if not self._carrying():
            return
        frame = self._owning_frame(name)
        carried = self._carried(name)
        if frame is None or carried is None:
            return
        added, _ = self._store_api_origins(value, self.frame.awaits)
        frame.store_reads[name] = ({**added, **carried[0]}, True)

    def _note_store_api_loop(self, target: ast.expr, iterated: ast.expr) -> None:
        """`for team, total in updates:` the loop variables carry what updates carries."""
        if not self._carrying():
            return
        names = [target] if type(target) is ast.Name else \
            [e for e in target.elts if type(e) is ast.Name] if type(target) in (ast.Tuple, ast.List) else []
        for name in names:
            self._carry(name.id, iterated, self.frame.awaits, merge=False)

    def _store_api_call(self, func: ast.Attribute, receiver: Ref | None, node: ast.Call, reads: bool) -> None:
        """A store's set call writing back a changed value read from it, or a value added to a
        local container. reads: the call's arguments make a call that may read a store."""
        method = func.attr
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if not arguments:
            return
        frame = self.frame
        if (receiver is None or receiver.root_kind == "cell") and method in _CARRYING_METHODS \
                and type(func.value) is ast.Name:  # (a local, or an enclosing function's: a closure cell)
            if not reads and not self._carrying():
                return
            for argument in arguments:
                if type(argument) is not ast.Constant:
                    self._carry(func.value.id, argument, frame.awaits, merge=True)
            return
        if receiver is None or method not in STORE_WRITE_METHODS or not self._carrying():
            return
        origins: dict = {}
        changed = False
        for argument in arguments:
            found, argument_changed = self._store_api_origins(argument, frame.awaits)
            for origin, awaits in found.items():
                origins[origin] = min(origins.get(origin, awaits), awaits)
            changed = changed or argument_changed
        if not changed:
            return
        if receiver in origins:
            frame.summary.accesses.append(self._store_api_write(receiver, node, origins[receiver]))
            return
        for origin, awaits in origins.items():
            if type(origin) is str:
                self._pending_store_writes.append((frame.summary, origin, self._store_api_write(receiver, node, awaits)))

    def _store_api_write(self, receiver: Ref, node: ast.Call, awaits_at_read: int) -> Access:
        frame = self.frame
        access = Access(ref=receiver, kind=WRITE, op=OP_MUTATE, line=node.lineno, col=node.col_offset,
                        locks=tuple(frame.locks), read_modify_write=True)
        # In a coroutine, another task can run at any await between the read and the write.
        access.await_between = frame.summary.is_async and frame.awaits > awaits_at_read
        return access

    def _note_store_api_return(self, value: ast.expr) -> None:
        """What a function hands back from a store, for the writes of its callers."""
        origins, _ = self._store_api_origins(value, 0)
        if origins:
            qualname = self.frame.summary.qualname
            self._returned_store_reads[qualname] = self._returned_store_reads.get(qualname, frozenset()) | set(origins)

    def _resolve_store_api_writes(self) -> None:
        """Keep the writes whose value came from a function of the module that returns what it
        read from the store written (one write per call site)."""
        kept: set[tuple[int, int, str]] = set()
        for summary, callee, access in self._pending_store_writes:
            key = (access.line, access.col, summary.qualname)
            if key not in kept and access.ref in self._stores_returned_by(callee, set()):
                kept.add(key)
                summary.accesses.append(access)
        self._pending_store_writes.clear()

    def _stores_returned_by(self, qualname: str, seen: set[str]) -> set[Ref]:
        if qualname in seen:
            return set()
        seen.add(qualname)
        stores: set[Ref] = set()
        for origin in self._returned_store_reads.get(qualname, ()):
            stores |= {origin} if type(origin) is Ref else self._stores_returned_by(origin, seen)
        return stores
