"""Fields a class declares at class level for its instances: `scroll_y = Reactive(0.0)`,
`_pending_kernels = Dict()` (traitlets), `js_property_callbacks = Dict(String, ...)` in a Bokeh
model. The class attribute is a descriptor, or a declaration that the class's metaclass turns into
one, so `self.scroll_y` reads and writes the instance's own value, not one object every instance
shares. Three forms count:

- the declaration is an instance of a class of the program that defines `__get__` (itself or
  through a base);
- it is an instance of a class of the program, in a class whose metaclass (its own or a base's)
  is a class of the program that builds classes (`__new__` or `__init__`), as declarative models
  do (a metaclass that only defines `__call__`, a singleton's, declares nothing);
- it is made by a library whose class-level declarations are descriptors (DECLARED_FIELD_PACKAGES).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from racefree.knowledge.containers import DECLARED_FIELD_PACKAGES

if TYPE_CHECKING:
    from racefree.index import ProgramIndex
    from racefree.summarize.model import Binding, ModuleSummary


def is_declared_field(index: ProgramIndex, module: ModuleSummary, binding: Binding, owner: str) -> bool:
    from racefree.index import CLASS, EXTERNAL

    ref = binding.constructor_ref
    if binding.value_kind not in ("call", "instance") or ref is None:
        return False
    made = index.resolve_ref(module, ref, None)
    if made is None:
        return False
    if made.kind == EXTERNAL:
        return made.name.startswith(DECLARED_FIELD_PACKAGES)
    if made.kind != CLASS or made.name not in index.classes:
        return False
    if _defines(index, made.name, ("__get__",)):
        return True
    return any(_builds_classes(index, class_id) for class_id in index.mro(owner))


def _builds_classes(index: ProgramIndex, class_id: str) -> bool:
    """The class is made by a metaclass of the program that builds classes."""
    from racefree.index import CLASS

    module, summary = index.classes[class_id]
    if summary.metaclass is None:
        return False
    metaclass = index.resolve_ref(module, summary.metaclass, None)
    return metaclass is not None and metaclass.kind == CLASS and metaclass.name in index.classes \
        and _defines(index, metaclass.name, ("__new__", "__init__"))


def _defines(index: ProgramIndex, class_id: str, methods: tuple[str, ...]) -> bool:
    return index.any_analysed_base(class_id, lambda summary: any(method in summary.methods for method in methods))
