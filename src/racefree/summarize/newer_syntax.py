"""Python 3.12's type parameter syntax (PEP 695), read on an older Python.

racefree parses with the `ast` of the Python it runs on. A package that needs Python 3.12 may
declare generic functions and classes (`def first[T](items: list[T]) -> T`, `class Box[T]:`) and
type aliases (`type Pair = tuple[int, int]`), which Python 3.11 rejects as syntax errors, so whole
modules would go unanalysed. Type parameters say nothing about what state a program shares, so
`without_type_parameters` rewrites the text into code an older parser accepts, keeping every other
token on its line and column: a parameter list becomes blanks, and `type Pair = ...` becomes an
assignment `Pair = ...`. It returns None where the text holds none of these forms, or where a form
spans lines (blanking it there would end the statement early).
"""

from __future__ import annotations

import io
import token
import tokenize

_LINE_STARTS = {token.NEWLINE, token.NL, token.INDENT, token.DEDENT, token.ENCODING}


def without_type_parameters(text: str) -> str | None:
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type != token.COMMENT]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    lines = io.StringIO(text).readlines()  # split as tokenize counts lines: at newlines only
    edits: list[tuple[int, int, int, str]] = []  # (line, start column, end column, replacement)
    for index, tok in enumerate(tokens):
        if tok.type != token.NAME:
            continue
        if tok.string in ("def", "class") and _is_name(tokens, index + 1) and _is_op(tokens, index + 2, "["):
            closing = _matching_bracket(tokens, index + 2)
            if closing is None or tokens[closing].end[0] != tokens[index + 2].start[0]:
                return None
            line, start = tokens[index + 2].start
            end = tokens[closing].end[1]
            edits.append((line, start, end, " " * (end - start)))
        elif tok.string == "type" and _starts_statement(tokens, index) and _is_name(tokens, index + 1):
            equals = index + 2
            if _is_op(tokens, equals, "["):
                closing = _matching_bracket(tokens, equals)
                if closing is None:
                    return None
                equals = closing + 1
            if not _is_op(tokens, equals, "=") or tokens[equals].start[0] != tok.start[0]:
                continue  # `type = ...` or `type(x)`: the name, not the statement
            line, start = tok.start
            end = tokens[equals].start[1]
            name = tokens[index + 1].string
            edits.append((line, start, end, name.ljust(end - start)))
    if not edits:
        return None
    for line, start, end, replacement in reversed(edits):
        text_line = lines[line - 1]
        lines[line - 1] = text_line[:start] + replacement + text_line[end:]
    return "".join(lines)


def _is_name(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    return index < len(tokens) and tokens[index].type == token.NAME


def _is_op(tokens: list[tokenize.TokenInfo], index: int, text: str) -> bool:
    return index < len(tokens) and tokens[index].type == token.OP and tokens[index].string == text


def _starts_statement(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    if index == 0:
        return True
    before = tokens[index - 1]
    return before.type in _LINE_STARTS or (before.type == token.OP and before.string == ";")


def _matching_bracket(tokens: list[tokenize.TokenInfo], opening: int) -> int | None:
    depth = 0
    for index in range(opening, len(tokens)):
        tok = tokens[index]
        if tok.type == token.OP and tok.string in "([{":
            depth += 1
        elif tok.type == token.OP and tok.string in ")]}":
            depth -= 1
            if depth == 0:
                return index
    return None
