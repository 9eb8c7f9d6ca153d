"""All summaries -> one program: names resolved across modules, classes, instances, call graph.

A *symbol* is what a name or attribute chain denotes after imports are followed:
a module, a function (by id ``module.qualname``), a class, a shared object (``module.name`` or
``module.Class.attr``) or something outside the analysed code (``external``, e.g. ``flask.Flask``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from racefree.knowledge.sync import (
    LOOP_BOUND_PRIMITIVES,
    OTHER_LIBRARIES_PER_THREAD_OBJECTS,
    PER_THREAD_BASES,
    PER_THREAD_STORAGE,
    SAFE_CONTAINER_CONSTRUCTORS,
    THREAD_MODULES,
    THREAD_PRIMITIVES,
)
from racefree.declared_fields import is_declared_field
from racefree.loop_callbacks import callback_edge, loop_callback_edges
from racefree.summarize.waited_jobs import waits_for_job
from racefree.summarize.model import (
    CALL,
    OP_REBIND,
    OP_SLOT_LOAD,
    OWN_CLASS,
    READ,
    USE,
    WRITE,
    Access,
    Binding,
    Call,
    ClassSummary,
    FunctionArg,
    FunctionSummary,
    ModuleSummary,
    Ref,
)
from racefree.summarize.visitor import TOPLEVEL
from racefree.knowledge.containers import CACHED_PROPERTY_DECORATORS, MUTATING_METHODS, READING_METHODS
from racefree.knowledge.unsafe_objects import unsafe_object

MODULE = "module"
# The methods a `with` block calls on its object
_CONTEXT_METHODS = frozenset({"__enter__", "__exit__", "__aenter__", "__aexit__"})
# The standard library's metaclasses, a subclass of which makes classes: `type`, `ABCMeta`
# (`class FileLockMeta(ABCMeta)`), the enum and protocol metaclasses.
_METACLASS_BASES = frozenset({"type", "ABCMeta", "EnumMeta", "EnumType", "_ProtocolMeta"})
FUNCTION = "function"
CLASS = "class"
OBJECT = "object"  # a module-level name, or a path inside one
CLASS_ATTR = "class-attr"  # an attribute defined in a class body: one object for all instances
INSTANCE_ATTR = "instance-attr"  # an attribute of instances of a class
EXTERNAL = "external"
FRESH = "fresh"  # an object a call creates: private to its caller until shared
DEFAULT_ARGUMENT = "default-argument"  # a parameter's mutable default: one object for every call
CONTEXT_DEFAULT = "context-default"  # a ContextVar's mutable default: one object for every context
CELL = "closure-cell"  # a local of a function that the functions defined inside it use
_CONTEXT_GET = "context-get"  # `steps_var.get` on such a ContextVar, whose call gives its default


@dataclass(frozen=True, slots=True)
class Symbol:
    kind: str
    name: str  # canonical dotted name or function id
    binding: Binding | None = None
    owner_class: str | None = None  # for attributes: the class that defines them
    safe: bool = False  # per-thread storage or a thread-safe container, or a path through one
    typed: str | None = None  # for objects made by a constructor: "pkg.Class" of the instance


@dataclass(slots=True)
class FunctionInfo:
    fid: str
    module: ModuleSummary
    summary: FunctionSummary

    @property
    def class_id(self) -> str | None:
        """The full name of the class the function is a method of; None for a plain function."""
        class_name = self.summary.class_name
        return f"{self.module.module}.{class_name}" if class_name else None


@dataclass(slots=True)
class CallEdge:
    caller: str
    callee: str
    line: int
    call: Call


@dataclass(slots=True)
class ProgramIndex:
    modules: dict[str, ModuleSummary]
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    classes: dict[str, tuple[ModuleSummary, ClassSummary]] = field(default_factory=dict)
    # class id -> names of module-level objects that are instances of it (singletons)
    singletons: dict[str, list[str]] = field(default_factory=dict)
    calls_from: dict[str, list[CallEdge]] = field(default_factory=dict)
    calls_to: dict[str, list[CallEdge]] = field(default_factory=dict)
    # `obj.name(...)` calls whose receiver's class could not be told, by the method name called
    unresolved_method_calls: dict[str, list[tuple[str, Call]]] = field(default_factory=dict)
    # decorators' wrappers that run with an instance of the class whose methods they wrap
    method_wrappers: set[str] = field(default_factory=set)
    _by_name: dict[str, list[str]] | None = None
    # (class name as written, attribute) for every `Router.attr = v` / `cls.attr = v` store
    _set_through_a_class: set[tuple[str, str]] | None = None
    _calls_by_last_name: dict[str, list[tuple[FunctionInfo, Call]]] | None = None
    _global_cache: dict[tuple[str, str], Symbol | None] = field(default_factory=dict)
    _typing: set[str] = field(default_factory=set)  # objects whose constructor is being resolved
    _ref_cache: dict[tuple[str, Ref, int], Symbol | None] = field(default_factory=dict)
    _mro_cache: dict[str, list[str]] = field(default_factory=dict)
    _kept_default_cache: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    _proxies: dict[str, bool] = field(default_factory=dict)  # class -> a per-thread proxy
    _subclasses: dict[str, list[str]] | None = None
    _mentioned: frozenset[str] | None = None
    _made_in_class_bodies: frozenset[str] | None = None  # see sits_in_class_bodies
    _loop_bound: dict[str, bool] = field(default_factory=dict)  # class -> lives on one event loop
    _outside_bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> its external bases
    _per_thread: dict[str, bool] = field(default_factory=dict)  # class -> instances are per thread
    _rebound_on_instances: frozenset[str] | None = None  # see rebound_on_instances
    _rebound_by_functions: frozenset[str] | None = None  # see rebound_by_functions
    _metaclasses: dict[str, bool] = field(default_factory=dict)  # class -> it makes classes
    _made_through: dict[str, list[str]] = field(default_factory=dict)  # metaclass `__call__` or `__new__` -> the classes it makes

    # ------------------------------------------------------------- build
    @classmethod
    def build(cls, summaries: list[ModuleSummary]) -> "ProgramIndex":
        index = cls(modules={s.module: s for s in summaries})
        for module in summaries:
            for qualname, function in module.functions.items():
                fid = f"{module.module}.{qualname}"
                index.functions[fid] = FunctionInfo(fid, module, function)
            if module.toplevel is not None:
                fid = f"{module.module}.{TOPLEVEL}"
                index.functions[fid] = FunctionInfo(fid, module, module.toplevel)
            for qualname, class_summary in module.classes.items():
                index.classes[f"{module.module}.{qualname}"] = (module, class_summary)
        index._find_singletons()
        index._keep_uses_of_unsafe_objects()
        index._build_call_graph()
        return index

    def _keep_uses_of_unsafe_objects(self) -> None:
        """Drop the method calls recorded as uses (`x.load(f)`, `self._conn.execute(q)`) on
        objects not known to be unsafe to share: the summariser records them by method name
        alone, and only an unsafe object's make an access."""
        for info in self.functions.values():
            accesses = info.summary.accesses
            if any(access.kind == USE for access in accesses):
                info.summary.accesses = [a for a in accesses if a.kind != USE or self._uses_unsafe_object(info, a)]

    def _uses_unsafe_object(self, info: FunctionInfo, access: Access) -> bool:
        symbol = self.resolve_ref(info.module, access.ref, info.summary.class_name)
        return symbol is not None and unsafe_object(symbol.typed, access.slot) is not None

    def _find_singletons(self) -> None:
        for module in self.modules.values():
            for name, binding in module.bindings.items():
                if binding.constructor_ref is None or not (binding.value_kind == "call" or (
                        binding.value_kind == "annotated" and name in module.global_rebinds)):
                    continue
                # (`_tracer: Tracer | None = None`, set by `set_global_tracer(t)` under `global`:
                # the process's one tracer, once set)
                constructor = self.resolve_ref(module, binding.constructor_ref, None)
                if constructor is None or constructor.kind != CLASS:
                    continue
                # A package's own module-level instance is its singleton; a script elsewhere
                # that makes `parser = ArgumentParser()` does not make every parser shared.
                if constructor.name.split(".", 1)[0] != module.module.split(".", 1)[0]:
                    continue
                self.singletons.setdefault(constructor.name, []).append(f"{module.module}.{name}")

    def _build_call_graph(self) -> None:
        # `x.get(k)`, `x.append(v)`: calls of a container method name are recorded for the classes
        # of the program that define one; where none does, they cannot resolve to its code.
        defined = {name for _, summary in self.classes.values() for name in summary.methods}
        class_call_extras = self._class_call_extras()
        for class_id, extras in class_call_extras.items():
            for extra in extras:
                self._made_through.setdefault(extra, []).append(class_id)
        named = {class_id.rsplit(".", 1)[-1] for class_id in class_call_extras}
        for fid, info in self.functions.items():
            for call in info.summary.calls:
                callee = call.callee
                if callee is not None and callee.attrs and callee.attrs[-1] in CONTAINER_METHODS \
                        and callee.attrs[-1] not in defined:
                    continue
                callee = self.resolve_call(info, call)
                if callee is not None:
                    self._add_edge(CallEdge(fid, callee, call.line, call))
                elif call.callee is not None and call.callee.attrs and not call.callee.names_own_member():
                    self.unresolved_method_calls.setdefault(call.callee.attrs[-1], []).append((fid, call))
                    private = self._only_method_with_private_name(call.callee.attrs[-1])
                    if private is not None:
                        self._add_edge(CallEdge(fid, private, call.line, call))
                else:
                    for method in self._bound_methods_called(info, call):
                        self._add_edge(CallEdge(fid, method, call.line, call))
                for override in self._overrides(info, call):
                    self._add_edge(CallEdge(fid, override, call.line, call))
                if named and call.callee is not None \
                        and (call.callee.attrs[-1] if call.callee.attrs else call.callee.root) in named:
                    symbol = self.resolve_ref(info.module, call.callee, info.summary.class_name)
                    if symbol is not None and symbol.kind == CLASS and symbol.name in class_call_extras:
                        for extra in class_call_extras[symbol.name]:
                            self._add_edge(CallEdge(fid, extra, call.line, call))
        for caller, callee, line in loop_callback_edges(self):
            self._add_edge(callback_edge(caller, callee, line, CallEdge))
        self._property_edges()
        self._subscript_edges()
        self._dynamic_attribute_edges()
        self._waited_job_edges()
        self._method_wrapper_edges()

    def _only_method_with_private_name(self, name: str) -> str | None:
        """`self.server._new_client_(self)` on an object of a class the code cannot tell (a
        socketserver handler's `server`, handed in by the library): a private method name that
        one class of the program alone defines is that class's method. (Private names are the
        program's own; a public one, `close` or `send`, may be any library's.)"""
        if not name.startswith("_") or name.startswith("__"):
            return None
        found = [fid for fid in self.functions_named(name) if self.functions[fid].class_id is not None]
        return found[0] if len(found) == 1 else None

    def sits_in_class_bodies(self, class_id: str) -> bool:
        """Instances of the class are made in class bodies: it derives from `property`, or the
        program binds a class attribute to one (`name = Field()`) or decorates a method with it
        (`@classproperty(lazy=True)`). Matched by the class's last name, as written."""
        if self._made_in_class_bodies is None:
            made = set()
            for _, summary in self.classes.values():
                made.update(b.constructor.rsplit(".", 1)[-1] for b in summary.attributes.values() if b.constructor)
            for info in self.functions.values():
                if info.class_id is not None and "<locals>" not in info.summary.qualname:
                    made.update(d.text.rsplit(".", 1)[-1] for d in info.summary.decorators)
            self._made_in_class_bodies = frozenset(made)
        names = {c.rsplit(".", 1)[-1] for c in self.subclasses_and_self(class_id)}
        bases = {base.rsplit(".", 1)[-1] for c in self.mro(class_id) for base in self.classes[c][1].base_texts}
        return bool(names & self._made_in_class_bodies) or bool(bases & {"property", "cached_property"})

    def is_metaclass(self, class_id: str) -> bool:
        """A class that makes classes (`class _TzOffsetFactory(type)`): its instances are classes,
        so what its methods keep on `cls` is each made class's own class-level state."""
        known = self._metaclasses.get(class_id)
        if known is None:
            known = self._metaclasses[class_id] = any(
                base.rsplit(".", 1)[-1] in _METACLASS_BASES for c in self.mro(class_id) for base in self.classes[c][1].base_texts)
        return known

    def classes_made_through(self, fid: str) -> list[str]:
        """The classes whose calls run fid, a metaclass's `__call__` or a `__new__` (see
        _class_call_extras; filled as the call graph is built)."""
        return self._made_through.get(fid, [])

    def _class_call_extras(self) -> dict[str, list[str]]:
        """Class -> what calling it runs besides `__init__`: its `__new__` where a class of the
        program defines one (`tqdm(...)` runs `tqdm.__new__`, which may keep state on `cls`), and
        the `__call__` of its metaclass where that is a class of the program that defines one (a
        factory that caches instances, a singleton's metaclass: `tzoffset(name, offset)`)."""
        calling: dict[str, list[str]] = {}
        for class_id, (module, summary) in self.classes.items():
            if "__new__" in summary.methods:
                fid = self.function_of(self.class_member(class_id, "__new__", instance=False))
                if fid is not None:
                    for made in self.subclasses_and_self(class_id):
                        calling.setdefault(made, []).append(fid)
            if summary.metaclass is None:
                continue
            meta = self.resolve_ref(module, summary.metaclass, None)
            if meta is not None and meta.kind == CLASS and meta.name in self.classes:
                fid = self.function_of(self.class_member(meta.name, "__call__", instance=False))
                if fid is not None:
                    for made in self.subclasses_and_self(class_id):
                        calling.setdefault(made, []).append(fid)
        return calling

    def _bound_methods_called(self, info: FunctionInfo, call: Call) -> list[str]:
        """`self._send(payload)` after `self._send = self._send_to_buffer` somewhere in the class,
        `self._parsers[name]()` after `self._parsers = {"timestamp": self._try_timestamp, ...}`:
        the methods the attribute is bound to, any of which the call runs (on the same object);
        for a module-level table, its functions (`_table_functions`)."""
        callee = call.callee
        table = call.element_of
        if table is not None and table.root_kind == "global":
            return self._table_functions(info, table)
        attribute = callee.attrs[0] if callee is not None and callee.names_own_member() else (
            table.attrs[0] if table is not None else None)
        class_id = info.class_id
        if attribute is None or class_id not in self.classes:
            return []
        found = []
        for current in self.mro(class_id):
            for method in self.classes[current][1].bound_methods.get(attribute, ()):
                fid = self.function_of(self.class_member(class_id, method, instance=True))
                if fid is not None and fid not in found:
                    found.append(fid)
        return found

    def _table_functions(self, info: FunctionInfo, table: Ref) -> list[str]:
        """`_PARSERS[fmt](data)` after `_PARSERS = {"json": parse_json, "yaml": parse_yaml}` at
        module level (here or in the module it is imported from): the functions (or the classes'
        constructors) the table holds, any of which the call runs."""
        symbol = self.resolve_ref(info.module, table, info.summary.class_name)
        if symbol is None or symbol.kind != OBJECT or "." not in symbol.name:
            return []
        module_name, name = symbol.name.rsplit(".", 1)
        module = self.modules.get(module_name)
        if module is None:
            return []
        found = []
        for held in module.function_tables.get(name, ()):
            fid = self.function_of(self.resolve_ref(module, Ref("global", held), None))
            if fid is not None and fid not in found:
                found.append(fid)
        return found

    def _waited_job_edges(self) -> None:
        """`executor.submit(job).result()`: the caller waits for the job it hands to another thread
        (summarize.waited_jobs), so the job is one of its steps, a call like any other, under the
        locks the caller holds while it waits."""
        for fid, info in self.functions.items():
            for call in info.summary.calls:
                if not call.waited_at_once:
                    continue
                for arg in call.function_args:
                    if not waits_for_job(call, arg):
                        continue
                    job = self.resolve_function_arg(info, arg)
                    if job is not None and job != fid:
                        step = Call(arg.target, arg.local, call.line, call.col, locks=call.locks,
                                    callee_text=arg.target.text() if arg.target is not None else "", spreads=True)
                        self._add_edge(CallEdge(fid, job, call.line, step))

    def _method_wrapper_edges(self) -> None:
        """`@lazy_load` on a method, where the module's `lazy_load` returns a wrapper it runs
        with the instance first (summarised as a method of that class: summarize.method_wrappers):
        each call of the method runs the wrapper, so the method leads to the wrapper's calls in
        the callers' threads, as if it called it."""
        for fid, info in self.functions.items():
            summary = info.summary
            if summary.class_name is None or ".<locals>." not in summary.qualname \
                    or info.class_id not in self.classes:
                continue
            decorator = summary.qualname.split(".<locals>.", 1)[0]
            maker = self.functions.get(f"{info.module.module}.{decorator}")
            if "." in decorator or maker is None or maker.summary.class_name is not None:
                continue  # a closure in a method, not a module-level decorator's wrapper
            for qualname in self.classes[info.class_id][1].methods.values():
                method = self.functions.get(f"{info.module.module}.{qualname}")
                if method is not None and any(d.text == decorator for d in method.summary.decorators):
                    self._add_edge(callback_edge(method.fid, fid, method.summary.line, CallEdge))
                    self.method_wrappers.add(fid)

    def _overrides(self, info: FunctionInfo, call: Call) -> list[str]:
        """`self.fetch()` in a method of a base class also runs a subclass's own `fetch()` when
        self is an instance of that subclass (a template method: the base's polling loop calls the
        fetch its subclasses override)."""
        callee = call.callee
        class_id = info.class_id
        if callee is None or not callee.names_own_member() or class_id not in self.classes:
            return []
        method = callee.attrs[0]
        found = []
        for subclass in self.subclasses_and_self(class_id):
            module, summary = self.classes[subclass]
            if subclass != class_id and method in summary.methods and self._runs_inherited(subclass, class_id, info):
                fid = f"{module.module}.{summary.methods[method]}"
                if fid in self.functions:
                    found.append(fid)
        return found

    def _runs_inherited(self, subclass: str, base: str, info: FunctionInfo) -> bool:
        """The base's method (info) runs on instances of the subclass: no class between them
        replaces it, or each that does hands on to it (`super().<name>(...)`, `super().<name>`
        for a property, `Base.<name>(self)`). Where the subclass replaces the method outright
        (SQLAlchemy's deferred config, whose `_early_mapping` does nothing), the base's body, and
        the calls it makes on `self`, never run with such a self."""
        name = info.summary.name
        for cls in self.mro(subclass):
            if cls == base:
                return True
            module, summary = self.classes[cls]
            qualname = summary.methods.get(name)
            if qualname is None:
                continue
            own = self.functions.get(f"{module.module}.{qualname}")
            if own is not None and not _hands_on(own.summary, name):
                return False
        return True

    def mentioned_names(self) -> frozenset[str]:
        """Every attribute or name the program's functions call, read, pass or bind to another name
        (`self._send = self._send_to_buffer`), by its last part: what is not here, nothing uses."""
        if self._mentioned is None:
            names: set[str] = set()
            for info in self.functions.values():
                summary = info.summary
                for call in summary.calls:
                    names.update(call.callee_text.rsplit(".", 1)[-1:])
                    if call.local_callee:
                        names.add(call.local_callee.rsplit(".", 1)[-1])
                    for arg in call.function_args:
                        if arg.target is not None:
                            names.add(_last_name(arg.target))
                        if arg.local:
                            names.add(arg.local.rsplit(".", 1)[-1])
                for access in summary.accesses:
                    names.add(_last_name(access.ref))
                for registration in summary.registrations:
                    for arg in registration.functions:
                        if arg.target is not None:
                            names.add(_last_name(arg.target))
                for decorator in summary.decorators:
                    names.update(decorator.text.split("."))
            for module in self.modules.values():
                names.update(module.named_in_values)
                bindings = [*module.bindings.values()]
                for class_summary in module.classes.values():
                    bindings += [*class_summary.attributes.values(), *class_summary.instance_attributes.values()]
                for binding in bindings:
                    if binding.constructor:
                        names.update(binding.constructor.split("."))
            self._mentioned = frozenset(names)
        return self._mentioned

    def _property_edges(self) -> None:
        """`self.client`, `api.__schema__`: reading a property runs its getter, a call like any
        other; reading a cached property runs it the first time, which is when it races; assigning
        a property runs its setter. Only names of the program's properties are resolved."""
        getters = set()
        setter_functions = set()
        cached: dict[str, str] = {}  # the cached value's attribute (class id.name) -> its getter
        for fid, info in self.functions.items():
            summary = info.summary
            if summary.class_name is None:
                continue
            if is_property(summary):
                getters.add(fid)
            elif is_property_setter(summary):
                setter_functions.add(fid)
            elif is_cached_property(summary) and "<locals>" not in summary.qualname:
                cached[f"{info.module.module}.{summary.qualname}"] = fid
        names = {fid.rsplit(".", 1)[-1] for fid in (*getters, *cached.values())}
        # `Babel.locale.setter`, found through the getter `Babel.locale` an assignment resolves to
        setters = {fid.rsplit(".", 1)[0]: fid for fid in setter_functions if fid.endswith(".setter")}
        set_names = {getter.rsplit(".", 1)[-1] for getter in setters}
        if not names and not set_names:
            return
        for fid, info in self.functions.items():
            summary = info.summary
            if set_names:
                self._setter_edges(fid, info, setters, set_names)
            # What the function reads: plain reads, and the receivers of its calls
            # (`self._connection.execute(...)` reads `self._connection` first).
            reads = [(a.ref, a.line, a.col, a.locks) for a in summary.accesses if a.kind == READ and a.ref.attrs]
            reads += [(Ref(c.callee.root_kind, c.callee.root, c.callee.attrs[:-1]), c.line, c.col, c.locks)
                      for c in summary.calls if c.callee is not None and len(c.callee.attrs) > 1]
            for ref, line, col, locks in reads:
                if ref.attrs[-1] not in names:
                    continue
                symbol = self.resolve_ref(info.module, ref, summary.class_name)
                if symbol is None:
                    continue
                getter = symbol.name if symbol.kind == FUNCTION and symbol.name in getters else \
                    cached.get(symbol.name) if symbol.kind == INSTANCE_ATTR else None
                if getter is not None and getter != fid:
                    call = Call(ref, None, line, col, locks=locks, callee_text=ref.text())
                    self._add_edge(CallEdge(fid, getter, line, call))

    def _subscript_edges(self) -> None:
        """`POOLS[bucket]` on an instance of a dict's subclass of the program that defines
        `__missing__` (`class keydefaultdict(defaultdict)`): a lookup of an absent key runs that
        method, a call like any other. (Not a class's own `__getitem__`: those that compute
        what they return mostly load the whole container lazily, under their own guards, which
        a call edge from every subscript would put on every request's path.)"""
        hooks = {class_id: f"{module.module}.{summary.methods['__missing__']}"
                 for class_id, (module, summary) in self.classes.items() if "__missing__" in summary.methods}
        if not hooks:
            return
        # Only a name bound to a call of such a class (or a subclass) can name an instance: a
        # cheap test before resolving a subscript's reference.
        kinds = {c.rsplit(".", 1)[-1] for hook in hooks for c in self.subclasses_and_self(hook)}
        names = {binding.name for module in self.modules.values()
                 for binding in (*module.bindings.values(),
                                 *(b for cls in module.classes.values()
                                   for b in (*cls.attributes.values(), *cls.instance_attributes.values())))
                 if binding.constructor and binding.constructor.rsplit(".", 1)[-1] in kinds}
        for fid, info in self.functions.items():
            summary = info.summary
            for access in summary.accesses:
                ref = access.ref
                if access.op != OP_SLOT_LOAD or not access.indexes or (ref.attrs[-1] if ref.attrs else ref.root) not in names:
                    continue
                symbol = self.resolve_ref(info.module, access.ref, summary.class_name)
                typed = symbol.typed if symbol is not None else None
                if typed not in self.classes:
                    continue
                target = next((hooks[c] for c in self.mro(typed) if c in hooks), None)
                if target is not None and target != fid and target in self.functions:
                    call = Call(access.ref, None, access.line, access.col, locks=access.locks,
                                callee_text=access.ref.text())
                    self._add_edge(CallEdge(fid, target, access.line, call))

    def _dynamic_attribute_edges(self) -> None:
        """`settings.SITE_TITLE` on the module-level instance of a class that defines
        `__getattr__` and has no such attribute: the read runs `__getattr__` (Django-style lazy
        settings objects, proxies)."""
        hooks: dict[str, tuple[str, str]] = {}  # singleton -> (its class, its __getattr__)
        for class_id, names in self.singletons.items():
            hook = self.function_of(self.class_member(class_id, "__getattr__", instance=True))
            if hook is not None:
                hooks.update((name, (class_id, hook)) for name in names)
        roots = {name.rsplit(".", 1)[-1] for name in hooks}
        if not hooks:
            return
        for fid, info in self.functions.items():
            for access in info.summary.accesses:
                ref = access.ref
                if access.kind != READ or ref.root_kind != "global" or len(ref.attrs) != 1 or ref.root not in roots:
                    continue
                owner = self.resolve_ref(info.module, Ref("global", ref.root, ()), info.summary.class_name)
                found = hooks.get(owner.name) if owner is not None and owner.kind == OBJECT else None
                if found is not None and found[1] != fid and self.not_declared(found[0], ref.attrs[0]):
                    call = Call(ref, None, access.line, access.col, locks=access.locks, callee_text=ref.text())
                    self._add_edge(CallEdge(fid, found[1], access.line, call))

    def _set_through_the_class(self, order: list[str], attr: str) -> bool:
        """Some code stores the attribute through one of these classes (`BaseRouter.current_event
        = event`, `cls.current_event = event`): a declaration alone (`content: str` in a model's
        body) is each instance's field."""
        if self._set_through_a_class is None:
            self._set_through_a_class = set()
            for info in self.functions.values():
                for access in info.summary.accesses:
                    ref = access.ref
                    if access.kind == WRITE and len(ref.attrs) == 1 and ref.root_kind in ("global", "class"):
                        self._set_through_a_class.add((ref.root.rsplit(".", 1)[-1], ref.attrs[0]))
        return any((class_id.rsplit(".", 1)[-1], attr) in self._set_through_a_class for class_id in order)

    def attribute_behind_property(self, symbol: Symbol) -> Symbol | None:
        """`for rule in self.rules`, where `rules` is a `@property` that returns `self._rules`:
        iterating or changing what the property hands out iterates or changes `_rules`. So does
        using one that returns an element of it (`return self._general_cache[self._id]`), a part
        of the one container."""
        info = self.functions.get(symbol.name) if symbol.kind == FUNCTION else None
        if info is None or info.class_id is None or not is_property(info.summary):
            return None
        returned_refs = info.summary.returns or info.summary.returns_an_element_of
        if len(returned_refs) != 1:
            return None
        [returned] = returned_refs
        if returned.root_kind == "self" and len(returned.attrs) == 1:
            member = self.class_member(info.class_id, returned.attrs[0], instance=True)
            return member if member is not None and member.kind in (INSTANCE_ATTR, CLASS_ATTR) else None
        if returned.root_kind in ("global", "class") and returned.attrs:
            # `return Store._all_values[self._id]`, `return type(self)._rules`: the class's one object
            member = self.resolve_ref(info.module, returned, info.summary.class_name)
            return member if member is not None and member.kind == CLASS_ATTR else None
        return None

    def attribute_behind_setter(self, symbol: Symbol) -> Symbol | None:
        """`settings.validation_mode = RAISE`, where `validation_mode` is a property whose setter
        stores `self._validation_mode`: the assignment changes `_validation_mode` (a setter that
        checks or converts the value first still makes the one store; one that stores several
        attributes is left as a call)."""
        setter = self.functions.get(f"{symbol.name}.setter") if symbol.kind == FUNCTION else None
        if setter is None or setter.class_id is None:
            return None
        writes = [a for a in setter.summary.accesses if a.kind == WRITE]
        stored = {a.ref.attrs[0] for a in writes
                  if a.op == OP_REBIND and a.ref.root_kind == "self" and len(a.ref.attrs) == 1}
        if len(stored) != 1 or len(stored) != len({a.ref for a in writes}):
            return None  # (nor one that stores elsewhere too: haystack's shared-or-local average)
        member = self.class_member(setter.class_id, stored.pop(), instance=True)
        return member if member is not None and member.kind in (INSTANCE_ATTR, CLASS_ATTR) else None

    def not_declared(self, class_id: str, attr: str) -> bool:
        """No method, class attribute or assigned instance attribute of the class has the name."""
        member = self.class_member(class_id, attr, instance=True)
        return member is None or (member.kind == INSTANCE_ATTR and member.binding is None)

    def _setter_edges(self, fid: str, info: FunctionInfo, setters: dict[str, str], set_names: set[str]) -> None:
        """`self.babel.locale = code`: assigning a property runs its setter (`@locale.setter`).
        setters: the getter's id -> its setter's."""
        summary = info.summary
        for access in summary.accesses:
            ref = access.ref
            if access.kind != WRITE or access.op != OP_REBIND or not ref.attrs or ref.attrs[-1] not in set_names:
                continue
            symbol = self.resolve_ref(info.module, ref, summary.class_name)
            setter = setters.get(symbol.name) if symbol is not None and symbol.kind == FUNCTION else None
            if setter is not None and setter != fid:
                call = Call(ref, None, access.line, access.col, locks=access.locks, callee_text=ref.text())
                self._add_edge(CallEdge(fid, setter, access.line, call))

    def _add_edge(self, edge: CallEdge) -> None:
        self.calls_from.setdefault(edge.caller, []).append(edge)
        self.calls_to.setdefault(edge.callee, []).append(edge)

    # ------------------------------------------------------- resolution
    def resolve_global(self, module: ModuleSummary, name: str, depth: int = 0) -> Symbol | None:
        key = (module.module, name)
        if key in self._global_cache:
            return self._global_cache[key]
        self._global_cache[key] = None  # guards import cycles
        symbol = self._resolve_global(module, name, depth)
        self._global_cache[key] = symbol
        return symbol

    def _resolve_global(self, module: ModuleSummary, name: str, depth: int) -> Symbol | None:
        prefix = module.module
        if name in module.functions:
            return Symbol(FUNCTION, f"{prefix}.{name}")
        if name in module.classes:
            return Symbol(CLASS, f"{prefix}.{name}", safe=self._class_is_safe(f"{prefix}.{name}"))
        binding = module.bindings.get(name)
        if binding is not None and binding.value_kind == "alias" and binding.constructor_ref is not None and depth < 8:
            target = self.resolve_ref(module, binding.constructor_ref, None, depth + 1)
            if target is not None and target.kind in (FUNCTION, CLASS, MODULE):
                return target
        if binding is not None or name in module.global_rebinds:
            return self._object_symbol(module, f"{prefix}.{name}", binding)
        imported = module.imports.get(name)
        if imported is not None and depth < 8:
            return self.resolve_dotted(imported.target, depth + 1)
        for star in module.star_imports:
            star_module = self.modules.get(star)
            if star_module is not None and depth < 8:
                symbol = self.resolve_global(star_module, name, depth + 1)
                if symbol is not None:
                    return symbol
        submodule = f"{prefix}.{name}"
        if module.is_package and submodule in self.modules:
            return Symbol(MODULE, submodule)
        return None

    def _object_symbol(self, module: ModuleSummary, name: str, binding: Binding | None) -> Symbol:
        typed = None
        safe = False
        if (binding is not None and binding.value_kind in ("call", "mutable", "annotated")
                and binding.constructor_ref is not None and name not in self._typing):
            self._typing.add(name)  # `self.x = self.x_factory()` chains can loop back here
            try:
                constructor = self.resolve_ref(module, binding.constructor_ref, None)
            finally:
                self._typing.discard(name)
            if constructor is not None and binding.value_kind == "annotated" and constructor.kind != CLASS:
                constructor = None  # only a class of the program types a placeholder
            if constructor is not None:
                typed = constructor.name
                safe = constructor.safe or constructor.name in SAFE_CONTAINER_CONSTRUCTORS
        if typed is None and binding is not None and binding.value_kind == "mutable" \
                and binding.constructor in BUILTIN_CONTAINERS:
            typed = f"builtins.{binding.constructor}"  # `[]`, `{}`, `list()`: a builtin container
        return Symbol(OBJECT, name, binding, safe=safe, typed=typed)

    def resolve_dotted(self, dotted: str, depth: int = 0) -> Symbol:
        if dotted in self.modules:
            return Symbol(MODULE, dotted)
        if "." in dotted and depth < 8:
            prefix, last = dotted.rsplit(".", 1)
            owner = self.resolve_dotted(prefix, depth + 1)
            if owner.kind == MODULE:
                symbol = self.resolve_global(self.modules[owner.name], last, depth + 1)
                if symbol is not None:
                    return symbol
                return Symbol(OBJECT, dotted)
            if owner.kind != EXTERNAL:
                return self.member(owner, last) or Symbol(EXTERNAL, dotted)
        return Symbol(EXTERNAL, dotted, safe=dotted in SAFE_CONTAINER_CONSTRUCTORS or dotted in OTHER_LIBRARIES_PER_THREAD_OBJECTS)

    def resolve_ref(self, module: ModuleSummary, ref: Ref, class_name: str | None, depth: int = 0) -> Symbol | None:
        """What a summary's reference denotes; class_name is the qualname of the enclosing class."""
        key = (module.module, ref, depth)
        if key in self._ref_cache:
            return self._ref_cache[key]
        symbol = self._resolve_ref(module, ref, depth)
        if not self._typing:  # a result computed while breaking a cycle is partial: not kept
            self._ref_cache[key] = symbol
        return symbol

    def name_of(self, info: FunctionInfo, ref: Ref) -> str | None:
        """The canonical name of what a reference in a function names, if it resolves."""
        symbol = self.resolve_ref(info.module, ref, info.summary.class_name)
        return symbol.name if symbol is not None else None

    def _resolve_ref(self, module: ModuleSummary, ref: Ref, depth: int) -> Symbol | None:
        attrs = ref.attrs
        if ref.root_kind == "global":
            symbol = self.resolve_global(module, ref.root, depth)
        elif ref.root_kind in ("self", "class", "super"):
            class_id = f"{module.module}.{ref.root}"
            if class_id not in self.classes or not attrs:
                return None
            start = 1 if ref.root_kind == "super" else 0
            symbol = self.class_member(class_id, attrs[0], instance=ref.root_kind != "class", start=start)
            attrs = attrs[1:]
        elif ref.root_kind == "cell":
            symbol = self._cell(module, ref.root)
        elif ref.root_kind in ("typed", "made") and attrs:
            class_id = self.captured_class(module, ref)
            if class_id is None:
                return None
            symbol = self.class_member(class_id, attrs[0], instance=True)
            attrs = attrs[1:]
        else:
            return None
        for attr in attrs:
            if symbol is None:
                return None
            symbol = self.member(symbol, attr)
        return symbol

    def kept_default(self, class_id: str, attr: str) -> tuple[str, str] | None:
        """For `self.<attr>` of an instance of the class: the function and the parameter whose
        mutable default a method keeps there (`self._events = events` where `events=[]`), made
        once for every instance built without the argument; where a subclass's `__init__` hands
        its own default up to the `__init__` that keeps it (`super().__init__(events=events)`),
        that subclass's. None when no method keeps a default there."""
        key = (class_id, attr)
        if key not in self._kept_default_cache:
            self._kept_default_cache[key] = self._find_kept_default(class_id, attr)
        return self._kept_default_cache[key]

    def _find_kept_default(self, class_id: str, attr: str) -> tuple[str, str] | None:
        order = self.mro(class_id)
        for depth, owner in enumerate(order):
            module, summary = self.classes[owner]
            kept = summary.kept_defaults.get(attr)
            if kept is None:
                continue
            qualname, parameter = kept
            keeper = self.functions.get(f"{module.module}.{qualname}")
            if keeper is None:
                return None
            position = keeper.summary.parameters.index(parameter) if parameter in keeper.summary.parameters else -1
            for below in order[:depth]:  # the most derived class that hands one up
                below_module, below_summary = self.classes[below]
                passed = below_summary.defaults_passed_up.get(parameter) or below_summary.defaults_passed_up.get(
                    f"#{position}")
                if passed is not None and keeper.summary.name == "__init__":
                    return f"{below_module.module}.{passed[0]}", passed[1]
            return keeper.fid, parameter
        return None

    def cell_origin(self, name: str) -> tuple[FunctionInfo, tuple[str, int]] | None:
        """For a closure cell's full name ("<module>.<enclosing function>.<locals>.<name>"): the
        enclosing function and what it made the cell as (type as written, line)."""
        outer, _, local = name.rpartition(".<locals>.")
        info = self.functions.get(outer)
        made = info.summary.cells.get(local) if info is not None else None
        return (info, made) if made is not None else None

    def _cell(self, module: ModuleSummary, root: str) -> Symbol | None:
        """A closure cell, "<enclosing function>.<locals>.<name>": typed as the enclosing function
        made it (`[]` a list, `threading.RLock()` a lock), where it says."""
        origin = self.cell_origin(f"{module.module}.{root}")
        if origin is None:
            return None
        made = origin[1]
        typed = made[0] or None
        if typed and not typed.startswith("builtins."):
            first, *rest = typed.split(".")
            constructor = self.resolve_ref(module, Ref("global", first, tuple(rest)), None)
            typed = constructor.name if constructor is not None else typed
        return Symbol(CELL, f"{module.module}.{root}", typed=typed)

    def captured_class(self, module: ModuleSummary, ref: Ref) -> str | None:
        """The analysed class a closure's "typed" reference names: the annotation of the enclosing
        function's parameter, resolved in its module."""
        return self.program_class(module, ref.root.rsplit(":", 1)[-1])

    def program_class(self, module: ModuleSummary, dotted: str) -> str | None:
        """The analysed class a dotted name (an annotation, a constructor as written) names in
        the module; None for a name of another library's class, or no class."""
        symbol = self.annotated_class(module, dotted)
        return symbol.name if symbol is not None and symbol.kind == CLASS and symbol.name in self.classes else None

    def annotated_class(self, module: ModuleSummary, declared: str) -> Symbol | None:
        """The class a parameter's annotation (a dotted name) names, analysed or not."""
        first, *rest = declared.split(".")
        symbol = self.resolve_global(module, first)
        for attr in rest:
            symbol = self.member(symbol, attr) if symbol is not None else None
        return symbol

    def member(self, owner: Symbol, attr: str) -> Symbol | None:
        kind = owner.kind
        if attr == CALL:
            return self._call_result(owner)
        if attr == "get" and kind == OBJECT and owner.binding is not None and owner.binding.context_default:
            return Symbol(_CONTEXT_GET, owner.name, binding=owner.binding, typed=owner.binding.context_default)
        if kind == MODULE:
            module = self.modules[owner.name]
            found = self.resolve_global(module, attr)
            if found is not None:
                return found
            if f"{owner.name}.{attr}" in self.modules:
                return Symbol(MODULE, f"{owner.name}.{attr}")
            return Symbol(OBJECT, f"{owner.name}.{attr}")
        if kind == CLASS:
            return self.class_member(owner.name, attr, instance=False)
        if kind == EXTERNAL:
            name = f"{owner.name}.{attr}"
            return Symbol(EXTERNAL, name, safe=owner.safe or name in SAFE_CONTAINER_CONSTRUCTORS)
        if kind in (OBJECT, FRESH, INSTANCE_ATTR, CLASS_ATTR) and owner.typed in self.classes:
            if owner.safe and self._thread_local_proxy(owner.typed):
                return Symbol(OBJECT, f"{owner.name}.{attr}", safe=True)  # the calling thread's own object's
            member = self.class_member(owner.typed, attr, instance=True)
            if member is not None:
                if kind == FRESH and member.kind != FUNCTION:
                    return Symbol(FRESH, f"{owner.name}.{attr}", typed=member.typed)
                return member
        if kind == FRESH:
            return Symbol(FRESH, f"{owner.name}.{attr}")
        if kind in (FUNCTION, CELL):
            return None  # (a closure cell's attributes: not followed)
        typed = f"{owner.typed}.{attr}" if owner.typed else None
        return Symbol(OBJECT if kind != INSTANCE_ATTR else INSTANCE_ATTR, f"{owner.name}.{attr}",
                      owner_class=owner.owner_class, safe=owner.safe, typed=typed)

    def _call_result(self, callee: Symbol) -> Symbol | None:
        """What calling a symbol gives: a new instance of a class, or the shared state a function
        returns (`get_client()` returning the module's `_client`)."""
        if callee.kind == CLASS:
            return Symbol(FRESH, f"{callee.name}()", typed=callee.name)
        if callee.kind == _CONTEXT_GET:
            # `active_steps_var.get()` where the variable was made with `default=[]`: in every
            # thread and task that has not set it, the one list made at import
            return Symbol(CONTEXT_DEFAULT, f"{callee.name}.default", binding=callee.binding, typed=callee.typed)
        binding = callee.binding
        if (callee.kind in (INSTANCE_ATTR, CLASS_ATTR) and binding is not None and binding.value_kind == "alias"
                and binding.constructor_ref is not None and callee.owner_class in self.classes):
            # `self._class = RedisCacheClient` ... `self._class(...)`: an attribute that holds a class
            target = self.resolve_ref(self.classes[callee.owner_class][0], binding.constructor_ref, None)
            return Symbol(FRESH, f"{target.name}()", typed=target.name) if target is not None and target.kind == CLASS else None
        if callee.kind != FUNCTION or callee.name not in self.functions or callee.name in self._typing:
            return None
        info = self.functions[callee.name]
        self._typing.add(callee.name)
        try:
            for ref in info.summary.returns:
                symbol = self.resolve_ref(info.module, ref, info.summary.class_name)
                if symbol is not None and symbol.kind in (OBJECT, CLASS_ATTR, INSTANCE_ATTR, FRESH):
                    return symbol
        finally:
            self._typing.discard(callee.name)
        return None

    def argument_symbols(self, fid: str, ref: Ref, depth: int = 0) -> list[tuple[Symbol, set[str]]]:
        """What a parameter-rooted reference denotes at each call site, with the functions that
        pass it (where a parameter is passed on, the function that names the object):
        `container[key] = v` in `_metric(self, container, key)` writes `self._timers` where a
        caller passes that, and only through that caller."""
        info = self.functions.get(fid)
        if info is None or depth > 2 or ref.root not in info.summary.parameters:
            return []
        position = info.summary.parameters.index(ref.root)
        symbols: list[tuple[Symbol, set[str]]] = []
        for edge in self.calls_to.get(fid, ()):
            for arg_position, keyword, arg_ref in edge.call.argument_refs:
                if keyword != ref.root and (keyword is not None or arg_position != position):
                    continue
                caller = self.functions[edge.caller]
                if arg_ref.root_kind == "param":
                    found = self.argument_symbols(edge.caller, arg_ref, depth + 1)
                else:
                    found = [(self.resolve_ref(caller.module, arg_ref, caller.summary.class_name), {edge.caller})]
                for symbol, passers in found:
                    for attr in ref.attrs:
                        symbol = self.member(symbol, attr) if symbol is not None else None
                    if symbol is None:
                        continue
                    known = next((p for s, p in symbols if s == symbol), None)
                    if known is not None:
                        known.update(passers)
                    elif len(symbols) < 4:
                        symbols.append((symbol, set(passers)))
        return symbols

    def mro(self, class_id: str) -> list[str]:
        """The analysed classes of a class's method resolution order, depth first."""
        cached = self._mro_cache.get(class_id)
        if cached is None:
            self._mro_cache[class_id] = [class_id] if class_id in self.classes else []  # cycle guard
            cached = self._mro_cache[class_id] = self._compute_mro(class_id)
        return cached

    def subclasses_and_self(self, class_id: str) -> list[str]:
        if self._subclasses is None:
            self._subclasses = {}
            for candidate in self.classes:
                for ancestor in self.mro(candidate):
                    self._subclasses.setdefault(ancestor, []).append(candidate)
        return self._subclasses.get(class_id, [class_id])

    def _compute_mro(self, class_id: str) -> list[str]:
        order: list[str] = []
        stack = [class_id]
        while stack and len(order) < 32:
            current = stack.pop(0)
            if current in order or current not in self.classes:
                continue
            order.append(current)
            module, summary = self.classes[current]
            for base in summary.bases:
                if base is None:
                    continue
                symbol = self.resolve_ref(module, base, None)
                if symbol is not None and symbol.kind == CLASS:
                    stack.append(symbol.name)
        return order

    def lineage(self, class_id: str) -> tuple[str, ...]:
        """The class, its analysed bases, then the bases outside the analysed code."""
        return (*self.mro(class_id), *self.external_bases(class_id))

    def external_bases(self, class_id: str) -> tuple[str, ...]:
        """Dotted names of the classes outside the analysed code that a class derives from."""
        known = self._outside_bases.get(class_id)
        if known is None:
            known = tuple(self._external_bases(class_id))
            if not self._typing:  # a result computed while breaking a cycle is partial: not kept
                self._outside_bases[class_id] = known
        return known

    def _external_bases(self, class_id: str) -> list[str]:
        names: list[str] = []
        for current in self.mro(class_id):
            module, summary = self.classes[current]
            for base in summary.bases:
                symbol = self.resolve_ref(module, base, None) if base is not None else None
                if symbol is not None and symbol.kind == OBJECT:
                    symbol = self._imported_alternative(symbol)
                if symbol is not None and symbol.kind == EXTERNAL:
                    names.append(symbol.name)
        return names

    def _imported_alternative(self, symbol: Symbol) -> Symbol | None:
        """A module-level name bound in one branch and imported in the other (pony's `if GAE:
        localbase = object` / `else: from threading import local as localbase`): as a base class
        it is the imported one wherever the import runs."""
        home, _, name = symbol.name.rpartition(".")
        module = self.modules.get(home)
        imported = module.imports.get(name) if module is not None else None
        if imported is None or imported.is_module_import:
            return None
        return self.resolve_dotted(imported.target)

    def _class_is_safe(self, class_id: str) -> bool:
        return any(base in SAFE_CONTAINER_CONSTRUCTORS for base in self.external_bases(class_id)) \
            or self._thread_local_proxy(class_id) or self._documented_per_thread(class_id)

    def loop_bound_class(self, class_id: str) -> bool:
        """A class whose objects keep an event loop's locks, events or queues and none of a
        thread's, defined in modules that use no threads (sanic's websocket protocol, with its
        `asyncio.Lock`s): such an object lives on one loop and is used on that loop's thread,
        whoever calls it. (zeroconf's `Zeroconf`, whose module starts the loop's thread and is
        called from the program's threads, is no such class.)"""
        known = self._loop_bound.get(class_id)
        if known is None:
            kinds = set()
            for owner in self.mro(class_id):
                module, summary = self.classes[owner]
                if any(i.target.split(".", 1)[0] in THREAD_MODULES for i in module.imports.values()):
                    kinds.add("thread")
                init = module.functions.get(summary.methods.get("__init__", ""))
                for attr, binding in summary.instance_attributes.items():
                    symbol = self.class_member(owner, attr, instance=True)
                    typed = symbol.typed if symbol is not None else None
                    if typed in THREAD_PRIMITIVES:
                        kinds.add("thread")
                    elif typed in LOOP_BOUND_PRIMITIVES and init is not None and init.line <= binding.line <= init.end_line:
                        kinds.add("loop")  # made with the object; one made later may be for another loop
            known = self._loop_bound[class_id] = kinds == {"loop"}
        return known

    def rebound_on_instances(self) -> frozenset[str]:
        """The class attributes the program binds anew on an instance (`self.files = []` in a
        method, `_local.enabled = False` on a module-level instance), by their canonical names:
        on a thread-local's instance, such a store gives the storing thread an attribute of its
        own. (A store through the class, `TmpFiles.files = []` or `cls.files = []`, does not.)"""
        if self._rebound_on_instances is None:
            self._collect_rebinds()
        return self._rebound_on_instances

    def rebound_by_functions(self) -> frozenset[str]:
        """The module-level objects a function binds anew (`global _local; _local =
        threading.local()` in a middleware), by their canonical names: the binding is one for
        every thread, so a thread that loads it can find the object another thread has just made."""
        if self._rebound_by_functions is None:
            self._collect_rebinds()
        return self._rebound_by_functions

    def _collect_rebinds(self) -> None:
        on_instances, by_functions = set(), set()
        for info in self.functions.values():
            for access in info.summary.accesses:
                ref = access.ref
                if access.kind != WRITE or access.op != OP_REBIND or ref.root_kind == "class":
                    continue
                if not ref.attrs:
                    if ref.root_kind == "global" and info.summary.qualname != TOPLEVEL:
                        symbol = self.resolve_ref(info.module, ref, info.summary.class_name)
                        if symbol is not None and symbol.binding is not None:
                            by_functions.add(symbol.name)
                    continue
                if ref.root_kind == "global" and len(ref.attrs) == 1:
                    root = self.resolve_global(info.module, ref.root)
                    if root is not None and root.name in self.classes:
                        continue  # `TmpFiles.files = []`: through the class itself
                name = self.name_of(info, ref)
                if name is not None:
                    on_instances.add(name)
        self._rebound_on_instances = frozenset(on_instances)
        self._rebound_by_functions = frozenset(by_functions)

    def per_thread_class(self, class_id: str) -> bool:
        """`class _Depth(threading.local)`: each thread sees its own attributes of an instance.
        So does the per-thread class itself, and its subclasses, where the analysed code is the
        library that defines it (asgiref's own `asgiref.local.Local`)."""
        known = self._per_thread.get(class_id)
        if known is None:
            known = any(base in PER_THREAD_BASES for base in self.lineage(class_id)) or self._documented_per_thread(class_id)
            if not self._typing:
                self._per_thread[class_id] = known
        return known

    def _documented_per_thread(self, class_id: str) -> bool:
        """The class or an analysed base says it is thread-local (bottle's `LocalResponse`, whose
        attributes are properties over a `threading.local`)."""
        return self.any_analysed_base(class_id, lambda summary: summary.documented_per_thread)

    def any_analysed_base(self, class_id: str, test: Callable[[ClassSummary], bool]) -> bool:
        """The test holds for the class or one of its bases in the analysed code."""
        return any(test(self.classes[c][1]) for c in self.mro(class_id) if c in self.classes)

    def _thread_local_proxy(self, class_id: str) -> bool:
        """A proxy whose `__getattr__` looks its target up in a module-level per-thread object
        (CherryPy's `_ThreadLocalProxy`, behind `cherrypy.request`): each thread reaches its own
        object through the one proxy."""
        known = self._proxies.get(class_id)
        if known is None:
            self._proxies[class_id] = False  # while it is worked out: a cycle proves nothing
            known = self._proxies[class_id] = self._looks_up_per_thread(class_id)
        return known

    def _looks_up_per_thread(self, class_id: str) -> bool:
        if class_id not in self.classes:
            return False
        module, summary = self.classes[class_id]
        qualname = summary.methods.get("__getattr__")
        function = self.functions.get(f"{module.module}.{qualname}") if qualname else None
        if function is None:
            return False
        for access in function.summary.accesses:
            if access.ref.root_kind == "global" and not access.ref.attrs:
                symbol = self.resolve_global(module, access.ref.root)
                typed = symbol.typed if symbol is not None and symbol.kind == OBJECT else None
                if typed in PER_THREAD_STORAGE or (typed in self.classes and self.per_thread_class(typed)):
                    return True
        return False

    def class_member(self, class_id: str, attr: str, instance: bool, start: int = 0) -> Symbol | None:
        order = self.mro(class_id)[start:]
        for current in order:
            module, summary = self.classes[current]
            if attr in summary.methods:
                function = module.functions.get(summary.methods[attr])
                if instance and function is not None and is_cached_property(function):
                    # `@cached_property def cache(self): return {}`: through an instance, the
                    # attribute is the value the method built once and stored on the instance
                    # (an instance of the class it makes: `return self._client_class(...)`).
                    binding = Binding(attr, function.line, "call")
                    built = self._call_result(Symbol(FUNCTION, f"{module.module}.{summary.methods[attr]}"))
                    typed = built.typed if built is not None and built.kind == FRESH else None
                    return Symbol(INSTANCE_ATTR, f"{current}.{attr}", binding, owner_class=current, typed=typed)
                return Symbol(FUNCTION, f"{module.module}.{summary.methods[attr]}")
        # Through an instance, `self.x = ...` anywhere in the class shadows a class-level default:
        # each instance then has its own value.
        kinds = ((INSTANCE_ATTR, "instance_attributes"), (CLASS_ATTR, "attributes"))
        for kind, table in (kinds if instance else kinds[::-1]):
            for current in order:
                module, summary = self.classes[current]
                binding = getattr(summary, table).get(attr)
                if binding is not None:
                    if instance and kind == CLASS_ATTR and is_declared_field(self, module, binding, class_id):
                        kind = INSTANCE_ATTR  # a descriptor: each instance has its own value
                    return self._attribute_symbol(module, kind, f"{current}.{attr}", binding, current)
        if not order:
            return None
        # Bound nowhere in the classes: a class that only declares it (`current_event: Event` in
        # a base, set through the class by `BaseRouter.current_event = event`) holds it for every
        # instance; otherwise it is named after the class itself.
        declaring = next((current for current in order if attr in self.classes[current][1].declared_attributes), None)
        if declaring is not None and self._set_through_the_class(order, attr):
            return Symbol(CLASS_ATTR, f"{declaring}.{attr}", owner_class=declaring)
        return Symbol(INSTANCE_ATTR if instance else CLASS_ATTR, f"{order[0]}.{attr}", owner_class=order[0])

    def _attribute_symbol(self, module: ModuleSummary, kind: str, name: str, binding: Binding, owner: str) -> Symbol:
        symbol = self._object_symbol(module, name, binding)
        typed = symbol.typed or self._aliased_instance_class(module, name, binding) \
            or self._class_of_the_argument_kept(name, binding, owner) or self._class_made_when_not_given(module, name, owner)
        return Symbol(kind, name, binding, owner_class=owner, safe=symbol.safe, typed=typed)

    def _calls_named(self, short: str) -> list[tuple[FunctionInfo, Call]]:
        """The calls whose callee's last name is `short` (`RulePoller(...)`, `pollers.RulePoller(...)`),
        from the summaries: usable while the call graph is being built."""
        if self._calls_by_last_name is None:
            self._calls_by_last_name = {}
            for info in self.functions.values():
                for call in info.summary.calls:
                    if call.callee is not None:
                        last = call.callee_text.rsplit(".", 1)[-1]
                        self._calls_by_last_name.setdefault(last, []).append((info, call))
        return self._calls_by_last_name.get(short, [])

    def _class_of_the_argument_kept(self, name: str, binding: Binding, owner: str) -> str | None:
        """`self._cache = cache` in `RulePoller.__init__(self, cache)`, where every construction
        of the class passes an instance of one class of the program (`RulePoller(self._cache)`,
        `self._cache = RuleCache()`): the attribute holds one of those."""
        ref = binding.constructor_ref
        if binding.value_kind != "alias" or ref is None or ref.root_kind != "param" or ref.attrs \
                or name in self._typing or owner not in self.classes:
            return None
        init = self.function_of(self.class_member(owner, "__init__", instance=True))
        if init is None or ref.root not in self.functions[init].summary.parameters:
            return None
        position = self.functions[init].summary.parameters.index(ref.root)
        found: set[str | None] = set()
        self._typing.add(name)
        try:
            for caller, call in self._calls_named(owner.rsplit(".", 1)[-1]):
                made = self.resolve_ref(caller.module, call.callee, caller.summary.class_name)
                if made is None or made.kind != CLASS or made.name != owner:
                    continue
                given = [arg for at, keyword, arg in call.argument_refs
                         if keyword == ref.root or (keyword is None and at == position)]
                symbol = self.resolve_ref(caller.module, given[0], caller.summary.class_name) \
                    if given and given[0].root_kind in ("self", "global") else None
                found.add(symbol.typed if symbol is not None and symbol.typed in self.classes else None)
        finally:
            self._typing.discard(name)
        return found.pop() if len(found) == 1 else None

    def _class_made_when_not_given(self, module: ModuleSummary, name: str, owner: str) -> str | None:
        """`if client: self.client = client` / `else: self.client = AdyenClient()`: the attribute
        holds an `AdyenClient` either way (what callers hand in is one too)."""
        made = self.classes[owner][1].made_when_not_given.get(name.rsplit(".", 1)[-1]) if owner in self.classes else None
        if made is None:
            return None
        typed = self._object_symbol(module, name, made).typed
        return typed if typed in self.classes else None

    def _aliased_instance_class(self, module: ModuleSummary, name: str, binding: Binding) -> str | None:
        """`_accessor = _s3_accessor` in a class body, where the module made `_s3_accessor =
        _S3Accessor()`: the attribute holds that instance, so `self._accessor.exists()` calls
        `_S3Accessor.exists`."""
        if binding.value_kind != "alias" or binding.constructor_ref is None or binding.constructor_ref.attrs \
                or binding.constructor_ref.root_kind != "global" or name in self._typing:
            return None
        self._typing.add(name)
        try:
            target = self.resolve_ref(module, binding.constructor_ref, None)
        finally:
            self._typing.discard(name)
        return target.typed if target is not None and target.kind == OBJECT and target.typed in self.classes else None

    def receiver_symbol(self, info: FunctionInfo, method: Ref) -> Symbol | None:
        """What a method call `x.y.m(...)` in info is made on (`x.y`): the reference without its
        last name, resolved where the call is."""
        return self.resolve_ref(info.module, Ref(method.root_kind, method.root, method.attrs[:-1]),
                                info.summary.class_name)

    def functions_named(self, name: str) -> list[str]:
        """The functions and methods of the program with this name (not the nested ones)."""
        if self._by_name is None:
            self._by_name = {}
            for fid, info in self.functions.items():
                if "<locals>" not in info.summary.qualname:
                    self._by_name.setdefault(info.summary.name, []).append(fid)
        return self._by_name.get(name, [])

    def resolve_call(self, info: FunctionInfo, call: Call) -> str | None:
        if call.local_callee is not None:
            fid = f"{info.module.module}.{call.local_callee}"
            return self._callable_function(fid)
        if call.callee is None:
            return self._method_of_a_made_instance(info, call.made_receiver) if call.made_receiver else None
        symbol = self.resolve_ref(info.module, call.callee, info.summary.class_name)
        if symbol is None and call.callee.root_kind == "param" and len(call.callee.attrs) == 1 \
                and call.callee.attrs[0] in _CONTEXT_METHODS:
            return self._method_of_an_annotated_parameter(info, call.callee)
        return self.function_of(symbol)

    def _method_of_an_annotated_parameter(self, info: FunctionInfo, callee: Ref) -> str | None:
        """`async def work(chunk, limiter: RateLimiter)`, then `async with limiter:`: the
        `__aenter__` of the class the annotation names, when it is a class of the program. (Only
        for the calls a `with` block makes: resolving every method called on an annotated
        parameter was tried, and on the precision sets it added 18 false findings for 2 true.)"""
        declared = info.summary.parameter_classes.get(callee.root)
        return self._method_of_a_made_instance(info, (declared, callee.attrs[0])) if declared else None

    def _method_of_a_made_instance(self, info: FunctionInfo, made_receiver: tuple[str, str]) -> str | None:
        """`manager = Manager(...)`, then `manager.sync()`: Manager's `sync`, when the constructor
        names a class of the program."""
        constructor, method = made_receiver
        class_id = info.class_id if constructor == OWN_CLASS else self.program_class(info.module, constructor)
        return self.function_of(self.class_member(class_id, method, instance=True)) if class_id else None

    def resolve_function_arg(self, info: FunctionInfo, arg: FunctionArg) -> str | None:
        if arg.local is not None:
            return self._callable_function(f"{info.module.module}.{arg.local}")
        if arg.target is None:
            return None
        return self.function_of(self.resolve_ref(info.module, arg.target, info.summary.class_name))

    def receiver_class_of_arg(self, info: FunctionInfo, arg: FunctionArg) -> str | None:
        """The program class of the object a bound method handed over belongs to, where the code
        names it: `self._reactor.run` after `self._reactor = Win32Reactor()`. None for `self.run`
        (any subclass of the method's class), a function, or an object of unknown class."""
        target = arg.target
        if arg.local is not None or target is None or len(target.attrs) < 2 or target.root_kind != "self":
            return None
        owner = self.receiver_symbol(info, target)
        return owner.typed if owner is not None and owner.typed in self.classes else None

    @staticmethod
    def function_around(module: ModuleSummary, line: int) -> FunctionSummary | None:
        """The innermost function of the module whose body holds the line."""
        around = [f for f in module.functions.values() if f.line <= line <= f.end_line]
        return max(around, key=lambda f: f.line) if around else None

    def function_of(self, symbol: Symbol | None) -> str | None:
        """The function a symbol runs when called: itself, or a class's __init__ / __call__."""
        if symbol is None:
            return None
        if symbol.kind == FUNCTION:
            return symbol.name if symbol.name in self.functions else None
        if symbol.kind == CLASS:
            init = self.class_member(symbol.name, "__init__", instance=False)
            return init.name if init is not None and init.kind == FUNCTION and init.name in self.functions else None
        return None

    def _callable_function(self, fid: str) -> str | None:
        if fid in self.functions:
            return fid
        if fid in self.classes:
            return self.function_of(Symbol(CLASS, fid))
        return None


