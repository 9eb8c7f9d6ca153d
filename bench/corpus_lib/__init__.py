"""Pieces of the corpus accuracy benchmark (bench/corpus.py).

cases    read and filter cases.jsonl
fetch    pip download + unpack one artifact into the cache (never installed or imported)
analyse  run `racefree check --format json` on an unpacked tree, as a subprocess
run      one case end to end: fetch, analyse, score; every failure kept as a field
scoring  pure functions: does a findings document hit, nearly hit or miss a case
report   console table, bench/results/corpus.md and corpus.json
"""
