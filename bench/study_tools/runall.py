"""runall.py TAG [SRC] [--held-out-N ... | --study] [--only DIST ...]: run `racefree check` (from a
copy of SRC, the repository's src by default) on the unpacked packages into RUNS_DIR/TAG/<dist>.json,
JOBS (2) at a time; about 5 minutes for all 359 packages."""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from common import REPO, RUNS_DIR, SETS, STUDY_DIR

args = sys.argv[1:]
tag = args.pop(0)
src = args.pop(0) if args and not args[0].startswith("--") else str(REPO / "src")
only = set(args[args.index("--only") + 1:]) if "--only" in args else set()
flags = [a for a in args if a.startswith("--held-out") or a == "--study"]
out = RUNS_DIR / tag
out.mkdir(parents=True, exist_ok=True)
shutil.rmtree(out / "src", ignore_errors=True)
shutil.copytree(src, out / "src")  # later edits to SRC do not change this run
specs = sorted({spec for flag, specs in SETS.items() if not flags or ("--" + flag if flag == "study" else flag) in flags
                for spec in specs if not only or spec[0] in only})


def run(spec):
    dist, version, top = spec[0], spec[1], spec[2]
    tree = STUDY_DIR / f"{dist}-{version}"
    if not tree.exists():
        return
    env = dict(os.environ, PYTHONPATH=str(out / "src"))
    proc = subprocess.run([sys.executable, "-P", "-m", "racefree", "check", top, "--format", "json", "--no-cache"],
                          cwd=tree, env=env, capture_output=True, text=True)
    try:
        json.loads(proc.stdout)
    except ValueError:
        print("BAD", dist, proc.stderr[-500:])
        return
    (out / f"{dist}.json").write_text(proc.stdout)


with ThreadPoolExecutor(int(os.environ.get("JOBS", "2"))) as pool:
    list(pool.map(run, specs))
print("done", len(specs))
