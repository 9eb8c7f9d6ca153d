"""`racefree report ID [PATH...]`: the id each finding shows, and that one finding as a bug report."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import FIXTURES, check

RACY = "RF101/flask_request_params.py"


def racefree(*args: str, cwd: Path = FIXTURES) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "racefree", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def finding_ids(*paths: str) -> list[str]:
    document = json.loads(racefree("check", "--no-cache", "--format", "json", *paths).stdout)
    return [finding["id"] for finding in document["findings"]]


def test_json_and_text_show_the_id_from_the_fingerprint():
    document = json.loads(racefree("check", "--no-cache", "--format", "json", RACY).stdout)
    [finding] = document["findings"]
    assert len(finding["id"]) == 10 and finding["fingerprint"].startswith(finding["id"])
    [expected] = check(FIXTURES / RACY).findings
    assert finding["fingerprint"] == expected.fingerprint()
    text = racefree("check", "--no-cache", RACY).stdout
    assert f"    id: {finding['id']} (racefree report {finding['id']} {RACY})\n" in text


def test_report_prints_the_markdown_bug_report_of_that_finding(monkeypatch):
    from racefree.report.markdown_format import render_each

    [finding_id] = finding_ids(RACY)
    completed = racefree("report", finding_id, RACY)
    assert completed.returncode == 0, completed.stderr
    monkeypatch.chdir(FIXTURES)
    [(_, expected)] = render_each(check(RACY))
    assert completed.stdout == expected
    assert completed.stdout.startswith("# [RF101] Race on `server_config`")


def test_a_prefix_and_the_default_path_find_it_too():
    [finding_id] = finding_ids(RACY)
    completed = racefree("report", finding_id[:5].upper(), cwd=FIXTURES / "RF101")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("# [RF101] Race on `server_config` (")
    assert "flask_request_params.py): written in `search`" in completed.stdout.splitlines()[0]


def test_text_and_json_formats():
    [finding_id] = finding_ids(RACY)
    text = racefree("report", finding_id, RACY, "--format", "text").stdout
    assert text.startswith(f"{RACY}:21:5: RF101 `server_config` is shared state")
    assert text.endswith(f"    id: {finding_id} (racefree report {finding_id} {RACY})\n")
    assert "Found" not in text
    document = json.loads(racefree("report", finding_id, RACY, "--format", "json").stdout)
    assert [f["id"] for f in document["findings"]] == [finding_id]


def test_a_prefix_of_several_findings_lists_them_and_exits_2():
    ids = finding_ids(".")
    first, count = Counter(i[0] for i in ids).most_common(1)[0]
    assert count >= 2
    completed = racefree("report", first, ".")
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert lines[0] == f"racefree: error: id {first} matches {count} findings; give more of it:"
    assert sorted(line.split()[0] for line in lines[1:]) == sorted(i for i in ids if i.startswith(first))


def test_an_unknown_or_malformed_id_is_a_one_line_error():
    ids = finding_ids(RACY)
    unknown = next(p for p in ("0123456789", "fedcba9876") if not any(i.startswith(p) for i in ids))
    completed = racefree("report", unknown, RACY)
    assert completed.returncode == 2
    assert completed.stderr == f"racefree: error: no finding with id {unknown} in {RACY} " \
                               f"('racefree check' prints each finding's id)\n"
    malformed = racefree("report", "not-an-id", RACY)
    assert malformed.returncode == 2
    assert len(malformed.stderr.splitlines()) == 1 and "not a finding id" in malformed.stderr
