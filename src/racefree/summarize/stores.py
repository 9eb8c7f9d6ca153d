"""Assignments, augmented assignments and deletions: the writes they make to shared state, whether
each is a read-modify-write or puts back a saved value, the functions stored into slots, and the
locals that become other names for shared objects.

Mixed into ModuleSummarizer, whose frames and summary it fills.
"""

from __future__ import annotations

import ast

from racefree.knowledge.containers import VIEW_METHODS
from racefree.summarize.kept_defaults import note_kept_parameter
from racefree.summarize.model import (
    CALL,
    OP_LOAD,
    OP_MUTATE,
    OP_REBIND,
    OP_SLOT_STORE,
    OWN_CLASS,
    READ,
    WRITE,
    Access,
    Ref,
    Registration,
)
from racefree.summarize.syntax import (
    LITERAL_CONTAINER_TYPES,
    alias_candidates,
    constant_key,
    constant_text,
    constructor_text,
    declares_instance_field,
    dotted_text,
    is_caught_exception,
    is_thread_identity,
    makes_a_new_object,
    makes_own_instance,
    positions_under_arithmetic,
    stores_scalar,
    stores_truth,
    subscript_chain,
)


# Values whose kind (None, a true or false constant, a new container) a call can pass on.
_KNOWN_KIND_VALUES = (ast.Constant, ast.Dict, ast.List, ast.Set, ast.Tuple)
# Values a local can be another name for shared state through (see alias_candidates).
_MAY_ALIAS = (ast.Name, ast.Attribute, ast.IfExp, ast.BoolOp)


