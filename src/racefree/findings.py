"""The findings: what the rules produce and the reports print. Plain data, nothing else.

A finding carries its evidence: both accesses, the trace from an entry point to each, the
reason it is reported, and the fix, so that every report format is a function of findings alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class TraceStep:
    function: str  # dotted function id
    file: str
    line: int  # the call site in this function (for the last step: the access)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EntryPointRef:
    function: str
    kind: str  # "Flask view", "LiteLLM success callback", ...
    context: str  # request, background, task
    file: str  # where it is registered
    line: int
    detail: str | None
    why: str

    def describe(self) -> str:
        detail = f" {self.detail}" if self.detail else ""
        return f"{self.kind}{detail} ({self.function}, {self.file}:{self.line})"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AccessReport:
    kind: str  # "write" or "read"
    file: str
    line: int
    col: int
    function: str
    operation: str  # how the object is touched: "d['k'] = ...", "append()", ...
    entry_points: tuple[EntryPointRef, ...]
    trace: tuple[TraceStep, ...]  # from the entry point to the access
    locks: tuple[str, ...] = ()
    code: str = ""  # the source line, filled in by the engine

    def to_json(self) -> dict:
        data = asdict(self)
        data["entry_points"] = [e.to_json() for e in self.entry_points]
        data["trace"] = [t.to_json() for t in self.trace]
        data["locks"] = list(self.locks)
        return data


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # "RF101"
    name: str  # "per-request-state-in-global"
    severity: str  # "high", "medium", "low"
    message: str
    object: str  # dotted name of the shared state
    file: str
    line: int
    col: int
    accesses: tuple[AccessReport, ...]
    reason: str  # why racefree believes the accesses run concurrently
    fix: str
    defined_at: tuple[str, int] | None = None

    def fingerprint(self) -> str:
        """Rule, object and the functions that touch it: stable across edits that only move lines
        (SARIF partial fingerprints and baselines use it)."""
        functions = sorted({a.function for a in self.accesses})
        text = "\x00".join([self.rule, self.object, *functions])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.rule, self.object)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "object": self.object,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "defined_at": {"file": self.defined_at[0], "line": self.defined_at[1]} if self.defined_at else None,
            "reason": self.reason,
            "accesses": [a.to_json() for a in self.accesses],
            "fix": self.fix,
        }
