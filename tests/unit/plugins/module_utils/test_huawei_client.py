# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote, urlsplit

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import HuaweiConfig, endpoint_for
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, ParameterError, TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import (
    CLOCK_SKEW_HINT,
    SIGNATURE_HINT,
    SIGNATURE_OR_CLOCK_HINT,
    HuaweiClient,
    error_fields,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import (
    FakeClock,
    FakeTransport,
    json_response,
    raw_response,
)

AK = "QTWAOYTTINDUT2QVKYUC"
SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
STS = "sts-token-0123456789"
TOKEN = "MIIiam-token-abcdef"
PROJECT = "77b6a44cba5143ab91d13ab9a8ff44fd"
START = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
OK = {"jobs": [], "total_count": 0}


class Ticker:
    """utcnow() that moves one minute per call."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return START + timedelta(minutes=self.calls - 1)


def make_client(*script, service="dds", retries=3, **config):
    config.setdefault("project_id", PROJECT)
    config.setdefault("region", "cn-north-4")
    if "auth_token" not in config:
        config.setdefault("access_key", AK)
        config.setdefault("secret_key", SK)
    transport = FakeTransport(*script)
    clock = FakeClock()
    policy = RetryPolicy(retries=retries, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 0.5)
    client = HuaweiClient(HuaweiConfig(**config), service, transport, policy, utcnow=Ticker())
    return client, transport, clock


def verify_aksk(request, secret_key=SK):
    """Independent check, per docs/api-reference.md (Huawei signing), that the request as sent verifies."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    algorithm, dummy, params = headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert algorithm == "SDK-HMAC-SHA256"
    names = fields["SignedHeaders"].split(";")
    parts = urlsplit(request.url)
    uri = "/".join(quote(unquote(seg), safe="~") for seg in parts.path.split("/"))
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted((unquote(k), unquote(v)) for k, v in (p.split("=", 1) for p in parts.query.split("&") if p))
    query = "&".join("%s=%s" % (quote(k, safe="~"), quote(v, safe="~")) for k, v in pairs)
    assert parts.query == query, "the query string sent must be the canonical one"
    canonical = "\n".join([
        request.method, uri, query,
        "".join("%s:%s\n" % (name, headers[name].strip()) for name in names),
        ";".join(names), hashlib.sha256(request.body or b"").hexdigest(),
    ])
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (headers["x-sdk-date"], hashlib.sha256(canonical.encode()).hexdigest())
    assert fields["Signature"] == hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return fields["Access"], names


@pytest.mark.parametrize("service, region, url", [
    ("dds", "cn-north-4", "https://dds.cn-north-4.myhuaweicloud.com"),
    ("rds", "ap-southeast-1", "https://rds.ap-southeast-1.myhuaweicloud.com"),
    ("rds", "eu-west-101", "https://rds.eu-west-101.myhuaweicloud.eu"),
])
def test_endpoint_for(service, region, url):
    assert endpoint_for(service, region) == url
    assert HuaweiConfig(PROJECT, region=region).base_url(service) == url


@pytest.mark.parametrize("endpoint, url", [
    ("http://127.0.0.1:9000/", "http://127.0.0.1:9000"),
    ("http://127.0.0.1:9000/huawei", "http://127.0.0.1:9000/huawei"),
    ("https://{service}.{region}.example.test", "https://rds.cn-north-4.example.test"),
])
def test_endpoint_override(endpoint, url):
    assert HuaweiConfig(PROJECT, region="cn-north-4", endpoint=endpoint).base_url("rds") == url


def test_region_or_endpoint_needed():
    with pytest.raises(ValueError):
        HuaweiConfig(PROJECT).base_url("dds")


def test_aksk_request_is_signed_and_verifies():
    client, transport, clock = make_client(json_response(OK, headers={"X-Request-Id": "r1"}))
    assert client.get("ListJobs", "/v3.1/{project_id}/jobs", {"limit": 100, "offset": 0, "status": None,
                                                              "start_time": "2026-03-01T00:00:00+0800"}) == OK
    request, = transport.requests
    assert request.method == "GET"
    assert request.url == ("https://dds.cn-north-4.myhuaweicloud.com/v3.1/%s/jobs"
                           "?limit=100&offset=0&start_time=2026-03-01T00%%3A00%%3A00%%2B0800" % PROJECT)
    access, names = verify_aksk(request)
    assert access == AK
    assert names == ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["X-Project-Id"] == PROJECT
    assert request.headers["X-Sdk-Date"] == "20260301T120000Z"
    assert "X-Auth-Token" not in request.headers and "X-Security-Token" not in request.headers


def test_temporary_credentials_sign_the_security_token():
    client, transport, clock = make_client(json_response(OK), security_token=STS)
    client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    request, = transport.requests
    assert request.headers["X-Security-Token"] == STS
    access, names = verify_aksk(request)
    assert "x-security-token" in names
    assert "?" not in request.url


def test_token_authentication_sends_x_auth_token_and_no_signature():
    client, transport, clock = make_client(json_response(OK), service="rds", auth_token=TOKEN)
    client.get("ListTasks", "/v3/{project_id}/tasklist", {"offset": 0, "limit": 50, "name": "a b+c"})
    request, = transport.requests
    assert request.url == "https://rds.cn-north-4.myhuaweicloud.com/v3/%s/tasklist?limit=50&name=a%%20b%%2Bc&offset=0" % PROJECT
    assert request.headers["X-Auth-Token"] == TOKEN
    assert request.headers["X-Project-Id"] == PROJECT
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT
    assert "Authorization" not in request.headers and "X-Sdk-Date" not in request.headers


def test_project_id_is_quoted_into_the_path():
    client, transport, clock = make_client(json_response(OK), project_id="a/b c")
    client.get("ListJobs", "/v3/{project_id}/jobs", {})
    assert "/v3/a%2Fb%20c/jobs" in transport.requests[0].url
    with pytest.raises(ValueError):
        client.get("ListJobs", "v3/jobs", {})


def test_each_retry_is_signed_with_a_fresh_date():
    client, transport, clock = make_client(json_response({"error_code": "APIGW.0308", "error_msg": "throttled"}, status=429,
                                                         headers={"Retry-After": "2"}),
                                           raw_response("", status=502),
                                           json_response(OK))
    assert client.get("ListJobs", "/v3.1/{project_id}/jobs", {"limit": 1}) == OK
    dates = [request.headers["X-Sdk-Date"] for request in transport.requests]
    assert dates == ["20260301T120000Z", "20260301T120100Z", "20260301T120200Z"]
    for request in transport.requests:
        verify_aksk(request)
    assert clock.sleeps == [2.0, 0.5]


# Every shape a Huawei service, gateway or IAM answers an error with (docs/api-reference.md, "Errors").
ERROR_SHAPES = [
    ({"error_code": "DBS.280001", "error_msg": "Invalid start_time."}, ("DBS.280001", "Invalid start_time.", None)),
    ({"errCode": "DBS.280001", "externalMessage": "Parameter start_time is mandatory."},
     ("DBS.280001", "Parameter start_time is mandatory.", None)),
    ({"code": "APIGW.0101", "message": "The API does not exist"}, ("APIGW.0101", "The API does not exist", None)),
    ({"errorCode": "RDS.0001", "errorMsg": "camel"}, ("RDS.0001", "camel", None)),
    ({"error": {"code": "APIGW.0308", "message": "The throttling threshold has been reached"}},
     ("APIGW.0308", "The throttling threshold has been reached", None)),
    ({"error": {"error_code": "DBS.1", "error_msg": "nested", "request_id": "inner-id"}}, ("DBS.1", "nested", "inner-id")),
    ({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}},
     ("401", "The request you have made requires authentication.", None)),
    ({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail",
      "request_id": "body-id"}, ("APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", "body-id")),
    ({"errCode": "DBS.5", "requestId": "camel-id"}, ("DBS.5", None, "camel-id")),
    ({"error_code": "DBS.2"}, ("DBS.2", None, None)),
    ({"error_code": "", "error_msg": "", "error": "a text, not an object"}, (None, None, None)),
    ({"something": "else"}, (None, None, None)),
]


