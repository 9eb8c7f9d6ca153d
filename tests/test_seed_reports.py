"""The bug reports in docs/examples/ are what `racefree check --output-dir` writes today for the
two seed bugs in the real wheels from PyPI, byte for byte, so they cannot drift as the
messages change.

To refresh them after a deliberate change of wording, run

    RACEFREE_REFRESH_EXAMPLES=1 pytest tests/test_seed_reports.py

and review `git diff docs/examples/` (docs/examples/README.md says the same).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from wheels import unpacked_wheel

pytestmark = pytest.mark.wheels

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
REFRESH = "RACEFREE_REFRESH_EXAMPLES=1 pytest tests/test_seed_reports.py"


@dataclass(frozen=True)
class SeedReport:
    committed: str  # the file in docs/examples/
    requirement: str
    pip_args: tuple[str, ...]
    package: str  # the folder of the unpacked wheel that racefree checks
    written: str  # the file name --output-dir gives the finding's report


SEED_REPORTS = (
    SeedReport("optillm-304-server-config.md", "optillm==0.3.12", (), "optillm",
               "RF101-optillm.server.server_config.md"),
    SeedReport("pdd-375-last-callback-data.md", "pdd-cli==0.0.122", ("--python-version", "3.12"), "pdd",
               "RF102-pdd.llm_invoke._LAST_CALLBACK_DATA.md"),
)


@pytest.fixture(scope="session")
def wheel_cache(request) -> Path:
    return Path(request.config.cache.mkdir("racefree-wheels"))


def written_report(tree: Path, seed: SeedReport, out_dir: Path) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--no-cache", "--output-dir", str(out_dir), seed.package],
        cwd=tree, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 1, completed.stderr
    written = sorted(path.name for path in out_dir.iterdir())
    assert seed.written in written, f"no report named {seed.written} among {written}"
    return (out_dir / seed.written).read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", SEED_REPORTS, ids=lambda s: s.committed)
def test_committed_report_is_what_racefree_writes_now(seed, wheel_cache, tmp_path):
    tree = unpacked_wheel(wheel_cache, seed.requirement, *seed.pip_args)
    report = written_report(tree, seed, tmp_path)
    # Paths are relative to the working directory (the unpacked wheel) and a report holds no
    # timing or version, so nothing needs normalising: the machine must not show through.
    assert str(tree) not in report and str(tmp_path) not in report
    committed = EXAMPLES / seed.committed
    if os.environ.get("RACEFREE_REFRESH_EXAMPLES"):
        committed.write_text(report, encoding="utf-8")
    assert committed.read_text(encoding="utf-8") == report, (
        f"docs/examples/{seed.committed} differs from what racefree writes now for {seed.requirement}: "
        f"if the change is meant, refresh it with `{REFRESH}` and review `git diff docs/examples/`"
    )
