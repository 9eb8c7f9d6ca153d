"""Calls: call sites for the call graph, container methods that read or change shared state,
functions handed over as arguments, and reflective attribute access (getattr/setattr/hasattr,
`__setattr__`, `__dict__.update`).

Mixed into ModuleSummarizer, whose frames and summary it fills.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from racefree.knowledge.containers import (
    CHECK_INDEPENDENT_METHODS,
    MUTATING_METHODS,
    READING_METHODS,
    REMOVING_METHODS,
)
from racefree.knowledge.key_value_stores import STORE_READ_METHODS
from racefree.knowledge.unsafe_objects import UNSAFE_METHOD_NAMES
from racefree.summarize.forwarding import forward_of
from racefree.summarize.kept_defaults import note_defaults_passed_up
from racefree.summarize.model import (
    OP_CALL,
    OP_LOAD,
    OP_MUTATE,
    OP_REBIND,
    OP_SLOT_LOAD,
    READ,
    USE,
    WRITE,
    Call,
    FunctionArg,
    Ref,
)
from racefree.summarize.syntax import chained_call_text, constant_key, dotted_text, hands_over, subscript_chain


class CallVisits:
    def _item_mutation(self, item: ast.Subscript, node: ast.Call) -> None:
        """`_DB["key"][name].append(x)`, `self.waiters[key].pop()`: a change to an item of a shared
        container, recorded (beside the lookup) as an in-place change of the container, as
        `stats[name]["count"] += 1` is."""
        self._expr(item)
        container, keys = subscript_chain(item)
        ref = self.ref_of(container)
        if ref is None or self._is_toplevel():
            return
        access = self._record(ref, WRITE, OP_MUTATE, node, slot=constant_key(keys[-1]))  # the container's own key
        if access is not None:
            access.in_item = True  # (the container keeps its size: its item changes)

    def _call(self, node: ast.Call) -> None:
        if id(node) in self._visited_calls:
            return
        self._visited_calls.add(id(node))
        store_reading_calls = self._store_reading_calls
        func = node.func
        frame = self.frame
        callee: Ref | None = None
        local_callee: str | None = None
        made_receiver: tuple[str, str] | None = None
        element_of: Ref | None = None
        listed: list[ast.expr] | tuple = ()
        if type(func) is ast.Attribute:
            receiver = self.ref_of(func.value)
            method = func.attr
            if method == "__init__" and frame.summary.mutable_defaults and self.class_stack:
                cls = self._class_of_frame()
                if cls is not None:
                    note_defaults_passed_up(cls, frame.summary, node)  # `super().__init__(events=events)`
            if self.writes_stores and (receiver is not None and method in STORE_READ_METHODS or type(
                    func.value) is ast.Name and func.value.id == frame.self_name and self._store_reading_callee(func)):
                self._store_reading_calls += 1  # a store's get, or a method that may return one's value
            if method == "start" and frame.scope is not None:
                self.starts_what_it_stores(func.value)
            if method == "__setattr__" and len(node.args) == 3 and frame.scope is not None:
                self._reflective_access("setattr", node)  # object.__setattr__(self, "name", value)
            elif method == "update" and type(func.value) is ast.Attribute and func.value.attr == "__dict__":
                if frame.scope is not None:
                    self._instance_dict_update(func.value, node)
            elif receiver is not None and method in MUTATING_METHODS:
                if frame.scope is not None:
                    slot = constant_key(node.args[0]) if node.args and method in ("pop", "setdefault") else None
                    access = self._record(receiver, WRITE, OP_MUTATE, node, slot=slot, grows=MUTATING_METHODS[method],
                                          acts_on_check=method not in CHECK_INDEPENDENT_METHODS)
                    if access is not None and method in REMOVING_METHODS:
                        access.removes = True
                        access.flow_key = self._flow_key(node.args[0]) if node.args else None
                    if access is not None and method == "update":
                        access.merges = True
                    if access is not None and method in ("append", "extend"):
                        access.appends = True
                    elif access is not None and method == "pop" and not node.args:
                        access.restores = self._pops_what_it_pushed(receiver, access)
                    elif access is not None and method == "clear":
                        access.evicts_all = any(receiver in checks for checks in frame.enclosing_checks)
                if method in ("append", "extend", "insert") and node.args:
                    self._registration(receiver, func.value, node.args[-1], node, appended=True)
                callee = self._method_of_an_object(receiver, func)
            elif receiver is None and method in MUTATING_METHODS and type(func.value) is ast.Subscript \
                    and frame.scope is not None:
                self._item_mutation(func.value, node)
            elif receiver is not None and frame.scope is not None and method in READING_METHODS:
                slot = constant_key(node.args[0]) if node.args and method == "get" else None
                self._record(receiver, READ, OP_SLOT_LOAD if method == "get" else OP_LOAD, node, slot=slot)
                callee = self._method_of_an_object(receiver, func)
            else:
                if receiver is not None and method in UNSAFE_METHOD_NAMES and frame.scope is not None \
                        and receiver.root_kind in ("global", "self", "class"):
                    self._record(receiver, USE, OP_CALL, node, slot=method)  # kept for unsafe library objects
                # self.method(), module.function(), singleton.method(), super().method()
                callee = self.ref_of(func)
                if callee is None:
                    self._expr(func.value)
                    if type(func.value) is ast.Name and func.value.id in frame.made:
                        made_receiver = (frame.made[func.value.id], method)
        elif type(func) is ast.Name:
            if func.id in frame.looked_up:
                frame.looked_up[func.id].result_called = True  # `fn = getattr(client, name)`, then `fn(...)`
            if self.writes_stores and func.id in self.module_functions and self._store_reading_callee(func):
                self._store_reading_calls += 1  # may return what it read from a store
            local_callee = self._local_function(func.id)
            element_of = frame.loop_tables.get(func.id)  # `for hook in _HOOKS: hook(event)`
            listed = frame.loop_callees.get(func.id, ())  # `for matcher in [m1, m2]: matcher(text)`
            if local_callee is None and not self._name_is_local(func.id):
                callee = self._interned(("global", func.id, ()))
                if func.id in ("getattr", "setattr", "hasattr") and frame.scope is not None:
                    self._reflective_access(func.id, node)
            elif local_callee is None and frame.free_names_used and func.id not in frame.scope.local_names \
                    and self._enclosing_parameter(func.id):
                frame.summary.wraps = func.id  # `func(*args)` in a decorator's wrapper
        else:
            self._expr(func)
            if type(func) is ast.Subscript:
                table = self.ref_of(func.value)
                if table is not None and table.names_a_table_holder():
                    element_of = table  # `self._parsers[name]()`, `_PARSERS[fmt](data)`
            lookup = frame.last_lookup
            if lookup is not None and lookup[0] == id(func):
                lookup[1].result_called = True  # `getattr(client, name)(...)`
        function_args = []
        argument_refs = []
        for position, arg in enumerate(node.args):
            self._expr(arg)
            fa = self._function_arg(arg, position, None)
            if fa is not None:
                function_args.append(fa)
                wrapped = _wrapped_call(arg)
                if wrapped is not None and (fw := self._function_arg(wrapped, position, None)) is not None:
                    function_args.append(fw)
            if type(arg) in (ast.Name, ast.Attribute) and (ref := self.ref_of(arg)) is not None:
                argument_refs.append((position, None, ref))
        for keyword in node.keywords:
            self._expr(keyword.value)
            if keyword.arg is not None:
                fa = self._function_arg(keyword.value, None, keyword.arg)
                if fa is not None:
                    function_args.append(fa)
                value = keyword.value
                if type(value) in (ast.Name, ast.Attribute) and (ref := self.ref_of(value)) is not None:
                    argument_refs.append((None, keyword.arg, ref))
        if type(func) is ast.Attribute and frame.scope is not None and self.writes_stores:
            self._store_api_call(func, receiver, node, store_reading_calls != self._store_reading_calls)
        if type(func) is ast.Attribute and func.attr == "join" and not node.args and _names_a_thread(func.value):
            frame.summary.thread_joins += (node.lineno,)
        if callee is None and local_callee is None and made_receiver is None and element_of is None \
                and not function_args and not listed:
            return
        first = constant_key(node.args[0]) if node.args else None
        argument_kinds, spreads = self._argument_kinds(node) if node.args or node.keywords else ((), False)
        forwards = forward_of(node, frame.passes_on, frame.scope.unassigned_parameters) \
            if spreads and frame.passes_on is not None else None
        call = Call(
            callee=callee, local_callee=local_callee, line=node.lineno, col=node.col_offset,
            locks=tuple(frame.locks), callee_text=dotted_text(func) or chained_call_text(func) or "",
            function_args=tuple(function_args), first_arg_text=first, in_loop=frame.loop_depth > 0,
            argument_refs=tuple(argument_refs),
            lazy_guards=self._lazy_guards(), argument_kinds=argument_kinds, positional=len(node.args), spreads=spreads,
            forwards=forwards,
            hands_self=hands_over(node, frame.self_name), made_receiver=made_receiver, element_of=element_of,
        )
        frame.summary.calls.append(call)
        for element in listed:
            local = self._local_function(element.id) if type(element) is ast.Name else None
            frame.summary.calls.append(replace(
                call, callee=None if local is not None else self.ref_of(element), local_callee=local,
                callee_text=dotted_text(element) or ""))
        if type(func) is ast.Name and func.id == "getattr" and callee is not None:
            frame.last_lookup = (id(node), call)

    def _view_call(self, node: ast.Call, receiver: Ref) -> None:
        """`for v in _cache.values():` iterates the container (the caller records that) and, on
        an instance of a class of the program that defines `values()`, also runs that method: the
        call is recorded, so the method is reached from here, with no second access."""
        callee = self._method_of_an_object(receiver, node.func)
        if callee is None or id(node) in self._visited_calls:
            return
        self._visited_calls.add(id(node))
        self._record_implied_call(callee, node.lineno, node.col_offset, dotted_text(node.func) or "")

    def _record_implied_call(self, callee: Ref, line: int, col: int, text: str) -> None:
        """A call the syntax implies without writing it out (`values()` on a view, `__enter__`
        for `with self:`), recorded with the frame's locks, loop and lazy guards, no arguments."""
        frame = self.frame
        frame.summary.calls.append(Call(
            callee=callee, local_callee=None, line=line, col=col, locks=tuple(frame.locks),
            callee_text=text, in_loop=frame.loop_depth > 0, lazy_guards=self._lazy_guards(),
        ))

    def _pops_what_it_pushed(self, receiver: Ref, pop) -> bool:
        """`self._render_stack.append(state)`, then `self._render_stack.pop()`: the function
        pushes its own entry for the length of a call and takes it off again, a temporary change
        of the stack's top as `old = x; x = mine; ...; x = old` is of a value."""
        if any(a is not pop and a.ref == receiver and a.kind == WRITE and a.appends
               for a in self.frame.summary.accesses):
            return True
        if self.class_stack and self.frame.summary.class_name == self.class_stack[-1].qualname:
            self.method_pops.append((self.frame.summary, pop))  # the class's `__exit__` may pop it
        return False

    def _lazy_guards(self) -> tuple[Ref, ...]:
        """The shared state the enclosing `if`s test for emptiness (`if not _loaded: _load()`)."""
        return tuple(ref for checks in self.frame.enclosing_checks for ref, check in checks.items() if check[1] is True)

    def _method_of_an_object(self, receiver: Ref, func: ast.Attribute) -> Ref | None:
        """`_cache.get(key)`, `self.registry.add(item)`: on a dict or a set this is a container
        access, recorded as one; on an instance of a class of the program that defines the method
        it is also a call of that method, which the index resolves (or drops, for a builtin).
        Only module-level and `self` receivers: a local's class is rarely known."""
        if receiver.root_kind not in ("global", "self", "class"):
            return None
        return self.ref_of(func)

    def _reflective_access(self, builtin: str, node: ast.Call) -> None:
        """`getattr(obj, "name", default)` and `hasattr(obj, "name")` read obj.name, and
        `setattr(obj, "name", value)` rebinds it, when the name is a constant."""
        args = node.args
        ref = self._named_attribute(args)
        if ref is None:
            return
        if builtin in ("getattr", "hasattr"):
            self._record(ref, READ, OP_LOAD, node)
        elif len(args) == 3:
            access = self._record(ref, WRITE, OP_REBIND, node)
            self._mark_restore(access, ref, args[2])
            if ref.root_kind == "self" and len(ref.attrs) == 1 and self.class_stack:
                self._note_instance_attribute(ref.attrs[0], args[2], node)

    def _instance_dict_update(self, receiver: ast.expr, node: ast.Call) -> None:
        """`self.__dict__.update(name=value)` sets instance attributes, as `self.name = value`
        does: they shadow class-level defaults of the same names."""
        if not self._is_self(receiver.value) or not self.class_stack:
            return
        for keyword in node.keywords:
            if keyword.arg is not None:
                self._note_instance_attribute(keyword.arg, keyword.value, node)

    def _named_attribute(self, args: list[ast.expr]) -> Ref | None:
        """`obj.name` for the arguments `(obj, "name", ...)` of getattr/hasattr/setattr."""
        if len(args) < 2 or type(args[1]) is not ast.Constant or not isinstance(args[1].value, str):
            return None
        if not args[1].value.isidentifier():
            return None
        if self._is_self(args[0]):
            return self._interned(("self", self.frame.class_name, (args[1].value,)))
        frame = self.frame
        if type(args[0]) is ast.Name and args[0].id == frame.cls_name and frame.class_name and frame.scope is not None:
            return self._interned(("class", frame.class_name, (args[1].value,)))  # `hasattr(cls, "_lock")`
        owner = self.ref_of(args[0])
        if owner is None:
            return None
        return self._interned((owner.root_kind, owner.root, (*owner.attrs, args[1].value)))

    def _function_arg(self, node: ast.expr, position: int | None, keyword: str | None) -> FunctionArg | None:
        """A function named by an argument, or a call of one (a coroutine handed to a task)."""
        called = False
        same_for_each: tuple[int | str, ...] = ()
        if type(node) is ast.Starred and type(node.value) is ast.Name and node.value.id in self.frame.comprehensions:
            node = ast.Starred(self.frame.comprehensions[node.value.id])  # `tasks = [...]`, `gather(*tasks)`
        if type(node) is ast.Starred and type(node.value) in (ast.GeneratorExp, ast.ListComp):
            same_for_each = _arguments_outside(node.value)
            node = node.value.elt  # gather(*(worker(x) for x in xs))
        if type(node) is ast.Call:
            # partial(f, ...) and create_task(f(...)) both hand over f.
            inner = node.func
            text = dotted_text(inner) or ""
            if text.endswith("partial") and node.args:
                node = node.args[0]
            else:
                node = inner
                called = True
        if type(node) is ast.Lambda:
            return FunctionArg(position, keyword, None, self._lambda_qualname(node), called)
        if type(node) is ast.Name:
            local = self._local_function(node.id)
            if local is not None:
                return FunctionArg(position, keyword, None, local, called, same_for_each)
            if self._name_is_local(node.id):
                return None
            return FunctionArg(position, keyword, self._interned(("global", node.id, ())), None, called, same_for_each)
        if type(node) is ast.Attribute:
            ref = self.ref_of(node)
            if ref is not None:
                return FunctionArg(position, keyword, ref, None, called, same_for_each)
        return None


