# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Text from an API or an exception is data: made safe before it reaches a log line, a summary, a warning or a message.

A task name with an ESC sequence, a CR or a newline could otherwise repaint a
CI log or forge whole lines ("ok:", "PASSED"); a 200,000-character name would
flood every progress block. Returned data keeps the original values: only
what is printed goes through ``safe_text``.

``safe_text`` is idempotent: text it already made safe passes through it
unchanged (``safe_text(safe_text(x, n), m) == safe_text(x, n)`` for ``m`` 0, or
``m`` at least ``n`` when ``n`` is not 0). So a value is made safe where it is put into a line (cut to
its own limit, so that one long field does not push the rest of the line
out), an error message may be made safe where it is raised, and the output
boundary (the module's ``warn``/``fail``, the action's lines and result)
passes everything through it once more, without escaping anything twice.
That is why a backslash is not escaped: ``\\x1b`` written by an API and an
escaped ESC look alike, which is harmless, whereas escaping backslashes would
double them at every layer.
"""

from __future__ import annotations

import re
from typing import Any, Callable

# The longest API value a line shows; longer ones are cut with a marker saying how much was left out.
DEFAULT_LIMIT = 200
# The longest error text a line shows: errors carry the provider's code, HTTP status and request id at their end.
ERROR_LIMIT = 1000
# A whole message, warning or line at the output boundary, after its fields were cut to their own limits.
MESSAGE_LIMIT = 20000
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CUT_MARKER = re.compile(r"\.\.\.\[(\d{1,18}) more characters\]\Z")


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    # Not printable: controls, format characters (bidi overrides, zero-width), line separators,
    # unassigned and private code points, spaces other than " ".
    if not char.isprintable():
        code = ord(char)
        return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code if code < 0x10000 else "\\U%08x" % code
    return char


def safe_text(value: Any, limit: int = DEFAULT_LIMIT) -> str:
    """``value`` as one printable line: control characters shown escaped, cut to ``limit`` shown characters with a marker.

    ``limit`` 0 escapes without cutting. The marker (``...[N more characters]``)
    comes after the ``limit`` characters; a text that already ends with one keeps
    it and adds what a smaller limit leaves out.
    """
    text = value if isinstance(value, str) else str(value)
    left_out = 0
    marker = _CUT_MARKER.search(text)
    if marker is not None:
        text, left_out = text[:marker.start()], int(marker.group(1))
    if not text.isprintable():
        pieces = [_escape(char) for char in text]
        shown = "".join(pieces)
    else:
        pieces, shown = [], text
    if limit and len(shown) > limit:
        if not pieces:
            left_out += len(text) - limit
            shown = text[:limit]
        else:
            # Cut between escapes, never inside one; count the characters of the value left out.
            length = kept = 0
            for piece in pieces:
                if length + len(piece) > limit:
                    break
                length += len(piece)
                kept += 1
            left_out += len(pieces) - kept
            shown = "".join(pieces[:kept])
    return shown + ("...[%d more characters]" % left_out if left_out else "")


class Show:
    """``safe_text`` after redaction: ``show(value)`` is what a line may print of an API value.

    Secrets are masked before the cut, so a secret that the cut would split is
    still found whole.
    """

    def __init__(self, redact: Callable[[str], str] | None = None) -> None:
        self._redact = redact

    def __call__(self, value: Any, limit: int = DEFAULT_LIMIT) -> str:
        text = value if isinstance(value, str) else str(value)
        return safe_text(self._redact(text) if self._redact is not None else text, limit)


SHOW = Show()


def format_seconds(seconds: float) -> str:
    """``4.5s`` below ten seconds, else whole seconds (``46s``)."""
    return "%.1fs" % seconds if seconds < 10 else "%ds" % round(seconds)
