"""Read the verified cases (one JSON object a line) and choose which to run."""

from __future__ import annotations

import json
from pathlib import Path

SCORED_TIERS = (1, 2)  # tier 3 is listed in the results but out of static reach: never scored
REQUIRED_KEYS = ("id", "package", "buggy", "artifact", "file", "write_lines", "tier")


class CasesError(Exception):
    """The cases file is missing or malformed; the message is one line for the user."""


def default_cases_path(repo_root: Path) -> Path:
    # In CI the repository is cloned with shared/ beside it.
    return repo_root.parent / "shared" / "bench" / "cases.jsonl"


def load_cases(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CasesError(f"cannot read cases file {path}: {error.strerror or error}") from None
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as error:
            raise CasesError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        missing = [key for key in REQUIRED_KEYS if key not in case]
        if not isinstance(case, dict) or missing:
            raise CasesError(f"{path}:{number}: case lacks {', '.join(missing) or 'an object'}")
        cases.append(case)
    if not cases:
        raise CasesError(f"{path}: no cases")
    return cases


def select_cases(cases: list[dict], only: list[str] | None, tier: int | None) -> list[dict]:
    """Filter by --only ids and --tier; an unknown id is an error, not a silent empty run."""
    if only:
        known = {case["id"] for case in cases}
        unknown = [case_id for case_id in only if case_id not in known]
        if unknown:
            raise CasesError(f"unknown case id(s): {', '.join(unknown)}")
        cases = [case for case in cases if case["id"] in only]
    if tier is not None:
        cases = [case for case in cases if case["tier"] == tier]
    return cases


def analysis_target(case_file: str) -> str:
    """The case's top-level package (or top-level module file), relative to the tree root.

    'pdd/llm_invoke.py' -> 'pdd'; 'run_agent.py' -> 'run_agent.py';
    'src/scout_apm/core/x.py' -> 'src/scout_apm' (a src layout counts one level deeper).
    """
    parts = Path(case_file).parts
    if len(parts) > 2 and parts[0] == "src":
        return f"{parts[0]}/{parts[1]}"
    return parts[0]
