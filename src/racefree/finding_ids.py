"""Short finding IDs for `racefree report ID`: the head of the finding's fingerprint.

The fingerprint leaves line numbers out (rule, object, functions), so an ID printed by one run
still names the same finding after edits that move code. A user may type any prefix of it.
"""

from __future__ import annotations

import re

from racefree.findings import Finding

SHORT_ID_LENGTH = 10
_HEX = re.compile(r"[0-9a-f]+")


def short_id(finding: Finding) -> str:
    return finding.fingerprint()[:SHORT_ID_LENGTH]


def is_valid_id(text: str) -> bool:
    return _HEX.fullmatch(text.lower()) is not None


def findings_with_id(findings: list[Finding], prefix: str) -> list[Finding]:
    """The findings whose fingerprint starts with `prefix` (case-insensitive)."""
    prefix = prefix.lower()
    return [f for f in findings if f.fingerprint().startswith(prefix)]
