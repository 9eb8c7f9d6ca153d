"""How the program uses its module-level instances: which methods it calls on each, from which
modes. A class is not shared because the package keeps one instance of it at module level; that
one instance is. Its state is touched concurrently only by the methods called on that instance
(`_memoized_schema.get(key)`, `_memoized_schema[key] = value`) and the methods those call on
`self`, in the modes of their callers, not by every public method of the class, which users may
call on instances of their own (an LRU cache's `values()`, a MetaData's `clear()`).

Where an instance escapes (passed to a call, returned, kept in another module-level name or in an
attribute) the calls made on it cannot be followed (a local alias can: the summaries name the
instance itself): its methods are then taken as used in every mode they are reached in. A lookup
by name (`getattr(instance, name)`) is no escape: it runs at most a getter, unless what it finds
is called.
"""

from __future__ import annotations

from collections.abc import Iterable

from racefree.analysis.reachability import Mode, Reachability
from racefree.index import OBJECT, ProgramIndex, is_cached_property, is_property
from racefree.knowledge.entry_points import API
from racefree.summarize.model import OP_ITERATE, OP_LOAD, OP_SLOT_LOAD, OP_SLOT_STORE, Ref
from racefree.summarize.visitor import TOPLEVEL

# The methods a container operation on an instance runs.
_PROTOCOL_METHODS = {
    OP_LOAD: ("__len__", "__bool__"),  # `if _cache:`, `len(_cache)`
    OP_SLOT_LOAD: ("__getitem__", "__missing__", "__contains__", "get"),
    OP_SLOT_STORE: ("__setitem__", "__delitem__"),
    OP_ITERATE: ("__iter__", "__len__", "keys", "values", "items"),
}


# Builtins that look at an argument and keep no reference to it.
_LOOKING_BUILTINS = frozenset({
    "len", "bool", "list", "tuple", "sorted", "set", "frozenset", "dict", "iter", "isinstance", "id", "repr",
    "str", "print", "any", "all", "sum", "min", "max", "enumerate", "zip", "reversed", "hash", "type",
})


# Builtins that read an attribute of their first argument, named at run time.
_ATTRIBUTE_READING_BUILTINS = frozenset({"getattr", "hasattr"})


def _keeps_no_argument(call) -> bool:
    return _builtin_called(call) in _LOOKING_BUILTINS


def _builtin_called(call) -> str | None:
    callee = call.callee
    return callee.root if callee is not None and callee.root_kind == "global" and not callee.attrs else None


