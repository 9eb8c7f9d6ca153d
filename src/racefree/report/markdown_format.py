"""`--format markdown`: one bug report per finding, ready to paste into an issue tracker.

Sections: Summary, Affected code, Root cause, When it occurs, Impact, Reproduction, Suggested
fix. Everything is derived from the finding alone; where a detail cannot be derived (a request
body, a function's arguments) the report says so and leaves a marked template.
"""

from __future__ import annotations

import re

from racefree.analysis.shared_state import CELL_WHY_START, CONTEXT_WHY_START, DEFAULT_WHY_START
from racefree.fix import MECHANICAL_FIX_RULES
from racefree.rules import rule_by_code
from racefree.summarize.model import CLAIMED

RULE_LINE = "\n---\n\n"
KEY = re.compile(r"\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")
MONEY = re.compile(r"cost|price|budget|spend|billing|charge|usage|quota|token", re.IGNORECASE)
REQUEST_CONTEXTS = {"request"}


def render(result) -> str:
    n = len(result.findings)
    head = (f"# racefree report: {n} race{'s' if n != 1 else ''} in {result.files} files "
            f"({result.lines} lines)\n\n")
    if not result.findings:
        return head + "No races found.\n"
    return head + RULE_LINE.join(render_finding(f, level=2) for f in result.findings)


def render_each(result) -> list[tuple[str, str]]:
    """(file name, report) per finding, for writing one issue per file; names from rule+object."""
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for finding in result.findings:
        stem = f"{finding.rule}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', finding.object).strip('._') or 'object'}"
        seen[stem] = seen.get(stem, 0) + 1
        name = f"{stem}.md" if seen[stem] == 1 else f"{stem}-{seen[stem]}.md"
        out.append((name, render_finding(finding, level=1)))
    return out


def render_finding(finding, level: int = 1) -> str:
    h = "#" * level
    s = "#" * (level + 1)
    parts = [
        f"{h} {title(finding)}\n",
        f"{s} Summary\n\n{summary(finding)}\n",
        f"{s} Affected code\n\n{affected_code(finding)}",
        f"{s} Root cause\n\n{root_cause(finding)}\n",
        f"{s} When it occurs\n\n{when_it_occurs(finding)}\n",
        f"{s} Impact\n\n{impact(finding)}\n",
        f"{s} Reproduction\n\n{reproduction(finding)}\n",
        f"{s} Suggested fix\n\n{suggested_fix(finding)}\n",
    ]
    return "\n".join(parts)


# ---- pieces of a finding ------------------------------------------------------------------

def short(function: str) -> str:
    return function.rsplit(".", 1)[-1]


def object_name(finding) -> str:
    if _is_context_default(finding):  # `steps_var.default`: the code reaches it as `steps_var.get()`
        return f"{finding.object.rsplit('.', 2)[-2]}.get()"
    return finding.object.rsplit(".", 1)[-1]


def _is_context_default(finding) -> bool:
    return finding.reason.startswith(CONTEXT_WHY_START)


def _is_mutable_default(finding) -> bool:
    """A parameter's or a ContextVar's mutable default: its fix is a new object per call, which
    `racefree fix` does not write."""
    return finding.reason.startswith((DEFAULT_WHY_START, CONTEXT_WHY_START))


def writes(finding):
    return [a for a in finding.accesses if a.kind == "write"]


def reads(finding):
    """The reads, those reached from the first write's entry point (the same request or call) first."""
    found = [a for a in finding.accesses if a.kind != "write"]
    w = writes(finding)
    entry = w[0].trace[0].function if w and w[0].trace else None
    return sorted(found, key=lambda a: not (a.trace and a.trace[0].function == entry and len(a.trace) > 1))


def main_key(accesses) -> str | None:
    """The key a reader cares most about: a cost-like one if any, else the first."""
    found = keys(accesses)
    return next((k for k in found if MONEY.search(k)), found[0] if found else None)


def target(finding, access) -> str:
    """What an access touches, as the code would spell it: `server_config['mcts_depth']`."""
    found = keys([access])
    return f"`{object_name(finding)}['{found[0]}']`" if found else f"`{object_name(finding)}`"


