"""Branches on a function's own parameters, and what call sites pass for them.

`if serializers is None: _serializers[fmt] = module` writes the shared registry only when the
caller passes no dict of its own; `if auto_created: Field.auto_creation_counter -= 1` only when
the caller asks for it. Each access records the tests on parameters that hold where it runs
(its *guards*), each call the kind of value it passes where the syntax shows it (None, a true or
false constant, a new container), and each function the kind of its constant defaults. The
analysis then reaches a guarded access only through calls that can satisfy its guards.

Value kinds: NONE, TRUE (true, not None), FALSE (false, not None), SOME (not None).
Guard tests: IS_NONE, NOT_NONE, TRUTHY, FALSY.

Mixed into ModuleSummarizer, whose frames and summaries it fills.
"""

from __future__ import annotations

import ast

from racefree.summarize.model import FALSE, FALSY, IS_NONE, NONE, NOT_NONE, SOME, TRUE, TRUTHY
from racefree.summarize.syntax import outcomes_of_test, parameter_defaults

_NEGATION = {IS_NONE: NOT_NONE, NOT_NONE: IS_NONE, TRUTHY: FALSY, FALSY: TRUTHY}


# Expressions whose kind value_kind can tell.
_KNOWN_KIND_NODES = frozenset({ast.Constant, ast.Dict, ast.List, ast.Set, ast.Tuple, ast.ListComp, ast.SetComp,
                               ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.JoinedStr})


def value_kind(node: ast.expr | None) -> str | None:
    """What kind of value an expression is, where the syntax alone says so."""
    kind = type(node)
    if kind is ast.Constant:
        if node.value is None:
            return NONE
        return TRUE if node.value else FALSE
    if kind in (ast.Dict, ast.List, ast.Set, ast.Tuple):
        elements = node.keys if kind is ast.Dict else node.elts
        return TRUE if elements else FALSE
    if kind in (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.JoinedStr):
        return SOME
    return None


def default_kinds(args: ast.arguments) -> dict[str, str]:
    """The kinds of the parameters' constant defaults: `auto_created=False` -> FALSE."""
    if not args.defaults and not args.kw_defaults:
        return {}
    kinds = {}
    for arg, default in parameter_defaults(args):
        kind = value_kind(default) if type(default) is ast.Constant else None
        if kind is not None:
            kinds[arg.arg] = kind
    return kinds


class ParameterGuards:
    def _guards_of_test(self, test: ast.expr) -> tuple[list, list]:
        """The parameter tests that hold in the body of `if test:`, and in its else branch."""
        return outcomes_of_test(test, self._guard_of_simple_test)

    def _guard_of_simple_test(self, test: ast.expr) -> tuple[list, list]:
        guard = self._parameter_test(test)
        if guard is None:
            return [], []
        return [guard], [(guard[0], _NEGATION[guard[1]])]

    def _parameter_test(self, test: ast.expr) -> tuple[str, str] | None:
        scope = self.frame.scope
        if scope is None:
            return None
        if type(test) is ast.Name:
            name, check = test.id, TRUTHY
        elif type(test) is ast.Compare and len(test.ops) == 1 and type(test.left) is ast.Name \
                and type(test.comparators[0]) is ast.Constant and test.comparators[0].value is None:
            name = test.left.id
            op = type(test.ops[0])
            if op in (ast.Is, ast.Eq):
                check = IS_NONE
            elif op in (ast.IsNot, ast.NotEq):
                check = NOT_NONE
            else:
                return None
        else:
            return None
        return (name, check) if name in scope.unassigned_parameters else None

    def _argument_kinds(self, node: ast.Call) -> tuple[tuple[tuple[int | None, str | None, str | None], ...], bool]:
        """The kinds of the arguments a call passes where known (every keyword argument, None
        where unknown), and whether it spreads more (`*args`, `**kwargs`), so that parameters it
        does not name may still be passed."""
        kinds = []
        spreads = False
        known = False
        local_kinds = self.frame.value_kinds
        for position, arg in enumerate(node.args):
            kind_of_node = type(arg)
            if kind_of_node is ast.Starred:
                spreads = True
                break
            if kind_of_node is ast.Name:
                kind = local_kinds.get(arg.id)
            elif kind_of_node in _KNOWN_KIND_NODES:
                kind = value_kind(arg)
            else:
                continue
            if kind is not None:
                kinds.append((position, None, kind))
                known = True
        for keyword in node.keywords:
            if keyword.arg is None:
                spreads = True
                continue
            value = keyword.value
            kind_of_node = type(value)
            kind = local_kinds.get(value.id) if kind_of_node is ast.Name else \
                value_kind(value) if kind_of_node in _KNOWN_KIND_NODES else None
            kinds.append((None, keyword.arg, kind))
            known = known or kind is not None
        if not known:
            # Nothing known: keep the summary small, keeping only the keywords it names (of
            # unknown kinds), which a call that passes its arguments on must not take for its own.
            return tuple(kind for kind in kinds if kind[1] is not None), spreads
        return tuple(kinds), spreads

    def _note_value_kind(self, name: str, value: ast.expr | None) -> None:
        """`serializers = {}`: the local holds a value of a known kind until it is bound again."""
        kind = value_kind(value)
        if kind is None:
            self.frame.value_kinds.pop(name, None)
        else:
            self.frame.value_kinds[name] = kind
