"""What a race report carries: the location, both accesses, both stacks, both threads' origins.

Findings are plain data built from detector epochs when a race is first seen; reporters take
them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from racefree.runtime import stacks
from racefree.runtime.detector import IS_WRITE, SITE, STACK, THREAD, LogicalThread


@dataclass
class Access:
    kind: str  # "read" | "write"
    thread: str
    thread_kind: str  # "thread" | "task" | "main"
    stack: list[stacks.StackFrame]
    created_by: str | None
    creation_stack: list[stacks.StackFrame] | None

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "thread": self.thread,
            "thread_kind": self.thread_kind,
            "stack": [frame.to_json() for frame in self.stack],
            "thread_created_by": self.created_by,
            "thread_creation_stack": (
                None if self.creation_stack is None else [f.to_json() for f in self.creation_stack]
            ),
        }


@dataclass
class Race:
    location: str
    current: Access
    previous: Access
    count: int = 1
    reason: str = field(default="")

    def to_json(self) -> dict:
        return {
            "location": self.location,
            "count": self.count,
            "reason": self.reason,
            "access": self.current.to_json(),
            "previous_access": self.previous.to_json(),
        }


def access_from_epoch(epoch) -> Access:
    thread: LogicalThread = epoch[THREAD]
    return Access(
        kind="write" if epoch[IS_WRITE] else "read",
        thread=thread.name,
        thread_kind=thread.kind,
        stack=stacks.expand(epoch[STACK]),
        created_by=thread.creator_name,
        creation_stack=None if thread.creation_stack is None else stacks.expand(thread.creation_stack),
    )


class RaceLog:
    """Races deduplicated by the pair of code sites, with a count of how often each pair raced."""

    def __init__(self):
        self._by_sites: dict[tuple[int, int], Race] = {}

    def add(self, location: str, previous_epoch, current_epoch) -> None:
        pair = tuple(sorted((previous_epoch[SITE], current_epoch[SITE])))
        race = self._by_sites.get(pair)
        if race is not None:
            race.count += 1
            return
        self._by_sites[pair] = Race(
            location=location,
            current=access_from_epoch(current_epoch),
            previous=access_from_epoch(previous_epoch),
            reason=(
                f"{'written' if current_epoch[IS_WRITE] else 'read'} by "
                f"{current_epoch[THREAD].name} and "
                f"{'written' if previous_epoch[IS_WRITE] else 'read'} by "
                f"{previous_epoch[THREAD].name} with no synchronisation ordering the two"
            ),
        )

    def races(self) -> list[Race]:
        return list(self._by_sites.values())