def action(finding, access) -> str:
    op = access.operation or ""
    if op == "iteration":
        return f"iterates over {target(finding, access)}"
    if op.startswith(("store", "read")) or not op:
        return f"{'writes' if access.kind == 'write' else 'reads'} {target(finding, access)}"
    return f"{'writes' if access.kind == 'write' else 'reads'} {target(finding, access)} (`{op}`)"


def functions(accesses) -> list[str]:
    return list(dict.fromkeys(short(a.function) for a in accesses))


def keys(accesses) -> list[str]:
    found: list[str] = []
    for access in accesses:
        for match in KEY.finditer(access.operation or ""):
            found.append(match.group(1) if match.group(1) is not None else match.group(2))
    return list(dict.fromkeys(found))


def code_list(names: list[str], limit: int = 4) -> str:
    shown = [f"`{n}`" for n in names[:limit]]
    if len(names) > limit:
        shown.append(f"{len(names) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def entry_phrase(access) -> str:
    if not access.entry_points:
        return "the main thread"
    entry = access.entry_points[0]
    detail = f" `{entry.detail}`" if entry.detail else ""
    return f"{entry.kind}{detail}"


def lines_of(accesses) -> str:
    numbers = sorted({a.line for a in accesses})
    if not numbers:
        return ""
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def title(finding) -> str:
    name = object_name(finding)
    writers, readers = functions(writes(finding)), functions(reads(finding))
    if writers and readers:
        how = f"written in {code_list(writers, 2)}, read in {code_list(readers, 2)}"
    elif writers:
        how = f"written in {code_list(writers, 2)}"
    else:
        how = f"accessed in {code_list(functions(finding.accesses), 2)}"
    return f"[{finding.rule}] Race on `{name}` ({finding.file}): {how}"


def summary(finding) -> str:
    name = object_name(finding)
    w, r = writes(finding), reads(finding)
    stored = keys(w)
    what = f"the keys {code_list(stored, 6)} of " if len(stored) > 1 else (f"the key `{stored[0]}` of " if stored else "")
    plain = ""
    if finding.rule == "RF101" and w and r:
        plain = (f"`{short(w[0].function)}` ({entry_phrase(w[0])}) stores per-request values in {what}"
                 f"the shared `{name}`, and {code_list(functions(r))} read{'s' if len(functions(r)) == 1 else ''} them back later in the same request. "
                 f"`{name}` is one object for the whole process, so when two requests overlap, the second "
                 f"request's values replace the first's before the first reads them: "
                 f"a request can run with another request's values.")
    elif finding.rule == "RF102" and w and r:
        plain = (f"`{short(w[0].function)}` ({entry_phrase(w[0])}) writes {what}the shared `{name}`, and "
                 f"{code_list(functions(r))} reads them back as the result of its own call. The writer runs on a "
                 f"thread of its own, so when two calls overlap, a caller can read the values written for "
                 f"the other call, or stale values from an earlier call if its own writer has not run yet.")
    lines = [plain] if plain else []
    lines.append("")
    lines.append(f"> racefree: {finding.message}.")
    lines.append("")
    lines.append(f"- Rule: {finding.rule} `{finding.name}` (severity: {finding.severity}); "
                 f"`racefree rule {finding.rule}` explains it")
    where = f", defined at `{finding.defined_at[0]}:{finding.defined_at[1]}`" if finding.defined_at else ""
    lines.append(f"- Shared object: `{finding.object}`{where}")
    lines.append(f"- First write: `{finding.file}:{finding.line}:{finding.col}`")
    return "\n".join(lines)


def _groups(finding):
    """Accesses grouped by (kind, file, function), in finding order."""
    groups: dict[tuple, list] = {}
    for access in finding.accesses:
        groups.setdefault((access.kind, access.file, access.function), []).append(access)
    return groups


def _dedent(lines: list[str]) -> list[str]:
    real = [line for line in lines if line.strip() and not line.startswith("# ...")]
    margin = min((len(line) - len(line.lstrip()) for line in real), default=0)
    return [line[margin:] if not line.startswith("# ...") else line for line in lines]


def affected_code(finding) -> str:
    out: list[str] = []
    for (kind, file, function), accesses in _groups(finding).items():
        verb = "Writes" if kind == "write" else "Reads"
        numbers = lines_of(accesses)
        out.append(f"{verb} in `{short(function)}`, `{file}` line{'s' if not numbers.isdigit() else ''} {numbers}:\n")
        code: list[str] = []
        previous = None
        for access in sorted({a.line: a for a in accesses}.values(), key=lambda a: a.line):
            if previous is not None and access.line != previous + 1:
                code.append("# ...")
            code.append(access.code.rstrip() if access.code else f"# (source of line {access.line} not available)")
            previous = access.line
        out.append("```python\n" + "\n".join(_dedent(code)) + "\n```\n")
        name = object_name(finding)
        if any(a.code and name not in a.code for a in accesses):
            out.append(f"(The line does not name `{name}`: racefree followed the object there through a "
                       f"parameter or an alias.)\n")
    return "\n".join(out)


def root_cause(finding) -> str:
    name = object_name(finding)
    where = f" (defined at `{finding.defined_at[0]}:{finding.defined_at[1]}`)" if finding.defined_at else ""
    parts = [p for p in finding.reason.split("; ") if p]
    kind = "object"
    if parts and parts[0].endswith(finding.object) and parts[0] != finding.object:
        kind = parts.pop(0)[: -len(finding.object)].strip() or "object"
    if parts and parts[0].startswith((DEFAULT_WHY_START, CONTEXT_WHY_START, CELL_WHY_START)):  # a mutable default, a cell
        article = "" if parts[0].startswith(CELL_WHY_START) else "the "
        lines = [f"`{finding.object}`{where} is {article}{parts.pop(0)}. These accesses touch it from code that can "
                 f"run at the same time:", ""]
    else:
        article = "an" if kind[:1] in "aeiou" else "a"
        lines = [f"`{finding.object}`{where} is {article} {kind}: one object shared by every thread of the process. "
                 f"These accesses touch it from code that can run at the same time:", ""]
    merged: list[str] = []
    for part in parts:  # "so ..." continues the sentence before it
        if merged and part.startswith("so "):
            merged[-1] += "; " + part
        else:
            merged.append(part)
    for part in merged:
        lines.append(f"- {part[0].upper() + part[1:]}")
    locked = sorted({_lock_label(lock) for a in finding.accesses for lock in a.locks})
    if locked:
        lines.append(f"- Locks held at some accesses ({code_list(locked)}), but no one lock covers all of them.")
    else:
        lines.append(f"- No lock is held at any of these accesses to `{name}`.")
    return "\n".join(lines)


def when_it_occurs(finding) -> str:
    lines: list[str] = []
    entries = {}
    for access in finding.accesses:
        for entry in access.entry_points:
            entries.setdefault((entry.function, entry.kind, entry.detail), entry)
    if entries:
        lines.append("Entry points that reach these accesses:\n")
        for entry in entries.values():
            detail = f" `{entry.detail}`" if entry.detail else ""
            lines.append(f"- **{entry.kind}**{detail}: `{short(entry.function)}` (`{entry.file}:{entry.line}`), "
                         f"{entry.context} context. {entry.why[0].upper() + entry.why[1:]}.")
    else:
        lines.append("No entry point was found: the accesses run on the main thread.")
    lines.append("\nCall chains (entry point first):\n")
    seen = set()
    for access in finding.accesses:
        chain = " -> ".join(f"`{short(s.function)}` (line {s.line})" for s in access.trace[:-1])
        what = f"`{short(access.function)}` {action(finding, access)} (`{access.file}:{access.line}`)"
        text = f"{chain} -> {what}" if chain else what
        if text not in seen:
            seen.add(text)
            lines.append(f"- {text}")
    story = interleaving(finding)
    if story:
        lines.append("\nOne interleaving that goes wrong:\n")
        lines.append(story)
    return "\n".join(lines)


def interleaving(finding) -> str:
    w, r = writes(finding), reads(finding)
    if not (w and r):
        return ""
    name, wf, rf = object_name(finding), short(w[0].function), short(r[0].function)
    reader = next((a for a in r if main_key([a]) == main_key(r)), r[0])
    rf = short(reader.function)
    via = f" (called from `{short(reader.trace[0].function)}` line {reader.trace[0].line})" if len(reader.trace) > 1 else ""
    what = target(finding, reader)
    if finding.rule == "RF101":
        return (f"1. Request A runs `{wf}`, which stores A's values in `{name}` (line {w[0].line}).\n"
                f"2. Request B runs `{wf}` before A has read them, and stores B's values.\n"
                f"3. Request A reaches `{rf}`{via} and reads {what} (line {reader.line}): it gets B's value "
                f"and runs with it.")
    if finding.rule == "RF102":
        return (f"1. Call A and call B run `{rf}` at the same time, on two threads.\n"
                f"2. `{wf}` runs for A and stores A's values in `{name}` (line {w[0].line}); "
                f"then it runs for B and overwrites them with B's.\n"
                f"3. A reads {what} (line {reader.line}) and takes B's value as its own; B may read it too, "
                f"so one call's value is counted twice and the other's not at all.\n\n"
                f"If A reads before its own `{wf}` has run, it gets the value of an earlier call instead.")
    return ""


def impact(finding) -> str:
    lines: list[str] = []
    rule_impact = {
        "RF101": "A request can run with another request's values, and answer with results computed for them.",
        "RF102": "A caller can get another call's value, or a stale one from an earlier call.",
        "RF103": "Concurrent updates are lost: counters and totals end up lower than the real count.",
        "RF104": "Two threads can both pass the check and both act: duplicated work or objects, "
                 "one overwriting the other, or a KeyError when both remove the same entry.",
        "RF105": "Two tasks can both pass the check before either writes: duplicated work, or one task "
                 "acting on a state the other has already changed.",
        "RF106": "The iterating thread can fail with `RuntimeError: dictionary changed size during iteration` "
                 "(or miss or repeat items for a list).",
        "RF107": "The value can be initialised twice, and two threads can end up with different objects; "
                 "a thread can also see a half-initialised value.",
    }
    lines.append(f"- {rule_impact.get(finding.rule, 'Accesses from different threads are not ordered.')}")
    for consequence in _uses(finding):
        lines.append(consequence)
    money = [k for k in keys(finding.accesses) if MONEY.search(k)]
    money += [n for n in _assigned_names(reads(finding)) if MONEY.search(n) and n not in money]
    if money or MONEY.search(finding.object.rsplit(".", 1)[-1]):
        named = f" ({code_list(money, 5)})" if money else ""
        lines.append(f"- The values are costs, token or usage counts{named}: they are attributed to the wrong call, "
                     "so usage accounting and billing are wrong, and a budget or limit checked against them can "
                     "stop the wrong job or let another run past its limit.")
    lines.append("- It needs two overlapping calls, so it is intermittent: it shows under load or parallel use "
                 "and rarely in tests that run one call at a time.")
    return "\n".join(lines)


ASSIGNED = re.compile(r"([A-Za-z_][\w.]*)\s*(\+|-|\*)?=[^=]")


def _assigned_names(accesses) -> list[str]:
    return list(dict.fromkeys(m.group(1) for a in accesses if (m := ASSIGNED.match(a.code.strip()))))


def _uses(finding) -> list[str]:
    """What the code lines show about how the read values are used, one line per function and use."""
    uses: dict[tuple[str, str], list] = {}
    carried: dict[str, tuple[int, str]] = {}  # function -> (line, call) for arguments that continue a line
    who = "request's" if finding.rule == "RF101" else "call's"
    for access in sorted(reads(finding), key=lambda a: (a.file, a.line, a.col)):
        code = access.code.strip()
        call = _enclosing_call(access)
        previous = carried.get(access.function)
        if call is None and previous and access.line in (previous[0], previous[0] + 1):
            call = previous[1]
        if call:
            carried[access.function] = (access.line, call)
        if call:
            tail = ", and returns the result" if code.startswith("return ") else ""
            uses.setdefault((access.function, f"passes {{what}} to `{call}(...)`{tail}, so it runs with another "
                                              f"{who} values"), []).append(access)
        elif code.startswith("return "):
            uses.setdefault((access.function, "returns {what} to its caller"), []).append(access)
        if re.match(r"(el)?if |while |assert ", code):
            uses.setdefault((access.function, "branches on {what}, so it can take the wrong branch"), []).append(access)
        if ASSIGNED.match(code):
            uses.setdefault((access.function, "keeps {what} in local names and uses them as this call's own"),
                            []).append(access)
    lines = []
    for (function, text), accesses in uses.items():
        what = code_list(list(dict.fromkeys(target(finding, a).strip("`") for a in accesses)), 4)
        if "local names" in text:
            what = ", ".join(f"{target(finding, a)} as `{ASSIGNED.match(a.code.strip()).group(1)}`" for a in accesses)
        numbers = lines_of(accesses)
        label = "line" if numbers.isdigit() else "lines"
        lines.append(f"- `{short(function)}` ({label} {numbers}) " + text.format(what=what) + ".")
    return lines


def _enclosing_call(access) -> str | None:
    """The name of the call whose arguments contain the read, when the line shows it."""
    prefix = access.code[: max(access.col - 1, 0)]
    depth = 0
    for i in range(len(prefix) - 1, -1, -1):
        char = prefix[i]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                if char != "(":
                    return None
                match = re.search(r"([A-Za-z_][\w.]*)\s*$", prefix[:i])
                return match.group(1) if match and match.group(1) not in ("if", "while", "return", "and", "or", "not", "in") else None
            depth -= 1
    return None


def reproduction(finding) -> str:
    package = finding.object.split(".", 1)[0]
    r = reads(finding) or list(finding.accesses)
    request = [e for a in finding.accesses for e in a.entry_points if e.context in REQUEST_CONTEXTS]
    lines: list[str] = []
    if request:
        entry = request[0]
        route = entry.detail or "/the/route"
        lines.append(f"Run the server under racefree's run-time detector, then send two overlapping requests to "
                     f"{entry.kind} `{route}` with different values. The command and the request body are a "
                     f"**template**: racefree cannot know how you start the server or what the request needs.\n")
        lines.append("```sh\n"
                     f"racefree run --trace {package} -- python -m your_server   # TEMPLATE: how you start the server\n"
                     "# in another shell, two requests at once, with different values:\n"
                     f"for v in 1 2; do curl -s -X POST http://localhost:8000{route} "
                     "-H 'Content-Type: application/json' -d \"{...: $v}\" & done; wait   # TEMPLATE: body\n"
                     "```\n")
        lines.append(f"Stop the server (Ctrl-C): racefree reports the race on `{finding.object}` with both stacks.")
    else:
        reader = r[0]
        module, function = reader.function.rsplit(".", 1)
        lines.append(f"Call `{function}` from two threads at once under racefree's run-time detector. The arguments "
                     f"are a **template** (`...`): fill in a real call"
                     + (" that makes the callback run (a real or mocked completion)" if finding.rule == "RF102" else "")
                     + ".\n")
        snippet = (f"import threading; from {module} import {function}; "
                   f"ts = [threading.Thread(target={function}, args=(...,)) for _ in range(2)]; "
                   "[t.start() for t in ts]; [t.join() for t in ts]")
        lines.append("```sh\n"
                     f"racefree run --trace {package} -- python -c \"{snippet}\"   # TEMPLATE: args\n"
                     "```\n")
        lines.append(f"racefree reports the race on `{finding.object}` with both stacks when the program ends.")
    return "\n".join(lines)


def suggested_fix(finding) -> str:
    rule = rule_by_code(finding.rule)
    text = [finding.fix]
    sketch = fix_sketch(finding)
    if sketch:
        text.append("\nA sketch (adapt the names):\n\n```python\n" + sketch.strip("\n") + "\n```")
    if finding.rule in MECHANICAL_FIX_RULES and not _is_mutable_default(finding):
        project = finding.file.replace("\\", "/").split("/")[0]
        text.append(f"\n`racefree fix {project}` shows this change as a diff when it can be made mechanically "
                    f"and safely (`--apply` writes it).")
    if rule is not None:
        text.append(f"\nSee `racefree rule {finding.rule}` for the rule's full documentation and examples.")
    return "\n".join(text)


def fix_sketch(finding) -> str:
    name = object_name(finding)
    w, r = writes(finding), reads(finding)
    wf = short(w[0].function) if w else "writer"
    rf = short(r[0].function) if r else "reader"
    key = main_key(r) or main_key(w) or "value"
    rf = short(r[0].function) if r else "reader"
    if finding.rule == "RF101" and finding.reason.startswith(DEFAULT_WHY_START):
        return f"""
def {wf}(self, ..., {name}=None):
    {name} = dict({name} or {{}})   # a new dict for each call, not the one made by the `def`
    {name}["{key}"] = ...
"""
    if finding.rule == "RF101" and _is_context_default(finding):
        variable = finding.object.rsplit(".", 2)[-2]
        return f"""
{variable} = contextvars.ContextVar("{variable}", default=())   # immutable: nothing to share

def {wf}(...):
    {variable}.set((*{variable}.get(), item))   # a new tuple for each change
"""
    if finding.rule == "RF101":
        return f"""
import contextvars

# one value per request instead of one per process
request_{key} = contextvars.ContextVar("request_{key}", default={name}["{key}"])

def {wf}(...):
    request_{key}.set(data.get("{key}", {name}["{key}"]))   # not {name}["{key}"] = ...
    ...

def {rf}(...):
    {key} = request_{key}.get()   # or better: pass it down as a parameter
"""
    if finding.rule == "RF102":
        return f"""
# Best: compute the value from this call's own result, where it is needed.
response = litellm.completion(...)
cost = litellm.completion_cost(completion_response=response)
tokens = response.usage.total_tokens

# If the callback must produce it: key it by a call id the caller owns.
import threading, uuid
_{name.strip('_').lower()}_lock = threading.Lock()
_{name.strip('_').lower()}_by_call: dict[str, dict] = {{}}

def {wf}(kwargs, response, start, end):
    call_id = kwargs["litellm_params"]["metadata"]["call_id"]
    with _{name.strip('_').lower()}_lock:
        _{name.strip('_').lower()}_by_call[call_id] = {{"{key}": ...}}

def {rf}(...):
    call_id = uuid.uuid4().hex
    response = litellm.completion(..., metadata={{"call_id": call_id}})
    with _{name.strip('_').lower()}_lock:
        data = _{name.strip('_').lower()}_by_call.pop(call_id, {{}})
"""
    if finding.rule in ("RF103", "RF104", "RF106"):
        return f"""
import threading

_{name.strip('_').lower()}_lock = threading.Lock()   # next to {name}, used by every access

with _{name.strip('_').lower()}_lock:
    ...   # the whole read-modify-write / check-and-act / iteration on {name}
"""
    if finding.rule == "RF105":
        return f"""
import asyncio

_{name.strip('_').lower()}_lock = asyncio.Lock()

async def {wf}(...):
    async with _{name.strip('_').lower()}_lock:
        if <check {name}>:          # check, await and write under one lock
            value = await ...
            {name}[...] = value
"""
    if finding.rule == "RF107":
        return f"""
import threading

# Either initialise at import time:  {name} = build()
_{name.strip('_').lower()}_lock = threading.Lock()

def get_{name.strip('_').lower()}():
    global {name}
    if {name} is None:                 # fast path, no lock
        with _{name.strip('_').lower()}_lock:
            if {name} is None:         # re-check under the lock
                {name} = build()       # publish the finished value in one assignment
    return {name}
"""
    return ""


def _lock_label(lock: str) -> str:
    """A lock as the report names it: a flag claimed under a lock by the flag, saying so."""
    return f"claim: {lock.removesuffix(CLAIMED)}" if lock.endswith(CLAIMED) else lock
