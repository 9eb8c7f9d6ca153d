"""`racefree run`: run a program or a test suite under the happens-before race detector.

Usage
-----
    racefree run [OPTIONS] -- python app.py ARGS      # a script ("python"/"python3": this interpreter)
    racefree run [OPTIONS] -m package.module ARGS     # a module, like python -m
    racefree run [OPTIONS] app.py ARGS                # a script, directly
    racefree run [OPTIONS] -- pytest ARGS             # a test suite, in-process
    racefree run [OPTIONS] -- CONSOLE_SCRIPT ARGS     # a Python console script found on PATH

The program runs in this interpreter, like `coverage run`. Races are reported when it ends
(normally, by sys.exit, by an exception, or by SIGTERM/SIGINT, which stop it as Ctrl-C would).

Options
-------
    --trace PKG       also instrument the installed package PKG (repeatable), e.g. --trace optillm
    --no-project      do not instrument the project's own files (only --trace packages)
    --format FMT      text (default, TSan-like) or json
    --output FILE     write the report to FILE instead of stderr
    --exitcode N      exit status when races were found (default 66, as ThreadSanitizer)

Exit status: N (66) when at least one race was found; otherwise the program's own exit status;
2 for a usage error.

What is checked
---------------
By default the project's own modules are instrumented: .py files under the current directory,
excluding the standard library and installed packages (site-packages, a virtualenv). Their
source is rewritten at import time (never cached to disk) to record:

* reads and writes of module-level names that functions rebind (`global x`);
* the contents of module-level objects: `G[k]`, `G[k] = v`, `del G[k]`, `G.attr`, `G.attr[k]`,
  dict/list/set/deque methods (`G.get(k)`, `G.append(x)`, ...), `k in G`, iteration, `len(G)`;
* class attributes (`Counter.hits += 1`).

`threading.local`, `ContextVar` and Flask/Werkzeug context proxies are per-thread by design
and never reported. Not covered: attributes reached through `self` or local aliases, objects
that never sit in a module-level name, and C extensions.

Two accesses race when at least one writes and neither happens-before the other. Every thread
and every asyncio task is a logical thread with a vector clock; a race is reported even when
this run's timing happened to keep the accesses apart. Happens-before comes from:

* thread start and join; `concurrent.futures` submit -> task -> result()/exception();
  `loop.run_in_executor`;
* asyncio: a task's creation orders its start, awaiting a task or future orders its end;
* Lock, RLock, Condition, Semaphore, Event, Barrier and queue.Queue (put -> get, task_done ->
  join), and asyncio Lock, Semaphore, Event, Condition and Queue, when created by traced code
  (locks a library creates for its own bookkeeping order nothing: honouring them would make
  detection depend on the schedule);
* servers: a response sent on an accepted socket is ordered before later `accept()`s, since a
  client can only react to what it received. Overlapping requests stay unordered.

Each race is reported once per pair of code sites, with how often the pair raced: the location
(`module.name[key]`), the access and the previous conflicting access with their threads and full
stacks, and where each thread or task was created, then a one-line SUMMARY.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field

from racefree.runtime import program
from racefree.runtime import report_json, report_text
from racefree.runtime.scope import TraceScope
from racefree.runtime.session import Session

DEFAULT_EXITCODE = 66
EXIT_USAGE = 2
PYTHON_NAMES = ("python", "python3", f"python3.{sys.version_info.minor}")


class UsageError(Exception):
    pass


@dataclass
class RunOptions:
    trace: list[str] = field(default_factory=list)
    include_project: bool = True
    format: str = "text"
    output: str | None = None
    exitcode: int = DEFAULT_EXITCODE
    target: program.Target | None = None


def main(argv: list[str]) -> int:
    try:
        options = parse(argv)
    except UsageError as error:
        print(f"racefree run: error: {error}", file=sys.stderr)
        print("usage: racefree run [--trace PKG] [--format text|json] [--output FILE] "
              "[--exitcode N] (-m MODULE | -- python SCRIPT | -- pytest | SCRIPT) [ARGS]",
              file=sys.stderr)
        return EXIT_USAGE
    return run(options)


def parse(argv: list[str]) -> RunOptions:
    options = RunOptions()
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--":
            options.target = _target_from_command(args)
            break
        if arg == "-m":
            if not args:
                raise UsageError("-m needs a module name")
            options.target = program.Target("module", args[0], args[1:])
            break
        if arg in ("-h", "--help"):
            print(__doc__)
            raise SystemExit(0)
        if arg.startswith("--") and "=" in arg:
            arg, value = arg.split("=", 1)
            args.insert(0, value)
        if arg == "--trace":
            options.trace.append(_value(arg, args))
        elif arg == "--no-project":
            options.include_project = False
        elif arg == "--format":
            options.format = _value(arg, args)
            if options.format not in ("text", "json"):
                raise UsageError(f"--format must be text or json, not {options.format!r}")
        elif arg == "--output":
            options.output = _value(arg, args)
        elif arg == "--exitcode":
            value = _value(arg, args)
            if not value.isdigit() or not 0 <= int(value) <= 255:
                raise UsageError(f"--exitcode must be a number from 0 to 255, not {value!r}")
            options.exitcode = int(value)
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg!r}")
        else:
            options.target = _target_from_command([arg, *args])
            break
    if options.target is None:
        raise UsageError("nothing to run")
    return options


def _value(option: str, args: list[str]) -> str:
    if not args:
        raise UsageError(f"{option} needs a value")
    return args.pop(0)


def _target_from_command(command: list[str]) -> program.Target:
    if not command:
        raise UsageError("nothing to run after '--'")
    word, rest = command[0], command[1:]
    if os.path.basename(word) in PYTHON_NAMES or os.path.abspath(word) == sys.executable:
        return _python_arguments(rest)
    if os.path.basename(word) in ("pytest", "py.test"):
        return program.Target("pytest", "pytest", rest)
    if word.endswith(".py") or os.path.isfile(word):
        if not os.path.isfile(word):
            raise UsageError(f"no such file: {word}")
        return program.Target("script", word, rest)
    found = shutil.which(word)
    if found and program.is_python_script(found):
        return program.Target("script", found, rest)
    raise UsageError(
        f"cannot run {word!r} in-process: give python, pytest, a .py file, or a Python console script")


def _python_arguments(args: list[str]) -> program.Target:
    while args and args[0].startswith("-") and args[0] not in ("-m", "-c", "-"):
        args = args[1:]  # interpreter flags such as -u or -X dev do not change what runs
    if not args:
        raise UsageError("python needs a script or -m MODULE (an interactive session cannot be traced)")
    if args[0] == "-m":
        if len(args) < 2:
            raise UsageError("-m needs a module name")
        return program.Target("module", args[1], args[2:])
    if args[0] == "-c":
        if len(args) < 2:
            raise UsageError("-c needs a command")
        return program.Target("code", args[1], args[2:])
    if not os.path.isfile(args[0]):
        raise UsageError(f"no such file: {args[0]}")
    return program.Target("script", args[0], args[1:])


def run(options: RunOptions) -> int:
    scope = TraceScope(os.getcwd(), options.trace, options.include_project)
    session = Session(scope, leave_to_pytest=options.target.kind == "pytest")
    session.start()
    restore_signals = _stop_on_termination()
    try:
        status = program.execute(options.target, scope)
    except program.TargetError as error:
        session.stop()
        print(f"racefree run: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        restore_signals()
    _join_remaining_threads()
    races = session.stop()
    _write_report(options, races)
    return options.exitcode if races else status


def _stop_on_termination():
    """SIGTERM stops the program like Ctrl-C, so a server's races still get reported."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _join_remaining_threads() -> None:
    """What the interpreter does at exit, before reporting: run the threading atexit hooks
    (which stop executors' workers), then wait for the remaining non-daemon threads."""
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        threading._shutdown()
    except (AttributeError, RuntimeError, KeyboardInterrupt):
        pass


def _write_report(options: RunOptions, races) -> None:
    renderer = report_json if options.format == "json" else report_text
    text = renderer.render(races)
    if options.output:
        try:
            with open(options.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            print(f"racefree run: error: cannot write report: {error}", file=sys.stderr)
            sys.stderr.write(text)
        return
    if options.format == "text" and not races:
        text = report_text.summary(races) + "\n"
    try:
        sys.stderr.flush()
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        traceback.print_exc()
