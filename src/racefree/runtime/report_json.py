"""JSON report: a function of the races alone."""

from __future__ import annotations

import json

from racefree import __version__
from racefree.runtime.findings import Race
from racefree.runtime.report_text import summary


def render(races: list[Race]) -> str:
    document = {
        "tool": "racefree run",
        "version": __version__,
        "races": [race.to_json() for race in races],
        "summary": summary(races),
    }
    return json.dumps(document, indent=2) + "\n"
