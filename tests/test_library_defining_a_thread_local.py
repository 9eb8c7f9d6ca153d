"""Where the analysed code is the library that defines a per-thread class (asgiref's own
`asgiref.local.Local`), its instances are per-thread storage there too, as they are in the
programs that import it: a value saved, set and put back on one is each thread's own. The same
save/set/restore on a plain namespace shared by the class is reported."""

import json
from pathlib import Path

from racefree.cli import main

DATA = Path(__file__).parent / "data" / "library_defining_a_thread_local"


def test_only_the_plain_namespace_is_reported(capsys, monkeypatch):
    monkeypatch.chdir(DATA)
    main(["check", "asgiref", "--format", "json", "--no-cache"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["object"]) for f in findings] == [("RF108", "asgiref.local.Namespace.current")]
