"""The default text report: `path:line:col: CODE message`, then the evidence a reviewer needs."""

from __future__ import annotations

from collections import Counter

INDENT = "    "


def render(result) -> str:
    out: list[str] = []
    for finding in result.findings:
        out.append(f"{finding.file}:{finding.line}:{finding.col}: {finding.rule} {finding.message}")
        if finding.defined_at:
            out.append(f"{INDENT}object: {finding.object} (defined at {finding.defined_at[0]}:{finding.defined_at[1]})")
        else:
            out.append(f"{INDENT}object: {finding.object}")
        for access in finding.accesses:
            out.append(f"{INDENT}{access.kind:<5} {access.file}:{access.line}:{access.col} in {access.function} ({access.operation})")
            if access.code:
                out.append(f"{INDENT}  {access.line:>5} | {access.code.strip()}")
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
        out.append("")
    counts = Counter(f.rule for f in result.findings)
    if result.findings:
        per_rule = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
        out.append(f"Found {len(result.findings)} race{'s' if len(result.findings) != 1 else ''} ({per_rule}) "
                   f"in {result.files} files, {result.lines} lines, {result.seconds:.2f}s.")
    else:
        out.append(f"No races found in {result.files} files, {result.lines} lines, {result.seconds:.2f}s.")
    return "\n".join(out) + "\n"