@pytest.mark.parametrize("body, fields", ERROR_SHAPES)
def test_error_fields_shapes(body, fields):
    assert error_fields(body) == fields


@pytest.mark.parametrize("body, fields", [shape for shape in ERROR_SHAPES if shape[1][1]])
def test_every_error_shape_gives_code_message_and_request_id(body, fields):
    code, message, body_request_id = fields
    client, transport, clock = make_client(json_response(body, status=400), service="rds")
    with pytest.raises(ApiError) as caught:
        client.get("ListTasks", "/v3/{project_id}/tasklist", {})
    err = caught.value
    assert (err.code, err.message, err.request_id) == (code, message, body_request_id)
    assert message in str(err) and "code %s" % code in str(err)


@pytest.mark.parametrize("body, code, message", [
    ({"error_code": "DBS.280001", "error_msg": "Invalid start_time."}, "DBS.280001", "Invalid start_time."),
    ({"code": "APIGW.0101", "message": "The API does not exist"}, "APIGW.0101", "The API does not exist"),
    ({"error": {"code": "DBS.3", "message": "gateway shape"}}, "DBS.3", "gateway shape"),
    ({"errCode": "DBS.280001", "externalMessage": "Parameter start_time is mandatory."}, "DBS.280001",
     "Parameter start_time is mandatory."),
    ({"error_code": "DBS.2"}, "DBS.2", "HTTP 400 with error code DBS.2"),
    ({}, None, "HTTP 400 with no error message"),
])
def test_error_bodies_become_api_errors(body, code, message):
    client, transport, clock = make_client(json_response(body, status=400, headers={"X-Request-Id": "req-9"}), service="rds")
    with pytest.raises(ApiError) as caught:
        client.get("ListTasks", "/v3/{project_id}/tasklist", {})
    err = caught.value
    assert (err.code, err.message, err.http_status, err.request_id, err.attempts) == (code, message, 400, "req-9", 1)
    assert str(err).startswith("RDS ListTasks failed: ")
    assert err.to_fail_kwargs()["cloud"] == "huaweicloud"


