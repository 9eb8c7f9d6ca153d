"""diffruns.py A B: the findings of run B not in run A (+) and those of A gone in B (-), with
their verdicts where a table has one (? where none)."""
import sys

from common import RUNS_DIR, all_verdicts, keys, load

a, b = sys.argv[1], sys.argv[2]
known = all_verdicts()
plus = minus = 0
for dist in sorted(p.stem for p in (RUNS_DIR / b).glob("*.json")):
    doc_a, doc_b = load(a, dist), load(b, dist)
    if doc_a is None or doc_b is None:
        continue
    keys_a, keys_b = keys(doc_a, dist), keys(doc_b, dist)
    for key in sorted(keys_b - keys_a):
        plus += 1
        print("+", *key, known[key]["verdict"] if key in known else "?")
    for key in sorted(keys_a - keys_b):
        minus += 1
        print("-", *key, known[key]["verdict"] if key in known else "?")
print("plus", plus, "minus", minus)
