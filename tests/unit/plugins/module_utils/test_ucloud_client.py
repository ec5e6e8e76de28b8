# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import UCloudConfig
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._retry import RetryPolicy
from ansible_collections.dbtasks.cloud.plugins.module_utils._transport import USER_AGENT, BodyRejected, HttpResponse
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UCloudClient
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import (
    FakeClock,
    FakeTransport,
    json_response,
    raw_response,
)

PUBLIC = "my_public_key"
PRIVATE = "my_private_key"
UUID = {"X-UCLOUD-REQUEST-UUID": "uuid-42"}


def make_client(*script, retries=3, **config):
    config.setdefault("project_id", "org-abc")
    transport = FakeTransport(*script)
    clock = FakeClock()
    policy = RetryPolicy(retries=retries, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 0.5)
    client = UCloudClient(UCloudConfig(PUBLIC, PRIVATE, **config), transport, policy)
    return client, transport, clock


def form(request):
    return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))


def expected_signature(params):
    # Independent oracle per docs/api-reference.md ("UCloud signature"): sorted key+value, then the private key, SHA-1.
    text = "".join(key + value for key, value in sorted(params.items()) if key != "Signature")
    return hashlib.sha1((text + PRIVATE).encode("utf-8")).hexdigest()


def test_call_posts_signed_form_and_returns_data():
    client, transport, clock = make_client(json_response({"RetCode": 0, "Data": [{"TaskId": "t1"}]}, headers=UUID))
    data = client.call("ListUDTSTask", {"Offset": 0, "Limit": 10, "Type": "transfer"})
    assert data["Data"] == [{"TaskId": "t1"}]
    request, = transport.requests
    assert request.method == "POST"
    assert request.url == "https://api.ucloud.cn/"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["User-Agent"] == USER_AGENT
    sent = form(request)
    assert sent == {
        "Action": "ListUDTSTask", "Offset": "0", "Limit": "10", "Type": "transfer", "ProjectId": "org-abc",
        "PublicKey": PUBLIC, "Signature": sent["Signature"],
    }
    assert sent["Signature"] == expected_signature(sent)
    assert PRIVATE not in request.body.decode()
    assert clock.sleeps == []


def test_known_answer_vector_from_reference():
    client, transport, clock = make_client(json_response({"RetCode": 0}), region="cn-bj2")
    client.call("ListUDTSTask", {"Limit": 10, "Offset": 0, "Type": "transfer"})
    assert form(transport.requests[0])["Signature"] == "4b1aaa5d864b14e43ed862022f6655c4be013386"


def test_region_is_sent_only_when_set_and_explicit_params_win():
    client, transport, clock = make_client(json_response({"RetCode": 0}), json_response({"RetCode": 0}), project_id=None)
    client.call("GetUDTSTaskStatus", {"TaskId": "t1"})
    assert "Region" not in form(transport.requests[0]) and "ProjectId" not in form(transport.requests[0])
    client2, transport2, dummy = make_client(json_response({"RetCode": 0}), region="cn-bj2")
    client2.call("GetUDTSTaskStatus", {"TaskId": "t1", "ProjectId": "org-other"})
    sent = form(transport2.requests[0])
    assert sent["Region"] == "cn-bj2" and sent["ProjectId"] == "org-other"


