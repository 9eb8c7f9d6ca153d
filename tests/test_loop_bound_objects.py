"""An object that keeps an event loop's locks (and whose module uses no threads) lives on that
loop: its plain methods run one at a time on the loop's thread, whoever calls them, so a test and
an act with no await between them do not race. The same connection guarded by thread locks is
shared between threads and its check-then-act is reported."""

import json
from pathlib import Path

from racefree.cli import main

DATA = Path(__file__).parent / "data" / "loop_bound_connections"


def test_only_the_thread_guarded_connection_is_reported(capsys, monkeypatch):
    monkeypatch.chdir(DATA)
    main(["check", "ws", "--format", "json", "--no-cache"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["object"]) for f in findings] == [
        ("RF104", "ws.blocking.BlockingConnection.data_finished_fut")]
