# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request authentication as the real services do it.

Written from the providers' documentation, independently of the collection's
signers in ``plugins/`` (never import them here): if both were built from one
misreading, the known-answer vectors in the tests catch it.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote

HUAWEI_ALGORITHM = 'SDK-HMAC-SHA256'
SDK_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
_AUTH_PART = re.compile(r'\s*(Access|SignedHeaders|Signature)=([^,\s]*)\s*')


# ---------------------------------------------------------------- UCloud

def ucloud_encode_value(value: Any) -> str:
    """Text of one parameter value as UCloud signs it."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # the shortest repr, spelled out without an exponent (1e-07 -> 0.0000001)
        return format(decimal.Decimal(repr(value)), 'f')
    return str(value)


def ucloud_flatten(params: Mapping[str, Any]) -> dict[str, str]:
    """Flatten nested values to ``Key.Sub`` / ``Key.N`` keys with string values; top-level None is dropped."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, sub in value.items():
                walk('%s.%s' % (prefix, key), sub)
        elif isinstance(value, (list, tuple)):
            for index, sub in enumerate(value):
                walk('%s.%d' % (prefix, index), sub)
        elif value is not None:
            flat[prefix] = ucloud_encode_value(value)

    for key, value in params.items():
        walk(str(key), value)
    return flat


def ucloud_signature(params: Mapping[str, Any], private_key: str) -> str:
    """SHA-1 over the sorted ``key + value`` pairs (``Signature`` excluded) followed by the private key."""
    flat = ucloud_flatten(params)
    flat.pop('Signature', None)
    text = ''.join(key + flat[key] for key in sorted(flat)) + private_key
    return hashlib.sha1(text.encode('utf-8')).hexdigest()


def ucloud_sign(params: Mapping[str, Any], public_key: str, private_key: str) -> dict[str, str]:
    """Flattened params with ``PublicKey`` and ``Signature`` added (used by the test client)."""
    flat = ucloud_flatten(params)
    flat['PublicKey'] = public_key
    flat['Signature'] = ucloud_signature(flat, private_key)
    return flat


# ---------------------------------------------------------------- Huawei

def huawei_quote(text: str) -> str:
    return quote(text, safe='~')


def canonical_uri(raw_path: str) -> str:
    """Decode the path as received, re-encode each segment, always end with ``/``."""
    uri = '/'.join(huawei_quote(segment) for segment in unquote(raw_path).split('/'))
    return uri if uri.endswith('/') else uri + '/'


def canonical_query(pairs: Sequence[tuple[str, str]]) -> str:
    """Sorted ``key=value`` pairs, both RFC 3986 encoded, joined with ``&``."""
    return '&'.join('%s=%s' % (huawei_quote(key), huawei_quote(value)) for key, value in sorted(pairs))


def canonical_request(method: str, raw_path: str, query_pairs: Sequence[tuple[str, str]],
                      headers: Mapping[str, str], signed_headers: Sequence[str], payload_hash: str) -> str:
    """The canonical request; ``headers`` maps lower-case names to values."""
    header_lines = ''.join('%s:%s\n' % (name, headers[name].strip()) for name in signed_headers)
    return '\n'.join([method.upper(), canonical_uri(raw_path), canonical_query(query_pairs),
                      header_lines, ';'.join(signed_headers), payload_hash])


def string_to_sign(sdk_date: str, canonical: str) -> str:
    return '%s\n%s\n%s' % (HUAWEI_ALGORITHM, sdk_date, hashlib.sha256(canonical.encode('utf-8')).hexdigest())


