"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=PATH,line=N,col=C,title=RF101 name::message`, where the message carries the
finding's sentence, every access on a line of its own, and the fix. Escaping follows the
workflow-command rules: `%`, CR and LF in the message; also `:` and `,` in property values.
"""

from __future__ import annotations

COMMANDS = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{command} {props}::{escape_data(message)}" if props else f"::{command}::{escape_data(message)}"


def render(result) -> str:
    lines = [_finding(f) for f in result.findings]
    for error in result.errors:
        lines.append(annotation("warning", f"racefree could not analyse this file: {error.message}",
                                file=error.path, line=error.line, title="racefree: file skipped"))
    return "".join(line + "\n" for line in lines)


def _finding(finding) -> str:
    body = [finding.message]
    for access in finding.accesses:
        short = access.function.rsplit(".", 1)[-1]
        body.append(f"{access.kind} {access.file}:{access.line}:{access.col} in {short}: {access.code.strip()}"
                    if access.code else f"{access.kind} {access.file}:{access.line}:{access.col} in {short}")
    body.append(f"Why: {finding.reason}")
    body.append(f"Fix: {finding.fix}")
    return annotation(COMMANDS.get(finding.severity, "warning"), "\n".join(body),
                      file=finding.file, line=finding.line, col=finding.col,
                      title=f"{finding.rule} {finding.name}")
