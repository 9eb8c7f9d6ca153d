"""The default text report: `path:line:col: CODE message`, then the evidence a reviewer needs."""

from __future__ import annotations

import shlex
from collections import Counter

from racefree.finding_ids import short_id
from racefree.report.colour import PLAIN, Palette

INDENT = "    "


def render(result, palette: Palette = PLAIN, paths: list[str] | None = None) -> str:
    """The report; `paths` are the checked paths, for the `racefree report` command shown with
    each finding's id (left out when not given)."""
    out: list[str] = []
    for finding in result.findings:
        out.extend(render_finding(finding, palette, paths))
        out.append("")
    unused = result.unused_ignores or []  # None when --warn-unused-ignores was not given
    out.extend(suppression.one_line() for suppression in unused)
    if unused:
        out.append("")
    counts = Counter(f.rule for f in result.findings)
    if result.findings:
        per_rule = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
        out.append(f"Found {len(result.findings)} race{'s' if len(result.findings) != 1 else ''} ({per_rule}) "
                   f"in {result.files} files, {result.lines} lines, {result.seconds:.2f}s.")
    else:
        out.append(f"No races found in {result.files} files, {result.lines} lines, {result.seconds:.2f}s.")
    return "\n".join(out) + "\n"


def render_finding(finding, palette: Palette = PLAIN, paths: list[str] | None = None) -> list[str]:
    """One finding's lines, from its location line to its id."""
    out = [f"{palette.bold(f'{finding.file}:{finding.line}:{finding.col}:')} "
           f"{palette.severity(finding.severity, finding.rule)} {finding.message}"]
    if finding.defined_at:
        out.append(f"{INDENT}object: {finding.object} (defined at {finding.defined_at[0]}:{finding.defined_at[1]})")
    else:
        out.append(f"{INDENT}object: {finding.object}")
    for access in finding.accesses:
        out.append(f"{INDENT}{access.kind:<5} {access.file}:{access.line}:{access.col} in {access.function} ({access.operation})")
        if access.code:
            out.append(f"{INDENT}  {palette.dim(f'{access.line:>5} | {access.code.strip()}')}")
        if access.entry_points:
            entry = access.entry_points[0]
            out.append(f"{INDENT}  reached from {entry.describe()}")
            if len(access.trace) > 1:
                chain = " -> ".join(f"{step.function.rsplit('.', 1)[-1]}:{step.line}" for step in access.trace)
                out.append(f"{INDENT}  trace: {chain}")
        else:
            out.append(f"{INDENT}  reached from no entry point: runs on the main thread")
    out.append(f"{INDENT}why: {finding.reason}")
    out.append(f"{INDENT}fix: {finding.fix}")
    out.append(f"{INDENT}{palette.dim(id_line(finding, paths))}")
    return out


def id_line(finding, paths: list[str] | None) -> str:
    """`id: 3f9a0c12ab (racefree report 3f9a0c12ab src)`: the command that prints its bug report."""
    finding_id = short_id(finding)
    if paths is None:
        return f"id: {finding_id}"
    where = "" if paths == ["."] else " " + shlex.join(paths)
    return f"id: {finding_id} (racefree report {finding_id}{where})"
