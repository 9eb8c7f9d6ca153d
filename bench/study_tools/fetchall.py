"""fetchall.py: download and unpack every package of the study and the held-out sets into
FP_STUDY_DIR (6 at a time; about 5 minutes the first time)."""
from concurrent.futures import ThreadPoolExecutor

from common import SETS, STUDY_DIR, fp_study

specs = sorted({spec for specs in SETS.values() for spec in specs})


def fetch(spec):
    try:
        fp_study.fetch(spec[0], spec[1], STUDY_DIR)
    except Exception as error:  # a package that no longer downloads is reported, not fatal
        print("FAIL", spec, error)


with ThreadPoolExecutor(6) as pool:
    list(pool.map(fetch, specs))
print(len(specs), "packages")
