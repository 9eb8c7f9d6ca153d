"""Output formats: each is a function of the check result alone."""

from __future__ import annotations

from racefree.report import github_format, json_format, markdown_format, sarif_format, text_format

FORMATS = {
    "text": text_format.render,
    "json": json_format.render,
    "sarif": sarif_format.render,
    "github": github_format.render,
    "markdown": markdown_format.render,
}


def render(name: str, result) -> str:
    return FORMATS[name](result)
