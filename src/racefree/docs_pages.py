"""The rule pages of the documentation, generated from the rule modules: one Markdown page per
rule (its documentation, severity, fix and fixtures) and an index.

    python -m racefree.docs_pages docs/rules      # from the repository root

The rule module is the single source: tests/test_docs_pages.py fails when the committed pages
differ from what this writes, so edit the rule's docstring and regenerate, never the page.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from racefree.rules import ALL_RULES
from racefree.rules.base import Rule
from racefree.summarize import parse_text

INDEX = "README.md"
REGENERATE = "python -m racefree.docs_pages docs/rules"
SAFE_SUFFIX = "_safe"


@dataclass(frozen=True)
class Fixture:
    """One fixture module: `link` is relative to the page that lists it."""

    name: str
    link: str
    about: str


@dataclass(frozen=True)
class FixturePair:
    """A module with findings marked inline and its safe twin; either may be missing."""

    racy: Fixture | None
    safe: Fixture | None


def page_name(rule: Rule) -> str:
    return f"{rule.code}.md"


def rule_source(rule: Rule) -> str:
    """The rule module's path in the repository (src layout)."""
    return "src/" + rule.check.__module__.replace(".", "/") + ".py"


def fixture_pairs(folder: Path, link_from: Path) -> list[FixturePair]:
    """The fixtures of one rule, each racy module beside its `_safe` twin, racy first by name."""
    found = {path.stem: _fixture(path, link_from) for path in sorted(folder.glob("*.py"))}
    pairs = []
    for stem, fixture in found.items():
        if stem.endswith(SAFE_SUFFIX):
            if stem[: -len(SAFE_SUFFIX)] not in found:
                pairs.append(FixturePair(None, fixture))
        else:
            pairs.append(FixturePair(fixture, found.get(stem + SAFE_SUFFIX)))
    return sorted(pairs, key=lambda p: (p.racy is None, (p.racy or p.safe).name))


def _fixture(path: Path, link_from: Path) -> Fixture:
    docstring = ast.get_docstring(parse_text(path.read_text(encoding="utf-8"), str(path))) or ""
    about = " ".join(docstring.split("\n\n", 1)[0].split())
    return Fixture(path.name, Path(os.path.relpath(path, link_from)).as_posix(), about)


def rule_page(rule: Rule, fixtures: list[FixturePair], fixtures_folder: str, fixtures_link: str,
              source_link: str) -> str:
    parts = [
        f"# {rule.code} {rule.name}\n",
        f"> {rule.summary[0].upper()}{rule.summary[1:]}.\n",
        f"Severity: **{rule.severity}**. `racefree rule {rule.code}` prints this documentation; "
        f"`--select {rule.code}` or `--ignore {rule.code}` choose whether it runs.\n",
        rule.doc.strip() + "\n",
        f"## The fix a finding suggests\n\n{rule.fix}\n",
        f"## Fixtures\n\n{_fixture_section(fixtures, fixtures_folder, fixtures_link)}",
        f"---\n\n[All rules]({INDEX}). Generated from [`{rule_source(rule)}`]({source_link}) by "
        f"`{REGENERATE}`: edit the rule's docstring, not this page.\n",
    ]
    return "\n".join(parts)


def _fixture_section(pairs: list[FixturePair], folder: str, folder_link: str) -> str:
    intro = (f"Real modules in [`{folder}/`]({folder_link}/), checked by the test suite: "
             f"the findings must be exactly the `# expect: CODE:column` markers on their lines, and "
             f"the `_safe` modules, most of them the racy code written safely, must have none.\n")
    if not pairs:
        return intro + "\nNone yet.\n"
    rows = ["| fixture (findings marked) | safe twin (no findings) |", "| --- | --- |"]
    rows += [f"| {_cell(p.racy)} | {_cell(p.safe)} |" for p in pairs]
    return intro + "\n" + "\n".join(rows) + "\n"


def _cell(fixture: Fixture | None) -> str:
    if fixture is None:
        return "-"
    about = f": {fixture.about}" if fixture.about else ""
    return f"[`{fixture.name}`]({fixture.link}){about}".replace("|", "\\|")


def index_page(rules: tuple[Rule, ...]) -> str:
    rows = "\n".join(
        f"| [{rule.code}]({page_name(rule)}) | {rule.name} | {rule.severity} | {rule.summary} |" for rule in rules
    )
    return (
        "# Rules\n\n"
        "One page per rule: what it finds, why it is a bug, an example that racefree reports and "
        "what to write instead, with the rule's test fixtures. `racefree rules` lists them in the "
        "terminal.\n\n"
        "| code | name | severity | what it finds |\n| --- | --- | --- | --- |\n"
        f"{rows}\n\n"
        f"Generated from the rule modules (`src/racefree/rules/`) by `{REGENERATE}`.\n"
    )


def render_pages(out_dir: Path, fixtures_dir: Path, rules: tuple[Rule, ...] = ALL_RULES) -> dict[str, str]:
    """File name -> text of every page that belongs in out_dir; links are relative to out_dir.

    fixtures_dir is the repository's tests/fixtures: the repository root is two levels up."""
    repo_root = fixtures_dir.resolve().parent.parent
    out = out_dir.resolve()
    pages = {INDEX: index_page(rules)}
    for rule in rules:
        folder = fixtures_dir.resolve() / rule.code
        pairs = fixture_pairs(folder, out) if folder.is_dir() else []
        pages[page_name(rule)] = rule_page(
            rule, pairs,
            fixtures_folder=folder.relative_to(repo_root).as_posix(),
            fixtures_link=Path(os.path.relpath(folder, out)).as_posix(),
            source_link=Path(os.path.relpath(repo_root / rule_source(rule), out)).as_posix(),
        )
    return pages


def stale_pages(out_dir: Path, pages: dict[str, str]) -> list[Path]:
    """Rule pages in out_dir that no rule generates any more."""
    return [path for path in sorted(out_dir.glob("RF*.md")) if path.name not in pages]


def write_pages(out_dir: Path, fixtures_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = render_pages(out_dir, fixtures_dir)
    for path in stale_pages(out_dir, pages):
        path.unlink()
    written = []
    for name, text in pages.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m racefree.docs_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="where the pages go (docs/rules)")
    parser.add_argument("--fixtures", type=Path, default=Path("tests/fixtures"),
                        help="the fixture folders, one per rule code (default: tests/fixtures)")
    args = parser.parse_args(argv)
    if not args.fixtures.is_dir():
        print(f"racefree.docs_pages: error: no fixtures folder {args.fixtures} (run from the repository "
              f"root or pass --fixtures)", file=sys.stderr)
        return 2
    written = write_pages(args.out_dir, args.fixtures)
    print(f"racefree.docs_pages: wrote {len(written)} pages to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
