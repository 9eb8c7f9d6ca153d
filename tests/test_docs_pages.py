"""docs/rules/ is generated from the rule modules and stays true: the committed pages are what the
generator writes now, every rule has one, every link resolves, and each page's example is a
complete module that `racefree check` reports under that rule, while its "Use instead" code is
not reported under it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from racefree.docs_pages import INDEX, REGENERATE, render_pages
from racefree.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
RULE_PAGES = REPO / "docs" / "rules"
FIXTURES = REPO / "tests" / "fixtures"
LINK = re.compile(r"\]\(([^)#\s]+)\)")
OUT_OF_DATE = f"docs/rules/ is out of date with the rule modules: run `{REGENERATE}` from the repository root"


def page(code: str) -> str:
    return (RULE_PAGES / f"{code}.md").read_text(encoding="utf-8")


def python_block(text: str, section: str) -> str:
    """The first ```python block of a `## section` of a page."""
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no '## {section}' section"
    block = re.search(r"^```python\n(.*?)^```$", match.group(1), re.S | re.M)
    assert block, f"no ```python block in '## {section}'"
    return block.group(1)


def racefree_check(tmp_path: Path, source: str) -> list[dict]:
    (tmp_path / "example.py").write_text(source, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "racefree", "check", "--format", "json", "--no-cache", "example.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode in (0, 1), completed.stderr
    document = json.loads(completed.stdout)
    assert document["errors"] == []
    return document["findings"]


def test_committed_pages_are_what_the_generator_writes():
    expected = render_pages(RULE_PAGES, FIXTURES)
    committed = {path.name: path.read_text(encoding="utf-8") for path in RULE_PAGES.glob("*.md")}
    assert sorted(committed) == sorted(expected), OUT_OF_DATE
    for name, text in expected.items():
        assert committed[name] == text, f"{name}: {OUT_OF_DATE}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_has_a_page_linked_from_the_index(rule):
    text = page(rule.code)
    assert text.startswith(f"# {rule.code} {rule.name}\n")
    assert f"Severity: **{rule.severity}**" in text
    assert rule.fix in text
    assert f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity} | {rule.summary} |" in (
        (RULE_PAGES / INDEX).read_text(encoding="utf-8"))


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_page_links_to_its_fixtures_and_their_safe_twins(rule):
    text = page(rule.code)
    fixtures = sorted(path.name for path in (FIXTURES / rule.code).glob("*.py"))
    assert any(name.endswith("_safe.py") for name in fixtures)
    for name in fixtures:
        assert f"](../../tests/fixtures/{rule.code}/{name})" in text


def test_every_relative_link_of_the_pages_resolves():
    for path in RULE_PAGES.glob("*.md"):
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if "://" not in target:
                assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_readme_links_the_rule_pages():
    assert "](docs/rules/README.md)" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_is_a_module_racefree_reports_under_its_rule(rule, tmp_path):
    source = python_block(page(rule.code), "Example")
    ast.parse(source)
    findings = racefree_check(tmp_path, source)
    assert rule.code in {f["rule"] for f in findings}, [f["message"] for f in findings]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_use_instead_is_a_module_racefree_does_not_report_under_its_rule(rule, tmp_path):
    source = python_block(page(rule.code), "Use instead")
    ast.parse(source)
    findings = racefree_check(tmp_path, source)
    assert rule.code not in {f["rule"] for f in findings}, [f["message"] for f in findings]
