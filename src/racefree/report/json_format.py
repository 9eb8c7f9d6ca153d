"""`--format json`: the stable machine contract (version 1), documented in docs/json-format.md."""

from __future__ import annotations

import json

from racefree.finding_ids import short_id

JSON_VERSION = 1


def render(result) -> str:
    document = {
        "version": JSON_VERSION,
        "findings": [finding_json(finding) for finding in result.findings],
        "errors": [{"file": e.path, "line": e.line, "message": e.message} for e in result.errors],
        "stats": {
            "files": result.files,
            "lines": result.lines,
            "seconds": round(result.seconds, 3),
            "entry_points": result.entry_points,
            "suppressed": result.suppressed,
        },
    }
    if result.unused_ignores is not None:  # only with --warn-unused-ignores
        document["unused_ignores"] = [unused.to_json() for unused in result.unused_ignores]
    return json.dumps(document, indent=2) + "\n"


def finding_json(finding) -> dict:
    """A finding with its short id (for `racefree report ID`) and full fingerprint (baselines)."""
    return {"id": short_id(finding), "fingerprint": finding.fingerprint(), **finding.to_json()}