def huawei_signature(secret_key: str, to_sign: str) -> str:
    return hmac.new(secret_key.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def parse_authorization(value: str) -> dict[str, str] | None:
    """``SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..`` -> dict, or None when malformed."""
    algorithm, _sep, rest = value.strip().partition(' ')
    if algorithm != HUAWEI_ALGORITHM:
        return None
    parts: dict[str, str] = {}
    for chunk in rest.split(','):
        match = _AUTH_PART.fullmatch(chunk)
        if not match:
            return None
        parts[match.group(1)] = match.group(2)
    if set(parts) != {'Access', 'SignedHeaders', 'Signature'}:
        return None
    return parts


def parse_sdk_date(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(value, SDK_DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


class AuthFailure(Exception):
    """Authentication refused; ``code`` and ``message`` are what the gateway answers (HTTP 401)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


SIGNATURE_FAIL = 'Incorrect IAM authentication information: verify aksk signature fail'


def verify_huawei(creds: Any, method: str, raw_path: str, query_pairs: Sequence[tuple[str, str]],
                  headers: Mapping[str, str], body: bytes, now: datetime.datetime, max_skew: float) -> str:
    """Check token or AK/SK authentication; return the method used ('token' or 'aksk') or raise AuthFailure.

    ``headers`` maps lower-case names to values; ``creds`` has access_key, secret_key, token,
    security_token and security_token_required.
    """
    token = headers.get('x-auth-token')
    if token is not None:
        if hmac.compare_digest(token.encode('utf-8'), creds.token.encode('utf-8')):
            return 'token'
        raise AuthFailure('APIGW.0307', 'The token must be updated.')
    authorization = headers.get('authorization')
    if authorization is None:
        raise AuthFailure('APIGW.0301', 'Incorrect IAM authentication information: Authorization header or X-Auth-Token missing')
    parts = parse_authorization(authorization)
    if parts is None:
        raise AuthFailure('APIGW.0301', 'Incorrect IAM authentication information: malformed Authorization header')
    if parts['Access'] != creds.access_key:
        raise AuthFailure('APIGW.0301', SIGNATURE_FAIL)
    signed = parts['SignedHeaders'].split(';')
    if 'x-sdk-date' not in signed or any(name not in headers for name in signed):
        raise AuthFailure('APIGW.0301', SIGNATURE_FAIL)
    sent_at = parse_sdk_date(headers['x-sdk-date'])
    if sent_at is None:
        raise AuthFailure('APIGW.0301', 'Incorrect IAM authentication information: X-Sdk-Date is not in the format YYYYMMDDTHHMMSSZ')
    skew = abs((now - sent_at).total_seconds())
    if skew > max_skew:
        raise AuthFailure('APIGW.0301', 'Incorrect IAM authentication information: request time X-Sdk-Date %s differs from the '
                          'server clock %s by more than %d minutes; check the client clock'
                          % (headers['x-sdk-date'], now.strftime(SDK_DATE_FORMAT), max_skew // 60))
    sent_token = headers.get('x-security-token')
    if sent_token is None and creds.security_token_required:
        raise AuthFailure('APIGW.0301', 'Incorrect IAM authentication information: X-Security-Token is required for these temporary credentials')
    if sent_token is not None and (sent_token != creds.security_token or 'x-security-token' not in signed):
        raise AuthFailure('APIGW.0301', SIGNATURE_FAIL)
    payload_hash = hashlib.sha256(body).hexdigest()
    if body and headers.get('x-sdk-content-sha256') == UNSIGNED_PAYLOAD:
        payload_hash = UNSIGNED_PAYLOAD
    canonical = canonical_request(method, raw_path, query_pairs, headers, signed, payload_hash)
    expected = huawei_signature(creds.secret_key, string_to_sign(headers['x-sdk-date'], canonical))
    if not hmac.compare_digest(expected, parts['Signature']):
        raise AuthFailure('APIGW.0301', SIGNATURE_FAIL)
    return 'aksk'


def huawei_sign(method: str, raw_path: str, query_pairs: Sequence[tuple[str, str]], headers: Mapping[str, str],
                body: bytes, access_key: str, secret_key: str, sdk_date: str) -> str:
    """Authorization header value signing every given header (test client helper; names without ``_``)."""
    lowered = {name.lower(): value for name, value in headers.items() if '_' not in name}
    lowered['x-sdk-date'] = sdk_date
    signed = sorted(lowered)
    canonical = canonical_request(method, raw_path, query_pairs, lowered, signed, hashlib.sha256(body).hexdigest())
    signature = huawei_signature(secret_key, string_to_sign(sdk_date, canonical))
    return '%s Access=%s, SignedHeaders=%s, Signature=%s' % (HUAWEI_ALGORITHM, access_key, ';'.join(signed), signature)
