# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sign random requests with our signers and with the official SDKs' signers (test-only oracles)."""

from __future__ import annotations

import string
from datetime import datetime
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_signer import sign_request
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_signer import encode_value, sign_ucloud_params
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples

SDK_MISSING = "the official SDK is a test-only requirement (requirements/*.in); install it to run the cross-check"
CROSSCHECK = settings(max_examples=examples(300), deadline=None)

TRICKY_TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(list(" +&=~*'!/%"))), max_size=10)
SECRET_TEXT = TRICKY_TEXT.filter(bool)


@pytest.fixture(scope="module")
def ucloud_sdk():
    auth = pytest.importorskip("ucloud.core.auth", reason=SDK_MISSING)
    encoder = pytest.importorskip("ucloud.core.typesystem.encoder", reason=SDK_MISSING)
    return auth.Credential, encoder


@pytest.fixture(scope="module")
def huawei_sdk():
    credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials", reason=SDK_MISSING)
    sdk_request = pytest.importorskip("huaweicloudsdkcore.sdk_request", reason=SDK_MISSING)
    return credentials.BasicCredentials, sdk_request.SdkRequest


# --- UCloud ---------------------------------------------------------------------------------------

# The SDK writes small floats in scientific notation (str(1e-05)); docs/api-reference.md forbids that, so
# the random floats stay in the range where both agree and the difference has its own test below.
UCLOUD_FLOATS = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f.is_integer() or "e" not in repr(f))
UCLOUD_SCALARS = st.one_of(TRICKY_TEXT, st.integers(), st.booleans(), UCLOUD_FLOATS)
UCLOUD_KEYS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="."), min_size=1, max_size=8).filter(
    lambda key: key not in ("PublicKey", "Signature"))
# The SDK encodes lists of scalars or of dicts, dicts of anything; a list inside a list it writes as Python repr.
UCLOUD_NESTED = st.recursive(
    UCLOUD_SCALARS,
    lambda inner: st.one_of(st.dictionaries(UCLOUD_KEYS, inner, max_size=3),
                            st.lists(st.one_of(UCLOUD_SCALARS, st.dictionaries(UCLOUD_KEYS, inner, max_size=3)), max_size=3)),
    max_leaves=8,
)
UCLOUD_PARAMS = st.dictionaries(UCLOUD_KEYS, st.one_of(st.none(), UCLOUD_NESTED), max_size=8)


def sdk_ucloud_payload(sdk, params, public_key, private_key):
    """What ucloud-sdk-python3's Client._build_http_request sends."""
    credential_class, encoder = sdk
    payload = encoder.encode({key: value for key, value in params.items() if value is not None})
    payload["Signature"] = credential_class(public_key, private_key).verify_ac(payload)
    return payload


@CROSSCHECK
@given(params=UCLOUD_PARAMS, public_key=SECRET_TEXT, private_key=SECRET_TEXT)
def test_ucloud_matches_sdk(ucloud_sdk, params, public_key, private_key):
    assert sign_ucloud_params(params, public_key, private_key) == sdk_ucloud_payload(ucloud_sdk, params, public_key, private_key)


def test_ucloud_known_differences_from_sdk(ucloud_sdk):
    encoder = ucloud_sdk[1]
    # Scientific notation: the SDK sends what the gateway cannot read; we send positional notation.
    assert encoder.encode_value(1e-05) == "1e-05" and encode_value(1e-05) == "0.00001"
    # A list inside a list: the SDK sends Python's repr, we index it like any other list.
    assert encoder.encode({"Grid": [[1, 2]]}) == {"Grid.0": "[1, 2]"}
    assert sign_ucloud_params({"Grid": [[1, 2]]}, "pk", "sk")["Grid.0.0"] == "1"
    # A nested None: the SDK sends the text "None", we leave the entry out.
    assert encoder.encode({"Tags": {"A": None}}) == {"Tags.A": "None"}
    assert "Tags.A" not in sign_ucloud_params({"Tags": {"A": None}}, "pk", "sk")


