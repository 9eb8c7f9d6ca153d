"""Command line: parse arguments, make one call into the pipeline, print, set the exit code.

No analysis happens here. Exit codes: 0 no findings, 1 findings, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys

from racefree import __version__
from pathlib import Path

from racefree.baseline import BaselineError, new_findings, read_baseline, write_baseline
from racefree.config import ConfigError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

COLOR_CHOICES = ["auto", "always", "never"]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"racefree: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="racefree", description="Find race conditions in concurrent Python code.")
    parser.add_argument("--version", action="version", version=f"racefree {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="statically analyse Python files for races on shared state",
        description="Statically analyse Python files for races on shared state. "
        "The analysed code is never imported or run.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to analyse")
    check.add_argument(
        "--format", choices=["text", "json", "sarif", "github", "markdown"], default="text", help="output format (default: text)"
    )
    check.add_argument(
        "--output-dir", metavar="DIR",
        help="also write one Markdown bug report per finding into DIR, ready to file",
    )
    check.add_argument("--no-cache", action="store_true", help="do not read or write the summary cache")
    check.add_argument("--config", metavar="FILE",
                       help="configuration file (default: the nearest pyproject.toml with [tool.racefree])")
    check.add_argument("--select", metavar="CODES", help="only these rules, comma-separated (RF101,RF102)")
    check.add_argument("--ignore", metavar="CODES", help="never these rules, comma-separated")
    check.add_argument("--exclude", metavar="GLOB", action="append", default=[], help="skip matching files (repeatable)")
    check.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    check.add_argument("--baseline", metavar="FILE", help="report only findings that are not in FILE")
    check.add_argument("--jobs", "-j", type=int, default=0,
                       help="processes that summarise files, this one included (default: CPU count)")
    check.add_argument("--cache-dir", default=None, help="where summaries are cached")
    check.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                       help="colour the text report: auto (a terminal, unless NO_COLOR is set), always, never")
    check.add_argument("--warn-unused-ignores", action="store_true",
                       help="report `# racefree: ignore` comments that silence no finding (exit 1 if any)")

    commands.add_parser(
        "run",
        help="run a program under the happens-before race detector",
        add_help=False,
        prefix_chars="\0",  # everything after 'run' belongs to the runtime command
    ).add_argument("args", nargs=argparse.REMAINDER)

    fix = commands.add_parser(
        "fix", help="show mechanical fixes as a unified diff (--apply writes them)",
        description="Offer mechanical fixes: per-request values written into a module-level dict get a "
        "per-request copy (a contextvars.ContextVar) that the code the handler calls reads; lost updates and "
        "check-then-act on module-level state get a module-level threading.Lock. A fix that cannot be made "
        "safely is not offered.",
    )
    fix.add_argument("paths", nargs="+", metavar="PATH")
    fix.add_argument("--apply", action="store_true", help="write the fixes to the files")
    fix.add_argument("--no-cache", action="store_true", help="do not read or write the summary cache")

    rules = commands.add_parser("rules", help="list the rules")
    rules.set_defaults(rule_code=None)
    rule = commands.add_parser("rule", help="print one rule's documentation")
    rule.add_argument("rule_code", metavar="CODE")

    report = commands.add_parser(
        "report", help="print one finding as a bug report, by the id 'racefree check' shows",
        description="Run the check on PATH (default: the current directory) and print the finding "
        "whose id starts with ID as a bug report.",
    )
    report.add_argument("finding_id", metavar="ID", help="a finding id, or a prefix of it")
    report.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="what to check (default: .)")
    report.add_argument("--format", choices=["markdown", "text", "json"], default="markdown",
                        help="output format (default: markdown)")
    report.add_argument("--color", choices=COLOR_CHOICES, default="auto", help="colour for --format text")
    report.add_argument("--config", metavar="FILE", help="configuration file, as for check")
    report.add_argument("--exclude", metavar="GLOB", action="append", default=[], help="skip matching files")
    report.add_argument("--no-cache", action="store_true", help="do not read or write the summary cache")
    report.set_defaults(select=None, ignore=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:  # `racefree check . | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


def _dispatch(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        return _run_runtime(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "report":
        return _report(args)
    if args.command == "fix":
        return _fix(args)
    if args.command in ("rules", "rule"):
        return _rules(args.rule_code)
    build_parser().print_help()
    return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    from racefree.engine import CheckOptions
    from racefree.report import render, text_format

    try:
        config = _config(args)
        known = read_baseline(Path(args.baseline)) if args.baseline else None
    except (ConfigError, BaselineError) as exc:
        print(f"racefree: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    options = CheckOptions(
        paths=args.paths, use_cache=not args.no_cache, jobs=args.jobs, cache_dir=args.cache_dir, config=config,
        warn_unused_ignores=args.warn_unused_ignores,
    )
    result = _run_pipeline(options)
    if result is None:
        return EXIT_ERROR
    if args.write_baseline:
        try:
            write_baseline(Path(args.write_baseline), result.findings)
        except OSError as exc:
            print(f"racefree: error: cannot write {args.write_baseline}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
        print(f"racefree: recorded {len(result.findings)} findings in {args.write_baseline}", file=sys.stderr)
        return EXIT_CLEAN
    if known is not None:
        result.findings = new_findings(result.findings, known)
    if args.format == "text":
        sys.stdout.write(text_format.render(result, _palette(args.color), args.paths))
    else:
        sys.stdout.write(render(args.format, result))
    if result.unused_ignores and args.format not in ("text", "json"):  # the others have no place for them
        for unused in result.unused_ignores:
            print(f"racefree: {unused.one_line()}", file=sys.stderr)
    if args.output_dir:
        _write_reports(args.output_dir, result)
    for error in result.errors:
        print(f"racefree: {error.one_line()}", file=sys.stderr)
    if result.usage_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings or result.unused_ignores else EXIT_CLEAN


def _run_pipeline(options):
    """The check's result, with a progress line on a terminal; None after a one-line error."""
    from racefree.engine import run_check
    from racefree.progress import ProgressLine

    progress = ProgressLine()
    options.progress = progress
    try:
        try:
            return run_check(options)
        finally:
            progress.clear()  # before any message, which would land on the progress line
    except KeyboardInterrupt:
        print("racefree: interrupted", file=sys.stderr)
        return None
    except Exception as exc:  # a bug of ours: one line for the user, the details on request
        if os.environ.get("RACEFREE_DEBUG"):
            raise
        print(f"racefree: internal error: {type(exc).__name__}: {exc} "
              f"(set RACEFREE_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return None


def _palette(choice: str):
    from racefree.report.colour import Palette, wants_colour

    return Palette(wants_colour(choice, sys.stdout))


def _report(args: argparse.Namespace) -> int:
    """`racefree report ID [PATH...]`: one finding, by the id (or a prefix of it) check prints."""
    import dataclasses

    from racefree.engine import CheckOptions
    from racefree.finding_ids import findings_with_id, is_valid_id, short_id

    if not is_valid_id(args.finding_id):
        print(f"racefree: error: {args.finding_id!r} is not a finding id (hex digits, as 'racefree check' "
              f"prints them)", file=sys.stderr)
        return EXIT_ERROR
    try:
        config = _config(args)
    except ConfigError as exc:
        print(f"racefree: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    result = _run_pipeline(CheckOptions(paths=args.paths, use_cache=not args.no_cache, config=config))
    if result is None:
        return EXIT_ERROR
    for error in result.errors:
        print(f"racefree: {error.one_line()}", file=sys.stderr)
    matches = findings_with_id(result.findings, args.finding_id)
    if not matches:
        print(f"racefree: error: no finding with id {args.finding_id} in {' '.join(args.paths)} "
              f"('racefree check' prints each finding's id)", file=sys.stderr)
        return EXIT_ERROR
    if len({f.fingerprint() for f in matches}) > 1:
        print(f"racefree: error: id {args.finding_id} matches {len(matches)} findings; give more of it:",
              file=sys.stderr)
        for finding in matches:
            print(f"  {short_id(finding)}  {finding.rule} {finding.file}:{finding.line}:{finding.col} "
                  f"{finding.object}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(_render_matches(args, dataclasses.replace(result, findings=matches)))
    return EXIT_CLEAN


def _render_matches(args: argparse.Namespace, result) -> str:
    """The finding (rarely several with one fingerprint) alone, in the format asked for."""
    from racefree.report import json_format, markdown_format, text_format

    if args.format == "json":
        return json_format.render(result)
    if args.format == "text":
        palette = _palette(args.color)
        return "\n".join("\n".join(text_format.render_finding(f, palette, args.paths)) + "\n"
                         for f in result.findings)
    return markdown_format.RULE_LINE.join(markdown_format.render_finding(f, level=1) for f in result.findings)


def _fix(args: argparse.Namespace) -> int:
    from racefree.discover import discover
    from racefree.engine import CheckOptions, run_check

    try:
        from racefree.fix import propose_fixes
    except ImportError:
        print("racefree: error: racefree fix needs libcst: pip install 'racefree[fix]'", file=sys.stderr)
        return EXIT_ERROR
    from racefree.engine import load_program

    result = run_check(CheckOptions(paths=args.paths, use_cache=not args.no_cache))
    modules = {f.path: f.module for f in discover(args.paths).files}
    fixes, not_fixed = propose_fixes(result.findings, modules, load_program(args.paths, use_cache=not args.no_cache))
    for fix in fixes:
        if args.apply:
            Path(fix.path).write_text(fix.after, encoding="utf-8")
            print(f"racefree: fixed {len(fix.findings)} finding(s) in {fix.path}", file=sys.stderr)
        else:
            sys.stdout.write(fix.diff())
    if not_fixed:
        print(f"racefree: {len(not_fixed)} finding(s) have no safe mechanical fix; see 'racefree check' "
              f"for the advice", file=sys.stderr)
    return EXIT_CLEAN if args.apply or not fixes else EXIT_FINDINGS


def _config(args: argparse.Namespace):
    """[tool.racefree] from --config or the nearest pyproject.toml, then the flags on top."""
    from pathlib import Path

    from racefree.config import find_pyproject, load_config

    path = Path(args.config) if args.config else find_pyproject(Path.cwd())
    if args.config and not path.is_file():
        raise ConfigError(f"{args.config}: no such configuration file")
    config = load_config(path)
    if args.select:
        config.select = [c.strip().upper() for c in args.select.split(",") if c.strip()]
    if args.ignore:
        config.ignore += [c.strip().upper() for c in args.ignore.split(",") if c.strip()]
    config.exclude += args.exclude
    return config


def _write_reports(directory: str, result) -> None:
    from pathlib import Path

    from racefree.report.markdown_format import render_each

    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in render_each(result):
            (folder / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"racefree: cannot write reports to {directory}: {exc.strerror or exc}", file=sys.stderr)


def _rules(code: str | None) -> int:
    from racefree.rules import ALL_RULES, rule_by_code

    if code is None:
        for rule in ALL_RULES:
            print(f"{rule.code}  {rule.name:<34} {rule.summary}")
        return EXIT_CLEAN
    rule = rule_by_code(code)
    if rule is None:
        print(f"racefree: error: no rule {code!r} (see 'racefree rules')", file=sys.stderr)
        return EXIT_ERROR
    print(rule.documentation())
    return EXIT_CLEAN


def _run_runtime(argv: list[str]) -> int:
    try:
        from racefree.runtime.command import main as runtime_main
    except ImportError:
        print("racefree: error: the runtime detector is not available in this build", file=sys.stderr)
        return EXIT_ERROR
    return runtime_main(argv)
