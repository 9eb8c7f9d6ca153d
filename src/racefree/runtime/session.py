"""Start and stop the detector: patches, import hook, main logical thread, race log."""

from __future__ import annotations

import fnmatch
import os
import threading

from racefree.runtime import detector, importer, sync_asyncio, sync_socket
from racefree.runtime.findings import Race, RaceLog
from racefree.runtime.scope import TraceScope
from racefree.runtime.sync_threading import Patches

# pytest rewrites these itself (assertion rewriting); they are the harness, not the code tested.
PYTEST_OWNED = ("test_*.py", "*_test.py", "conftest.py")


def is_pytest_owned(filename: str) -> bool:
    name = os.path.basename(filename or "")
    return any(fnmatch.fnmatch(name, pattern) for pattern in PYTEST_OWNED)


# The running session, if any: `racefree run -- pytest --racefree` must not start a second one.
active: Session | None = None


class Session:
    def __init__(self, scope: TraceScope, leave_to_pytest: bool = False):
        self.scope = scope
        self.log = RaceLog()
        self._patches = Patches(scope.traces_file)
        self._finder = importer.RewritingFinder(
            scope, skip=is_pytest_owned if leave_to_pytest else (lambda filename: False))

    def start(self) -> None:
        global active
        active = self
        detector.on_race = self._on_race
        main = detector.new_thread(threading.current_thread().name, "main", None, None)
        detector.bind_os_thread(main)
        self._patches.install()
        sync_asyncio.install(self._patches)
        sync_socket.install(self._patches)
        importer.install(self._finder)

    def stop(self) -> list[Race]:
        """Stop recording; code already rewritten keeps its probes but reports nothing more."""
        global active
        active = None
        detector.on_race = _ignore
        importer.uninstall(self._finder)
        self._patches.undo()
        return self.races()

    def races(self) -> list[Race]:
        with detector._internal:
            return self.log.races()

    def _on_race(self, table, key, previous, current) -> None:
        with detector._internal:
            self.log.add(table.describe(key), previous, current)


def _ignore(table, key, previous, current) -> None:
    pass
