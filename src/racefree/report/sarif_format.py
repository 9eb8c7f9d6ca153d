"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One result per finding: the anchor write is the location, every access is a related location,
and each access gets a thread flow that walks from its entry point to the access. Fingerprints
hash the rule, the object and the functions involved, never line numbers, so an alert survives
unrelated edits above it.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from racefree import __version__
from racefree.rules import ALL_RULES

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/racefree/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "racefree/v1"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}


def render(result) -> str:
    rules = {rule.code: rule for rule in ALL_RULES}
    used = sorted({f.rule for f in result.findings} - set(rules))
    descriptors = [_rule_descriptor(rule) for rule in ALL_RULES]
    # A finding of a rule this build does not list (a plugin, a renamed code) still gets a descriptor.
    for code in used:
        finding = next(f for f in result.findings if f.rule == code)
        descriptors.append({"id": code, "name": finding.name,
                            "shortDescription": {"text": finding.name},
                            "defaultConfiguration": {"level": _level(finding.severity)}})
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    run = {
        "tool": {"driver": {
            "name": "racefree",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": descriptors,
        }},
        "results": [_result(f, index[f.rule]) for f in result.findings],
        "invocations": [_invocation(result)],
        "columnKind": "unicodeCodePoints",
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def _level(severity: str) -> str:
    return LEVELS.get(severity, "warning")


def _rule_descriptor(rule) -> dict:
    documentation = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule.doc) or rule.summary},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": _level(rule.severity)},
        "properties": {"tags": ["concurrency", "race-condition"], "precision": "medium"},
    }


def _what_it_does(doc: str) -> str:
    """The 'What it does' section of a rule's documentation, as one paragraph."""
    lines = doc.strip().splitlines()
    if "## What it does" not in lines:
        return ""
    body: list[str] = []
    for line in lines[lines.index("## What it does") + 1:]:
        if line.startswith("## "):
            break
        body.append(line.strip())
    return " ".join(part for part in body if part)


def _result(finding, rule_index: int) -> dict:
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _level(finding.severity),
        "message": {"text": f"{finding.message}. Why: {finding.reason}. Fix: {finding.fix}"},
        "locations": [{
            "physicalLocation": _physical(finding.file, finding.line, finding.col),
            "logicalLocations": [{"fullyQualifiedName": finding.object, "kind": "variable"}],
        }],
        "relatedLocations": [
            {"id": i, "physicalLocation": _physical(a.file, a.line, a.col, a.code),
             "message": {"text": _access_label(a)}}
            for i, a in enumerate(finding.accesses)
        ],
        "codeFlows": [{
            "message": {"text": f"how each access to {finding.object} is reached"},
            "threadFlows": [_thread_flow(a) for a in finding.accesses],
        }] if finding.accesses else [],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint()},
        "properties": {"object": finding.object, "severity": finding.severity},
    }


def _access_label(access) -> str:
    short = access.function.rsplit(".", 1)[-1]
    label = f"{access.kind} in {short}"
    if access.operation:
        label += f" ({access.operation})"
    if access.entry_points:
        label += f", reached from {access.entry_points[0].describe()}"
    return label


def _thread_flow(access) -> dict:
    steps = list(access.trace) or []
    locations = []
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        short = step.function.rsplit(".", 1)[-1]
        if last:
            text = _access_label(access)
            physical = _physical(step.file, step.line, access.col if step.line == access.line else None, access.code)
        else:
            text = f"{short} calls {steps[i + 1].function.rsplit('.', 1)[-1]}"
            physical = _physical(step.file, step.line)
        locations.append({"location": {"physicalLocation": physical, "message": {"text": text}},
                          "nestingLevel": i, "executionOrder": i})
    if not locations:  # no trace recorded: the access alone
        locations.append({"location": {"physicalLocation": _physical(access.file, access.line, access.col, access.code),
                                       "message": {"text": _access_label(access)}}})
    entry = access.entry_points[0].describe() if access.entry_points else "the main thread"
    return {"message": {"text": f"{access.kind} reached from {entry}"}, "locations": locations}


def _physical(path: str, line: int, col: int | None = None, code: str = "") -> dict:
    region: dict = {"startLine": max(line, 1)}
    if col:
        region["startColumn"] = max(col, 1)
    if code:
        region["snippet"] = {"text": code.rstrip("\n")}
    return {"artifactLocation": artifact_location(path), "region": region}


def artifact_location(path: str) -> dict:
    """A relative path becomes a URI relative to %SRCROOT%; an absolute one a file: URI."""
    windows = PureWindowsPath(path)
    if windows.drive:
        return {"uri": "file:///" + quote(windows.as_posix(), safe="/:")}
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": "file://" + quote(posix.as_posix(), safe="/")}
    return {"uri": quote(posix.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _invocation(result) -> dict:
    notifications = [
        {"level": "error", "message": {"text": error.message},
         "locations": [{"physicalLocation": _physical(error.path, error.line or 1)}]}
        for error in result.errors
    ]
    invocation: dict = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation
