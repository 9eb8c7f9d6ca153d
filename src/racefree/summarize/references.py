"""What a name or an expression refers to: the module's own names, locals and closure variables,
nested functions, and the shared-state reference (`Ref`) an expression names.

Mixed into ModuleSummarizer, whose frames and summary it reads.
"""

from __future__ import annotations

import ast

from racefree.knowledge.containers import ITEMS
from racefree.summarize.model import CALL, Ref
from racefree.summarize.scopes import target_names

_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


class References:
    def _collect_module_names(self, body: list[ast.stmt]) -> None:
        stack = list(body)
        while stack:
            node = stack.pop()
            if isinstance(node, (*_FUNCTION_NODES, ast.ClassDef)):
                self.module_names.add(node.name)
                if type(node) is not ast.ClassDef:
                    self.module_functions.add(node.name)
                else:
                    self.module_classes.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for target in (node.targets if type(node) is ast.Assign else [node.target]):
                    target_names(target, self.module_names)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                target_names(node.target, self.module_names)
                stack.extend(node.body)
                stack.extend(node.orelse)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        target_names(item.optional_vars, self.module_names)
                stack.extend(node.body)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        self.module_names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, (ast.If, ast.While)):
                stack.extend(node.body)
                stack.extend(node.orelse)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                stack.extend(node.body)
                stack.extend(node.orelse)
                stack.extend(node.finalbody)
                for handler in node.handlers:
                    stack.extend(handler.body)

    def _name_is_local(self, name: str) -> bool:
        """Local to the current function or to an enclosing one (a closure variable)."""
        for frame in reversed(self.frames):
            if frame.scope is None:
                return False
            if name in frame.scope.declared_global:
                return False
            if name in frame.scope.local_names:
                return True
        return False

    def ref_of(self, node: ast.AST) -> Ref | None:
        """The shared-state reference an expression names, if it is one."""
        key = self._ref_of(node)
        return None if key is None else self._interned(key)

    def _interned(self, key: tuple[str, str, tuple[str, ...]]) -> Ref:
        """One object per distinct reference: summaries pickle (to the cache, between processes)
        much smaller and faster when repeated references are the same object. Looked up by the
        plain tuple, which hashes faster than a Ref, and a Ref made only the first time."""
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = Ref(*key)
        return ref

    def _ref_of(self, node: ast.AST) -> tuple[str, str, tuple[str, ...]] | None:
        """The fields of ref_of's reference."""
        attrs: list[str] = []
        while type(node) is ast.Attribute:
            attrs.append(node.attr)
            node = node.value
        if type(node) is not ast.Name:
            if type(node) is not ast.Call:
                return None
            if type(node.func) is ast.Name and node.func.id == "super":
                if self.frame.class_name and attrs:
                    return "super", self.frame.class_name, tuple(reversed(attrs))
                if self.frame.class_name in self.container_classes and self.frame.scope is not None:
                    return "self", self.frame.class_name, (ITEMS,)  # `super().add(job)`: its items
                return None
            if type(node.func) is ast.Name and node.func.id == "type" and len(node.args) == 1 \
                    and type(node.args[0]) is ast.Name and node.args[0].id == self.frame.self_name \
                    and self.frame.class_name and self.frame.scope is not None:
                # `type(self).registry`, `type(self).get_contexts()`: the class, as `self.__class__`
                return ("class", self.frame.class_name, tuple(reversed(attrs))) if attrs else None
            # `get_client().query`: what the called function returns, then its attributes.
            inner = self.ref_of(node.func)
            if inner is None:
                return None
            self._call(node)  # the call itself still happens (call graph, arguments)
            return inner.root_kind, inner.root, (*inner.attrs, CALL, *reversed(attrs))
        name = node.id
        frame = self.frame
        attrs.reverse()
        if frame.scope is not None and name in frame.scope.unassigned_parameters and name != frame.self_name \
                and name != frame.cls_name and name not in frame.taint and name not in frame.aliases:
            # A parameter: the caller's argument, which the index binds at each call site (one
            # whose default is module-level state is that state: see `_defaults_naming_shared_state`).
            return "param", name, tuple(attrs)
        if frame.class_name and frame.scope is not None:
            if name == frame.self_name:
                if attrs[:1] == ["__class__"] and len(attrs) > 1:
                    return "class", frame.class_name, tuple(attrs[1:])  # `self.__class__.cache`
                if attrs:
                    return "self", frame.class_name, tuple(attrs)
                # `for job in self`, `self[key] = value` in a container's own class: its items
                return ("self", frame.class_name, (ITEMS,)) if frame.class_name in self.container_classes else None
            if name == frame.cls_name:
                return ("class", frame.class_name, tuple(attrs)) if attrs else None
        alias = frame.aliases.get(name)
        if alias is not None:
            if alias.root_kind == "self" and alias.attrs == ("__class__",) and attrs:
                return "class", alias.root, tuple(attrs)  # `cls = self.__class__` then `cls.cache`
            return alias.root_kind, alias.root, (*alias.attrs, *attrs)
        if self._name_is_local(name):
            cell = self.closure_cell(name)
            if cell is not None:
                return "cell", cell, tuple(attrs)
            captured = self._captured_parameter(name)
            return ("typed", captured, tuple(attrs)) if captured is not None and attrs else None
        if name in self.module_names or name in self._function_imports or self.summary.star_imports:
            return "global", name, tuple(attrs)
        return None

    def closure_cell(self, name: str) -> str | None:
        """A local of an enclosing function that this nested function uses (a closure cell) and
        that can change: a container or object the enclosing function made (`last_called =
        [0.0]`, `cache = {}`, `lock = threading.Lock()`), or a name declared `nonlocal` here. As
        "<qualname of the enclosing function>.<locals>.<name>", and noted on that function's
        summary; None for the function's own locals and anything else."""
        frame = self.frame
        if frame.scope is None or name in frame.scope.local_names:
            return None
        declared_nonlocal = False
        for outer in reversed(self.frames[:-1]):
            scope = outer.scope
            if scope is None or name in scope.declared_global:
                return None
            declared_nonlocal = declared_nonlocal or name in scope.declared_nonlocal
            if name in scope.local_names:
                made = outer.made_at.get(name)
                if not (made and made[0]) and not (declared_nonlocal or name in frame.scope.declared_nonlocal):
                    return None
                if name in outer.nested or name in scope.unassigned_parameters:
                    return None
                outer.summary.cells.setdefault(name, made or ("", outer.summary.line))
                return f"{outer.summary.qualname}.<locals>.{name}"
        return None

    def _enclosing_parameter(self, name: str) -> bool:
        """The name is a parameter of the function this one is defined in."""
        outer = self.frames[-2] if len(self.frames) > 1 else None
        return outer is not None and outer.scope is not None and name in outer.scope.unassigned_parameters

    def _captured_parameter(self, name: str) -> str | None:
        """A closure's use of a parameter of an enclosing function whose annotation names a class
        (`agent` in a handler defined inside `add_endpoint(app, agent: LangGraphAgent)`), as
        "<qualname of that function>:<the class's dotted name>"; None for anything else."""
        if self.frame.scope is None or name in self.frame.scope.local_names:
            return None  # the function's own local or parameter
        for frame in reversed(self.frames[:-1]):
            scope = frame.scope
            if scope is None or name in scope.declared_global:
                return None
            if name in scope.local_names:
                declared = frame.summary.parameter_classes.get(name)
                if declared is None or name not in scope.unassigned_parameters:
                    return None
                return f"{frame.summary.qualname}:{declared}"
        return None

    def _local_function(self, name: str) -> str | None:
        for frame in reversed(self.frames):
            if name in frame.nested:
                return frame.nested[name]
        return None

    def _is_self(self, node: ast.expr) -> bool:
        """The expression is the method's own instance (`self`), which ref_of does not name alone."""
        frame = self.frame
        return type(node) is ast.Name and frame.class_name is not None and frame.scope is not None \
            and node.id == frame.self_name