class SingletonUse:
    def __init__(self, index: ProgramIndex, reach: Reachability):
        self.index = index
        self.reach = reach
        self._owner = {name: class_id for class_id, names in index.singletons.items() for name in names}
        # The names the instances go by: a reference that mentions none of them names none.
        self._short_names = {name.rsplit(".", 1)[-1] for name in self._owner}
        self._short_names |= {local for module in index.modules.values() for local, imported in module.imports.items()
                              if imported.target in self._owner}  # `from .state import _cache as cache`
        self._escaped: set[str] = set()  # classes with an instance whose uses cannot be followed
        self._modes: dict[str, set[Mode]] = {}  # method -> the modes it runs in on an instance
        self._collected = False

    def modes_on_instance(self, class_id: str, fid: str) -> set[Mode] | None | bool:
        """The modes in which fid runs on one of the module-level instances of class_id (or of a
        subclass), an empty set for module code at import; None when they cannot be told apart
        from its other uses; False when it never runs on one."""
        if not self._collected:  # on first use: most programs never ask
            self._collected = True
            self._collect()
        if any(c in self._escaped for c in self.index.subclasses_and_self(class_id)):
            return None
        return self._modes.get(fid, False)

    def _may_name_an_instance(self, ref: Ref) -> bool:
        names = self._short_names
        return ref.root in names or not names.isdisjoint(ref.attrs)

    def _collect(self) -> None:
        index = self.index
        self._name_aliases()
        # Only modules that define an instance, or import it, its module or a package above it,
        # can name one.
        prefixes = {name.rsplit(".", i)[0] for name in self._owner for i in range(name.count(".") + 1)}
        homes = {name.rsplit(".", 1)[0] for name in self._owner}
        naming = {module.module for module in index.modules.values()
                  if module.module in homes or any(i.target in prefixes for i in module.imports.values())
                  or any(star in homes for star in module.star_imports)}
        for fid, info in index.functions.items():
            if info.module.module not in naming:
                continue
            summary = info.summary
            caller_modes = self.reach.modes(fid).keys()
            for call in summary.calls:
                callee = call.callee
                if callee is not None and self._may_name_an_instance(callee):
                    if callee.attrs:  # `_cache.get(key)`
                        class_id = self._instance_class(index.receiver_symbol(info, callee))
                        if class_id is not None:
                            self._use(class_id, callee.attrs[-1], caller_modes)
                    # `dispatch(x)`: calling the instance runs its `__call__`
                    class_id = self._instance_class(index.resolve_ref(info.module, callee, summary.class_name))
                    if class_id is not None:
                        self._use(class_id, "__call__", caller_modes)
                reads_attribute = _builtin_called(call) in _ATTRIBUTE_READING_BUILTINS and not call.result_called
                if not _keeps_no_argument(call):
                    for position, _, ref in call.argument_refs:
                        if reads_attribute and position == 0:
                            self._reads_some_attribute(info, ref, caller_modes)
                        else:
                            self._escapes_through(info, ref)
                for arg in call.function_args:  # `register(_monitor.poll)`: called who knows where
                    if arg.target is not None and arg.target.attrs:
                        self._escapes_through(info, Ref(arg.target.root_kind, arg.target.root, arg.target.attrs[:-1]))
            for access in summary.accesses:
                if summary.qualname == TOPLEVEL or not self._may_name_an_instance(access.ref):
                    continue
                if access.ref.attrs:  # `store.client`: reading a property runs its getter
                    class_id = self._instance_class(index.receiver_symbol(info, access.ref))
                    if class_id is not None:
                        attr = access.ref.attrs[-1]
                        # `settings.SITE_TITLE`, no attribute of the class: its `__getattr__` runs
                        self._use(class_id, "__getattr__" if index.not_declared(class_id, attr) else attr,
                                  caller_modes)
                if access.op not in _PROTOCOL_METHODS:
                    continue
                class_id = self._instance_class(index.resolve_ref(info.module, access.ref, summary.class_name))
                if class_id is not None:
                    for method in _PROTOCOL_METHODS[access.op]:
                        self._use(class_id, method, caller_modes)
            for ref in summary.returns:  # `def get_cache(): return _cache`
                self._escapes_through(info, ref)
        for module in (index.modules[name] for name in naming):  # `cache = _cache`, `self.cache = _cache`
            aliases = [(b, None) for b in module.bindings.values()]
            for class_summary in module.classes.values():
                aliases += [(b, class_summary.qualname) for b in class_summary.attributes.values()]
                aliases += [(b, class_summary.qualname) for b in class_summary.instance_attributes.values()]
            for binding, class_name in aliases:
                ref = binding.constructor_ref
                if class_name is None and f"{module.module}.{binding.name}" in self._owner:
                    continue  # another module-level name of the instance: its uses are followed
                if binding.value_kind == "alias" and ref is not None and self._may_name_an_instance(ref):
                    # the instance itself, or one of its bound methods (`makegateway = default_group.makegateway`)
                    for named in (ref, Ref(ref.root_kind, ref.root, ref.attrs[:-1]) if ref.attrs else None):
                        class_id = self._instance_class(index.resolve_ref(module, named, class_name)) if named else None
                        if class_id is not None:
                            self._escaped.add(class_id)
        self._follow_calls_on_self()

    def _name_aliases(self) -> None:
        """A module-level name bound to an instance (`revoked_tasks = state.revoked`) is another
        name of it, whose uses are followed as the instance's own, not a place it escapes to.
        A parameter's default that names one (`formatter=default_formatter`) hands it to every
        call that takes the default: it escapes there, unless the function never reads that
        parameter."""
        index = self.index
        for module in index.modules.values():
            for binding in module.bindings.values():
                ref = binding.constructor_ref
                if binding.value_kind != "alias" or ref is None or not self._may_name_an_instance(ref):
                    continue
                class_id = self._instance_class(index.resolve_ref(module, ref, None))
                if class_id is not None:
                    self._owner[f"{module.module}.{binding.name}"] = class_id
                    self._short_names.add(binding.name)
        for module in index.modules.values():
            if module.is_package:
                # `from .dogstatsd import statsd` in a package's `__init__`: the instance is the
                # package's API, and its users call any public method of it, from their threads.
                for local, imported in module.imports.items():
                    if not local.startswith("_") and imported.target in self._owner:
                        self._escaped.add(self._owner[imported.target])
            for name in module.named_in_defaults & self._short_names:
                class_id = self._instance_class(index.resolve_ref(module, Ref("global", name, ()), None))
                if class_id is not None:
                    self._escaped.add(class_id)

    def _instance_class(self, symbol) -> str | None:
        if symbol is None or symbol.kind != OBJECT:
            return None
        return self._owner.get(symbol.name)

    def _escapes_through(self, info, ref) -> None:
        if not self._may_name_an_instance(ref):
            return
        class_id = self._instance_class(self.index.resolve_ref(info.module, ref, info.summary.class_name))
        if class_id is not None:
            self._escaped.add(class_id)

    def _reads_some_attribute(self, info, ref, modes: Iterable[Mode]) -> None:
        """`getattr(_DEFAULT_STYLES, name)`: reads one attribute of the instance, which may run a
        property's getter or `__getattr__`, and keeps no reference to the instance."""
        if not self._may_name_an_instance(ref):
            return
        class_id = self._instance_class(self.index.resolve_ref(info.module, ref, info.summary.class_name))
        if class_id is None:
            return
        for ancestor in self.index.mro(class_id):
            module, summary = self.index.classes[ancestor]
            for name, qualname in summary.methods.items():
                function = module.functions.get(qualname)
                if name in ("__getattr__", "__getattribute__") or (
                        function is not None and (is_property(function) or is_cached_property(function))):
                    self._use(class_id, name, modes)

    def _use(self, class_id: str, method: str, modes: Iterable[Mode]) -> None:
        symbol = self.index.class_member(class_id, method, instance=True)
        fid = self.index.function_of(symbol)
        if fid is not None:
            self._modes.setdefault(fid, set()).update(modes)

    def _follow_calls_on_self(self) -> None:
        """A method run on the instance runs the methods it calls on `self` there too, in its
        modes, and the functions nested in it that it calls, which see its `self`; an entry point
        other than library API (a thread target, a framework hook) is a use of its own."""
        for entry in self.reach.entries:
            if entry.context != API:
                self._modes.setdefault(entry.fid, set()).add(self.reach.mode_of(entry))
        work = list(self._modes)
        while work:
            fid = work.pop()
            modes = self._modes[fid]
            for edge in self.index.calls_from.get(fid, ()):
                callee = edge.call.callee
                on_self = callee is not None and callee.root_kind in ("self", "super") and len(callee.attrs) == 1
                if not on_self and not edge.callee.startswith(fid + ".<locals>.") \
                        and edge.callee not in self.index.method_wrappers:  # `@lazy_load`'s wrapper, given `self`
                    continue
                known = self._modes.setdefault(edge.callee, set())
                if not modes <= known:
                    known.update(modes)
                    work.append(edge.callee)