def test_request_id_falls_back_to_the_body():
    client, transport, clock = make_client(json_response({"error_code": "DBS.1", "error_msg": "x", "request_id": "body-id"}, status=404))
    with pytest.raises(ApiError) as caught:
        client.get("ShowJob", "/v3/{project_id}/jobs", {"id": "j"})
    assert caught.value.request_id == "body-id"


def test_signature_failure_is_not_retried_and_names_the_key_pair_and_the_clock():
    # The gateway's words are the same for a wrong key and for a stale X-Sdk-Date.
    client, transport, clock = make_client(json_response({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication"
                                                          " information: verify aksk signature fail"}, status=401))
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert len(transport.requests) == 1 and clock.sleeps == []
    assert str(caught.value).endswith(SIGNATURE_OR_CLOCK_HINT)
    assert SIGNATURE_HINT in SIGNATURE_OR_CLOCK_HINT and "check the clock" in SIGNATURE_OR_CLOCK_HINT


def test_clock_skew_gets_its_hint():
    client, transport, clock = make_client(json_response({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication"
                                                          " information: x-sdk-date expired"}, status=401))
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert str(caught.value).endswith(CLOCK_SKEW_HINT)


@pytest.mark.parametrize("response, message", [
    (raw_response("<html><title>504 Gateway Time-out</title></html>", status=504), "HTTP 504 with HTML error page (title: 504 Gateway Time-out)"),
    (raw_response('{"error_code": "DBS', status=500), "HTTP 500 with truncated JSON (19 bytes)"),
    (raw_response("", status=503), "HTTP 503 with empty response body"),
])
def test_bad_error_bodies_are_described_and_retried(response, message):
    client, transport, clock = make_client(response, response, retries=1)
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert caught.value.message == message
    assert caught.value.attempts == 2


