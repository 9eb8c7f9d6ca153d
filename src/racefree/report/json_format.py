"""`--format json`: the stable machine contract (version 1), documented in docs/json-format.md."""

from __future__ import annotations

import json

JSON_VERSION = 1


def render(result) -> str:
    document = {
        "version": JSON_VERSION,
        "findings": [finding.to_json() for finding in result.findings],
        "errors": [{"file": e.path, "line": e.line, "message": e.message} for e in result.errors],
        "stats": {
            "files": result.files,
            "lines": result.lines,
            "seconds": round(result.seconds, 3),
            "entry_points": result.entry_points,
            "suppressed": result.suppressed,
        },
    }
    return json.dumps(document, indent=2) + "\n"
