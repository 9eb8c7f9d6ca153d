"""`[tool.racefree]` in pyproject.toml, merged with command-line flags (flags win).

    [tool.racefree]
    exclude = ["migrations/**", "scripts/*.py"]     # globs on paths, relative to the project
    select = ["RF101", "RF102"]                      # only these rules (default: all)
    ignore = ["RF107"]                               # never these rules
    per-file-ignores = {"legacy/*.py" = ["RF103"]}   # rules ignored in matching files

A config that cannot be read or has a wrong key or type is an error naming the key (exit 2).
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KNOWN_KEYS = ("exclude", "select", "ignore", "per-file-ignores")


class ConfigError(Exception):
    """A one-line, user-facing description of what is wrong in the configuration."""


@dataclass(slots=True)
class Config:
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None  # the file it came from

    def rule_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def ignored_in_file(self, code: str, path: str) -> bool:
        return any(
            _matches(path, pattern) and any(code.startswith(prefix) for prefix in codes)
            for pattern, codes in self.per_file_ignores.items()
        )

    def excluded(self, path: str) -> bool:
        return any(_matches(path, pattern) for pattern in self.exclude)


def _matches(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, f"*/{pattern}")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.racefree] table, from start upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "racefree" in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                return candidate  # a broken file that may be ours: let load_config say what is wrong
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = _read_toml(path)
    table = data.get("tool", {}).get("racefree", {}) if path.name == "pyproject.toml" else data.get("tool", {}).get("racefree", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.racefree] must be a table")
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{path}: unknown key tool.racefree.{key} (known: {', '.join(KNOWN_KEYS)})")
    return Config(
        exclude=_string_list(path, table, "exclude"),
        select=[c.upper() for c in _string_list(path, table, "select")],
        ignore=[c.upper() for c in _string_list(path, table, "ignore")],
        per_file_ignores=_per_file_ignores(path, table),
        source=str(path),
    )


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _string_list(path: Path, table: dict, key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: tool.racefree.{key} must be a list of strings")
    return value


def _per_file_ignores(path: Path, table: dict) -> dict[str, list[str]]:
    value = table.get("per-file-ignores", {})
    if not isinstance(value, dict) or not all(
        isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in value.values()
    ):
        raise ConfigError(f"{path}: tool.racefree.per-file-ignores must map globs to lists of rule codes")
    return {pattern: [c.upper() for c in codes] for pattern, codes in value.items()}