def _arguments_outside(comprehension: ast.ListComp | ast.GeneratorExp) -> tuple[int | str, ...]:
    """The arguments of the call a comprehension makes (`worker(chunk, limiter)` for `chunk in
    chunks`) that are plain names it does not bind: the same object for every call."""
    call = comprehension.elt
    if type(call) is not ast.Call:
        return ()
    bound = {n.id for generator in comprehension.generators for n in ast.walk(generator.target) if type(n) is ast.Name}
    positions: list[int | str] = [i for i, arg in enumerate(call.args) if type(arg) is ast.Name and arg.id not in bound]
    positions += [k.arg for k in call.keywords if k.arg and type(k.value) is ast.Name and k.value.id not in bound]
    return tuple(positions)


def _wrapped_call(arg: ast.expr) -> ast.Call | None:
    """The call a call argument wraps, `self.device()` in `gather(fetch_data(self.device()))` or
    `create_task(asyncio.wait_for(self.poll(), 5))`: the task runs it too."""
    if type(arg) is ast.Call and arg.args and type(arg.args[0]) is ast.Call \
            and not (dotted_text(arg.func) or "").endswith("partial"):
        return arg.args[0]
    return None


def _names_a_thread(receiver: ast.expr) -> bool:
    """What `.join()` with no positional argument is called on names a thread or a process, a
    local or an attribute (`committer`, `self._thread`): not a module (`os.path.join(...)` takes
    arguments anyway) nor a string (`", ".join` does too)."""
    return type(receiver) is ast.Name or (type(receiver) is ast.Attribute and type(receiver.value) is ast.Name
                                           and receiver.value.id not in ("os", "posixpath", "ntpath", "shlex"))
