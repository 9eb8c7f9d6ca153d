"""The knowledge one run uses: the built-in tables plus what a project declares in its
`[tool.racefree]` (its own framework's decorators, its pools, its locks, its callback slots).

One immutable object, built once per run and handed to the analysis. The built-in tables are
never changed: two checks in one process, with different configurations, do not see each other's
additions. A project's entries come first, so where a name is in both, the project's words are
the ones a report uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from racefree.knowledge.entry_points import (
    BASE_CLASS_ENTRIES,
    CALL_ENTRIES,
    CALLBACK_SLOTS,
    DECORATOR_ENTRIES,
    DUCK_TYPED_ENTRIES,
    BaseClassEntry,
    CallbackSlot,
    CallEntry,
    DecoratorEntry,
    DuckTypedEntry,
    name_matches,
)
from racefree.knowledge.sync import LOCK_CONSTRUCTORS


@dataclass(frozen=True, slots=True)
class ProjectKnowledge:
    """What a project's configuration adds. Names use the `package:Tail` form of the built-in
    tables (an exact dotted name without `:`)."""

    decorators: tuple[DecoratorEntry, ...] = ()
    calls: tuple[CallEntry, ...] = ()
    base_classes: tuple[BaseClassEntry, ...] = ()
    callback_slots: tuple[CallbackSlot, ...] = ()
    locks: tuple[str, ...] = ()  # constructors of lock-like objects
    safe_containers: tuple[str, ...] = ()  # constructors of thread-safe or per-thread containers


@dataclass(frozen=True, slots=True)
class Knowledge:
    decorators: tuple[DecoratorEntry, ...] = DECORATOR_ENTRIES
    calls: tuple[CallEntry, ...] = CALL_ENTRIES
    base_classes: tuple[BaseClassEntry, ...] = BASE_CLASS_ENTRIES
    duck_typed: tuple[DuckTypedEntry, ...] = DUCK_TYPED_ENTRIES
    callback_slots: tuple[CallbackSlot, ...] = CALLBACK_SLOTS
    # The project's names, matched with name_matches; the built-in sets hold exact names.
    project_locks: tuple[str, ...] = ()
    project_safe_containers: tuple[str, ...] = ()
    # A call can only match a pattern that ends with the called name: the calls by that name.
    _calls_by_name: dict[str, tuple[CallEntry, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[CallEntry]] = {}
        for entry in self.calls:
            by_name.setdefault(_last_component(entry.name), []).append(entry)
        object.__setattr__(self, "_calls_by_name", {name: tuple(entries) for name, entries in by_name.items()})

    @classmethod
    def with_project(cls, project: ProjectKnowledge) -> Knowledge:
        return cls(
            decorators=project.decorators + DECORATOR_ENTRIES,
            calls=project.calls + CALL_ENTRIES,
            base_classes=project.base_classes + BASE_CLASS_ENTRIES,
            callback_slots=project.callback_slots + CALLBACK_SLOTS,
            project_locks=project.locks,
            # A lock is safe to share: the object itself is never reported.
            project_safe_containers=project.safe_containers + project.locks,
        )

    @property
    def has_project_containers(self) -> bool:
        return bool(self.project_safe_containers)

    def calls_named(self, name: str) -> tuple[CallEntry, ...]:
        return self._calls_by_name.get(name, ())

    def is_lock_constructor(self, dotted: str) -> bool:
        return dotted in LOCK_CONSTRUCTORS or any(name_matches(p, dotted) for p in self.project_locks)

    def is_project_safe_container(self, dotted: str) -> bool:
        """Declared thread-safe by the project. The built-in ones (SAFE_CONTAINER_CONSTRUCTORS)
        are applied by the index as it resolves names."""
        return any(name_matches(p, dotted) for p in self.project_safe_containers)


def _last_component(pattern_name: str) -> str:
    return pattern_name.rsplit(".", 1)[-1].rsplit(":", 1)[-1]


BUILT_IN = Knowledge()
