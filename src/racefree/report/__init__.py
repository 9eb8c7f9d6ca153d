"""Output formats: each is a function of the check result alone."""

from __future__ import annotations

from racefree.report import json_format, text_format

FORMATS = {"text": text_format.render, "json": json_format.render}


def render(name: str, result) -> str:
    return FORMATS[name](result)
