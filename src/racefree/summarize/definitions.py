"""Function, lambda and class definitions: their summaries, qualified names and decorators, and a
new frame for each body.

Mixed into ModuleSummarizer, whose summary it fills.
"""

from __future__ import annotations

import ast

from racefree.knowledge.containers import ITEMS, MUTABLE_CONSTRUCTOR_NAMES
from racefree.summarize.block_sides import opening_side
from racefree.summarize.forwarding import passed_on
from racefree.summarize.frame import TOPLEVEL, Frame
from racefree.summarize.kept_per_key import kept_per_key
from racefree.summarize.local_objects import objects_kept_local
from racefree.summarize.model import OP_SLOT_STORE, WRITE, Binding, ClassSummary, Decorator, FunctionSummary, Ref
from racefree.summarize.mutable_defaults import mutable_defaults
from racefree.summarize.parameter_guards import default_kinds
from racefree.summarize.presence import presence_of_test
from racefree.summarize.ready_waits import ready_waits
from racefree.summarize.waited_jobs import waited_jobs
from racefree.summarize.scopes import function_scope
from racefree.summarize.syntax import (
    constant_key,
    declared_class,
    does_nothing,
    dotted_text,
    says_for_tests,
    says_set_up,
    says_not_thread_safe,
    says_thread_safe,
    says_per_thread,
)


# Methods Python calls with the class as the first argument, with no decorator saying so:
# `cls._instances = WeakSet()` in `__new__` keeps class-level state, as in a classmethod.
IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})

