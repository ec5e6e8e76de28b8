# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Masking of secrets in any text shown to users (messages, URLs, headers, bodies)."""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "********"

# Values of these names are secret wherever they appear: query strings, form
# bodies, header lines, JSON and Python dict reprs.
SENSITIVE_HEADERS = ("Authorization", "X-Auth-Token", "X-Security-Token", "X-Subject-Token")
SENSITIVE_NAMES = SENSITIVE_HEADERS + (
    "Signature",
    "PrivateKey",
    "private_key",
    "secret_key",
    "security_token",
    "auth_token",
)

_NAMES = "|".join(re.escape(name) for name in SENSITIVE_NAMES)
# name="value" / 'name': 'value' / "name": "value" (JSON, dict reprs, header dumps)
_QUOTED_VALUE = re.compile(r"""(?i)(?<![\w-])((?:%s)["']?\s*[:=]\s*)(["'])(.*?)(?<!\\)\2""" % _NAMES)
# name=value in query strings and form bodies, up to the next separator
_QUERY_VALUE = re.compile(r"""(?i)(?<![\w-])((?:%s)=)(?!["'])[^&\s"'<>,;]+""" % _NAMES)
# Header line "Name: value": the value runs to the end of the line. Option
# names are left out so that "private_key: must be set" stays readable.
_HEADER_VALUE = re.compile(
    r"""(?im)(?<![\w-])((?:%s):[ \t]*)(?!["'])[^\r\n]+""" % "|".join(re.escape(name) for name in SENSITIVE_HEADERS)
)


# Signatures are hex digests (UCloud SHA-1, Huawei HMAC-SHA256): found as runs of hex digits.
_HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")


def _encoded_forms(secret: str) -> set[str]:
    """The spellings a secret can take inside URLs, form bodies, JSON and Python reprs (requests quotes bad header values so)."""
    forms = {secret, quote(secret, safe=""), quote(secret, safe="/~"), quote_plus(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    forms.update({form.lower() for form in forms if "%" in form})
    return {form for form in forms if form}


class Redactor:
    """Replaces known secret values and the values of sensitive names by ``********``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._forms: list[str] = []
        self._signatures: set[str] = set()
        self._signature_lengths: frozenset[int] = frozenset()
        self.add(*secrets)

    def add_signatures(self, *values: str | None) -> None:
        """Register the signatures in ``values`` (a UCloud ``Signature``, a Huawei ``Authorization`` header value).

        Each request has its own, so a long wait registers thousands: they are looked up per hex run
        of a text rather than searched for one by one, and found in any letter case. A UCloud signature
        carries no timestamp, so one that is shown could be replayed for ever.
        """
        for value in values:
            for run in _HEX_RUN.findall(value or ""):
                self._signatures.add(run.lower())
                if len(run) not in self._signature_lengths:
                    self._signature_lengths = self._signature_lengths | {len(run)}

    def _mask_signatures(self, match: re.Match[str]) -> str:
        run = match.group(0)
        lowered = run.lower()
        if lowered in self._signatures:
            return MASK
        # A signature inside a longer run of hex digits.
        masked = [False] * len(run)
        for length in self._signature_lengths:
            for start in range(len(run) - length + 1):
                if lowered[start:start + length] in self._signatures:
                    masked[start:start + length] = [True] * length
        if not any(masked):
            return run
        pieces = [MASK if hidden else char for hidden, char in zip(masked, run)]
        return re.sub(re.escape(MASK) + "+", MASK, "".join(pieces))

    def add(self, *secrets: str | None) -> None:
        forms = set(self._forms)
        for secret in secrets:
            if secret:
                forms.update(_encoded_forms(str(secret)))
        # Longest first, so a secret that contains another is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def text(self, value: t.Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        text = str(value)
        for form in self._forms:
            text = text.replace(form, MASK)
        if self._signatures:
            text = _HEX_RUN.sub(self._mask_signatures, text)
        text = _QUOTED_VALUE.sub(lambda m: m.group(1) + m.group(2) + MASK + m.group(2), text)
        text = _QUERY_VALUE.sub(lambda m: m.group(1) + MASK, text)
        return _HEADER_VALUE.sub(lambda m: m.group(1) + MASK, text)

    def snippet(self, body: bytes | str, limit: int = 120) -> str:
        """A short, single-line, redacted excerpt of a response body."""
        # Redact before cutting so a secret split by the cut is still found.
        text = " ".join(self.text(body).split())
        if len(text) > limit:
            text = text[:limit] + "..."
        return text
