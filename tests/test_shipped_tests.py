"""A package's own tests (shipped inside it, as rollbar's are) start threads to test it; those
threads show what the tests do, not how the package's users run it, so they make no library code
concurrent. The same test outside a tests package is a program that starts a thread."""

import json
import shutil
from pathlib import Path

from racefree.cli import main

DATA = Path(__file__).parent / "data" / "package_with_tests"


def _rules(capsys, path) -> list[str]:
    main(["check", str(path), "--format", "json", "--no-cache"])
    return sorted(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])


def test_threads_started_by_the_packages_tests_do_not_count(capsys):
    assert _rules(capsys, DATA / "metering") == []


def test_the_same_thread_in_the_package_counts(tmp_path, capsys):
    package = tmp_path / "metering"
    shutil.copytree(DATA / "metering", package)
    (package / "tests" / "refresh_check.py").rename(package / "refresher.py")
    assert _rules(capsys, package) == ["RF102"]
