"""What a name or attribute is bound to, by kind of value: module-level names, class attributes and
instance attributes.

Mixed into ModuleSummarizer, whose summary it fills.
"""

from __future__ import annotations

import ast

from racefree.knowledge.containers import MUTABLE_CONSTRUCTOR_NAMES
from racefree.summarize.model import Binding, ClassSummary
from racefree.summarize.mutable_defaults import container_made
from racefree.summarize.syntax import LITERAL_CONTAINER_TYPES, declared_class, dotted_text, makes_one_worker_executor

_MUTABLE_LITERALS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
_CONSTANT_LITERALS = (ast.Constant, ast.Tuple, ast.JoinedStr, ast.BinOp, ast.UnaryOp)
# Bindings that only hold a place (`_client = None`, `_client: Client | None = None`) until a later
# one builds the object.
_PLACEHOLDERS = ("constant", "other", "annotated")


class BindingNotes:
    def _bind_module_name(self, name: str, value: ast.expr | None, target: ast.AST) -> None:
        if self._in_main_block:
            return  # `if __name__ == "__main__": t = Text()` makes no module-level instance
        if type(value) in (ast.Dict, ast.List, ast.Tuple):
            elements = value.values if type(value) is ast.Dict else value.elts
            named = tuple(element.id for element in elements if type(element) is ast.Name)
            if named:
                self.summary.function_tables[name] = named
        existing = self.summary.bindings.get(name)
        binding = self._binding(name, value, target)
        if existing is None:
            self.summary.bindings[name] = binding
        elif (existing.value_kind in ("constant", "other") and binding.value_kind not in _PLACEHOLDERS
              or existing.value_kind == "annotated" and binding.value_kind == "call"):
            # `_client = None` at module level, `_client = Client()` later: it holds a Client.
            binding.line = existing.line
            self.summary.bindings[name] = binding

    def _binding(self, name: str, value: ast.expr | None, target: ast.AST) -> Binding:
        line = target.lineno
        if self._annotation is not None and (value is None or type(value) is ast.Name
                                             or (type(value) is ast.Constant and value.value is None)):
            # `self._manager: Optional[WorkerManager] = None`: a placeholder for a WorkerManager;
            # `self.babel: "Babel" = babel`: the argument, of the class the annotation declares
            declared = declared_class(self._annotation)
            if declared is not None:
                return Binding(name, line, "annotated", dotted_text(declared), self.ref_of(declared))
        if value is None:
            return Binding(name, line, "other")
        if isinstance(value, _MUTABLE_LITERALS):
            return Binding(name, line, "mutable", LITERAL_CONTAINER_TYPES[type(value)])
        if type(value) is ast.Call:
            # `ContextVar[list[Step]]("steps", default=[])`: a generic class called as itself
            func = value.func.value if type(value.func) is ast.Subscript else value.func
            text = dotted_text(func)
            ref = self.ref_of(func)
            if text and text.rsplit(".", 1)[-1] in MUTABLE_CONSTRUCTOR_NAMES:
                return Binding(name, line, "mutable", text, ref)
            binding = Binding(name, line, "call", text, ref)
            if text and text.rsplit(".", 1)[-1] == "ContextVar":
                binding.context_default = next((container_made(k.value) for k in value.keywords
                                                if k.arg == "default"), None)
            return binding
        if isinstance(value, ast.Lambda):
            return Binding(name, line, "function")
        if isinstance(value, _CONSTANT_LITERALS):
            return Binding(name, line, "constant")
        if type(value) in (ast.Name, ast.Attribute):
            return Binding(name, line, "alias", dotted_text(value), self.ref_of(value))
        return Binding(name, line, "other")

    def _note_names_in_value(self, value: ast.expr | None) -> None:
        """The functions a module-level or class-level value names (a dispatch table's handlers)."""
        if value is None or isinstance(value, _CONSTANT_LITERALS):
            return
        for node in ast.walk(value):
            if type(node) is ast.Name:
                self.summary.named_in_values.add(node.id)
            elif type(node) is ast.Attribute:
                self.summary.named_in_values.add(node.attr)

    def _note_instance_attribute(self, attr: str, value: ast.expr | None, target: ast.AST) -> None:
        """The first binding of `self.attr`, unless it only set a placeholder (`self._tracker =
        None` in `__init__`) and a later one builds the object (`self._tracker = Tracker(self)`)."""
        cls = self._class_of_frame()
        if cls is None:
            return
        if makes_one_worker_executor(value):
            cls.one_worker_executors.add(attr)
        methods = self._own_methods_named(value)
        if methods:
            known = cls.bound_methods.get(attr, ())
            cls.bound_methods[attr] = known + tuple(m for m in methods if m not in known)
        existing = cls.instance_attributes.get(attr)
        if existing is None:
            cls.instance_attributes[attr] = self._binding(attr, value, target)
        elif existing.value_kind in ("constant", "annotated") and type(value) is ast.Call:
            cls.instance_attributes[attr] = self._binding(attr, value, target)
        elif existing.value_kind == "alias" and existing.constructor_ref is not None \
                and existing.constructor_ref.root_kind == "param" and type(value) is ast.Call:
            cls.made_when_not_given.setdefault(attr, self._binding(attr, value, target))

    def _own_methods_named(self, value: ast.expr | None) -> list[str]:
        """`self._send_to_buffer`, or the values of a dict, list or tuple of such (`{"a": self._a,
        "b": self._b}`): the names of the object's own attributes the value hands on."""
        self_name = self.frame.self_name
        if value is None or self_name is None:
            return []
        kind = type(value)
        elements = value.values if kind is ast.Dict else value.elts if kind in (ast.List, ast.Tuple) else [value]
        return [element.attr for element in elements
                if type(element) is ast.Attribute and type(element.value) is ast.Name and element.value.id == self_name]

    def _note_class_attribute(self, attr: str, value: ast.expr | None, target: ast.AST) -> None:
        """`cls._lookup = threading.local()` in a classmethod binds a class attribute."""
        cls = self._class_of_frame()
        if cls is not None and attr not in cls.attributes:
            cls.attributes[attr] = self._binding(attr, value, target)

    def _class_of_frame(self) -> ClassSummary | None:
        name = self.frame.class_name
        return self.summary.classes.get(name) if name else None
