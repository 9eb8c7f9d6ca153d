"""Agreement between independent ratings of the study's findings, and the precision each gives.

The study's findings at 6396193 were rated three times, each rater blind to the others' verdicts:
rating 1 is the study's running classification (classification_def2768.tsv and the
classification_later_*.tsv files), ratings 2 and 3 are classification_study_rating2_6396193.tsv
and classification_study_rating3_6396193.tsv. A finding is true (TP or TPb) or false (FP); the
majority of the three decides. Run from the repository root:

    python bench/results/fp/agreement.py
"""
import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rows(path: Path) -> dict[tuple[str, str, str, str], dict]:
    with path.open(newline="") as handle:
        return {(r["package"], r["rule"], r["object"], r["location"]): r for r in csv.DictReader(handle, delimiter="\t")}


def _is_true(row: dict) -> bool:
    return row["verdict"].startswith("TP")


def main() -> None:
    second = _rows(HERE / "classification_study_rating2_6396193.tsv")
    third = _rows(HERE / "classification_study_rating3_6396193.tsv")
    first: dict = {}
    for path in [HERE / "classification_def2768.tsv", *sorted(HERE.glob("classification_later_*.tsv"))]:
        for key, row in _rows(path).items():
            first.setdefault(key, row)
    findings = sorted(second.keys() & third.keys() & first.keys())
    ratings = {"rating 1": first, "rating 2": second, "rating 3": third}
    total = len(findings)
    for name, rating in ratings.items():
        true = sum(_is_true(rating[key]) for key in findings)
        print(f"{name}: {true}/{total} true ({100 * true / total:.0f}%)")
    names = list(ratings)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            same = sum(_is_true(ratings[a][key]) == _is_true(ratings[b][key]) for key in findings)
            print(f"{a} and {b} agree on {same}/{total}")
    majority = {key: sum(_is_true(r[key]) for r in ratings.values()) >= 2 for key in findings}
    true = sum(majority.values())
    print(f"majority: {true}/{total} true ({100 * true / total:.0f}%)")
    for key in findings:
        votes = [r[key]["verdict"] for r in ratings.values()]
        if len({v.startswith("TP") for v in votes}) > 1:
            print("split:", key[0], key[2], key[3], " / ".join(votes), "->", "true" if majority[key] else "false")


if __name__ == "__main__":
    main()