@pytest.mark.parametrize("base_url, url", [
    ("https://api.scloudsg.com", "https://api.scloudsg.com/"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
    ("http://127.0.0.1:8080/ucloud", "http://127.0.0.1:8080/ucloud/"),
])
def test_base_url(base_url, url):
    client, transport, clock = make_client(json_response({"RetCode": 0}), base_url=base_url)
    client.call("ListUDTSTask", {})
    assert transport.requests[0].url == url


def test_retcode_error_carries_code_message_request_id_and_hint():
    client, transport, clock = make_client(json_response({"RetCode": 171, "Message": "Signature VerifyAC Error"}, headers=UUID))
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    err = caught.value
    assert (err.code, err.http_status, err.request_id, err.attempts, err.retryable) == (171, 200, "uuid-42", 1, False)
    assert str(err) == ("UCloud ListUDTSTask failed: Signature VerifyAC Error (code 171, HTTP 200, request id uuid-42);"
                        " check that private_key belongs to public_key")
    assert len(transport.requests) == 1


def test_retcode_without_message():
    client, transport, clock = make_client(json_response({"RetCode": 230}))
    with pytest.raises(ApiError) as caught:
        client.call("GetUDTSTaskStatus", {"TaskId": "x"})
    assert caught.value.message == "RetCode 230"


def test_throttled_retcode_is_retried_and_each_attempt_resigned():
    client, transport, clock = make_client(
        json_response({"RetCode": 153, "Message": "throttled"}),
        json_response({"RetCode": 2001, "Message": "internal"}),
        json_response({"RetCode": 0, "Data": {"Status": "Synced"}}),
    )
    assert client.call("GetUDTSTaskStatus", {"TaskId": "t1"})["Data"]["Status"] == "Synced"
    assert len(transport.requests) == 3
    for request in transport.requests:
        sent = form(request)
        assert sent["Signature"] == expected_signature(sent)
    assert clock.sleeps == [0.25, 0.5]


def test_retries_exhausted_reports_attempts():
    client, transport, clock = make_client(*[json_response({"RetCode": 150, "Message": "unavailable"}) for dummy in range(4)])
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    assert caught.value.attempts == 4
    assert "after 4 attempts" in str(caught.value)


@pytest.mark.parametrize("response, message", [
    (raw_response("<html><head><title>502 Bad Gateway</title></head></html>", status=200),
     "unexpected response: HTML error page (title: 502 Bad Gateway)"),
    (raw_response(""), "unexpected response: empty response body"),
    (raw_response("[]"), "unexpected response: JSON list instead of an object"),
    (raw_response('{"Data": []}'), "unexpected response: no numeric RetCode in the JSON object"),
    (raw_response('{"RetCode": "zero"}'), "unexpected response: no numeric RetCode in the JSON object"),
])
def test_bad_bodies_become_api_errors(response, message):
    client, transport, clock = make_client(response)
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    assert caught.value.message == message
    assert caught.value.http_status == 200
    assert caught.value.attempts == 1


def test_truncated_body_is_retried():
    truncated = raw_response('{"RetCode": 0, "Data": [{"TaskId"')
    client, transport, clock = make_client(truncated, json_response({"RetCode": 0, "Data": []}))
    assert client.call("ListUDTSTask", {})["Data"] == []
    client, transport, clock = make_client(truncated, truncated, retries=1)
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    assert caught.value.message == "unexpected response: truncated JSON (33 bytes)"
    assert (caught.value.http_status, caught.value.attempts) == (200, 2)


def test_http_error_page_is_retried_then_reported():
    page = raw_response("<!DOCTYPE html><title>503 Service Unavailable</title>", status=503, headers=UUID)
    client, transport, clock = make_client(page, page, retries=1)
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    err = caught.value
    assert err.message == "HTTP 503 with HTML error page (title: 503 Service Unavailable)"
    assert (err.http_status, err.attempts, err.request_id) == (503, 2, "uuid-42")


def test_http_error_with_json_body_uses_its_message():
    client, transport, clock = make_client(json_response({"RetCode": 153, "Message": "slow down"}, status=429,
                                                         headers={"Retry-After": "4"}),
                                           json_response({"RetCode": 0}))
    client.call("ListUDTSTask", {})
    assert clock.sleeps == [4.0]


def test_transport_errors_get_context_and_are_retried():
    client, transport, clock = make_client(TransportError("reset", "connection was reset"), json_response({"RetCode": 0}))
    assert client.call("ListUDTSTask", {}) == {"RetCode": 0}
    client, transport, clock = make_client(TransportError("tls", "certificate verify failed"))
    with pytest.raises(TransportError) as caught:
        client.call("ListUDTSTask", {})
    assert str(caught.value) == "UCloud ListUDTSTask failed: certificate verify failed"
    assert caught.value.to_fail_kwargs()["cloud"] == "ucloud"


def test_secrets_never_reach_error_text():
    echo = "bad request PrivateKey=%s Signature=0123456789abcdef key %s" % (PRIVATE, PRIVATE)
    scripts = [
        json_response({"RetCode": 160, "Message": echo}),
        raw_response("oops " + echo, status=400),
        raw_response("oops " + echo, status=200),
        raw_response("<html><title>%s</title></html>" % echo, status=400),
        TransportError("other", "cannot reach https://x/?Signature=0123456789abcdef&k=%s" % PRIVATE),
    ]
    for item in scripts:
        client, transport, clock = make_client(item)
        with pytest.raises(ApiError) as caught:
            client.call("ListUDTSTask", {})
        shown = str(caught.value) + repr(caught.value.to_fail_kwargs())
        assert PRIVATE not in shown
        assert "0123456789abcdef" not in shown
    assert PRIVATE not in repr(client.config)


def test_each_signature_is_masked_before_it_is_sent_and_the_time_left_goes_with_the_request():
    def echo(request):
        return json_response({"RetCode": 171, "Message": "signature %s is wrong" % form(request)["Signature"].upper()})

    client, transport, clock = make_client(echo)
    with client.retry_policy.deadline.within(12.5), pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    signature = form(transport.requests[0])["Signature"]
    assert signature.upper() not in str(caught.value) and "signature ******** is wrong" in str(caught.value)
    assert transport.requests[0].time_limit == pytest.approx(12.5)
    client, transport, clock = make_client(json_response({"RetCode": 0}))
    client.call("ListUDTSTask", {})
    assert transport.requests[0].time_limit is None


def test_nan_and_infinity_are_read_as_null_with_a_notice():
    client, transport, clock = make_client(raw_response('{"RetCode": 0, "Data": [{"Speed": NaN, "Lag": -Infinity}]}'))
    assert client.call("ListUDTSTask", {})["Data"] == [{"Speed": None, "Lag": None}]
    assert client.notices.drain() == ["UCloud ListUDTSTask answered numbers JSON does not allow (-Infinity, NaN); they are reported as null"]


def test_a_body_rejected_by_the_transport_is_an_api_error_with_status_and_request_id():
    rejected = BodyRejected(HttpResponse(200, UUID), "an answer larger than 32 MiB (the most one answer may have)")
    client, transport, clock = make_client(rejected)
    with pytest.raises(ApiError) as caught:
        client.call("ListUDTSTask", {})
    assert str(caught.value) == ("UCloud ListUDTSTask failed: unexpected response: an answer larger than 32 MiB (the most one answer"
                                 " may have) (HTTP 200, request id uuid-42)")
    assert caught.value.attempts == 1 and len(transport.requests) == 1
