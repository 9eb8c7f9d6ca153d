"""A process-wide setting that a class sets to each of its instances' own value as it makes one.

Another library's: `openai.api_key = openai_api_key` in the constructor of an embeddings client,
or in the pydantic validator that runs as one is made. The module attribute is one for the
process: every instance, on every thread, runs with the value of the one made last (a tenant's
calls go out with another tenant's key). The other library reads it, so the analysed code has no
reader: the store, made per instance from the constructor's arguments, is the finding.

Or the class's own attribute, stored through the class (`RemoteConnection.extra_headers =
self._client_config.extra_headers` in its constructor) and read by its methods for every call:
one value for every instance, so a connection made on one thread swaps the headers of the
sessions other threads are driving."""

from __future__ import annotations

from racefree.index import CLASS_ATTR, EXTERNAL
from racefree.summarize.model import OP_REBIND, WRITE

# The methods that run as a class makes one of its instances.
MAKING_METHODS = frozenset({"__init__", "__post_init__", "__attrs_post_init__", "__new__"})
# Decorators of the methods a model class runs on each instance it makes (pydantic's validators).
INSTANCE_VALIDATORS = frozenset({"root_validator", "model_validator", "validator", "field_validator"})
# The interpreter's own modules: `sys.argv = argv` in a runner's constructor is the process's
# command line, set by the one program that runs it, not a library setting.
_INTERPRETER_MODULES = frozenset({"sys", "builtins", "os"})


def makes_or_validates_an_instance(summary) -> bool:
    return summary.class_name is not None and (
        summary.name in MAKING_METHODS
        or any(d.text.rsplit(".", 1)[-1] in INSTANCE_VALIDATORS for d in summary.decorators))


def constructor_sets_a_library_setting(index, info) -> bool:
    """A constructor (or validator) that stores an argument of its call into another library's
    module attribute, or into a class attribute of its own class: making an instance is then API
    that callers run on their threads."""
    summary = info.summary
    if not makes_or_validates_an_instance(summary):
        return False
    for access in summary.accesses:
        if _setting_store(access):
            symbol = index.resolve_ref(info.module, access.ref, summary.class_name)
            if symbol is not None and (_another_librarys(symbol.kind, symbol.name)
                                       or _own_class_setting(index, info, symbol)):
                return True
    return False


def _setting_store(access) -> bool:
    ref = access.ref
    return (access.kind == WRITE and access.op == OP_REBIND and ref.root_kind in ("global", "class")
            and len(ref.attrs) == 1 and access.stores_argument and access.checked_at is None
            and not (access.restores or access.rolls_back or access.in_handler or access.read_modify_write))


def sets_a_library_setting_per_instance(shared, fact) -> bool:
    """The fact, about the shared object, stores an argument of the call that makes (or
    validates) an instance into an attribute of another library's module (`openai.api_key =
    key`), or of the class itself (`RemoteConnection.user_agent = config.user_agent`), to stay set."""
    if not (_setting_store(fact.access) and makes_or_validates_an_instance(fact.info.summary)):
        return False
    if shared.kind == CLASS_ATTR:  # stored through the class (`cls.x`, `Connection.x`), not an instance
        ref = fact.access.ref
        return _makes_instances(fact.reach.index if fact.reach else None, fact.info) and (
            ref.root_kind == "class" or shared.name.rsplit(".", 2)[-2] == ref.root)
    return _another_librarys(shared.kind, shared.name)


def _own_class_setting(index, info, symbol) -> bool:
    """A class attribute of the constructor's own class or one of its bases."""
    return symbol.kind == CLASS_ATTR and _makes_instances(index, info) and symbol.owner_class in index.mro(info.class_id)


def _makes_instances(index, info) -> bool:
    """An instance's `__init__` (or validator), not a metaclass's, which makes classes (peewee's
    `ModelBase.__new__` gives each model class its own `DoesNotExist`), nor a `__new__`."""
    return info.class_id is not None and info.summary.name != "__new__" and not (
        index is not None and index.is_metaclass(info.class_id))


def _another_librarys(kind: str, name: str) -> bool:
    """An attribute of another library's module, not of the interpreter's (`sys.argv`)."""
    return kind == EXTERNAL and name.split(".", 1)[0] not in _INTERPRETER_MODULES