@pytest.mark.parametrize("response, message", [
    (raw_response("[1]"), "unexpected response: JSON list instead of an object"),
    (raw_response(""), "unexpected response: empty response body"),
    (raw_response("<!doctype html><p>login</p>"), "unexpected response: HTML error page"),
])
def test_bad_success_bodies(response, message):
    client, transport, clock = make_client(response)
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert caught.value.message == message and caught.value.http_status == 200


def test_truncated_success_body_is_retried():
    truncated = raw_response('{"jobs": [{"id": "x"')
    client, transport, clock = make_client(truncated, json_response({"jobs": []}))
    assert client.get("ListJobs", "/v3.1/{project_id}/jobs", {}) == {"jobs": []}
    client, transport, clock = make_client(truncated, truncated, retries=1)
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert caught.value.message == "unexpected response: truncated JSON (20 bytes)"
    assert (caught.value.http_status, caught.value.attempts) == (200, 2)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_truncated_body_of_an_auth_or_validation_error_is_not_retried(status):
    truncated = raw_response('{"error_code": "APIGW.0301", "error_msg": "verify', status=status)
    client, transport, clock = make_client(truncated, json_response({"jobs": []}), retries=3)
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert (caught.value.http_status, caught.value.attempts, caught.value.retryable) == (status, 1, False)
    assert len(transport.requests) == 1


