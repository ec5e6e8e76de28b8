# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import re
import string
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_signer import (
    ALGORITHM,
    canonical_headers,
    canonical_query,
    canonical_request,
    canonical_uri,
    format_sdk_date,
    sign_request,
    signature,
    string_to_sign,
)
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples

# The worked example of the Huawei API signing guide (docs/api-reference.md, "Huawei signing").
AK = "QTWAOYTTINDUT2QVKYUC"
SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
PATH = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
QUERY = {"limit": "2", "marker": "13551d6b-755d-4757-b956-536f674975c0"}
DATE = "20191115T033655Z"
HEADERS = {"Content-Type": "application/json", "Host": "service.region.example.com", "X-Sdk-Date": DATE}
CANONICAL_LINES = [
    "GET",
    "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/",
    "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
    "content-type:application/json",
    "host:service.region.example.com",
    "x-sdk-date:20191115T033655Z",
    "",
    "content-type;host;x-sdk-date",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
]
CANONICAL_HASH = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
SIGNATURE = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"

TRICKY_TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(list(" +&=~*'!/%"))), max_size=10)
QUERY_VALUES = st.one_of(TRICKY_TEXT, st.lists(TRICKY_TEXT, max_size=3))
HEADER_NAMES = st.sampled_from(["X-Language", "x-language", "Accept", "User-Agent", "X_Trace_Id", "X-Request-Tag"])
HEADER_VALUES = st.text(alphabet=string.ascii_letters + string.digits + " ;=,-", max_size=12)
AUTHORIZATION = re.compile(r"^SDK-HMAC-SHA256 Access=(\S+), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")


def test_known_answer_canonical_request():
    text = canonical_request("GET", PATH, QUERY, HEADERS, b"")
    assert text.split("\n") == CANONICAL_LINES
    assert hashlib.sha256(text.encode()).hexdigest() == CANONICAL_HASH
    assert string_to_sign(text, DATE) == "SDK-HMAC-SHA256\n%s\n%s" % (DATE, CANONICAL_HASH)
    assert signature(SK, string_to_sign(text, DATE)) == SIGNATURE


def test_known_answer_sign_request():
    signed = sign_request("GET", "https://service.region.example.com" + PATH, QUERY, {}, b"", AK, SK, sdk_date=DATE)
    assert signed.url == "https://service.region.example.com%s?%s" % (PATH, CANONICAL_LINES[2])
    assert signed.headers == dict(HEADERS, Authorization="SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-sdk-date, Signature=%s" % (
        AK, SIGNATURE))


def test_project_id_and_security_token_are_sent_and_signed():
    signed = sign_request("GET", "https://dds.example.com/v3/p1/jobs", {"id": "j1"}, {}, b"", AK, SK, sdk_date=DATE,
                          security_token="token-1", project_id="p1")
    assert signed.headers["X-Project-Id"] == "p1" and signed.headers["X-Security-Token"] == "token-1"
    assert AUTHORIZATION.match(signed.headers["Authorization"]).group(2) == "content-type;host;x-project-id;x-sdk-date;x-security-token"
    assert _recomputed_signature(signed, "GET", b"", SK) == AUTHORIZATION.match(signed.headers["Authorization"]).group(3)


@pytest.mark.parametrize("dt, expected", [
    (datetime(2019, 11, 15, 3, 36, 55), DATE),
    (datetime(2019, 11, 15, 3, 36, 55, 999999, tzinfo=timezone.utc), DATE),
    (datetime(2019, 11, 15, 11, 36, 55, tzinfo=timezone(timedelta(hours=8))), DATE),
])
def test_format_sdk_date(dt, expected):
    assert format_sdk_date(dt) == expected


@pytest.mark.parametrize("path, expected", [
    ("", "/"), ("/", "/"), ("/v3/abc/jobs", "/v3/abc/jobs/"), ("/v3/abc/jobs/", "/v3/abc/jobs/"),
    ("/a b", "/a%20b/"), ("/a%20b", "/a%20b/"), ("/a+b", "/a%2Bb/"), ("/\u00e9", "/%C3%A9/"),
    ("/a%2Fb", "/a/b/"), ("/~x*'!", "/~x%2A%27%21/"), ("/100%", "/100%25/"),
])
def test_canonical_uri(path, expected):
    assert canonical_uri(path) == expected


@pytest.mark.parametrize("query, expected", [
    ({}, ""),
    ({"a": "x y+z~*'!/%&="}, "a=x%20y%2Bz~%2A%27%21%2F%25%26%3D"),
    ({"b": "1", "a": "2", "A": "3"}, "A=3&a=2&b=1"),
    ({"k": ["b", "a", "c"], "j": ""}, "j=&k=a&k=b&k=c"),
    ({"flag": True, "off": False, "n": 5, "skip": None}, "flag=true&n=5&off=false"),
    ({"\u00e9": "~", "~": "\u00e9"}, "~=%C3%A9&%C3%A9=~"),
])
def test_canonical_query(query, expected):
    assert canonical_query(query) == expected


def test_canonical_headers_skip_underscores_trim_and_sort():
    block, names = canonical_headers({"X-Sdk-Date": " d ", "Host": "h", "X_Trace_Id": "t", "content-type": "application/json"})
    assert block == "content-type:application/json\nhost:h\nx-sdk-date:d\n"
    assert names == "content-type;host;x-sdk-date"
    with pytest.raises(ValueError, match="twice"):
        canonical_headers({"Host": "a", "host": "b"})


