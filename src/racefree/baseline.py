"""Baselines: record today's findings by fingerprint, then report only new ones. This is how a
team adopts racefree on a large codebase: fix new races now, old ones at their own pace.

The file is JSON: {"version": 1, "fingerprints": {"<fingerprint>": "RF101 object"}}. Fingerprints
do not contain line numbers, so the baseline survives edits that move code.
"""

from __future__ import annotations

import json
from pathlib import Path

from racefree.findings import Finding

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A one-line description of a baseline that cannot be read."""


def write_baseline(path: Path, findings: list[Finding]) -> None:
    document = {
        "version": BASELINE_VERSION,
        "fingerprints": {f.fingerprint(): f"{f.rule} {f.object}" for f in findings},
    }
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_baseline(path: Path) -> set[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: the baseline is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("fingerprints"), dict):
        raise BaselineError(f"{path}: not a racefree baseline (no fingerprints table)")
    return set(document["fingerprints"])


def new_findings(findings: list[Finding], known: set[str]) -> list[Finding]:
    return [f for f in findings if f.fingerprint() not in known]
