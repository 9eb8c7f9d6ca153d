"""Library objects that are not thread-safe: one instance must not be used by two threads at once.

Each entry names the constructor (a class, or the function that makes the object) and the
methods that use the instance's state. A program that keeps one such object where every thread
reaches it (a module global, a class attribute, a shared client's attribute) and calls these
methods from code that runs concurrently has a race, whatever its own code looks like (RF109).
"""

from __future__ import annotations

from dataclasses import dataclass

from racefree.knowledge.entry_points import name_matches


@dataclass(frozen=True, slots=True)
class UnsafeObject:
    constructor: str  # `package:Tail`, as knowledge.entry_points.name_matches reads it
    methods: frozenset[str]
    what: str  # the object, for the report: "a ruamel.yaml `YAML` instance"
    why: str  # what the methods do to the instance, for the report


_DB_API = frozenset({"cursor", "execute", "executemany", "executescript", "commit", "rollback"})
_DB_API_WHY = ("its module declares DB-API `threadsafety` 1: threads may share the module but not a connection, "
               "whose transaction and result state every cursor shares")

UNSAFE_OBJECTS: tuple[UnsafeObject, ...] = (
    # ruamel.yaml binds its reader, scanner, parser, composer and emitter to the YAML instance for
    # the length of each load or dump.
    UnsafeObject("ruamel:YAML", frozenset({"load", "load_all", "dump", "dump_all"}), "a ruamel.yaml `YAML` instance",
                 "each load and dump builds its reader, scanner, parser and emitter on the instance and uses them "
                 "until it returns"),
    # sqlite3 refuses a connection made on another thread (check_same_thread); with the check off,
    # the threads share one transaction.
    UnsafeObject("sqlite3:connect", _DB_API, "a sqlite3 connection",
                 "it belongs to the thread that made it (`check_same_thread`); with the check off, the threads "
                 "share one transaction and interleave their statements"),
    *(UnsafeObject(constructor, _DB_API, "a DB-API connection", _DB_API_WHY)
      for constructor in ("pymysql:connect", "pymysql:Connection", "MySQLdb:connect", "mysql:connector.connect")),
    # http.client sends one request and reads one response at a time on its socket.
    *(UnsafeObject(f"http:client.{name}", frozenset({"request", "getresponse", "putrequest", "putheader",
                                                     "endheaders", "send"}),
                   "an http.client connection",
                   "it has one socket and one state machine: a second request before the first response is read "
                   "raises CannotSendRequest or ResponseNotReady, or mixes the two")
      for name in ("HTTPConnection", "HTTPSConnection")),
    # Python-Markdown: "the Markdown class is not thread safe"; convert() resets and fills the
    # instance's parser state.
    UnsafeObject("markdown:Markdown", frozenset({"convert", "reset", "convertFile"}), "a Python-Markdown instance",
                 "convert() resets the instance and keeps the document's tree, references and stashed HTML on it "
                 "while it runs"),
    UnsafeObject("pycparser:CParser", frozenset({"parse"}), "a pycparser `CParser`",
                 "parse() keeps the lexer's position and the parser's scope stack on the instance"),
    UnsafeObject("html2text:HTML2Text", frozenset({"handle"}), "an html2text `HTML2Text`",
                 "handle() feeds the text through the instance's parser and output buffer"),
    # boto3: "Session objects are not thread safe"; make a client per thread from one session
    # only under a lock.
    *(UnsafeObject(constructor, frozenset({"client", "resource"}), "a boto3 session",
                   "boto3 documents sessions as not thread-safe: making clients and resources from one session on "
                   "several threads at once corrupts its credential and loader caches")
      for constructor in ("boto3:Session", "boto3:session.Session")),
    *(UnsafeObject(f"{module}:{name}", frozenset({"sendmail", "send_message", "login", "ehlo", "quit"}),
                   "an smtplib connection", "it has one socket and one SMTP conversation, which two senders interleave")
      for module, name in (("smtplib", "SMTP"), ("smtplib", "SMTP_SSL"))),
)

UNSAFE_METHOD_NAMES = frozenset(method for entry in UNSAFE_OBJECTS for method in entry.methods)


def unsafe_object(constructor: str | None, method: str | None) -> UnsafeObject | None:
    """The entry for an object made by `constructor` (a dotted name), if calling `method` on it
    uses state that threads must not share."""
    if constructor is None or method is None:
        return None
    return next((entry for entry in UNSAFE_OBJECTS
                 if method in entry.methods and name_matches(entry.constructor, constructor)), None)
