"""Real installed code at scale: racefree check over the test environment's site-packages ends
with findings or none, never a crash, a traceback or an internal error."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

# Outside a virtual environment the interpreter's site-packages can be huge: then analyse the
# packages the test environment installs, which is what CI's fresh venv holds.
TEST_ENVIRONMENT_PACKAGES = ("pytest", "_pytest", "pluggy", "flask", "werkzeug", "jinja2", "jsonschema",
                             "click", "markupsafe", "attr", "attrs", "referencing", "rpds", "iniconfig")


def site_packages_targets() -> list[str]:
    site = Path(sysconfig.get_paths()["purelib"])
    if sys.prefix != sys.base_prefix:
        return [str(site)]
    return [str(site / name) for name in TEST_ENVIRONMENT_PACKAGES if (site / name).is_dir()]


def test_check_over_site_packages_never_crashes():
    targets = site_packages_targets()
    assert targets
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--no-cache", "--format", "json", *targets],
        capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    assert "internal error" not in completed.stderr
    document = json.loads(completed.stdout)
    assert document["stats"]["files"] > 100
    for finding in document["findings"]:
        assert finding["accesses"] and all(a["line"] > 0 for a in finding["accesses"])
