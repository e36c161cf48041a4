"""Text from the input shown on a terminal, made harmless.

Ids, file names and reasons that quote the input can hold line breaks,
carriage returns and escape codes: printed as they are, a file name could
forge a summary line or recolour the terminal.  :func:`safe_for_terminal`
writes every such character as a visible escape (``\\n``, ``\\x1b``,
``\\u202e``) so one printed line stays one line.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def safe_for_terminal(text: object) -> str:
    """``str(text)`` with control characters (C0, DEL, C1), line and
    paragraph separators, bidirectional overrides and lone surrogates
    written as escapes; other characters unchanged."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c == " " or c.isprintable() or unicodedata.category(c) in ("Mn", "Mc", "Zs")
                   and unicodedata.category(c) != "Cf" else _escape(c) for c in text)