class DefinitionVisits:
    def _decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[Decorator]:
        decorators = []
        for deco in node.decorator_list:
            self._expr(deco)
            func = deco.func if type(deco) is ast.Call else deco
            first = constant_key(deco.args[0]) if type(deco) is ast.Call and deco.args else None
            decorators.append(Decorator(dotted_text(func) or "", self.ref_of(func), first, deco.lineno))
        return decorators

    def _qualname(self, name: str) -> str:
        parent = self.frame.summary.qualname
        if self.class_stack and parent == TOPLEVEL:
            return f"{self.class_stack[-1].qualname}.{name}"
        if parent == TOPLEVEL:
            return name
        return f"{parent}.<locals>.{name}"

    def _function_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        decorators = self._decorators(node)
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self._expr(default)
        self.summary.named_in_defaults.update(_defaults_read(node))
        self._function_body(node, node.name, decorators)

    def _function_body(self, node, name: str, decorators: list[Decorator]) -> str:
        qualname = self._qualname(name)
        in_class = self._in_class_body()
        class_name = self.class_stack[-1].qualname if in_class else self.frame.class_name
        wrapped_class = None if in_class else self.method_wrappers.get(qualname)
        if wrapped_class is not None:
            class_name = wrapped_class  # a decorator's wrapper, run with an instance of the class first
        deco_texts = {d.text for d in decorators}
        method_kind = "function"
        if in_class:
            method_kind = (
                "staticmethod" if "staticmethod" in deco_texts
                else "classmethod" if "classmethod" in deco_texts or name in IMPLICIT_CLASS_METHODS
                else "method"
            )
            accessor = next((text.rsplit(".", 1)[-1] for text in deco_texts
                             if text.endswith((".setter", ".deleter")) and text.split(".")[0] == name), None)
            if accessor is not None and name in self.class_stack[-1].methods:
                qualname = f"{qualname}.{accessor}"  # `@locale.setter`: the getter keeps the name
            else:
                self.class_stack[-1].methods[name] = qualname
        summary = FunctionSummary(
            qualname=qualname, name=name, line=node.lineno,
            end_line=getattr(node, "end_lineno", node.lineno) or node.lineno,
            class_name=class_name, is_async=type(node) is ast.AsyncFunctionDef,
            decorators=decorators, method_kind=method_kind,
        )
        self.summary.functions[qualname] = summary
        if self.frame.scope is not None:
            self.frame.nested[name] = qualname
        enclosed = self.frame.scope is not None or self.frame.free_names_used  # (also through a class body)
        frame = Frame(summary, function_scope(node, self._walrus_within(node)), class_name)
        frame.free_names_used = enclosed  # a nested function: its free names may be closure cells
        frame.aliases.update(self._defaults_naming_shared_state(node.args))
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        skip = 1 if in_class and method_kind in ("method", "classmethod") else 0
        summary.parameters = params[skip:] + [a.arg for a in node.args.kwonlyargs]
        summary.default_kinds = default_kinds(node.args)
        summary.mutable_defaults = {name: typed for name, typed in mutable_defaults(node.args).items()
                                    if name in frame.scope.unassigned_parameters}
        summary.arity = arity(node.args, skip)
        frame.passes_on = passed_on(node, skip)
        summary.parameter_classes = annotated_classes(node.args)
        if type(node) is not ast.Lambda:
            docstring = ast.get_docstring(node)
            summary.documented_for_tests = says_for_tests(docstring)
            summary.does_nothing = does_nothing(node.body)
            summary.documented_set_up = says_set_up(docstring)
            summary.documented_not_thread_safe = says_not_thread_safe(docstring)
        if in_class and params and method_kind == "method":
            frame.self_name = params[0]
        elif in_class and params and method_kind == "classmethod":
            frame.cls_name = params[0]
        elif wrapped_class is not None and params:
            frame.self_name = params[0]
        elif not in_class and self.frame.scope is not None:
            # A closure inside a method sees the method's self.
            frame.self_name, frame.cls_name = self.frame.self_name, self.frame.cls_name
        self._enter(frame)
        missing = name == "__missing__" and method_kind == "method" and class_name in self.container_classes
        if missing:
            # A dict's `__missing__` runs when a lookup found no entry: its `self[key] = ...`
            # acts on that test, as `if key not in d: d[key] = ...` would.
            frame.checks[self._interned(("self", class_name, (ITEMS,)))] = (node.lineno, True, 0)
        if type(node) is ast.Lambda:
            self._expr(node.body)
        else:
            frame.top_body = node.body
            self._block(node.body)
            if missing:  # (`return self.setdefault(key, make(key))` stores only if still absent)
                for access in summary.accesses:
                    if access.checked_at == node.lineno and access.op != OP_SLOT_STORE:
                        access.checked_at, access.check_is_lazy_init = None, False
            summary.claims = tuple(claim for claim in frame.top_claims if not _released(node.body, claim))
            if frame.first_yield is not None and any(d.text.endswith("contextmanager") for d in summary.decorators):
                _reset_after_the_yield(summary, frame.first_yield)
            if frame.returns_value:
                summary.serves_forever = False  # a loop that drains into a result is no main loop
            summary.ensures, summary.calls_on_self_first = self._readiness_checks(node.body, frame.self_name)
            summary.kept_local = objects_kept_local(node.body)
            summary.ready_waits = ready_waits(node.body)
            _mark_waited_jobs(summary, node.body)
            summary.kept_per_key, summary.containers_handed_out = kept_per_key(node.body)
        self._leave()
        return qualname

    def _defaults_naming_shared_state(self, args: ast.arguments) -> dict[str, Ref]:
        """`def dictionary_match(password, _tables=RANKED_DICTIONARIES)`: unless a caller passes
        its own, the parameter is the module-level object itself (the default is evaluated once,
        where the function is defined), so what the function does to it, it does to that."""
        positional = [*args.posonlyargs, *args.args]
        pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                 *((arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None)]
        named = {}
        for arg, default in pairs:
            ref = self.ref_of(default) if type(default) in (ast.Name, ast.Attribute) else None
            if ref is not None and ref.root_kind == "global":
                named[arg.arg] = ref
        return named

    def _readiness_checks(self, body: list[ast.stmt], self_name: str | None) -> tuple[tuple, tuple]:
        """What the body's leading guard clauses that raise prove set (`if not self.apps_ready:
        raise ...`), and the calls on its own object made as statements of the body, up to the
        first statement that can branch past them (`self.check_models_ready()`)."""
        ensures: list[Ref] = []
        calls: list[tuple[int, str]] = []
        for stmt in body:
            kind = type(stmt)
            if kind is ast.Expr and type(stmt.value) is ast.Constant:
                continue  # the docstring
            if kind is ast.If and not stmt.orelse and stmt.body and type(stmt.body[-1]) is ast.Raise \
                    and not any(type(n) is ast.Return for s in stmt.body for n in ast.walk(s)):
                ensures += presence_of_test(stmt.test, self.ref_of)[1]
                continue
            if kind is ast.Expr and type(stmt.value) is ast.Call and not stmt.value.args and not stmt.value.keywords:
                func = stmt.value.func
                if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == self_name:
                    calls.append((stmt.lineno, func.attr))
                    continue
            if kind in (ast.Expr, ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom):
                continue  # straight-line code: what follows still runs after the checks
            break
        return tuple(ensures), tuple(calls)

    def _class_def(self, node: ast.ClassDef) -> None:
        decorators = self._decorators(node)
        for base in node.bases:
            self._expr(base)
        for keyword in node.keywords:
            self._expr(keyword.value)
        qualname = self._qualname(node.name)
        docstring = ast.get_docstring(node, clean=False)
        cls = ClassSummary(
            qualname=qualname, line=node.lineno,
            bases=[self.ref_of(b) for b in node.bases],
            base_texts=[dotted_text(b) or "" for b in node.bases],
            metaclass=next((self.ref_of(k.value) for k in node.keywords if k.arg == "metaclass"), None)
            or _added_metaclass(node, self.ref_of),
            decorators=decorators,
            documented_not_thread_safe=says_not_thread_safe(docstring),
            documented_thread_safe=says_thread_safe(docstring),
            documented_per_thread=says_per_thread(docstring),
            documented_for_tests=says_for_tests(docstring),
        )
        self.summary.classes[qualname] = cls
        if self.frame.scope is not None:
            self.frame.nested[node.name] = qualname
        container = next((text for text in cls.base_texts if text.rsplit(".", 1)[-1] in MUTABLE_CONSTRUCTOR_NAMES), None)
        if container is not None:  # `class Registry(dict)`: its instances are containers
            self.container_classes.add(qualname)
            cls.instance_attributes[ITEMS] = Binding(ITEMS, node.lineno, "mutable", container)
        # The class body runs like module code at import time, in its own namespace.
        outer = self.frame
        body_frame = Frame(self.summary.toplevel, None, None)
        body_frame.locks = outer.locks
        self.class_stack.append(cls)
        pops_before = len(self.method_pops)
        self._enter(body_frame)
        self._block(node.body)
        self._leave()
        self.class_stack.pop()
        _mark_pops_of_block_pushes(cls, self.summary.functions, self.method_pops[pops_before:])
        del self.method_pops[pops_before:]

    def _lambda(self, node: ast.Lambda) -> None:
        for default in node.args.defaults:
            self._expr(default)
        self._function_body(node, f"<lambda:{node.lineno}:{node.col_offset}>", [])

    def _lambda_qualname(self, node: ast.Lambda) -> str:
        return self._qualname(f"<lambda:{node.lineno}:{node.col_offset}>")


