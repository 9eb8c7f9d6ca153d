"""Score one `racefree check --format json` document against one case. Pure functions.

A finding is about the case's object when its `object` ends with one of the case's `names`,
as the whole last dotted component or as a dotted suffix ("Cls.attr" matches "pkg.mod.Cls.attr").
  hit   the finding also has a write access in the case's file on one of its write_lines
  near  the object matches but no write access lies on those lines (kept to diagnose misses)
On a fixed release the case is "fixed-silent" when no finding about the object touches the
case's file (its own location or any access).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

# "pkg.mod.CACHE['key']" and "pkg.mod.obj[...]" name the same variable as "pkg.mod.CACHE".
_SUBSCRIPTS = re.compile(r"\[[^\]]*\]")
_ITEMS = "<items>"  # racefree.knowledge.containers.ITEMS, as the JSON report names it


@dataclass
class BuggyScore:
    hit: bool
    matched: list[dict] = field(default_factory=list)  # findings that hit
    near: list[dict] = field(default_factory=list)  # object matches, lines do not
    objects_in_file: list[str] = field(default_factory=list)  # every object reported in the file

    @property
    def verdict(self) -> str:
        if self.hit:
            return "hit"
        return "near" if self.near else "miss"


def object_matches(finding_object: str, names: list[str] | None) -> bool:
    if not finding_object or not names:
        return False
    dotted = _SUBSCRIPTS.sub("", finding_object).strip()
    # `JobsProgress.<items>`: the items of an instance of a container's subclass, the instance
    dotted = dotted.removesuffix("." + _ITEMS)
    return any(dotted == name or dotted.endswith("." + name) for name in names)


def same_file(reported: str | None, case_file: str) -> bool:
    """Findings give paths relative to the tree root; tolerate './' and absolute paths."""
    if not reported:
        return False
    reported = posixpath.normpath(reported.replace("\\", "/"))
    wanted = posixpath.normpath(case_file)
    return reported == wanted or reported.endswith("/" + wanted)


def findings_of(document: dict | None) -> list[dict]:
    if not isinstance(document, dict):
        return []
    findings = document.get("findings")
    return [f for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []


def _accesses(finding: dict) -> list[dict]:
    accesses = finding.get("accesses")
    return [a for a in accesses if isinstance(a, dict)] if isinstance(accesses, list) else []


def writes_on_lines(finding: dict, case_file: str, lines: list[int]) -> bool:
    return any(
        access.get("kind") == "write"
        and same_file(access.get("file"), case_file)
        and access.get("line") in lines
        for access in _accesses(finding)
    )


def touches_file(finding: dict, case_file: str) -> bool:
    return same_file(finding.get("file"), case_file) or any(
        same_file(access.get("file"), case_file) for access in _accesses(finding)
    )


def score_buggy(case: dict, document: dict | None) -> BuggyScore:
    names, case_file = case.get("names"), case["file"]
    score = BuggyScore(hit=False)
    for finding in findings_of(document):
        obj = str(finding.get("object", ""))
        if touches_file(finding, case_file) and obj not in score.objects_in_file:
            score.objects_in_file.append(obj)
        if not object_matches(obj, names):
            continue
        if writes_on_lines(finding, case_file, case["write_lines"]):
            score.matched.append(finding)
        else:
            score.near.append(finding)
    score.hit = bool(score.matched)
    return score


def fixed_findings_on_object(case: dict, document: dict | None) -> list[dict]:
    """Findings on the fixed release that still name the case's object in the case's file."""
    return [
        finding
        for finding in findings_of(document)
        if object_matches(str(finding.get("object", "")), case.get("names"))
        and touches_file(finding, case["file"])
    ]


def is_fixed_silent(case: dict, document: dict | None) -> bool:
    return not fixed_findings_on_object(case, document)


def findings_per_kloc(findings: int, lines: int) -> float | None:
    return None if not lines else findings * 1000.0 / lines
