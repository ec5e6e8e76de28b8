# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256).

Pure functions without I/O. The algorithm is described in docs/api-reference.md ("Huawei signing");
where details are unstated it follows what the official Python SDK signer does,
because the API gateway (and the emulator) verify exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
JSON_CONTENT_TYPE = "application/json"
# Characters of an already-encoded path that may stay as they are on the wire.
_PATH_SAFE = "/%!$&'()*+,;=:@~"


class SignedRequest(NamedTuple):
    """What to send: the URL with the signed query string and every header, Authorization included."""

    url: str
    headers: dict[str, str]


def _encode(text: str) -> str:
    # RFC 3986: only unreserved characters stay, so space -> %20 and '+' -> %2B.
    return quote(text, safe="~")


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_sdk_date(dt: datetime) -> str:
    """Return ``dt`` as an ``X-Sdk-Date`` value; a naive datetime is taken to be UTC already."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime(SDK_DATE_FORMAT)


def _check_sdk_date(sdk_date: str) -> None:
    try:
        # strptime alone accepts one-digit fields; the round trip insists on the exact form.
        valid = format_sdk_date(datetime.strptime(sdk_date, SDK_DATE_FORMAT)) == sdk_date
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"X-Sdk-Date must look like 20191115T033655Z, got {sdk_date!r}")


def canonical_uri(path: str) -> str:
    """Decode the path, re-encode every segment and end with ``/``."""
    encoded = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return encoded if encoded.endswith("/") else encoded + "/"


def _query_pairs(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((str(key), _query_text(item)) for item in value if item is not None)
        else:
            pairs.append((str(key), _query_text(value)))
    return pairs


def canonical_query(query: Mapping[str, Any]) -> str:
    """Return the canonical query string, which is also the query string to send.

    Values may be scalars or lists (one pair per item); None is left out. Pairs are
    sorted on their decoded text, as the SDK does, then encoded.
    """
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in sorted(_query_pairs(query)))


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """Return the canonical header block (one ``name:value`` line each) and the ``;``-joined signed names."""
    values: dict[str, str] = {}
    for name, value in headers.items():
        # Gateways drop header names with "_", so a signature over them could never verify.
        if "_" in name:
            continue
        lowered = name.lower()
        if lowered in values:
            raise ValueError(f"header {name!r} is given twice with different letter case")
        values[lowered] = str(value).strip()
    names = sorted(values)
    return "".join(f"{name}:{values[name]}\n" for name in names), ";".join(names)


def canonical_request(method: str, path: str, query: Mapping[str, Any], headers: Mapping[str, str], body: bytes) -> str:
    """Return the canonical request text that gets hashed into the string to sign."""
    header_block, signed_names = canonical_headers(headers)
    return "\n".join([
        method.upper(),
        canonical_uri(path),
        canonical_query(query),
        header_block,
        signed_names,
        hashlib.sha256(body).hexdigest(),
    ])


def string_to_sign(canonical_request_text: str, sdk_date: str) -> str:
    """Return the text the HMAC is computed over."""
    return "\n".join([ALGORITHM, sdk_date, hashlib.sha256(canonical_request_text.encode("utf-8")).hexdigest()])


def signature(secret_key: str, string_to_sign_text: str) -> str:
    """Return the hex HMAC-SHA256 of the string to sign, keyed directly with the secret key."""
    return hmac.new(secret_key.encode("utf-8"), string_to_sign_text.encode("utf-8"), hashlib.sha256).hexdigest()


def _set_header(headers: dict[str, str], name: str, value: str, replace: bool) -> None:
    existing = [key for key in headers if key.lower() == name.lower()]
    if existing and not replace:
        return
    for key in existing:
        del headers[key]
    headers[name] = value


def _request_headers(headers: Mapping[str, str], host: str, sdk_date: str, security_token: str | None, project_id: str | None) -> dict[str, str]:
    final: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() != "authorization":
            # Values are sent trimmed because they are signed trimmed.
            _set_header(final, name, str(value).strip(), replace=True)
    _set_header(final, "Host", host, replace=False)
    _set_header(final, "Content-Type", JSON_CONTENT_TYPE, replace=False)
    _set_header(final, "X-Sdk-Date", sdk_date, replace=True)
    if project_id:
        _set_header(final, "X-Project-Id", project_id, replace=True)
    if security_token:
        _set_header(final, "X-Security-Token", security_token, replace=True)
    return final


def sign_request(
    method: str,
    url: str,
    query: Mapping[str, Any],
    headers: Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
    sdk_date: str | None = None,
    security_token: str | None = None,
    project_id: str | None = None,
) -> SignedRequest:
    """Sign one request; ``url`` is scheme, host and path only, the query goes in ``query``.

    ``Host`` and ``Content-Type`` given by the caller are kept; ``Authorization``,
    ``X-Sdk-Date``, ``X-Project-Id`` and ``X-Security-Token`` are set here.
    """
    if not access_key or not secret_key:
        raise ValueError("both the Huawei Cloud access key and secret key are required to sign a request")
    parts = urlsplit(url)
    # The URL is left out of these messages: it may carry user information.
    if not parts.scheme or not parts.hostname:
        raise ValueError("the URL to sign must be absolute (scheme and host)")
    if parts.query or parts.fragment:
        raise ValueError("the URL to sign must not carry a query string or fragment; pass the query separately")
    if sdk_date is None:
        sdk_date = format_sdk_date(datetime.now(timezone.utc))
    else:
        _check_sdk_date(sdk_date)

    # The SDK sends the endpoint's netloc as given, explicit default ports included.
    final = _request_headers(headers, parts.netloc.rpartition("@")[2], sdk_date, security_token, project_id)
    # Sending the path with only unsafe characters escaped keeps its decoded form, hence its canonical URI.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    string_to_sign_text = string_to_sign(canonical_request(method, path, query, final, body), sdk_date)
    final["Authorization"] = (
        f"{ALGORITHM} Access={access_key}, SignedHeaders={canonical_headers(final)[1]}, "
        f"Signature={signature(secret_key, string_to_sign_text)}"
    )
    query_text = canonical_query(query)
    return SignedRequest(url=f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query_text}" if query_text else ""), headers=final)
