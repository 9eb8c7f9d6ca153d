"""The functions rewritten code calls at each shared-state access.

A probe decides what location an access touches (a module global, a key, an attribute, a
container as a whole), then hands it to the detector. What kind of object it is matters: a
`threading.local`, a `ContextVar` or a Flask/Werkzeug context proxy is per-thread by design and is
never a shared location, and a module's attributes are that module's globals.

The classification is cached per type, so the cost on the hot path is one dict lookup.
"""

from __future__ import annotations

import collections
import contextvars
import threading
import types

from racefree.runtime import detector, sites
from racefree.runtime.detector import WHOLE, LocationTable

SKIP, MODULE, CONTAINER, DICT, OBJECT, CLASS = range(6)

_kinds: dict[type, int] = {}
_item_tables: dict[int, LocationTable] = {}
_attr_tables: dict[int, LocationTable] = {}

# (read or write or update, keyed?) for the container methods that count as accesses.
_READ, _WRITE, _UPDATE = detector.read, detector.write, detector.update
_DICT_METHODS = {
    "get": (_READ, True), "pop": (_UPDATE, True), "setdefault": (_UPDATE, True),
    "popitem": (_WRITE, False), "clear": (_WRITE, False), "update": (_WRITE, False),
    "keys": (_READ, False), "values": (_READ, False), "items": (_READ, False),
    "copy": (_READ, False),
}
_SEQUENCE_AND_SET_METHODS = {
    name: (_WRITE, False)
    for name in (
        "append", "extend", "insert", "remove", "pop", "sort", "reverse", "clear",
        "add", "discard", "update", "difference_update", "intersection_update",
        "symmetric_difference_update", "appendleft", "popleft", "extendleft", "rotate",
    )
} | {
    name: (_READ, False)
    for name in ("index", "count", "copy", "issubset", "issuperset", "isdisjoint",
                 "union", "intersection", "difference", "symmetric_difference")
}
CONTAINER_METHOD_NAMES = frozenset(_DICT_METHODS) | frozenset(_SEQUENCE_AND_SET_METHODS)


def _classify(cls: type) -> int:
    if issubclass(cls, (threading.local, contextvars.ContextVar, contextvars.Context)):
        kind = SKIP
    elif "_get_current_object" in dir(cls):  # werkzeug LocalProxy and friends: per-context
        kind = SKIP
    elif issubclass(cls, types.ModuleType):
        kind = MODULE
    elif issubclass(cls, dict):
        kind = DICT
    elif issubclass(cls, (list, set, collections.deque, bytearray)):
        kind = CONTAINER
    elif issubclass(cls, type):
        kind = CLASS
    elif issubclass(cls, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                          str, bytes, int, float, tuple, frozenset, type(None))):
        kind = SKIP  # immutable, or code: nothing inside to race on
    else:
        kind = OBJECT
    _kinds[cls] = kind
    return kind


def _kind(obj) -> int:
    kind = _kinds.get(type(obj))
    return _classify(type(obj)) if kind is None else kind


def _label(obj, kind: int, site: int) -> str:
    if kind == CLASS:
        return f"{obj.__module__}.{obj.__qualname__}"
    where = sites.get(site)
    return f"{where.module}.{where.expression}"


def _items(obj, kind: int, site: int) -> LocationTable:
    table = _item_tables.get(id(obj))
    if table is None or table.owner is not obj:
        table = _new_table(_item_tables, obj, _label(obj, kind, site), "item")
    return table


def _attrs(obj, kind: int, site: int) -> LocationTable:
    if kind == MODULE:
        return module_globals_table(vars(obj), obj.__name__)
    table = _attr_tables.get(id(obj))
    if table is None or table.owner is not obj:
        table = _new_table(_attr_tables, obj, _label(obj, kind, site), "attr")
    return table


def _new_table(tables: dict[int, LocationTable], obj, label: str, style: str) -> LocationTable:
    """The object's table, made on its first access: two threads that first touch one object at
    once must get the same table, or the accesses one records are lost with the table the other
    replaces. The label is worked out before the detector's lock is taken (it may run a
    metaclass's code); the lock is never held while user code runs."""
    with detector._internal:
        table = tables.get(id(obj))
        if table is None or table.owner is not obj:
            table = tables[id(obj)] = LocationTable(obj, label, style)
    return table


def module_globals_table(namespace: dict, module_name: str) -> LocationTable:
    table = _item_tables.get(id(namespace))
    if table is None or table.owner is not namespace:
        table = _new_table(_item_tables, namespace, module_name, "attr")
    return table


def _key(key):
    """Slices and unhashable keys fall back to the container as a whole."""
    try:
        hash(key)
    except TypeError:
        return WHOLE
    return WHOLE if type(key) is slice else key


# -- probes on objects (bound into every rewritten module by name) -----------------------------

def item_read(obj, key, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.read(_items(obj, kind, site), _key(key), site)
    return obj[key]


def item_write(obj, key, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.write(_items(obj, kind, site), _key(key), site)


def item_update(obj, key, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.update(_items(obj, kind, site), _key(key), site)


def item_delete(obj, key, site):
    kind = _kind(obj)
    if kind != SKIP:
        table = _items(obj, kind, site)
        detector.write(table, _key(key), site)
        detector.write(table, WHOLE, site)


def attr_read(obj, name, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.read(_attrs(obj, kind, site), name, site)
    return getattr(obj, name)


def attr_write(obj, name, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.write(_attrs(obj, kind, site), name, site)


def attr_update(obj, name, site):
    kind = _kind(obj)
    if kind != SKIP:
        detector.update(_attrs(obj, kind, site), name, site)


def whole_read(obj, site):
    """Iteration, len(), list(): depends on every element, so it reads the container whole."""
    kind = _kind(obj)
    if kind == DICT or kind == CONTAINER:
        detector.read(_items(obj, kind, site), WHOLE, site)
    return obj


def contains(key, obj, site):
    kind = _kind(obj)
    if kind == DICT or (kind == CONTAINER and isinstance(obj, set)):
        detector.read(_items(obj, kind, site), _key(key), site)
    elif kind == CONTAINER:
        detector.read(_items(obj, kind, site), WHOLE, site)
    return key in obj


def method_call(obj, name, site, *args, **kwargs):
    kind = _kind(obj)
    if kind == DICT:
        effect = _DICT_METHODS.get(name)
        if effect is not None:
            record, keyed = effect
            table = _items(obj, kind, site)
            if keyed and args:
                record(table, _key(args[0]), site)
                if name == "pop":
                    detector.write(table, WHOLE, site)
            else:
                record(table, WHOLE, site)
    elif kind == CONTAINER:
        effect = _SEQUENCE_AND_SET_METHODS.get(name)
        if effect is not None:
            effect[0](_items(obj, kind, site), WHOLE, site)
    return getattr(obj, name)(*args, **kwargs)


def bind_module(namespace: dict, module_name: str) -> None:
    """Give a rewritten module its probes, as globals named _rf_*."""
    table = module_globals_table(namespace, module_name)
    read, write, update = detector.read, detector.write, detector.update

    def global_read(name, site, value):
        read(table, name, site)
        return value

    def global_write(name, site):
        write(table, name, site)

    def global_update(name, site):
        update(table, name, site)

    namespace.update(
        _rf_gr=global_read, _rf_gw=global_write, _rf_gu=global_update,
        _rf_ir=item_read, _rf_iw=item_write, _rf_iu=item_update, _rf_id=item_delete,
        _rf_ar=attr_read, _rf_aw=attr_write, _rf_au=attr_update,
        _rf_cr=whole_read, _rf_in=contains, _rf_mc=method_call,
    )
