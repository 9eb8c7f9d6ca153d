"""Which objects a function keeps to itself (racefree.summarize.local_objects): made by calling a
class into a local that is used only through its attributes and in tests, never handed on."""

from __future__ import annotations

import ast
import textwrap

import pytest

from racefree.summarize.local_objects import objects_kept_local


def kept(source: str) -> list[int]:
    function = ast.parse(textwrap.dedent(source)).body[0]
    return [line for line, _ in objects_kept_local(function.body)]


def test_an_object_used_through_its_methods_and_fields_and_tested_is_kept():
    assert kept("""
        def send(self, message):
            client = IRCClient(self.host)
            if not client or client is None:
                return None
            client.nick = self.nick
            client.connect()
            return client.say(message)
    """) == [3]


def test_an_object_made_in_a_with_statement_is_kept():
    assert kept("""
        def upload(items):
            with WorkerPool(4) as pool:
                for item in items:
                    pool.submit(item)
    """) == [3]


@pytest.mark.parametrize("use", [
    "return client",
    "self.client = client",
    "register(client)",
    "clients.append(client)",
    "callback = lambda: client.close()",
    "yield client",
    "other = client",
    "client = Other()",
])
def test_an_object_handed_on_or_rebound_is_not_kept(use):
    assert kept(f"""
        def make(self):
            client = Client()
            client.connect()
            {use}
    """) == []


def test_a_call_of_something_not_named_like_a_class_is_not_taken_for_an_object():
    assert kept("""
        def read(path):
            handle = open(path)
            handle.read()
    """) == []
