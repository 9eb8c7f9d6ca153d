"""newfindings.py A B OUT: the findings of run B that run A lacks and no table classifies, one
JSON object a line (with the unpacked tree's path), for a classifying helper session given
bench/prompts/classify_findings.md."""
import json
import sys
from pathlib import Path

from common import RUNS_DIR, STUDY_DIR, VERSIONS, all_verdicts, keys, load

a, b, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
known = all_verdicts()
rows = []
for path in sorted((RUNS_DIR / b).glob("*.json")):
    dist = path.stem
    doc_a, doc_b = load(a, dist), load(b, dist)
    old = keys(doc_a, dist) if doc_a else set()
    for finding in doc_b["findings"]:
        key = (dist, finding["rule"], finding["object"], f'{finding["file"]}:{finding["line"]}')
        if key in old or key in known:
            continue
        rows.append(dict(package=dist, version=VERSIONS.get(dist), tree=str(STUDY_DIR / f"{dist}-{VERSIONS.get(dist)}"),
                         rule=finding["rule"], object=finding["object"], location=key[3], finding=finding))
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text("".join(json.dumps(row) + "\n" for row in rows))
print(len(rows), "findings to classify")
