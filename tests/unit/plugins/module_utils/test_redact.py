# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus, urlencode

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import MASK, Redactor

SECRET = "sK/9+abc=def&x y~z"
OTHER = "tok-123456"


@pytest.mark.parametrize("rendering", [
    lambda s: s,
    lambda s: quote(s, safe=""),
    lambda s: quote(s, safe="").lower(),
    quote,
    quote_plus,
    lambda s: json.dumps({"k": s}),
    lambda s: urlencode({"Whatever": s}),
])
def test_every_encoding_of_a_secret_is_masked(rendering):
    text = "before %s after" % rendering(SECRET)
    out = Redactor([SECRET]).text(text)
    assert SECRET not in out
    assert quote(SECRET, safe="") not in out
    assert quote_plus(SECRET) not in out
    assert "before" in out and "after" in out
    assert MASK in out


@pytest.mark.parametrize("secret", ["tokSEKRET\u00e9\nMORE", "tok\x01SEKRET", "it's\\secret"])
def test_the_python_repr_of_a_secret_is_masked(secret):
    # requests quotes a bad header value with repr() in its exception text: "header value: 'tok\\nen'".
    out = Redactor([secret]).text("Invalid return character(s) in header value: %r" % secret)
    quote_mark = repr(secret)[0]
    assert out == "Invalid return character(s) in header value: %s%s%s" % (quote_mark, MASK, quote_mark)


def test_empty_and_none_secrets_are_ignored():
    assert Redactor([None, "", OTHER]).text("a b c") == "a b c"


def test_longer_secret_masked_whole_when_it_contains_a_shorter_one():
    out = Redactor(["abc", "xxabcxx"]).text("v=xxabcxx")
    assert out == "v=" + MASK


@pytest.mark.parametrize("text, leaked", [
    ("https://api.example/?Action=X&Signature=0123abcd&PublicKey=pk", "0123abcd"),
    ("Action=X&signature=0123abcd", "0123abcd"),
    ("Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=feedface\nHost: h", "feedface"),
    ("{'Authorization': 'SDK-HMAC-SHA256 Access=AK, Signature=feedface', 'Host': 'h'}", "feedface"),
    ('{"X-Auth-Token": "MIIopaque", "a": 1}', "MIIopaque"),
    ("X-Security-Token: stsopaque", "stsopaque"),
    ("x-security-token=stsopaque&b=1", "stsopaque"),
    ("X-Subject-Token: MIIsubject", "MIIsubject"),
    ("https://h/?PrivateKey=pkvalue&a=1", "pkvalue"),
    ('{"PrivateKey": "pkvalue"}', "pkvalue"),
    ("secret_key='skvalue'", "skvalue"),
])
def test_sensitive_names_have_their_values_masked(text, leaked):
    out = Redactor().text(text)
    assert leaked not in out
    assert MASK in out


def test_surrounding_text_and_harmless_fields_survive():
    out = Redactor().text("https://h/?a=1&Signature=abc&b=2")
    assert out == "https://h/?a=1&Signature=%s&b=2" % MASK
    out = Redactor().text("{'Authorization': 'x', 'Host': 'h'}")
    assert out == "{'Authorization': '%s', 'Host': 'h'}" % MASK


def test_messages_about_options_stay_readable():
    for text in ("auth_token: cannot be combined with access_key", "Signature VerifyAC Error", "private_key: must be set"):
        assert Redactor().text(text) == text


def test_bytes_and_other_values():
    assert Redactor([OTHER]).text(("x %s" % OTHER).encode()) == "x " + MASK
    assert Redactor().text(None) == ""
    assert Redactor([OTHER]).text({"t": OTHER}) == "{'t': '%s'}" % MASK


def test_add_extends_the_secrets():
    redactor = Redactor()
    redactor.add(OTHER, None)
    assert redactor.text(OTHER) == MASK


def test_snippet_is_short_single_line_and_redacted():
    body = ("line1\n  line2 %s " % SECRET) + "x" * 500
    out = Redactor([SECRET]).snippet(body, limit=40)
    assert "\n" not in out
    assert out.endswith("...")
    assert len(out) == 43
    assert SECRET not in out and "sK/9" not in out


def test_snippet_redacts_before_cutting():
    # A cut inside the secret must not leave its beginning behind.
    body = "a" * 30 + SECRET
    out = Redactor([SECRET]).snippet(body, limit=33)
    assert "sK/" not in out


UCLOUD_SIGNATURE = "8c9c0ff7691a8e4ba396781c95dae427960024b5"
HUAWEI_SIGNATURE = "66899e115aae5bb091cd5189f160c9cbcf74dc71ba6682d6f585686b8ad1e680"
AUTHORIZATION = "SDK-HMAC-SHA256 Access=AKVALUE, SignedHeaders=host;x-sdk-date, Signature=" + HUAWEI_SIGNATURE


@pytest.mark.parametrize("text", [
    "signature %s does not match" % UCLOUD_SIGNATURE,
    "SIGNED %s" % UCLOUD_SIGNATURE.upper(),
    "expected=%s" % HUAWEI_SIGNATURE,
    "blob 00%s11" % HUAWEI_SIGNATURE,
    "two: %s/%s" % (UCLOUD_SIGNATURE, HUAWEI_SIGNATURE.upper()),
])
def test_registered_signatures_are_masked_in_any_case_and_inside_hex_runs(text):
    redactor = Redactor()
    redactor.add_signatures(UCLOUD_SIGNATURE, AUTHORIZATION)
    shown = redactor.text(text)
    assert UCLOUD_SIGNATURE not in shown.lower() and HUAWEI_SIGNATURE not in shown.lower()
    assert MASK in shown


def test_other_hex_and_the_access_key_stay_readable():
    redactor = Redactor()
    redactor.add_signatures(AUTHORIZATION, None, "")
    other = "d" * 64
    assert redactor.text("request id %s from AKVALUE" % other) == "request id %s from AKVALUE" % other


def test_thousands_of_signatures_stay_cheap():
    redactor = Redactor()
    signatures = ["%064x" % number for number in range(5000)]
    redactor.add_signatures(*signatures)
    assert redactor.text("error: %s" % signatures[4321]) == "error: " + MASK
