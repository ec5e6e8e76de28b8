# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""UCloud API parameter signature: flatten, encode, sort by code point, SHA-1.

Pure functions without I/O. The algorithm is described in docs/api-reference.md ("UCloud signature").
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

PUBLIC_KEY_PARAM = "PublicKey"
SIGNATURE_PARAM = "Signature"


def _plain_number(number: Decimal) -> str:
    # The official SDK notes that the API gateway reads numbers the way Lua does, so integral
    # values go as integers (42.0 -> 42); docs/api-reference.md also rules out scientific notation.
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def encode_value(value: Any) -> str:
    """Return the text UCloud expects for one scalar parameter value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("cannot sign a parameter that is not a finite number")
        if value.is_integer():
            # int() keeps every digit of a large float, as the SDK does (repr would round them).
            return str(int(value))
        # repr() is the shortest text that reads back as the same float, so no binary noise appears.
        return _plain_number(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("cannot sign a parameter that is not a finite number")
        return _plain_number(value)
    return str(value)


def _flatten_into(flat: dict[str, str], key: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            _flatten_into(flat, f"{key}.{sub_key}", sub_value)
    elif isinstance(value, (list, tuple)):
        # Indexes stay positional even when an item is None, so the server sees the same positions.
        for index, item in enumerate(value):
            _flatten_into(flat, f"{key}.{index}", item)
    else:
        if key in flat:
            raise ValueError(f"parameter {key!r} is given twice once flattened")
        flat[key] = encode_value(value)


def flatten_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Flatten nested dicts (``Key.Sub``) and lists (``Key.0``, ``Key.0.Field``) and drop None values."""
    flat: dict[str, str] = {}
    for key, value in params.items():
        _flatten_into(flat, str(key), value)
    return flat


def ucloud_signature(params: Mapping[str, Any], private_key: str) -> str:
    """Return the lower-case hex SHA-1 signature of ``params`` (which must already contain ``PublicKey``)."""
    flat = flatten_params({key: value for key, value in params.items() if key != SIGNATURE_PARAM})
    # sorted() on str compares code points, which is the order the API gateway uses (IP.10 < IP.2).
    text = "".join(key + flat[key] for key in sorted(flat)) + private_key
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def sign_ucloud_params(params: Mapping[str, Any], public_key: str, private_key: str) -> dict[str, str]:
    """Return the flattened ``params`` with ``PublicKey`` and ``Signature`` added, ready to send as a form."""
    if not public_key or not private_key:
        raise ValueError("both the UCloud public key and private key are required to sign a request")
    signed = flatten_params({key: value for key, value in params.items() if key not in (PUBLIC_KEY_PARAM, SIGNATURE_PARAM)})
    signed[PUBLIC_KEY_PARAM] = public_key
    signed[SIGNATURE_PARAM] = ucloud_signature(signed, private_key)
    return signed
