# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Text from an API or an exception is data: made safe before it reaches a log line, a summary, a warning or a message.

A task name with an ESC sequence, a CR or a newline could otherwise repaint a
CI log or forge whole lines ("ok:", "PASSED"); a 200,000-character name would
flood every progress block. Returned data keeps the original values: only
what is printed goes through ``safe_text``.
"""

from __future__ import annotations

from typing import Any

# The longest API value a line shows; longer ones are cut with a marker saying how much was left out.
DEFAULT_LIMIT = 200
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


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
    """``value`` as one printable line: control characters shown escaped, cut to ``limit`` characters with a marker."""
    text = value if isinstance(value, str) else str(value)
    cut = len(text) - limit if limit and len(text) > limit else 0
    if cut:
        text = text[:limit]
    escaped = "".join(_escape(char) for char in text) if not text.isprintable() or "\\" in text else text
    return escaped + ("...[%d more characters]" % cut if cut else "")