class StoreVisits:
    # The reads of the value being assigned, whether or not they feed arithmetic (see _assignment).
    _whole_value_reads: dict = {}

    def _assign(self, node: ast.Assign) -> None:
        self._assignment(node.targets, node.value, node)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is None and type(node.target) is ast.Name and self._in_class_body():
            # `current_event: BaseProxyEvent` in a class body: the class declares the attribute
            self.class_stack[-1].declared_attributes.add(node.target.id)
        if type(node.target) is ast.Name and self._in_class_body() \
                and (dotted_text(node.annotation.value if type(node.annotation) is ast.Subscript else node.annotation)
                     or "").rsplit(".", 1)[-1] == "ClassVar":
            self.class_stack[-1].declared_class_vars.add(node.target.id)  # shared by every instance, by declaration
        if node.value is not None:
            self._annotation = node.annotation
            try:
                self._assignment([node.target], node.value, node)
            finally:
                self._annotation = None

    def _assignment(self, targets: list[ast.expr], value: ast.expr, node: ast.stmt) -> None:
        if type(value) in (ast.ListComp, ast.GeneratorExp) and len(targets) == 1 and type(targets[0]) is ast.Name:
            self.frame.comprehensions[targets[0].id] = value  # `tasks = [fetch(u) for u in urls]`
        start = len(self.frame.summary.accesses)
        awaits_before, calls_before = self.frame.awaits, self._store_reading_calls
        self._expr(value)
        self._value_sources = self._request_sources(value)
        self._value_from_arguments = self._names_an_argument(value)
        scope = self.frame.scope
        # Read-modify-write facts matter only when the target may be shared state.
        may_be_shared = scope is None or any(
            type(t) is not ast.Name or t.id in scope.declared_global for t in targets
        )
        if may_be_shared:
            self._taint_flows(value, start)
        value_reads = {a.ref: a for a in self.frame.summary.accesses[start:] if a.kind == READ}
        arithmetic_reads = value_reads
        if value_reads and may_be_shared:
            # Only a read that feeds arithmetic makes a read-modify-write (`n = n + 1`); a read
            # used as a fallback (`cfg["k"] = data.get("k", cfg["k"])`) just keeps the old value.
            computed = positions_under_arithmetic(value)
            arithmetic_reads = {ref: a for ref, a in value_reads.items() if (a.line, a.col) in computed}
        self._whole_value_reads = value_reads
        for target in targets:
            if type(target) is ast.Name:
                self._store_name(target, value, value_reads, arithmetic_reads, node)
            else:
                self._store(target, value, arithmetic_reads, node)
        self._whole_value_reads = {}
        self._value_sources = ()
        self._value_from_arguments = False
        if scope is not None and self.writes_stores:
            self._note_store_api_assignment(targets, value, awaits_before, calls_before != self._store_reading_calls)

    def _aug_assign(self, node: ast.AugAssign) -> None:
        self._expr(node.value)
        target = node.target
        ref = self.ref_of(target.value) if type(target) is ast.Subscript else self.ref_of(target)
        if type(target) is ast.Name and ref is None and self.frame.scope is not None and self.writes_stores:
            self._note_store_api_update(target.id, node.value)  # `views += 1` on a local
        if type(target) is ast.Name and ref is not None and not self._is_toplevel():
            if target.id in self.frame.scope.declared_global:
                self.summary.global_rebinds.add(target.id)
                self._record(ref, WRITE, OP_REBIND, node).read_modify_write = True
            elif target.id in self.frame.scope.declared_nonlocal:
                self._record(ref, WRITE, OP_REBIND, node).read_modify_write = True  # `nonlocal n; n += 1`
            return
        if ref is not None and type(target) is ast.Attribute and ref.root_kind == "self" and len(ref.attrs) == 1:
            # `self.count += 1` rebinds on the instance, shadowing any class-level default.
            self._note_instance_attribute(ref.attrs[0], None, target)
        if ref is not None and type(target) is not ast.Name:
            if type(target) is ast.Subscript:
                self._expr(target.slice)
                access = self._record(ref, WRITE, OP_SLOT_STORE, node, slot=constant_key(target.slice))
            else:
                access = self._record(ref, WRITE, OP_REBIND, node)
            access.read_modify_write = True
            self._registration(ref, target, node.value, node, appended=True)
        elif type(target) is ast.Subscript and self._element_write(target, node, read_modify_write=True):
            return
        elif type(target) is not ast.Name:
            self._expr(target)

    def _element_write(self, target: ast.Subscript, node: ast.stmt, read_modify_write: bool) -> bool:
        """`stats[name]["count"] += 1`: a write into an element of a shared container (and, for a
        defaultdict, possibly a new entry). Recorded as an in-place change of the container."""
        inner, slices = subscript_chain(target)
        ref = self.ref_of(inner)
        if ref is None or len(slices) < 2 or self._is_toplevel():
            return False
        for piece in slices:
            self._expr(piece)
        # `config["limits"]["depth"] = v`: a store at a fixed path, as much a per-request value
        # as `config["depth"] = v`; under a computed key it is an element change of a container.
        fixed_path = not read_modify_write and all(constant_key(piece) is not None for piece in slices)
        op = OP_SLOT_STORE if fixed_path else OP_MUTATE
        access = self._record(ref, WRITE, op, node, slot=constant_key(slices[-1]))
        access.read_modify_write = read_modify_write
        access.in_item = not read_modify_write and not fixed_path  # `cache[category][key] = v` adds to an item
        return True

    def _delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if type(target) is ast.Subscript:
                ref = self.ref_of(target.value)
                self._expr(target.slice)
                if ref is not None:
                    access = self._record(ref, WRITE, OP_SLOT_STORE, node, slot=constant_key(target.slice), grows=True)
                    if access is not None:
                        access.deletes = access.removes = True
                        access.flow_key = self._flow_key(target.slice)
                else:
                    self._expr(target.value)
            elif type(target) is ast.Attribute:
                ref = self.ref_of(target)
                if ref is not None:
                    self._mark_deleted(self._record(ref, WRITE, OP_REBIND, node))
            elif type(target) is ast.Name and not self._is_toplevel():
                if target.id in self.frame.scope.declared_global:
                    self._mark_deleted(self._record(Ref("global", target.id), WRITE, OP_REBIND, node))

    @staticmethod
    def _mark_deleted(access) -> None:
        if access is not None:
            access.deletes = True

    def _store(self, target: ast.expr, value: ast.expr | None, value_reads: dict, node: ast.stmt) -> None:
        kind = type(target)
        if kind is ast.Name:
            self._store_name(target, value, value_reads, value_reads, node)
        elif kind is ast.Attribute:
            ref = self.ref_of(target)
            if ref is None:
                self._expr(target.value)
                return
            if ref.root_kind == "self" and len(ref.attrs) == 1 and self.class_stack:
                self._note_instance_attribute(ref.attrs[0], value, target)
                cls = self._class_of_frame()
                if cls is not None and self.frame.scope is not None:
                    note_kept_parameter(cls, self.frame.summary, self.frame.scope.unassigned_parameters,
                                        ref.attrs[0], value)
            elif ref.root_kind == "class" and len(ref.attrs) == 1:
                self._note_class_attribute(ref.attrs[0], value, target)
            if self._is_toplevel():
                self._registration(ref, target, value, node)
                return
            access = self._record(ref, WRITE, OP_REBIND, target)
            access.read_modify_write = ref in value_reads
            access.await_between = access.await_between or (ref in value_reads and value_reads[ref].await_between)
            self._mark_restore(access, ref, value)
            self._mark_exchange(access, ref, value)
            _note_stored_value(access, value)
            self._note_made_elsewhere(access, value)
            access.stores_exception = is_caught_exception(value, self.frame.caught)
            access.value_sources = self._value_sources
            access.stores_argument = self._value_from_arguments
            if ref.root_kind == "self" and len(ref.attrs) == 1:
                if self._value_from_arguments:
                    self.frame.argument_attrs.add(ref.attrs[0])
                else:
                    self.frame.argument_attrs.discard(ref.attrs[0])
            self._note_lazy_store(access, ref, value)
            self._note_attribute_taint(ref, self._whole_value_reads)
            self._detach_taken(ref)
            self._registration(ref, target, value, node)
            self._note_publication(value, ref)
        elif kind is ast.Subscript:
            ref = self.ref_of(target.value)
            if ref is None and type(target.value) is ast.Subscript and self._element_write(target, node, False):
                return
            self._expr(target.slice)
            if ref is None:
                self._expr(target.value)
                return
            if self._is_toplevel():
                return
            slot = constant_key(target.slice)
            # A store under a key the enclosing loop took from the container itself replaces an
            # entry it has: the size stays (`for k in counts: counts[k] = 0`).
            over_an_entry = type(target.slice) is ast.Name and self.frame.loop_keys.get(target.slice.id) == ref
            access = self._record(ref, WRITE, OP_SLOT_STORE, target, slot=slot, grows=slot is None and not over_an_entry)
            access.keyed_by_thread = is_thread_identity(target.slice, self.frame.thread_ids)
            if ref.root_kind == "param":  # into a parameter's default: the same for every call?
                access.stores_constant = constant_text(value)
            self._mark_restore(access, ref, value)
            access.value_sources = self._value_sources
            access.stores_argument = self._value_from_arguments
            previous = value_reads.get(ref)
            access.read_modify_write = previous is not None and (previous.slot in (slot, None))
            if access.read_modify_write and previous.await_between:
                access.await_between = True
            self._registration(ref, target, value, node)
        elif kind is ast.Tuple or kind is ast.List:
            # `self.token, old = token, self.token`: element by element, each target gets its value.
            paired = (type(value) in (ast.Tuple, ast.List) and len(value.elts) == len(target.elts)
                      and not any(type(e) is ast.Starred for e in (*value.elts, *target.elts)))
            rebound = {self.ref_of(e) for e in target.elts if type(e) is not ast.Name} - {None} if paired else set()
            for position, element in enumerate(target.elts):
                element_value = value.elts[position] if paired else None
                self._store(element, element_value, value_reads, node)
                if type(element) is ast.Name and element_value is not None and rebound \
                        and type(element_value) in (ast.Name, ast.Attribute) and self.ref_of(element_value) in rebound:
                    # `pending, self.outbuf = self.outbuf, []`: the local takes the old object,
                    # which the same statement detaches; it is no longer the shared one.
                    self.frame.aliases.pop(element.id, None)
                    self.frame.taint.pop(element.id, None)
        elif kind is ast.Starred:
            self._store(target.value, None, value_reads, node)

    def _store_name(self, target: ast.Name, value: ast.expr | None, value_reads: dict, arithmetic_reads: dict,
                    node: ast.stmt) -> None:
        name = target.id
        if self._is_toplevel():
            self._note_names_in_value(value)
            if self._in_class_body():
                cls = self.class_stack[-1]
                table = cls.instance_attributes if declares_instance_field(cls, node, value) else cls.attributes
                table.setdefault(name, self._binding(name, value, target))
            else:
                self._bind_module_name(name, value, target)
            return
        frame = self.frame
        if name in frame.scope.declared_global:
            self.summary.global_rebinds.add(name)
            self.module_names.add(name)
            if type(value) is ast.Call:
                self._bind_module_name(name, value, target)
            ref = Ref("global", name)
            access = self._record(ref, WRITE, OP_REBIND, target)
            self._mark_restore(access, ref, value)
            self._mark_exchange(access, ref, value)
            _note_stored_value(access, value)
            self._note_made_elsewhere(access, value)
            access.stores_import = type(value) is ast.Name and value.id in self.summary.imports
            access.value_sources = self._value_sources
            access.stores_argument = self._value_from_arguments
            access.read_modify_write = ref in arithmetic_reads
            access.await_between = access.await_between or (ref in arithmetic_reads and arithmetic_reads[ref].await_between)
            self._note_lazy_store(access, ref, value)
            self._detach_taken(ref)
            return
        if name in frame.scope.declared_nonlocal:
            ref = self.ref_of(target)
            if ref is not None:
                access = self._record(ref, WRITE, OP_REBIND, target)
                _note_stored_value(access, value)
                access.read_modify_write = ref in arithmetic_reads
            return
        literal = LITERAL_CONTAINER_TYPES.get(type(value))
        frame.made_at[name] = (f"builtins.{literal}" if literal else constructor_text(value) or "", target.lineno)
        if frame.value_kinds or value is not None and type(value) in _KNOWN_KIND_VALUES:
            self._note_value_kind(name, value)
        if self._value_sources:
            frame.sources[name] = self._value_sources
        else:
            frame.sources.pop(name, None)
        if self._value_from_arguments:
            frame.argument_locals.add(name)  # `key = get_from_dict_or_env(values, "key")`
        else:
            frame.argument_locals.discard(name)
        if frame.lock_elements or type(value) in (ast.Subscript, ast.Call):
            self._note_lock_element(name, value)
        if is_thread_identity(value, frame.thread_ids):
            frame.thread_ids.add(name)  # `ident = threading.get_ident()`
        else:
            frame.thread_ids.discard(name)
        made = constructor_text(value) or self._own_class_made(value) or self.class_a_local_names(value)
        if made is not None:
            frame.made[name] = made
        else:
            frame.made.pop(name, None)
        lookup = frame.last_lookup
        if lookup is not None and lookup[0] == id(value):
            frame.looked_up[name] = lookup[1]
        else:
            frame.looked_up.pop(name, None)
        viewed = self.ref_of(value.func.value) if _is_a_view(value) else None
        if viewed is not None:
            frame.views[name] = viewed
        else:
            frame.views.pop(name, None)
        # A local bound to shared state itself (not a value read from it) is another name for it.
        frame.aliases.pop(name, None)
        frame.taken_under.pop(name, None)
        for named in alias_candidates(value) if type(value) in _MAY_ALIAS else ():
            alias = self.ref_of(named)
            if alias is not None and (alias.attrs or alias.root_kind == "global"):
                frame.aliases[name] = alias
                if frame.locks:
                    frame.taken_under[name] = tuple(frame.locks)
                break
        else:
            returned = self._returned_by_a_getter(value) if made is None else None
            if returned is not None:
                frame.aliases[name] = returned
        saved = self._saved_value(value)
        if saved is not None and type(value) in (ast.Name, ast.Attribute):
            frame.read_whole.add(saved)
        taken = saved if saved is not None and type(value) in (ast.Name, ast.Attribute) else self._copied(value)
        if taken is not None:
            frame.contents_taken.add(taken)
        if saved is not None:
            frame.saved[name] = saved
            frame.saved_at[name] = frame.awaits_seen - frame.awaits_handing_self
            frame.saved_in_handler[name] = frame.in_handler
        else:
            frame.saved.pop(name, None)
        # A local that holds what was read from shared state: a later test of it checks that state.
        if value is not None and value_reads:
            read = next(iter(value_reads.values()))
            frame.taint[name] = (read.ref, read.op == OP_LOAD, frame.awaits)
        elif (derived := self._derived_from_a_tainted_local(value)) is not None:
            frame.taint[name] = derived
        else:
            frame.taint.pop(name, None)

    def _derived_from_a_tainted_local(self, value: ast.expr | None) -> tuple[Ref, bool, int] | None:
        """`left = interval - elapsed`, where `elapsed` holds what was read from shared state:
        arithmetic on such a local holds a value computed from that state, and a test of it
        checks that state (not as a whole object)."""
        if type(value) not in (ast.BinOp, ast.UnaryOp):
            return None
        taint = self.frame.taint
        for node in ast.walk(value):
            if type(node) is ast.Name and node.id in taint:
                ref, _, awaits = taint[node.id]
                return ref, False, awaits
        return None

    def _note_attribute_taint(self, ref: Ref, value_reads: dict) -> None:
        """`self.type_hints = _type_hints_map.get(func)`: the attribute holds what was read from
        shared state, so a later test of it (`if self.type_hints is None:`) checks that state, as
        a test of a local bound so does."""
        frame = self.frame
        if value_reads:
            read = next(iter(value_reads.values()))
            if read.ref != ref:
                frame.taint[ref] = (read.ref, read.op == OP_LOAD, frame.awaits)
                return
        frame.taint.pop(ref, None)

    def _note_lazy_store(self, access, ref: Ref, value: ast.expr | None) -> None:
        """A lazy initialisation that stores a thread (or anything it starts): running it twice
        starts two, which is no finished value stored twice. Started before the store (`t.start();
        self._thread = t`) it is judged here; started after, when `start()` is called."""
        if not access.check_is_lazy_init:
            return
        frame = self.frame
        if type(value) is ast.Name and value.id in frame.started:
            access.check_is_lazy_init = False
            return
        frame.lazily_stored.setdefault(ref, []).append(access)
        if type(value) is ast.Name:
            frame.lazily_stored.setdefault(value.id, []).append(access)

    def starts_what_it_stores(self, receiver: ast.expr) -> None:
        """`t.start()` or `self._thread.start()`: a lazy initialisation that stored it starts a
        thread, so it is reported as a check-then-act, not as a lazy initialisation."""
        frame = self.frame
        if type(receiver) is ast.Name:
            frame.started.add(receiver.id)
            key = receiver.id
        else:
            key = self.ref_of(receiver)
        for access in frame.lazily_stored.pop(key, ()) if key is not None else ():
            access.check_is_lazy_init = False

    def _note_made_elsewhere(self, access: Access, value: ast.expr | None) -> None:
        """What a rebinding store binds that its syntax alone does not show: a new instance of the
        method's own class (`cls()`, a singleton's `super().__new__(cls)`), an object a local was
        made as (`engine = Engine(url)`, then `_ENGINE = engine`), or the result of a function of
        the program (`_ENGINE = get_engine()`), which the index follows to what it returns."""
        frame = self.frame
        access.stores_new_object = makes_a_new_object(value)
        if makes_own_instance(value, frame.cls_name):
            access.stores_instance = frame.class_name
            return
        if type(value) is ast.Name:
            made = frame.made.get(value.id)
            if access.stores_instance is None and made is not None:
                access.stores_instance = frame.class_name if made == OWN_CLASS else made
            alias = frame.aliases.get(value.id)
            if alias is not None and alias.attrs[-1:] == (CALL,):
                access.stores_result_of = alias  # `engine = get_engine()`: see `_returned_by_a_getter`
        elif type(value) is ast.Call and access.stores_instance is None:
            access.stores_instance = self.class_a_local_names(value)
            if access.stores_instance is None:
                access.stores_result_of = self._returned_by_a_getter(value)

    def class_a_local_names(self, value: ast.expr | None) -> str | None:
        """`impl = RequestsClient` (another class in another branch), then `impl(...)`: an instance
        of the class the local names, as the code binds it last."""
        if type(value) is not ast.Call or type(value.func) is not ast.Name:
            return None
        alias = self.frame.aliases.get(value.func.id)
        if alias is None or alias.root_kind != "global" or alias.attrs or not alias.root[:1].isupper():
            return None
        return alias.root

    def _own_class_made(self, value: ast.expr | None) -> str | None:
        """`instance = cls(...)` in a classmethod: an instance of the method's own class."""
        if type(value) is ast.Call and type(value.func) is ast.Name and value.func.id == OWN_CLASS \
                and self.frame.summary.method_kind == "classmethod":
            return OWN_CLASS
        return None

    def _detach_taken(self, ref: Ref) -> None:
        """`with lock: pending = self._pending; self._pending = set()`: the local took the object
        out under the lock and the attribute now holds another, so what the local is used for
        afterwards (`for name in pending:`) is no longer done to the shared object. Only under a
        lock held at both steps: without one, another thread may still be adding to what was taken."""
        frame = self.frame
        if not frame.taken_under or not frame.locks:
            return
        held = set(frame.locks)
        for name, locks in list(frame.taken_under.items()):
            if frame.aliases.get(name) == ref and held.issuperset(locks):
                del frame.aliases[name]
                del frame.taken_under[name]
                frame.taint.pop(name, None)

    def _registration(self, ref: Ref, target: ast.AST, value: ast.expr | None, node: ast.stmt,
                      appended: bool = False) -> None:
        """`x.callbacks = [f]`, `x.callbacks += [f]`: functions stored into a slot."""
        if value is None:
            return
        elements = value.elts if type(value) in (ast.List, ast.Tuple) else [value]
        functions = tuple(fa for fa in (self._function_arg(e, None, None) for e in elements) if fa)
        if functions:
            self.frame.summary.registrations.append(
                Registration(ref, dotted_text(target) or ref.text(), functions, node.lineno,
                             appended or type(value) in (ast.List, ast.Tuple))
            )

    def _note_publication(self, value: ast.expr | None, ref: Ref) -> None:
        """`self._core.handlers = handlers`: from now on the local names the shared object, and
        changing it changes what every thread sees."""
        if type(value) is ast.Name and self.frame.scope is not None and value.id in self.frame.scope.local_names:
            self.frame.aliases[value.id] = ref

    def _publications_in(self, body: list[ast.stmt]) -> None:
        """In a loop, a local published at the end of one pass is the shared object in the next."""
        for stmt in body:
            if type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Attribute:
                ref = self.ref_of(stmt.targets[0])
                if ref is not None:
                    self._note_publication(stmt.value, ref)

    def _mark_restore(self, access: Access, ref: Ref, value: ast.expr | None) -> None:
        """A write that puts back the saved value; whether an await ran since it was saved, so
        that other tasks ran while the temporary value was in place. An await of a call handed
        the object itself (`self.invoked_with = word; await command.reinvoke(self)`) is where the
        temporary value is meant to be seen, by the callee in this task, and does not count.
        A write of the saved value in an `except` block the value was not saved in rolls back a
        change that failed (`backup = port.baudrate; try: port.baudrate = rate except ValueError:
        port.baudrate = backup`): the new value was meant to stay, so no temporary value is in
        place. (An override made and undone inside one handler, a retry's, is still one.)"""
        access.restores = self._restores(ref, value)
        if access.restores and self.frame.in_handler > self.frame.saved_in_handler.get(value.id, 0):
            access.restores, access.rolls_back = False, True
        if access.restores:
            frame = self.frame
            access.restores_across_await = frame.awaits_seen - frame.awaits_handing_self > frame.saved_at.get(value.id, 0)

    def _mark_exchange(self, access: Access, ref: Ref, value: ast.expr | None) -> None:
        """A store of a value the call computes (`_last_times = cpu_times()`, `self._conn =
        connect()`) to an object the function read whole into a local before (`t1 =
        _last_times`), on a path that goes on to the store: the function takes the old value and
        puts a new one in its place, in two steps. Not a put-back of the saved value, a constant,
        data passed on, or an empty container (`pending = self._pending; self._pending = []`,
        which takes the contents)."""
        frame = self.frame
        access.drains = (ref in frame.contents_taken and not access.restores and _makes_an_empty_container(value)
                         and not any(ref in checks for checks in frame.enclosing_checks))
        access.replaces_what_it_read = (
            ref in frame.read_whole and not access.restores and not access.read_modify_write
            and type(value) in (ast.Call, ast.BinOp) and not _makes_an_empty_container(value)
            # (inside a test of the object: `if process is None: process = self._p = Process()`
            # initialises it on first use, RF107's)
            and not any(ref in checks for checks in frame.enclosing_checks))

    def _copied(self, value: ast.expr | None) -> Ref | None:
        """The shared container a copy is made of: `list(self.packets)`, `dict(_seen)`,
        `self.packets.copy()`, `self.packets[:]`."""
        kind = type(value)
        if kind is ast.Call and not value.keywords:
            func = value.func
            if type(func) is ast.Name and func.id in _COPYING_BUILTINS and len(value.args) == 1:
                return self.ref_of(value.args[0]) if type(value.args[0]) in (ast.Name, ast.Attribute) else None
            if type(func) is ast.Attribute and func.attr == "copy" and not value.args \
                    and type(func.value) in (ast.Name, ast.Attribute):
                return self.ref_of(func.value)
        if kind is ast.Subscript and type(value.slice) is ast.Slice and value.slice.lower is None \
                and value.slice.upper is None and type(value.value) in (ast.Name, ast.Attribute):
            return self.ref_of(value.value)
        return None

    def _restores(self, ref: Ref, value: ast.expr | None) -> bool:
        """The value is a local saved from this very object earlier: the write puts it back."""
        return type(value) is ast.Name and self.frame.saved.get(value.id) == ref

    def _saved_value(self, value: ast.expr | None) -> Ref | None:
        """The shared object whose current value this expression is, unchanged: `lib.flag`,
        `getattr(lib, "flag", None)`, `os.environ.get("K")`, `os.environ["K"]`."""
        kind = type(value)
        if kind in (ast.Name, ast.Attribute):
            return self.ref_of(value)
        if kind is ast.Subscript:
            return self.ref_of(value.value)
        if kind is not ast.Call or not value.args:
            return None
        func = value.func
        if type(func) is ast.Name and func.id == "getattr":
            return self._named_attribute(value.args)
        if type(func) is ast.Attribute and func.attr == "get":
            return self.ref_of(func.value)
        return None

    def _returned_by_a_getter(self, value: ast.expr | None) -> Ref | None:
        """`store = get_store()`, `client = clients.default()`: the local is what a function of a
        module returns, as in `get_store().add(k)`; the index follows the call to what it returns
        (a module-level instance). Not a method's result (`self._pick()`), nor a constructor's
        (`loader = Loader()`, a new object: see `frame.made`)."""
        if type(value) is not ast.Call or type(value.func) not in (ast.Name, ast.Attribute):
            return None
        ref = self.ref_of(value)
        return ref if ref is not None and ref.root_kind == "global" and ref.attrs[-1:] == (CALL,) else None


