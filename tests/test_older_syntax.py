"""Modules that still hold Python 2 statements are read as Python 3 spells them, line for line."""

from __future__ import annotations

import ast

from racefree.summarize import summarize_source
from racefree.summarize.older_syntax import as_python3

PYTHON2_MODULE = '''\
import sys

try:
    import json
except ImportError, e:
    print >>sys.stderr, "no json:", e
    json = None

_seen = {}


def remember(key):
    if key not in _seen:
        print "new key", key
        _seen[key] = 10L
    else:
        raise KeyError, key
'''


def test_python2_statements_are_rewritten_line_for_line():
    rewritten = as_python3(PYTHON2_MODULE)
    assert rewritten is not None
    tree = ast.parse(rewritten)
    assert len(rewritten.splitlines()) == len(PYTHON2_MODULE.splitlines())
    handler = tree.body[1].handlers[0]
    assert (handler.lineno, handler.name) == (5, "e")
    store = next(node for node in ast.walk(tree) if isinstance(node, ast.Assign) and node.lineno == 15)
    assert isinstance(store.value, ast.Constant) and store.value.value == 10


def test_python3_text_is_left_alone():
    assert as_python3("print('ok')\nprint (1)\nx = 1\n") is None


def test_a_python2_module_is_summarised_with_its_lines():
    summary = summarize_source(PYTHON2_MODULE.encode(), "legacy.py", "legacy", False)
    assert not hasattr(summary, "message"), summary
    writes = [a.line for a in summary.functions["remember"].accesses if a.kind == "write"]
    assert writes == [15]


ASYNC_AS_A_NAME_MODULE = '''\
import asyncio

from retrying.async import AsyncRetrying

_pending = []


def schedule(coro):
    _pending.append(asyncio.ensure_future(coro, async=True))


async def drain():
    await asyncio.gather(*_pending)
'''


def test_async_as_a_name_is_read_as_an_other_name():
    rewritten = as_python3(ASYNC_AS_A_NAME_MODULE)
    assert rewritten is not None
    tree = ast.parse(rewritten)
    assert tree.body[1].module == "retrying.async_"
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.keywords)
    assert call.keywords[0].arg == "async_"
    drain = tree.body[-1]
    assert isinstance(drain, ast.AsyncFunctionDef) and isinstance(drain.body[0].value, ast.Await)


def test_a_module_using_async_as_a_name_is_summarised():
    summary = summarize_source(ASYNC_AS_A_NAME_MODULE.encode(), "legacy_async.py", "legacy_async", False)
    assert not hasattr(summary, "message"), summary
    assert [a.line for a in summary.functions["schedule"].accesses if a.kind == "write"] == [9]
