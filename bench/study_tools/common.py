"""Shared paths and tables of the precision-study tools (see README.md beside this file)."""
import csv
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
import fp_study  # noqa: E402

FP = REPO / "bench" / "results" / "fp"
STUDY_DIR = Path(os.environ.get("FP_STUDY_DIR", "/tmp/fp/study"))  # unpacked wheels, <dist>-<version>/
RUNS_DIR = Path(os.environ.get("RUNS_DIR", "/tmp/runs"))  # one folder of <dist>.json per run tag
SETS = {"study": fp_study.PACKAGES, **fp_study.HELD_OUT_SETS}
TABLES = dict(re.findall(r'"(--held-out(?:-\d+)?)": "([^"]+)"', (FP / "compare_with_classified.py").read_text()))
STUDY_TABLES = ("classification_study_rating2_6396193.tsv", "classification_def2768.tsv")
VERSIONS = {spec[0]: spec[1] for specs in SETS.values() for spec in specs}
TOPS = {spec[0]: spec[2] for specs in SETS.values() for spec in specs}


def _read(name, into):
    for row in csv.DictReader(open(FP / name), delimiter="\t"):
        into.setdefault((row["package"], row["rule"], row["object"], row["location"]), row)


def verdicts(flag=None):
    """The verdicts of one set: its own table (or the study's), then every later table."""
    known = {}
    for name in ([TABLES[flag]] if flag and flag != "study" else STUDY_TABLES):
        _read(name, known)
    for path in sorted(FP.glob("classification_later_*.tsv")):
        _read(path.name, known)
    return known


def all_verdicts():
    known = {}
    for name in [*TABLES.values(), *STUDY_TABLES]:
        _read(name, known)
    for path in sorted(FP.glob("classification_later_*.tsv")):
        _read(path.name, known)
    return known


def load(tag, dist):
    path = RUNS_DIR / tag / f"{dist}.json"
    return json.loads(path.read_text()) if path.exists() else None


def keys(doc, dist):
    return {(dist, f["rule"], f["object"], f'{f["file"]}:{f["line"]}') for f in doc.get("findings", [])}
