"""`[tool.racefree]` in pyproject.toml, merged with command-line flags (flags win).

    [tool.racefree]
    include = ["src/**"]                             # only matching files (default: every file found)
    exclude = ["migrations/**", "scripts/*.py"]     # globs on paths, relative to the project
    select = ["RF101", "RF102"]                      # only these rules (default: all)
    ignore = ["RF107"]                               # never these rules
    per-file-ignores = {"legacy/*.py" = ["RF103"]}   # rules ignored in matching files

What racefree should know about a project's own frameworks and libraries, in the form of the
built-in tables (src/racefree/knowledge/entry_points.py, sync.py). Names are resolved dotted
names, matched as there: `package:Tail` is any name in `package` ending with `Tail`
(`myframework:App.handler` matches `myframework.app.App.handler`); a name without `:` must match
exactly; a call name `.method` is that method on any receiver. A context is `request` (run once
per request or job, many at once), `background` (on another thread than the code that set it up)
or `task` (an asyncio task). `framework` is how reports name the entry point and `why` what
makes it concurrent; both are optional.

    [[tool.racefree.entry-points.decorators]]    # functions so decorated are entry points
    name = "myframework:App.handler"
    context = "request"
    framework = "myframework handler"             # default: "@App.handler"
    why = "myframework runs each handler on a worker thread"

    [[tool.racefree.entry-points.calls]]          # calls that hand a function to another thread
    name = "mypool:Pool.spawn"
    position = 0                                  # the function's argument: an index, or "all"
    keyword = "fn"                                # ... or its keyword (give one or both)
    context = "background"
    single = false                                # true: one run at a time (a thread), not a pool
    scheduled = false                             # true: a scheduler runs it on its own timetable
    receiver-hints = ["pool"]                     # for ".method" names: receiver text contains one
    # A receiver is typed only when it is a module-level or attribute object (`_pool = Pool()`);
    # for a pool held in a local variable, name the method: name = ".spawn".

    [[tool.racefree.entry-points.base-classes]]   # methods of subclasses are entry points
    base = "myframework:Handler"
    methods = ["handle"]
    context = "request"
    single = false
    shares-instance = false                       # true: one instance serves every request
    on-loop = false                               # true: the framework runs them on its event loop

    [tool.racefree.sync]
    locks = ["mylib.sync.SpinLock"]               # constructors of lock-like objects (`with x:`)
    safe-containers = ["mylib:AtomicDict"]        # thread-safe containers, never reported

    [[tool.racefree.callbacks]]                   # functions stored into this slot (assigned or
    slot = "mylib:on_event"                       # appended) run on a thread of the library
    context = "background"                        # default: background
    why = "mylib calls on_event from its IO thread"

A config that cannot be read or has a wrong key or type is an error naming the key (exit 2).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from racefree.knowledge.entry_points import (
    ALL_POSITIONAL,
    BACKGROUND,
    REQUEST,
    TASK,
    BaseClassEntry,
    CallbackSlot,
    CallEntry,
    DecoratorEntry,
)
from racefree.knowledge.merged import BUILT_IN, Knowledge, ProjectKnowledge

KNOWN_KEYS = ("include", "exclude", "select", "ignore", "per-file-ignores", "entry-points", "sync", "callbacks")
ENTRY_POINT_KEYS = ("decorators", "calls", "base-classes")
SYNC_KEYS = ("locks", "safe-containers")
DECORATOR_KEYS = ("name", "context", "framework", "why")
CALL_KEYS = ("name", "position", "keyword", "context", "framework", "why", "single", "scheduled", "receiver-hints")
BASE_CLASS_KEYS = ("base", "methods", "context", "framework", "why", "single", "shares-instance", "on-loop")
CALLBACK_KEYS = ("slot", "context", "framework", "why")
CONTEXTS = {
    REQUEST: "runs once per request or job, and many run at once",
    BACKGROUND: "runs on another thread than the code that set it up",
    TASK: "runs as an asyncio task that interleaves with other tasks at each await",
}

_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
_NAME = re.compile(rf"{_DOTTED}(?::{_DOTTED})?")  # "pkg.mod.Name" or "pkg:Tail"
_METHOD = re.compile(r"\.[A-Za-z_]\w*")  # ".spawn": that method on any receiver
_NAME_FORM = 'a dotted name like "mylib.Pool" or "mylib:Pool"'


class ConfigError(Exception):
    """A one-line, user-facing description of what is wrong in the configuration."""


@dataclass(slots=True)
class Config:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    knowledge: Knowledge = BUILT_IN  # the built-in tables plus the project's entry points, locks, callbacks
    source: str | None = None  # the file it came from

    def rule_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def ignored_in_file(self, code: str, path: str) -> bool:
        return any(
            _matches(path, pattern) and any(code.startswith(prefix) for prefix in codes)
            for pattern, codes in self.per_file_ignores.items()
        )

    def excluded(self, path: str) -> bool:
        """Not analysed: outside every `include` glob (when there are some) or inside an `exclude` one."""
        if self.include and not any(_matches(path, pattern) for pattern in self.include):
            return True
        return any(_matches(path, pattern) for pattern in self.exclude)


def _matches(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, f"*/{pattern}")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.racefree] table, from start upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "racefree" in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                return candidate  # a broken file that may be ours: let load_config say what is wrong
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = _read_toml(path)
    table = data.get("tool", {}).get("racefree", {}) if path.name == "pyproject.toml" else data.get("tool", {}).get("racefree", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.racefree] must be a table")
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{path}: unknown key tool.racefree.{key} (known: {', '.join(KNOWN_KEYS)})")
    return Config(
        include=_string_list(path, table, "include"),
        exclude=_string_list(path, table, "exclude"),
        select=[c.upper() for c in _string_list(path, table, "select")],
        ignore=[c.upper() for c in _string_list(path, table, "ignore")],
        per_file_ignores=_per_file_ignores(path, table),
        knowledge=_knowledge(path, table),
        source=str(path),
    )


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _string_list(path: Path, table: dict, key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: tool.racefree.{key} must be a list of strings")
    return value


def _per_file_ignores(path: Path, table: dict) -> dict[str, list[str]]:
    value = table.get("per-file-ignores", {})
    if not isinstance(value, dict) or not all(
        isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in value.values()
    ):
        raise ConfigError(f"{path}: tool.racefree.per-file-ignores must map globs to lists of rule codes")
    return {pattern: [c.upper() for c in codes] for pattern, codes in value.items()}


def _knowledge(path: Path, table: dict) -> Knowledge:
    entry_points = _subtable(path, table, "entry-points", ENTRY_POINT_KEYS)
    sync = _subtable(path, table, "sync", SYNC_KEYS)
    project = ProjectKnowledge(
        decorators=tuple(_decorator(path, where, e) for where, e in
                         _entries(path, entry_points, "entry-points.decorators", DECORATOR_KEYS)),
        calls=tuple(_call(path, where, e) for where, e in _entries(path, entry_points, "entry-points.calls", CALL_KEYS)),
        base_classes=tuple(_base_class(path, where, e) for where, e in
                           _entries(path, entry_points, "entry-points.base-classes", BASE_CLASS_KEYS)),
        callback_slots=tuple(_callback(path, where, e) for where, e in _entries(path, table, "callbacks", CALLBACK_KEYS)),
        locks=_names(path, sync, "sync.locks"),
        safe_containers=_names(path, sync, "sync.safe-containers"),
    )
    return BUILT_IN if project == ProjectKnowledge() else Knowledge.with_project(project)


def _decorator(path: Path, where: str, entry: dict) -> DecoratorEntry:
    name = _name(path, where, entry, "name")
    context = _context(path, where, entry)
    framework = _text(path, where, entry, "framework") or f"@{_tail(name)}"
    return DecoratorEntry(name, context, framework, _why(path, where, entry, context))


def _call(path: Path, where: str, entry: dict) -> CallEntry:
    name = _name(path, where, entry, "name", methods=True)
    position = entry.get("position")
    if position == "all":
        position = ALL_POSITIONAL
    elif position is not None and (type(position) is not int or position < 0):
        raise ConfigError(f'{path}: tool.racefree.{where}.position must be an argument index (0, 1, ...) or "all"')
    keyword = _text(path, where, entry, "keyword")
    if position is None and keyword is None:
        raise ConfigError(f"{path}: tool.racefree.{where} needs position or keyword: which argument is the function")
    context = _context(path, where, entry)
    framework = _text(path, where, entry, "framework") or f"function handed to {_tail(name)}"
    return CallEntry(name, position, keyword, context, framework,
                     _why(path, where, entry, context),
                     receiver_hints=tuple(_strings(path, entry, "receiver-hints", f"{where}.receiver-hints")),
                     single=_flag(path, where, entry, "single"), scheduled=_flag(path, where, entry, "scheduled"))


def _base_class(path: Path, where: str, entry: dict) -> BaseClassEntry:
    base = _name(path, where, entry, "base")
    methods = _strings(path, entry, "methods", f"{where}.methods")
    if not methods or not all(m.isidentifier() for m in methods):
        raise ConfigError(f"{path}: tool.racefree.{where}.methods must be a non-empty list of method names")
    context = _context(path, where, entry)
    framework = _text(path, where, entry, "framework") or f"{_tail(base)} subclass"
    return BaseClassEntry(base, tuple(methods), context, framework,
                          _why(path, where, entry, context), single=_flag(path, where, entry, "single"),
                          shares_instance=_flag(path, where, entry, "shares-instance"),
                          on_loop=_flag(path, where, entry, "on-loop"))


def _callback(path: Path, where: str, entry: dict) -> CallbackSlot:
    slot = _name(path, where, entry, "slot")
    context = _context(path, where, entry, default=BACKGROUND)
    framework = _text(path, where, entry, "framework") or "callback stored in"  # the report adds the slot
    return CallbackSlot(slot, context, framework, _why(path, where, entry, context))


def _subtable(path: Path, table: dict, key: str, known: tuple[str, ...]) -> dict:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: tool.racefree.{key} must be a table")
    for sub in value:
        if sub not in known:
            raise ConfigError(f"{path}: unknown key tool.racefree.{key}.{sub} (known: {', '.join(known)})")
    return value


def _entries(path: Path, table: dict, key: str, known: tuple[str, ...]):
    """(`key[i]`, entry) for each table of an array of tables, its keys checked."""
    value = table.get(key.rsplit(".", 1)[-1], [])
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ConfigError(f"{path}: tool.racefree.{key} must be an array of tables ([[tool.racefree.{key}]])")
    for i, entry in enumerate(value):
        where = f"{key}[{i}]"
        for sub in entry:
            if sub not in known:
                raise ConfigError(f"{path}: unknown key tool.racefree.{where}.{sub} (known: {', '.join(known)})")
        yield where, entry


def _name(path: Path, where: str, entry: dict, key: str, methods: bool = False) -> str:
    if key not in entry:
        raise ConfigError(f"{path}: tool.racefree.{where}.{key} is missing")
    value = entry[key]
    if not isinstance(value, str) or not (_NAME.fullmatch(value) or (methods and _METHOD.fullmatch(value))):
        form = f'{_NAME_FORM}, or ".method" for that method on any receiver' if methods else _NAME_FORM
        raise ConfigError(f"{path}: tool.racefree.{where}.{key} must be {form}")
    return value


def _names(path: Path, table: dict, key: str) -> tuple[str, ...]:
    names = _strings(path, table, key.rsplit(".", 1)[-1], key)
    for i, name in enumerate(names):
        if not _NAME.fullmatch(name):
            raise ConfigError(f"{path}: tool.racefree.{key}[{i}] must be {_NAME_FORM}")
    return tuple(names)


def _strings(path: Path, table: dict, key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: tool.racefree.{where} must be a list of strings")
    return value


def _context(path: Path, where: str, entry: dict, default: str | None = None) -> str:
    value = entry.get("context", default)
    if value is None:
        raise ConfigError(f"{path}: tool.racefree.{where}.context is missing (one of {', '.join(CONTEXTS)})")
    if value not in CONTEXTS:
        raise ConfigError(f"{path}: tool.racefree.{where}.context must be one of {', '.join(CONTEXTS)}")
    return value


def _text(path: Path, where: str, entry: dict, key: str) -> str | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{path}: tool.racefree.{where}.{key} must be a non-empty string")
    return value


def _flag(path: Path, where: str, entry: dict, key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: tool.racefree.{where}.{key} must be true or false")
    return value


def _why(path: Path, where: str, entry: dict, context: str) -> str:
    return _text(path, where, entry, "why") or f"the project's [tool.racefree] says it {CONTEXTS[context]}"


def _tail(name: str) -> str:
    """How a report names a configured name by default: `myframework:App.handler` -> `App.handler`."""
    return name.rsplit(":", 1)[-1].lstrip(".")
