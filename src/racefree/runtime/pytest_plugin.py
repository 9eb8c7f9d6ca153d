"""pytest plugin: `pytest --racefree` runs the suite under the race detector.

    pytest --racefree                        instrument the project's modules; races fail the run
    pytest --racefree --racefree-threads 4   also run each test body in 4 threads at once
    pytest --racefree --racefree-trace PKG   also instrument the installed package PKG

Test modules and conftest.py files are left to pytest (which rewrites their asserts); the code
they exercise is what gets instrumented. A run that found races ends with exit status 1 and a
"racefree" section listing them, even if every test passed.
"""

from __future__ import annotations

import inspect
import os
import threading

import pytest

from racefree.runtime import report_text, session as sessions
from racefree.runtime.scope import TraceScope
from racefree.runtime.session import Session

_session: Session | None = None
_races: list = []


def pytest_addoption(parser):
    group = parser.getgroup("racefree", "racefree happens-before race detector")
    group.addoption("--racefree", action="store_true", default=False,
                    help="run the tests under racefree's race detector; races fail the session")
    group.addoption("--racefree-threads", type=int, default=1, metavar="N",
                    help="run each test body in N threads at once to drive concurrency")
    group.addoption("--racefree-trace", action="append", default=[], metavar="PKG",
                    help="also instrument the installed package PKG (repeatable)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Before conftest.py files import project code, so module-level locks are tracked too.
    global _session
    options = early_config.known_args_namespace
    if not getattr(options, "racefree", False) or sessions.active is not None:
        return  # not asked for, or already under `racefree run`, which reports itself
    if options.racefree_threads < 1:
        raise pytest.UsageError("--racefree-threads must be at least 1")
    scope = TraceScope(str(early_config.rootpath or os.getcwd()), options.racefree_trace)
    _session = Session(scope, leave_to_pytest=True)
    _session.start()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    threads = pyfuncitem.config.getoption("racefree_threads", 1)
    if sessions.active is None or threads <= 1 or inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    arguments = {name: pyfuncitem.funcargs[name] for name in names}
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def body():
        start.wait()
        try:
            pyfuncitem.obj(**arguments)
        except BaseException as error:  # re-raised in the test's own thread below
            errors.append(error)

    workers = [threading.Thread(target=body, name=f"racefree-test-{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    global _session, _races
    if _session is None:
        return
    _races = _session.stop()
    _session = None
    if _races and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not terminalreporter.config.getoption("racefree", False) or sessions.active is not None:
        return
    terminalreporter.section("racefree")
    if _races:
        terminalreporter.write(report_text.render(_races))
    else:
        terminalreporter.write_line(report_text.summary(_races))
