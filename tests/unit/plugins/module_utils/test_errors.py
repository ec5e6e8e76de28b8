# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils import _huawei_client, _ucloud_client
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ApiError, DbTasksError, ParameterError, TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import CLOCK_SKEW_HINT, SIGNATURE_OR_CLOCK_HINT
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_client import TOKEN_HINT as HUAWEI_TOKEN_HINT
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import SIGNATURE_HINT as UCLOUD_SIGNATURE_HINT
from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_client import UNKNOWN_USER_HINT as UCLOUD_UNKNOWN_USER_HINT


def error_hint(cloud, http_status, code, message):
    """The hint the client of ``cloud`` gives for an error."""
    client = {"ucloud": _ucloud_client, "huaweicloud": _huawei_client}.get(cloud)
    return None if client is None else client.error_hint(http_status, code, message)


def test_api_error_message_lists_every_known_detail():
    err = ApiError("huaweicloud", "ListTasks", "instance not found", http_status=400, code="DBS.280001",
                   request_id="abc", attempts=3, label="RDS")
    assert str(err) == "RDS ListTasks failed: instance not found (code DBS.280001, HTTP 400, request id abc, after 3 attempts)"


def test_api_error_message_leaves_out_unknown_details_and_single_attempt():
    err = ApiError("ucloud", "ListUDTSTask", "boom", label="UCloud")
    assert str(err) == "UCloud ListUDTSTask failed: boom"


def test_api_error_fail_kwargs():
    err = ApiError("ucloud", "GetUDTSTaskStatus", "no such task", http_status=200, code=230, request_id="r-1", attempts=2,
                   label="UCloud", provider="udts")
    assert err.to_fail_kwargs() == {
        "msg": "UCloud GetUDTSTaskStatus failed: no such task (code 230, HTTP 200, request id r-1, after 2 attempts)",
        "error_code": 230,
        "http_status": 200,
        "request_id": "r-1",
        "operation": "GetUDTSTaskStatus",
        "cloud": "ucloud",
        "provider": "udts",
        "attempts": 2,
    }


def test_attempts_change_is_reflected_in_message():
    err = ApiError("ucloud", "ListUDTSTask", "busy", code=153)
    err.attempts = 5
    assert str(err).endswith("(code 153, after 5 attempts)")


def test_parameter_error_names_the_option():
    err = ParameterError("timeout", "must be greater than 0")
    assert isinstance(err, DbTasksError)
    assert str(err) == "timeout: must be greater than 0"
    assert err.to_fail_kwargs() == {"msg": "timeout: must be greater than 0", "option": "timeout"}


def test_transport_error_is_an_api_error_with_a_kind():
    err = TransportError("timeout", "timed out waiting for https://x/")
    assert isinstance(err, ApiError)
    assert err.kind == "timeout"
    assert err.http_status is None
    err.cloud, err.operation, err.label = "ucloud", "ListUDTSTask", "UCloud"
    assert str(err) == "UCloud ListUDTSTask failed: timed out waiting for https://x/"


def test_transport_error_rejects_unknown_kind():
    with pytest.raises(ValueError):
        raise TransportError("weird", "x")


@pytest.mark.parametrize("cloud, status, code, message, hint", [
    # The gateway's generic words for a wrong key and for a stale X-Sdk-Date alike: both causes are named.
    ("huaweicloud", 401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", SIGNATURE_OR_CLOCK_HINT),
    ("huaweicloud", 401, "APIG.0301", "verify aksk signature fail", SIGNATURE_OR_CLOCK_HINT),
    ("huaweicloud", 401, "APIGW.0301", "Incorrect IAM authentication information: x-sdk-date expired", CLOCK_SKEW_HINT),
    ("huaweicloud", 401, "APIGW.0303", "Incorrect app authentication information", CLOCK_SKEW_HINT),
    ("huaweicloud", 401, None, "request time skew too large", CLOCK_SKEW_HINT),
    ("huaweicloud", 401, "APIGW.0307", "The token must be updated", HUAWEI_TOKEN_HINT),
    ("huaweicloud", 401, "APIGW.0101", "token expired", HUAWEI_TOKEN_HINT),
    ("huaweicloud", 400, "DBS.280001", "invalid start_time", None),
    ("huaweicloud", 403, "DBS.200001", "no permission", None),
    ("ucloud", 200, 171, "Signature VerifyAC Error", UCLOUD_SIGNATURE_HINT),
    ("ucloud", 200, 172, "User not exist", UCLOUD_UNKNOWN_USER_HINT),
    ("ucloud", 200, 230, "time out", None),
])
def test_error_hints(cloud, status, code, message, hint):
    assert error_hint(cloud, status, code, message) == hint
    err = ApiError(cloud, "Op", message, http_status=status, code=code, hint=error_hint(cloud, status, code, message))
    if hint:
        assert str(err).endswith("; " + hint)
    else:
        assert ";" not in str(err)
