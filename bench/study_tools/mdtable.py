"""mdtable.py TAG [BASE]: the precision table of run TAG per set (markdown, as in
false_positives.md), with BASE's figures as "at the start of the session"."""
import sys

from common import SETS, keys, load, verdicts

tag = sys.argv[1]
base = sys.argv[2] if len(sys.argv) > 2 else None


def count(run, flag, specs):
    known = verdicts(flag)
    n = harmful = benign = false = unknown = 0
    for spec in specs:
        doc = load(run, spec[0])
        for key in keys(doc, spec[0]) if doc else ():
            n += 1
            verdict = known[key]["verdict"] if key in known else None
            harmful += verdict == "TP"
            benign += verdict == "TPb"
            false += verdict == "FP"
            unknown += verdict is None
    return n, harmful, benign, false, unknown


def ratio(true, false):
    return round(100 * true / max(1, true + false))


totals = {tag: [0] * 5, base: [0] * 5}
print("| set | findings | true (harmful + benign) | false | precision | at the start of the session |")
print("| --- | --- | --- | --- | --- | --- |")
for flag, specs in SETS.items():
    n, harmful, benign, false, unknown = count(tag, flag, specs)
    number = "1" if flag == "--held-out" else flag.rsplit("-", 1)[-1]
    name = "16-package study" if flag == "study" else f"held-out set {number} ({len(specs)} packages)"
    start = ""
    if base:
        b = count(base, flag, specs)
        start = f"{ratio(b[1] + b[2], b[3])}% ({b[1] + b[2]}/{b[1] + b[2] + b[3]})"
        if flag != "study":
            totals[base] = [x + y for x, y in zip(totals[base], b)]
    if flag != "study":
        totals[tag] = [x + y for x, y in zip(totals[tag], (n, harmful, benign, false, unknown))]
    note = f" ({unknown} unclassified)" if unknown else ""
    print(f"| {name} | {n} | {harmful + benign} ({harmful} + {benign}) | {false} | "
          f"**{ratio(harmful + benign, false)}%** | {start} |{note}")
for run in (tag, base) if base else (tag,):
    n, harmful, benign, false, unknown = totals[run]
    print(f"{run}: held-out total {n} findings, {harmful + benign} true ({harmful} + {benign}), {false} false, "
          f"{unknown} unclassified: {100 * (harmful + benign) / max(1, harmful + benign + false):.1f}%")