def arity(args: ast.arguments, skip: int) -> tuple[int, int, int]:
    """What a call must pass: (positional arguments required, positional arguments taken or -1
    under *args, keyword-only arguments required), leaving out the first `skip` (self)."""
    positional = len(args.posonlyargs) + len(args.args) - skip
    required = max(0, positional - len(args.defaults))
    taken = -1 if args.vararg is not None else max(0, positional)
    return required, taken, sum(1 for default in args.kw_defaults if default is None)


def annotated_classes(args: ast.arguments) -> dict[str, str]:
    """The parameters whose annotation names one class (`agent: LangGraphAgent`), with its dotted
    name: what a closure defined inside sees when it uses the parameter."""
    classes = {}
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        declared = declared_class(arg.annotation) if arg.annotation is not None else None
        text = dotted_text(declared) if declared is not None else None
        if text:
            classes[arg.arg] = text
    return classes


def _defaults_read(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The module-level names given as defaults of parameters the function reads
    (`def make(..., revoked=revoked)`): those reach every call that takes the default. A default
    the body never reads (kept for speed or for the signature) hands the object to nobody."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(arg, d) for arg, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    named = {arg.arg: default.id for arg, default in pairs if type(default) is ast.Name}
    if not named:
        return set()
    read = {n.id for statement in node.body for n in ast.walk(statement) if type(n) is ast.Name and n.id in named}
    return {named[parameter] for parameter in read}


def _released(body: list[ast.stmt], claim: Ref) -> bool:
    """The function clears the flag it claimed (`finally: self._running = False`): the claim ends
    in it. One that does not (joblib's `_reset_run_tracking`) hands the claim to its caller."""
    flag = claim.attrs[-2] if len(claim.attrs) >= 2 else claim.root
    for statement in body:
        for node in ast.walk(statement):
            if type(node) is ast.Assign and type(node.value) is ast.Constant and not node.value.value \
                    and any(type(t) is ast.Attribute and t.attr == flag or type(t) is ast.Name and t.id == flag
                            for t in node.targets):
                return True
    return False


def _mark_waited_jobs(summary, body: list[ast.stmt]) -> None:
    """Mark the calls whose handed-over function the caller waits for at once."""
    if not any(call.function_args for call in summary.calls):
        return
    waited = waited_jobs(body)
    for call in summary.calls:
        if call.function_args and (call.line, call.col) in waited:
            call.waited_at_once = True


def _added_metaclass(node: ast.ClassDef, ref_of) -> Ref | None:
    """`@six.add_metaclass(Meta)` (or `future.utils.with_metaclass`'s decorator form): the
    metaclass a decorator gives the class, on Pythons where the keyword was not written."""
    for deco in node.decorator_list:
        if type(deco) is ast.Call and len(deco.args) == 1 and (dotted_text(deco.func) or "").endswith("add_metaclass"):
            return ref_of(deco.args[0])
    return None


def _reset_after_the_yield(summary: FunctionSummary, yielded_at: int) -> None:
    """A context manager that sets shared state before its `yield` and sets it again after
    (`_DISABLED = True; try: yield finally: _DISABLED = False`) scopes a value to the `with`
    block, as one that saves and restores it does: the later store puts the state back."""
    set_before = {(a.ref, a.slot) for a in summary.accesses
                  if a.kind == WRITE and a.line < yielded_at and not a.in_handler and not a.restores}
    for access in summary.accesses:
        if access.kind == WRITE and access.line > yielded_at and (access.ref, access.slot) in set_before \
                and access.stores_constant is not None:
            access.restores = True


def _mark_pops_of_block_pushes(cls: ClassSummary, functions: dict[str, FunctionSummary], pops: list) -> None:
    """A class whose `__exit__` pops what its `__enter__` pushed (`type(self).get_contexts()
    .append(self)`, then `.pop()`), itself or through the methods of the class they call
    (`start()` and `stop()`): the block a `with` opens is the call, and the pop puts back the top
    the push replaced."""
    for method, pop in pops:
        if any(access.ref == pop.ref and access.kind == WRITE and access.appends
               for opening in opening_side(cls, functions, method) for access in opening.accesses):
            pop.restores = True
