"""TSan-style text report: a function of the races alone."""

from __future__ import annotations

from racefree.runtime.findings import Access, Race
from racefree.runtime.stacks import StackFrame

RULE = "=" * 18


def render(races: list[Race]) -> str:
    blocks = [_race(race) for race in races]
    return "".join(blocks) + summary(races) + "\n"


def summary(races: list[Race]) -> str:
    if not races:
        return "SUMMARY: racefree: no data races found"
    pairs = sum(race.count for race in races)
    locations = sorted({race.location for race in races})
    shown = ", ".join(locations[:3]) + (f" and {len(locations) - 3} more" if len(locations) > 3 else "")
    noun = "race" if len(races) == 1 else "races"
    return (f"SUMMARY: racefree: {len(races)} data {noun} ({pairs} unordered access pairs) "
            f"on {shown}")


def _race(race: Race) -> str:
    seen = f" (seen {race.count} times)" if race.count > 1 else ""
    lines = [RULE, f"WARNING: racefree: data race on {race.location}{seen}"]
    lines += _access(race.current, "")
    lines += _access(race.previous, "Previous ")
    for access in (race.current, race.previous):
        lines += _origin(access)
    lines.append(f"  Why: {race.reason}.")
    lines.append(RULE)
    return "\n".join(lines) + "\n"


def _access(access: Access, prefix: str) -> list[str]:
    verb = access.kind if prefix else access.kind.capitalize()
    return [f"  {prefix}{verb} by {_who(access)}:", *_stack(access.stack), ""]


def _origin(access: Access) -> list[str]:
    if access.thread_kind == "main":
        return [f"  {_who(access)} is the main thread.", ""]
    if access.creation_stack is None:
        return [f"  {_who(access)} was started outside racefree's view.", ""]
    return [f"  {_who(access)} created by {access.created_by} at:",
            *_stack(access.creation_stack), ""]


def _who(access: Access) -> str:
    kind = "task" if access.thread_kind == "task" else "thread"
    return f"{kind} {access.thread}"


def _stack(frames: list[StackFrame]) -> list[str]:
    lines = []
    for number, frame in enumerate(frames):
        lines.append(f"    #{number} {frame.function} {frame.file}:{frame.line}")
        if frame.source:
            lines.append(f"         {frame.source}")
    return lines
