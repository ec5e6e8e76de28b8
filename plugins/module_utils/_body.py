# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An answer's body with every Content-Encoding layer undone, under a size cap (``_transport.py`` reads the bytes).

Decoding goes a step at a time, so a small compressed answer that would decode to gigabytes (a "bomb") costs
``MAX_BODY_BYTES`` of memory at most before it is refused.
"""

from __future__ import annotations

import zlib

# The most bytes one answer may have, after every Content-Encoding is decoded: a page of tasks is well
# under 1 MiB, so this only stops an answer that would exhaust the memory of the host running the module.
MAX_BODY_BYTES = 32 * 1024 * 1024
# Encodings decoded here, each under MAX_BODY_BYTES; only these are asked for.
_ENCODINGS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # zlib wbits: 31 a gzip stream, 15 a zlib stream
ACCEPT_ENCODING = "gzip, deflate"
_MAX_ENCODING_LAYERS = 3
_INFLATE_STEP = 1024 * 1024


class Undecodable(Exception):
    """A body that cannot be used: ``description`` says why, ``truncated`` that the stream ended early."""

    def __init__(self, description: str, truncated: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.truncated = truncated


class TooLarge(Undecodable):
    """A body that decodes to more than the cap."""


def size_text(size: int) -> str:
    """``32 MiB``, or ``1025 bytes`` for a size that is not whole MiB."""
    return "%d MiB" % (size // (1024 * 1024)) if size % (1024 * 1024) == 0 else "%d bytes" % size


def content_encodings(header: str | None) -> list[str]:
    """The encodings of ``Content-Encoding``, in the order the server applied them (``identity`` left out)."""
    return [name for name in (part.strip().lower() for part in (header or "").split(",")) if name and name != "identity"]


def _inflate(data: bytes, encoding: str, limit: int) -> bytes:
    """``data`` decoded from one ``encoding`` layer, stopped as soon as the result passes ``limit``."""
    try:
        return _inflate_with(data, encoding, _ENCODINGS[encoding], limit)
    except Undecodable as err:
        if encoding != "deflate" or isinstance(err, TooLarge) or err.truncated:
            raise
    # Some servers send deflate without its zlib wrapper; browsers and urllib3 accept that too.
    return _inflate_with(data, encoding, -15, limit)


def _inflate_with(data: bytes, encoding: str, wbits: int, limit: int) -> bytes:
    """Decoded a step at a time, so a bomb costs ``limit`` bytes of memory and no more."""
    parts: list[bytes] = []
    size = 0
    members = 0
    while data:
        members += 1
        decoder = zlib.decompressobj(wbits)
        pending = data
        while True:
            room = min(_INFLATE_STEP, limit + 1 - size)
            try:
                part = decoder.decompress(pending, room)
            except zlib.error:
                if members > 1:  # bytes after a complete stream are ignored, as browsers and urllib3 do
                    return b"".join(parts)
                raise Undecodable("%s body that does not decode" % encoding) from None
            size += len(part)
            if size > limit:
                raise TooLarge("decodes (%s) to more than %s" % (encoding, size_text(limit)))
            parts.append(part)
            progressed = bool(part) or len(decoder.unconsumed_tail) < len(pending)
            pending = decoder.unconsumed_tail
            if decoder.eof or not progressed or (not pending and len(part) < room):
                break
        if not decoder.eof:
            raise Undecodable("%s body cut short" % encoding, truncated=True)
        data = decoder.unused_data if encoding != "deflate" else b""
    return b"".join(parts)


def decode_body(raw: bytes, encodings: list[str], limit: int = MAX_BODY_BYTES) -> bytes:
    """``raw`` with every Content-Encoding layer undone, each under ``limit``; raises ``Undecodable``."""
    unknown = [name for name in encodings if name not in _ENCODINGS]
    if unknown:
        raise Undecodable("Content-Encoding %s, which was not asked for and cannot be decoded" % ", ".join(unknown))
    if len(encodings) > _MAX_ENCODING_LAYERS:
        raise Undecodable("%d stacked Content-Encodings (%s)" % (len(encodings), ", ".join(encodings)))
    for encoding in reversed(encodings):  # the last one listed was applied last
        raw = _inflate(raw, encoding, limit)
    return raw