def test_sign_request_header_rules():
    given_headers = {"host": "virtual.example.com", "content-type": "application/json;charset=UTF-8",
                     "authorization": "stale", "x-sdk-date": "20000101T000000Z", "X-Language": " en-us "}
    signed = sign_request("POST", "http://user@127.0.0.1:8443/v3/p/jobs", {}, given_headers, b'{"a": 1}', AK, SK, sdk_date=DATE)
    assert signed.url == "http://user@127.0.0.1:8443/v3/p/jobs"
    assert signed.headers["host"] == "virtual.example.com"
    assert signed.headers["content-type"] == "application/json;charset=UTF-8"
    assert signed.headers["X-Sdk-Date"] == DATE and signed.headers["X-Language"] == "en-us"
    assert [name for name in signed.headers if name.lower() in ("authorization", "x-sdk-date")] == ["X-Sdk-Date", "Authorization"]
    plain = sign_request("GET", "https://127.0.0.1:443/x", {}, {}, b"", AK, SK, sdk_date=DATE)
    assert plain.headers["Host"] == "127.0.0.1:443" and plain.headers["Content-Type"] == "application/json"
    assert _recomputed_signature(signed, "POST", b'{"a": 1}', SK) == AUTHORIZATION.match(signed.headers["Authorization"]).group(3)


@pytest.mark.parametrize("url, kwargs, message", [
    ("https://h/p?x=1", {}, "query"),
    ("https://h/p#frag", {}, "query"),
    ("/relative", {}, "absolute"),
    ("https://h/p", {"sdk_date": "2019-11-15T03:36:55Z"}, "X-Sdk-Date must look like 20191115T033655Z"),
    ("https://h/p", {"sdk_date": "2019111T033655Z"}, "X-Sdk-Date must look like 20191115T033655Z"),
    ("https://h/p", {"access_key": ""}, "access key and secret key are required"),
    ("https://h/p", {"secret_key": ""}, "access key and secret key are required"),
])
def test_sign_request_refuses_bad_input(url, kwargs, message):
    arguments = dict(access_key=AK, secret_key=SK)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message) as raised:
        sign_request("GET", url, {}, {}, b"", **arguments)
    assert SK not in str(raised.value)


def test_sign_request_reads_the_clock_only_without_a_date():
    signed = sign_request("GET", "https://h/p", {}, {}, b"", AK, SK)
    assert re.match(r"^\d{8}T\d{6}Z$", signed.headers["X-Sdk-Date"])


def _recomputed_signature(signed, method, body, secret_key):
    """Verify like the API gateway: from the URL and headers as received."""
    parts = urlsplit(signed.url)
    received_query = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        received_query.setdefault(key, []).append(value)
    names = AUTHORIZATION.match(signed.headers["Authorization"]).group(2).split(";")
    received_headers = {name: value for name, value in signed.headers.items() if name.lower() in names}
    text = canonical_request(method, parts.path, received_query, received_headers, body)
    return signature(secret_key, string_to_sign(text, signed.headers["X-Sdk-Date"]))


@settings(max_examples=examples(200), deadline=None)
@given(query=st.dictionaries(TRICKY_TEXT, QUERY_VALUES, max_size=5))
def test_canonical_query_round_trips_through_urllib(query):
    text = canonical_query(query)
    expected = sorted((key, item) for key, value in query.items() for item in (value if isinstance(value, list) else [value]))
    assert parse_qsl(text, keep_blank_values=True) == expected
    assert set(text) <= set(string.ascii_letters + string.digits + "-._~%&=")


@settings(max_examples=examples(200), deadline=None)
@given(segments=st.lists(TRICKY_TEXT, max_size=5))
def test_canonical_uri_is_idempotent_and_ignores_prior_encoding(segments):
    path = "/" + "/".join(segments)
    result = canonical_uri(path)
    assert result.startswith("/") and result.endswith("/")
    assert canonical_uri(result) == result
    if "%" not in path:
        assert canonical_uri(quote(path, safe="/")) == result
        assert unquote(result).rstrip("/") == path.rstrip("/")


@settings(max_examples=examples(200), deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    segments=st.lists(TRICKY_TEXT.filter(lambda text: not set(text) & set("/?#")), min_size=1, max_size=4),
    query=st.dictionaries(TRICKY_TEXT, QUERY_VALUES, max_size=4),
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=3).filter(lambda h: len({name.lower() for name in h}) == len(h)),
    body=st.binary(max_size=20),
    secret_key=TRICKY_TEXT.filter(bool),
    token=st.one_of(st.none(), st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)),
)
def test_gateway_recomputes_the_same_signature(method, segments, query, headers, body, secret_key, token):
    url = "https://dds.example.com:8443/" + "/".join(segments)
    signed = sign_request(method, url, query, headers, body, AK, secret_key, sdk_date=DATE, security_token=token, project_id="p1")
    match = AUTHORIZATION.match(signed.headers["Authorization"])
    assert match.group(1) == AK
    assert _recomputed_signature(signed, method, body, secret_key) == match.group(3)
    assert "x_trace_id" not in match.group(2).split(";")
    assert sign_request(method, url, dict(reversed(list(query.items()))), headers, body, AK, secret_key, sdk_date=DATE,
                        security_token=token, project_id="p1") == signed
    assert ALGORITHM == "SDK-HMAC-SHA256"
