"""Totals and the three outputs: console table, bench/results/corpus.md, corpus.json.

Each output is a function of the case results and the run's metadata alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from corpus_lib.cases import SCORED_TIERS
from corpus_lib.run import CaseResult
from corpus_lib.scoring import findings_per_kloc

ALL_FINDINGS_KEPT = 200  # per case, in brief form
ERRORS_KEPT = 10  # the analyser's own errors copied into corpus.json per case
FIXED_MARK = {"silent": "silent", "reported": "REPORTED", "unavailable": "unavail.", "error": "error"}


@dataclass
class TierTotals:
    tier: int
    cases: int = 0
    unavailable: int = 0
    hits: int = 0
    near: int = 0
    errors: int = 0

    @property
    def scored(self) -> int:
        return self.cases - self.unavailable

    @property
    def recall(self) -> float | None:
        return self.hits / self.scored if self.scored else None


@dataclass
class Totals:
    tiers: dict[int, TierTotals] = field(default_factory=dict)
    fixed_checked: int = 0  # scored cases whose fixed release was analysed
    fixed_silent: int = 0
    fixed_checked_hits: int = 0  # ... of them, the cases hit on the buggy release
    fixed_silent_hits: int = 0
    findings: int = 0
    lines: int = 0
    analysis_seconds: float = 0.0


def compute_totals(results: list[CaseResult]) -> Totals:
    totals = Totals(tiers={tier: TierTotals(tier) for tier in SCORED_TIERS})
    counted_releases = set()
    for result in results:
        case = result.case
        tier = totals.tiers.get(case["tier"])
        if tier is not None:
            tier.cases += 1
            tier.unavailable += result.verdict == "unavailable"
            tier.hits += result.verdict == "hit"
            tier.near += result.verdict == "near"
            tier.errors += result.verdict == "error"
        if result.scored and result.fixed and result.fixed.status in ("silent", "reported"):
            silent = result.fixed.status == "silent"
            totals.fixed_checked += 1
            totals.fixed_silent += silent
            if result.is_hit:
                totals.fixed_checked_hits += 1
                totals.fixed_silent_hits += silent
        release = (case["package"].lower(), case["buggy"])
        if result.verdict != "unavailable" and release not in counted_releases:
            counted_releases.add(release)  # instructor 1.16.0 is analysed for two cases
            totals.findings += result.findings
            totals.lines += result.lines
            totals.analysis_seconds += result.seconds
    return totals


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100.0 * part / whole:.0f}%)" if whole else "n/a"


def _per_kloc(findings: int, lines: int) -> str:
    value = findings_per_kloc(findings, lines)
    return "-" if value is None else f"{value:.2f}"


def _fixed_cell(result: CaseResult) -> str:
    if result.fixed is None:
        return "n/a" if not result.case.get("fixed") else "-"
    return FIXED_MARK[result.fixed.status]


def _verdict(result: CaseResult) -> str:
    """Tier-3 verdicts in parentheses: shown for information, never counted."""
    return result.verdict if result.case["tier"] in SCORED_TIERS else f"({result.verdict})"


def _entries(result: CaseResult) -> str:
    """Entry points the analyser found (an optional stat beyond the documented contract)."""
    value = result.stats.get("entry_points")
    return str(value) if isinstance(value, int) else "-"


def _note(result: CaseResult) -> str:
    notes = [result.note] if result.note else []
    if result.case["tier"] not in SCORED_TIERS:
        notes.insert(0, "tier 3: not scored")
    if result.fixed and result.fixed.note:
        notes.append(f"fixed {result.fixed.version}: {result.fixed.note}")
    return "; ".join(notes)


def totals_lines(totals: Totals, wall_seconds: float) -> list[str]:
    lines = []
    for tier in totals.tiers.values():
        extra = f", {tier.near} near, {tier.errors} analyser errors, {tier.unavailable} unavailable"
        lines.append(f"recall tier {tier.tier}: {_ratio(tier.hits, tier.scored)}{extra}")
    lines.append(
        f"fixed-silent: {_ratio(totals.fixed_silent, totals.fixed_checked)}"
        f" (among buggy hits: {_ratio(totals.fixed_silent_hits, totals.fixed_checked_hits)})"
    )
    lines.append(
        f"findings: {totals.findings} in {totals.lines:,} lines"
        f" = {_per_kloc(totals.findings, totals.lines)} per kLOC (buggy releases)"
    )
    lines.append(
        f"time: {totals.analysis_seconds:.1f} s of analysis on buggy releases; {wall_seconds:.1f} s wall clock"
    )
    return lines


def console_table(results: list[CaseResult]) -> str:
    header = f"{'case':<34} {'tier':>4} {'verdict':<11} {'fixed':<8} {'findings':>8} {'entries':>7} {'lines':>8} {'/kLOC':>6} {'secs':>6}  note"
    rows = [header, "-" * len(header)]
    for result in results:
        verdict = _verdict(result)
        rows.append(
            f"{result.case['id'][:34]:<34} {result.case['tier']:>4} {verdict:<11} {_fixed_cell(result):<8}"
            f" {result.findings:>8} {_entries(result):>7} {result.lines:>8} {_per_kloc(result.findings, result.lines):>6}"
            f" {result.seconds:>6.1f}  {_note(result)[:120]}"
        )
    return "\n".join(rows)


def markdown(results: list[CaseResult], totals: Totals, meta: dict) -> str:
    dirty = " (working tree dirty)" if meta["dirty"] else ""
    out = [
        "# Corpus accuracy",
        "",
        f"Run on {meta['date']} at racefree commit `{meta['commit']}`{dirty}, "
        f"{meta['cases']} cases from `{meta['cases_file']}`, {meta['jobs']} jobs, timeout {meta['timeout']:g} s.",
        "Produced by `python bench/corpus.py`; the per-case details are in `corpus.json` beside this file.",
        "",
        "## Totals",
        "",
        *[f"- {line}" for line in totals_lines(totals, meta["wall_seconds"])],
        "",
        "hit = a finding on the case's object with a write on one of its write lines; near = the "
        "object is reported but not on those lines; error = the analyser failed (counted as a miss); "
        "fixed = on the fixed release, `silent` when no finding names the object in the case's file.",
        "",
        "## Cases",
        "",
        "| case | tier | package | buggy | verdict | fixed | findings | entry points | lines | per kLOC | seconds | note |",
        "| --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        case = result.case
        link = f"[{case['id']}]({case['report']})" if case.get("report") else case["id"]
        fixed = _fixed_cell(result)
        if result.fixed:
            fixed = f"{fixed} ({result.fixed.version})"
        note = _note(result).replace("|", "\\|")
        out.append(
            f"| {link} | {case['tier']} | {case['package']} | {case['buggy']} | {_verdict(result)} | {fixed} "
            f"| {result.findings} | {_entries(result)} | {result.lines} | {_per_kloc(result.findings, result.lines)} "
            f"| {result.seconds:.1f} | {note} |"
        )
    return "\n".join(out) + "\n"


def raw_json(results: list[CaseResult], totals: Totals, meta: dict) -> str:
    cases = []
    for result in results:
        case = result.case
        score = result.score
        entry = {
            "id": case["id"], "tier": case["tier"], "package": case["package"], "buggy": case["buggy"],
            "file": case["file"], "names": case.get("names"), "write_lines": case["write_lines"],
            "entry": case.get("entry"), "target": result.target, "verdict": result.verdict,
            "note": result.note, "seconds": round(result.seconds, 2), "lines": result.lines,
            "files": result.files, "findings": result.findings, "stats": result.stats,
            "analyser_errors": len(result.analyser_errors),
            "analyser_errors_first": result.analyser_errors[:ERRORS_KEPT],
            "stderr_tail": result.stderr_tail,
            "matched": score.matched if score else [], "near": score.near if score else [],
            "objects_in_file": score.objects_in_file if score else [],
            "all_findings": result.all_findings[:ALL_FINDINGS_KEPT],
            "fixed": None,
        }
        if result.fixed:
            entry["fixed"] = {
                "version": result.fixed.version, "status": result.fixed.status, "note": result.fixed.note,
                "seconds": round(result.fixed.seconds, 2),
                "findings_on_object": result.fixed.findings_on_object,
            }
        cases.append(entry)
    summary = {
        "tiers": {
            str(t.tier): {"cases": t.cases, "scored": t.scored, "hits": t.hits, "near": t.near,
                          "errors": t.errors, "unavailable": t.unavailable}
            for t in totals.tiers.values()
        },
        "fixed_checked": totals.fixed_checked, "fixed_silent": totals.fixed_silent,
        "fixed_checked_hits": totals.fixed_checked_hits, "fixed_silent_hits": totals.fixed_silent_hits,
        "findings": totals.findings, "lines": totals.lines,
        "analysis_seconds": round(totals.analysis_seconds, 1),
    }
    return json.dumps({"meta": meta, "totals": summary, "cases": cases}, indent=1) + "\n"
