"""Bytes of one file -> a ModuleSummary. Pure: the result depends on the bytes, the module name
and the tool version only, so it can run in a worker process and be cached by content hash."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass

from racefree.summarize.model import ModuleSummary
from racefree.summarize.newer_syntax import without_type_parameters
from racefree.summarize.older_syntax import as_python3
from racefree.summarize.store_api_updates import may_write_stores
from racefree.summarize.visitor import ModuleSummarizer

# Files beyond this size are generated code or data; parsing them costs more than it tells.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be analysed, with a one-line reason."""

    path: str
    message: str
    line: int | None = None

    def one_line(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def summarize_source(data: bytes, path: str, module: str, is_package: bool) -> ModuleSummary | FileError:
    if len(data) > MAX_FILE_BYTES:
        return FileError(path, f"skipped: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return FileError(path, f"skipped: not valid text in its declared encoding ({_reason(exc)})")
    try:
        tree = _parse(data, text, path)
    except SyntaxError as exc:
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        return FileError(path, f"skipped: syntax error: {exc.msg} (parsed as Python {running})", exc.lineno)
    except (RecursionError, MemoryError):
        return FileError(path, "skipped: too deeply nested to parse")
    except ValueError as exc:  # e.g. source contains null bytes
        return FileError(path, f"skipped: cannot parse: {exc}")
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    try:
        return ModuleSummarizer(module, path, is_package, lines, ":=" in text,
                                may_write_stores(text)).summarize(tree)
    except RecursionError:
        return FileError(path, "skipped: too deeply nested to analyse")


def _parse(data: bytes, text: str, path: str) -> ast.Module:
    try:
        # From the bytes: the same tree, but parsing a str first encodes it back to UTF-8.
        return ast.parse(data, filename=path)
    except (SyntaxError, ValueError):
        return parse_text(text, path)  # raises again, as the text reads


def parse_text(text: str, path: str) -> ast.Module:
    """The module's tree; on a Python older than 3.12, also when it uses type parameter syntax;
    and when it still holds Python 2 statements (`except ValueError, e:`)."""
    try:
        return ast.parse(text, filename=path)
    except SyntaxError:
        pass
    rewrites = (without_type_parameters, as_python3) if sys.version_info < (3, 12) else (as_python3,)
    for rewrite in rewrites:
        rewritten = rewrite(text)
        if rewritten is None:
            continue
        try:
            return ast.parse(rewritten, filename=path)
        except SyntaxError:
            continue
    return ast.parse(text, filename=path)  # the error as the file reads


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