def test_transport_error_labelled_with_service():
    client, transport, clock = make_client(TransportError("timeout", "timed out waiting for https://dds/"), retries=0)
    with pytest.raises(TransportError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert str(caught.value) == "DDS ListJobs failed: timed out waiting for https://dds/"


@pytest.mark.parametrize("auth, secrets", [
    (dict(security_token=STS), (SK, STS)),
    (dict(auth_token=TOKEN), (TOKEN,)),
])
def test_secrets_never_reach_error_text(auth, secrets):
    echo = "denied: ak %s sk %s sts %s token %s Authorization: SDK-HMAC-SHA256 Signature=abcdef0123" % (AK, SK, STS, TOKEN)
    scripts = [
        json_response({"error_code": "DBS.1", "error_msg": echo}, status=403),
        json_response({"error": {"code": "APIGW.0301", "message": echo}}, status=401),
        raw_response(echo, status=400),
        raw_response("<html><title>%s</title></html>" % echo, status=400),
        raw_response(echo, status=200),
        TransportError("other", "failed https://x/?X-Auth-Token=%s&sk=%s" % (TOKEN, SK)),
    ]
    for item in scripts:
        client, transport, clock = make_client(item, retries=0, **auth)
        with pytest.raises(ApiError) as caught:
            client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
        shown = str(caught.value) + repr(caught.value.to_fail_kwargs())
        for secret in secrets + ("abcdef0123",):
            assert secret not in shown
    for secret in secrets:
        assert secret not in repr(client.config)


# ---------------------------------------------------------------- project id discovery (docs/authentication.md)

def iam_answer(*projects, status=200):
    return json_response({"projects": [{"id": project_id, "name": name, "enabled": True} for name, project_id in projects],
                          "links": {"self": "https://iam.test/v3/projects"}}, status=status, headers={"X-IAM-Trace-Id": "trace-1"})


@pytest.mark.parametrize("config, url", [
    ({"region": "cn-north-4"}, "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4"),
    ({"region": "eu-west-101"}, "https://iam.eu-west-101.myhuaweicloud.eu/v3/projects?name=eu-west-101"),
    ({"region": "ap-southeast-1", "iam_endpoint": "http://127.0.0.1:9/"}, "http://127.0.0.1:9/v3/projects?name=ap-southeast-1"),
    ({"region": "cn-east-3", "iam_endpoint": "https://{service}.{region}.example.test"},
     "https://iam.cn-east-3.example.test/v3/projects?name=cn-east-3"),
])
def test_without_project_id_iam_names_the_project_of_the_region(config, url):
    region = config["region"]
    client, transport, clock = make_client(iam_answer((region, "p-found")), json_response(OK), project_id=None, **config)
    assert client.get("ListJobs", "/v3.1/{project_id}/jobs", {}) == OK
    lookup, listing = transport.requests
    assert lookup.url == url and lookup.method == "GET"
    access, names = verify_aksk(lookup)
    assert access == AK and "x-project-id" not in names and "X-Project-Id" not in lookup.headers
    assert "/v3.1/p-found/jobs" in listing.url and listing.headers["X-Project-Id"] == "p-found"


def test_the_project_is_looked_up_once_per_config_for_every_service():
    config = HuaweiConfig(access_key=AK, secret_key=SK, region="cn-north-4", security_token=STS)
    transport = FakeTransport(iam_answer(("cn-north-4", "p-1"), ("cn-north-4_sub", "p-sub")), json_response(OK), json_response(OK),
                              json_response(OK))
    clock = FakeClock()
    clients = [HuaweiClient(config, service, transport, RetryPolicy(retries=0, sleep=clock.sleep, clock=clock.monotonic), utcnow=Ticker())
               for service in ("dds", "rds")]
    for client in clients + clients[:1]:
        client.get("List", "/v3/{project_id}/tasklist", {})
    assert [urlsplit(request.url).path for request in transport.requests] == ["/v3/projects", "/v3/p-1/tasklist", "/v3/p-1/tasklist",
                                                                              "/v3/p-1/tasklist"]
    assert transport.requests[0].headers["X-Security-Token"] == STS


@pytest.mark.parametrize("projects, words", [
    ((), "knows no project named 'cn-north-4'"),
    ((("cn-north-4", "p-a"), ("cn-north-4", "p-b")), "has 2 projects named 'cn-north-4' (p-a, p-b): set project_id to one of them"),
    ((("cn-north-4_sub", "p-sub"), ("cn-north-9", "p-9")), "knows no project named 'cn-north-4'"),
])
def test_no_project_or_several_fail_naming_the_region_or_listing_them(projects, words):
    client, transport, clock = make_client(iam_answer(*projects), project_id=None)
    with pytest.raises(ParameterError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    assert caught.value.option == "project_id" and words in str(caught.value)
    assert "https://iam.cn-north-4.myhuaweicloud.com" in str(caught.value)
    assert len(transport.requests) == 1


def test_an_iam_error_is_labelled_with_iam_and_its_trace_id():
    answer = json_response({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}},
                           status=401, headers={"X-IAM-Trace-Id": "trace-7"})
    client, transport, clock = make_client(answer, project_id=None)
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs", {})
    err = caught.value
    assert (err.label, err.operation, err.code, err.request_id, err.http_status) == ("IAM", "KeystoneListProjects", "401", "trace-7", 401)
    assert str(err).startswith("IAM KeystoneListProjects failed: The request you have made requires authentication.")


def test_each_signature_is_masked_before_it_is_sent_and_the_time_left_goes_with_the_request():
    def echo(request):
        signature = request.headers["Authorization"].rpartition("Signature=")[2]
        return json_response({"error_code": "APIGW.0301", "error_msg": "signature %s, expected other" % signature}, status=401)

    client, transport, clock = make_client(echo)
    with client.retry_policy.deadline.within(7), pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs")
    signature = transport.requests[0].headers["Authorization"].rpartition("Signature=")[2]
    assert signature not in str(caught.value) and "signature ********, expected other" in str(caught.value)
    assert transport.requests[0].time_limit == pytest.approx(7)


def test_deep_json_is_a_clear_error():
    client, transport, clock = make_client(raw_response('{"jobs": ' + "[" * 500 + "]" * 500 + "}", headers={"X-Request-Id": "r-9"}))
    with pytest.raises(ApiError) as caught:
        client.get("ListJobs", "/v3.1/{project_id}/jobs")
    assert str(caught.value) == "DDS ListJobs failed: unexpected response: JSON nested more than 64 levels deep (HTTP 200, request id r-9)"