def _note_stored_value(access: Access, value: ast.expr | None) -> None:
    """What a rebinding store binds, as its syntax shows: a constant or truth value, or a new
    instance of a class (`Access.stores_scalar` ... `stores_instance`)."""
    access.stores_scalar = stores_scalar(value)
    access.stores_truth = stores_truth(value)
    access.stores_constant = constant_text(value)
    access.stores_empty = (type(value) is ast.Constant and value.value is None) or _makes_an_empty_container(value)
    access.stores_instance = constructor_text(value)


def _is_a_view(value: ast.expr | None) -> bool:
    """`self.pending.keys()`: a view of a container, which iterating later walks the container."""
    return type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr in VIEW_METHODS \
        and not value.args and not value.keywords


# Calls that make an empty container: storing one takes the contents out, it computes nothing.
EMPTY_CONTAINER_CALLS = frozenset({"list", "dict", "set", "deque", "collections.deque", "OrderedDict",
                                   "collections.OrderedDict"})
DEFAULT_DICT_CALLS = frozenset({"defaultdict", "collections.defaultdict"})  # (given only its factory)


_COPYING_BUILTINS = frozenset({"list", "dict", "set", "tuple", "sorted", "frozenset"})


def _makes_an_empty_container(value: ast.expr | None) -> bool:
    """`[]`, `{}`, `set()`, `deque()`, `defaultdict(int)`."""
    kind = type(value)
    if kind in (ast.List, ast.Set, ast.Tuple):
        return not value.elts
    if kind is ast.Dict:
        return not value.keys
    if kind is not ast.Call or value.keywords:
        return False
    called = dotted_text(value.func)
    return (called in EMPTY_CONTAINER_CALLS and not value.args) or (called in DEFAULT_DICT_CALLS and len(value.args) <= 1)

