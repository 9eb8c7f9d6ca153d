"""Access sites: one entry per probe inserted into rewritten code.

The rewritten code passes a small integer; the static facts about that spot (file, line, what
the expression looks like) live here, so probes stay cheap and reports can still be precise.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    module: str
    file: str
    line: int
    column: int
    expression: str  # source text of the accessed object, e.g. "server_config"


_SITES: list[Site] = []


def register(site: Site) -> int:
    _SITES.append(site)
    return len(_SITES) - 1


def get(site_id: int) -> Site:
    return _SITES[site_id]