def _last_name(ref: Ref) -> str:
    """`sock` for `self.sock`, `_cache` for `_cache`."""
    return ref.attrs[-1] if ref.attrs else ref.root


BUILTIN_CONTAINERS = frozenset({"list", "dict", "set"})
CONTAINER_METHODS = frozenset(MUTATING_METHODS) | READING_METHODS


def is_property(function: FunctionSummary) -> bool:
    """A `@property` getter."""
    return any(d.text == "property" for d in function.decorators)


def is_property_setter(function: FunctionSummary) -> bool:
    """`@locale.setter`: the function an assignment to the property runs."""
    return any(d.text.endswith(".setter") for d in function.decorators)


def is_cached_property(function: FunctionSummary) -> bool:
    """functools.cached_property and its look-alikes (pyramid's reify, the cached-property package)."""
    return any(d.text.rsplit(".", 1)[-1] in CACHED_PROPERTY_DECORATORS for d in function.decorators)


def _hands_on(summary: FunctionSummary, name: str) -> bool:
    """The method calls or reads the inherited method of its name: through `super()`, or through
    a base class (`Base.name(self)`), not on its own object."""
    for call in summary.calls:
        callee = call.callee
        if callee is not None and callee.attrs[-1:] == (name,) and callee.root_kind not in ("self", "class"):
            return True
    return any(access.ref.root_kind == "super" and access.ref.attrs[:1] == (name,) for access in summary.accesses)
