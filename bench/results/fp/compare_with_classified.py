"""Compare the current racefree's findings on the false-positive study's packages (unpacked in
/tmp/fp/study/<dist>-<version>/ by bench/fp_study.py) with the classified findings of the last
full study: prints the findings that are new (to classify), the classified ones that are gone,
and the verdicts of those kept. Run from the repository root with the venv's python; with
--held-out, --held-out-2, ..., --held-out-22, on a held-out set and its classification."""
import csv, json, subprocess, sys
from pathlib import Path
sys.path.insert(0, "/work/main/bench")
import fp_study
TABLES = {"--held-out": "classification_heldout_8ef0f7e.tsv", "--held-out-2": "classification_heldout2_d65a506.tsv",
          "--held-out-3": "classification_heldout3_5f637c5.tsv", "--held-out-4": "classification_heldout4_990d038.tsv",
          "--held-out-5": "classification_heldout5_4457403.tsv", "--held-out-6": "classification_heldout6_4fde4bd.tsv",
          "--held-out-7": "classification_heldout7_d550b78.tsv", "--held-out-8": "classification_heldout8_ed90432.tsv",
          "--held-out-9": "classification_heldout9_a026e9c.tsv", "--held-out-10": "classification_heldout10_b26d35b.tsv",
          "--held-out-11": "classification_heldout11_bdecba5.tsv",
          "--held-out-12": "classification_heldout12_1ff7673.tsv",
          "--held-out-13": "classification_heldout13_69065f0.tsv",
          "--held-out-14": "classification_heldout14_c461af2.tsv",
          "--held-out-15": "classification_heldout15_c369619.tsv",
          "--held-out-16": "classification_heldout16_30c3151.tsv",
          "--held-out-17": "classification_heldout17_6396193.tsv",
          "--held-out-18": "classification_heldout18_8a14c2b.tsv",
          "--held-out-19": "classification_heldout19_7103281.tsv",
          "--held-out-20": "classification_heldout20_ab6c01d.tsv",
          "--held-out-21": "classification_heldout21_41e7292.tsv",
          "--held-out-22": "classification_heldout22_afeed0f.tsv"}
# The study's findings were rated three times at 6396193 (agreement.py); ratings 2 and 3 agree on
# all of them and are the majority. Findings the study reported only before then keep their
# verdicts in classification_def2768.tsv.
STUDY_TABLES = ("classification_study_rating2_6396193.tsv", "classification_def2768.tsv")
TABLE = next((TABLES[a] for a in sys.argv[1:] if a in TABLES), None)
known = {}
for table in ([TABLE] if TABLE else STUDY_TABLES):
    for r in csv.DictReader(open(f"/work/main/bench/results/fp/{table}"), delimiter="\t"):
        known.setdefault((r["package"], r["rule"], r["object"], r["location"]), r)
tot_new = 0
KEPT = []
for spec in fp_study.chosen_set(sys.argv[1:]):
    dist, version, top = spec[0], spec[1], spec[2]
    tree = Path(f"/tmp/fp/study/{dist}-{version}")
    if not tree.exists():
        continue
    out = subprocess.run([sys.executable, "-m", "racefree", "check", top, "--format", "json", "--no-cache"],
                         cwd=tree, capture_output=True, text=True)
    found = json.loads(out.stdout)["findings"]
    cur = {(dist, f["rule"], f["object"], f'{f["file"]}:{f["line"]}') for f in found}
    old = {k for k in known if k[0] == dist}
    for k in sorted(cur & old):
        KEPT.append(known[k]["verdict"])
    for k in sorted(cur - old):
        print("NEW ", *k)
        tot_new += 1
    for k in sorted(old - cur):
        print("GONE", *k, known[k]["verdict"], known[k]["cause"])
print("new:", tot_new)


from collections import Counter
print(Counter(KEPT))