# --- Huawei ---------------------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(["X-Language", "Accept", "User-Agent", "X_Trace_Id", "x-request-tag", "X-Domain-Id"])
HEADER_VALUES = st.text(alphabet=string.ascii_letters + string.digits + " ;=,-/.", max_size=16)
SDK_DATES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(lambda dt: dt.strftime("%Y%m%dT%H%M%SZ"))
HOSTS = st.sampled_from(["dds.cn-north-4.myhuaweicloud.com", "rds.eu-west-101.myhuaweicloud.eu", "127.0.0.1:8443", "localhost:443"])
QUERY = st.dictionaries(TRICKY_TEXT, st.one_of(TRICKY_TEXT, st.lists(TRICKY_TEXT, max_size=3)), max_size=5)
HUAWEI_REQUEST = st.fixed_dictionaries({
    "method": st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    "scheme": st.sampled_from(["https", "http"]),
    "host": HOSTS,
    "query": QUERY,
    "headers": st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=4),
    "content_type": st.sampled_from([None, "application/json;charset=UTF-8"]),
    "body": st.binary(max_size=32),
    "access_key": st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=20),
    "secret_key": SECRET_TEXT,
    "sdk_date": SDK_DATES,
    "security_token": st.one_of(st.none(), st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=1, max_size=24)),
    "project_id": st.one_of(st.none(), st.text(alphabet=string.hexdigits.lower(), min_size=1, max_size=32)),
})


def sdk_huawei_sign(sdk, request, resource_path):
    """Build and sign the SdkRequest the way huaweicloudsdkcore's ApiClient does; return the URL and headers."""
    credentials_class, request_class = sdk
    header_params = dict(request["headers"])
    header_params["Content-Type"] = request["content_type"] or "application/json"
    header_params["X-Sdk-Date"] = request["sdk_date"]
    # The client expands list values into one tuple per item ("multi" collection format).
    query_params = [(key, item) for key, value in request["query"].items() for item in (value if isinstance(value, list) else [value])]
    credentials = credentials_class(request["access_key"], request["secret_key"], request["project_id"])
    if request["security_token"] is not None:
        credentials.with_security_token(request["security_token"])
    sdk_request = request_class(method=request["method"], schema=request["scheme"], host=request["host"], resource_path=resource_path,
                                query_params=query_params, header_params=header_params, body=request["body"])
    signed = credentials.sign_request(sdk_request)
    return signed.url, signed.header_params


def our_huawei_sign(request, resource_path):
    headers = dict(request["headers"])
    if request["content_type"]:
        headers["Content-Type"] = request["content_type"]
    return sign_request(request["method"], "%s://%s%s" % (request["scheme"], request["host"], resource_path), request["query"], headers,
                        request["body"], request["access_key"], request["secret_key"], sdk_date=request["sdk_date"],
                        security_token=request["security_token"], project_id=request["project_id"])


@CROSSCHECK
@given(request=HUAWEI_REQUEST, path_params=st.lists(TRICKY_TEXT, min_size=1, max_size=3))
def test_huawei_matches_sdk(huawei_sdk, request, path_params):
    # Path parameters are quoted with safe='' by the SDK client before signing, as the API layer here does too.
    resource_path = "/v3/" + "/".join(quote(param, safe="") for param in path_params) + "/jobs"
    sdk_url, sdk_headers = sdk_huawei_sign(huawei_sdk, request, resource_path)
    ours = our_huawei_sign(request, resource_path)
    assert ours.url == sdk_url
    assert ours.headers == sdk_headers


# Unencoded paths: '?', '#', '[' and ']' cannot appear in a path at all, and a stray '%' makes requests re-escape the whole URL.
RAW_PATHS = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="?#[]%"),
                                       st.sampled_from(list(" +&=~*'!/"))), max_size=16)


@CROSSCHECK
@given(request=HUAWEI_REQUEST, raw_path=RAW_PATHS)
def test_huawei_matches_sdk_on_unencoded_paths(huawei_sdk, request, raw_path):
    requote_uri = pytest.importorskip("requests.utils").requote_uri
    resource_path = "/" + raw_path
    sdk_url, sdk_headers = sdk_huawei_sign(huawei_sdk, request, resource_path)
    ours = our_huawei_sign(request, resource_path)
    assert ours.headers == sdk_headers
    # The SDK leaves escaping the path to requests; we escape it ourselves, to the same bytes on the wire.
    assert requote_uri(ours.url) == requote_uri(sdk_url)
    assert requote_uri(ours.url) == ours.url
