# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.dbtasks.cloud.plugins.module_utils import _module
from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import COMMON_SPEC, HUAWEI_SPEC, UCLOUD_SPEC
from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import TransportError
from ansible_collections.dbtasks.cloud.plugins.module_utils._module import DbTasksModule
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._udts import UDTS
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.fakes import (
    install_fake_runtime,
    json_response,
    raw_response,
    run_module,
)

UCLOUD_ARGS = {"public_key": "pub-key", "private_key": "priv-secret-value"}
HUAWEI_ARGS = {"access_key": "AKVALUE", "secret_key": "sk-secret-value", "security_token": "sts-secret-value",
               "project_id": "p1", "region": "cn-north-4"}
ENV_NAMES = sorted({name for spec in (UCLOUD_SPEC, HUAWEI_SPEC) for option in spec.values() for name in option.get("fallback", (0, []))[1]})


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def udts_status_main():
    module = DbTasksModule({"task_id": {"type": "str", "required": True}}, UDTS)
    module.run(lambda: {"status": module.client.call("GetUDTSTaskStatus", {"TaskId": module.params["task_id"]})["Data"]["Status"]})


def rds_tasks_main():
    module = DbTasksModule({}, RDS)

    def work():
        data = module.client.get("ListTasks", "/v3/{project_id}/tasklist", {"limit": 50})
        if not data.get("total_count"):
            module.warn("no tasks; echo %s" % module.params["secret_key"])
        return {"tasks": data["tasks"], "check_mode": module.check_mode}
    module.run(work)


def test_ucloud_module_runs_and_exits_unchanged(monkeypatch):
    transport, clock = install_fake_runtime(monkeypatch, json_response({"RetCode": 0, "Data": {"Status": "Synced"}}))
    result = run_module(udts_status_main, dict(UCLOUD_ARGS, task_id="t1"))
    assert result == {"status": "Synced", "changed": False}
    assert len(transport.requests) == 1


def test_env_fallbacks_feed_the_client(monkeypatch):
    monkeypatch.setenv("UCLOUD_PUBLIC_KEY", "env-pub")
    monkeypatch.setenv("UCLOUD_PRIVATE_KEY", "env-priv")
    monkeypatch.setenv("UCLOUD_PROJECT_ID", "org-env")
    monkeypatch.setenv("UCLOUD_API_BASE_URL", "http://127.0.0.1:9/")
    transport, clock = install_fake_runtime(monkeypatch, json_response({"RetCode": 0, "Data": {"Status": "Done"}}))
    assert run_module(udts_status_main, {"task_id": "t1"})["status"] == "Done"
    request = transport.requests[0]
    assert request.url == "http://127.0.0.1:9/"
    assert b"PublicKey=env-pub" in request.body and b"ProjectId=org-env" in request.body


def test_huawei_env_fallback_order(monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "sdk-ak")
    monkeypatch.setenv("HW_ACCESS_KEY", "tf-ak")
    monkeypatch.setenv("HW_SECRET_KEY", "tf-sk")
    monkeypatch.setenv("HW_PROJECT_ID", "p-env")
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
    monkeypatch.setenv("HW_REGION_NAME", "cn-north-4")
    transport, clock = install_fake_runtime(monkeypatch, json_response({"tasks": [], "total_count": 1}))
    run_module(rds_tasks_main, {})
    request = transport.requests[0]
    assert request.url.startswith("https://rds.cn-north-4.myhuaweicloud.com/v3/p-env/tasklist?")
    assert "Access=sdk-ak," in request.headers["Authorization"]


def test_endpoint_env_points_every_service_at_one_host(monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_ENDPOINT", "http://127.0.0.1:8443")
    transport, clock = install_fake_runtime(monkeypatch, json_response({"tasks": [], "total_count": 1}))
    run_module(rds_tasks_main, dict(HUAWEI_ARGS, region=None))
    assert transport.requests[0].url.startswith("http://127.0.0.1:8443/v3/p1/tasklist?")


def test_api_error_becomes_structured_fail_json(monkeypatch):
    transport, clock = install_fake_runtime(monkeypatch, *[json_response({"RetCode": 153, "Message": "busy"},
                                                                         headers={"X-UCLOUD-REQUEST-UUID": "u-1"})] * 3)
    result = run_module(udts_status_main, dict(UCLOUD_ARGS, task_id="t1", retries=2))
    assert result == {
        "failed": True,
        "msg": "UCloud GetUDTSTaskStatus failed: busy (code 153, HTTP 200, request id u-1, after 3 attempts)",
        "error_code": 153,
        "http_status": 200,
        "request_id": "u-1",
        "operation": "GetUDTSTaskStatus",
        "cloud": "ucloud",
        "provider": "udts",
        "attempts": 3,
    }
    assert len(clock.sleeps) == 2


def test_fail_and_warn_are_redacted(monkeypatch):
    echo = "bad %s and %s and %s" % (HUAWEI_ARGS["secret_key"], HUAWEI_ARGS["security_token"], "sts-secret-value")
    transport, clock = install_fake_runtime(monkeypatch, raw_response(echo, status=400))
    result = run_module(rds_tasks_main, HUAWEI_ARGS)
    assert result["failed"] and result["http_status"] == 400
    assert "secret-value" not in repr(result)

    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message: warnings.append(message))
    install_fake_runtime(monkeypatch, json_response({"tasks": [], "total_count": 0}))
    result = run_module(rds_tasks_main, HUAWEI_ARGS)
    assert result["tasks"] == []
    assert warnings == ["no tasks; echo ********"]


def test_transport_error_at_the_boundary(monkeypatch):
    transport, clock = install_fake_runtime(monkeypatch, TransportError("tls", "TLS handshake or certificate verification failed for https://x/"))
    result = run_module(rds_tasks_main, HUAWEI_ARGS)
    assert result["msg"] == "RDS ListTasks failed: TLS handshake or certificate verification failed for https://x/"
    assert result["attempts"] == 1 and result["http_status"] is None


@pytest.mark.parametrize("args, option", [
    ({"task_id": "t1"}, "public_key"),
    (dict(UCLOUD_ARGS, task_id="t1", timeout=0), "timeout"),
    (dict(UCLOUD_ARGS, task_id="t1", retries=50), "retries"),
    (dict(UCLOUD_ARGS, task_id="t1", base_url="nope"), "base_url"),
    (dict(UCLOUD_ARGS, task_id="t1", base_url="https://api.ucloud.cn#"), "base_url"),
    (dict(UCLOUD_ARGS, task_id="t1", timeout=1e10), "timeout"),
    (dict(UCLOUD_ARGS, task_id="t1", validate_certs=False, ca_bundle="/etc/hosts"), "ca_bundle"),
    (dict(UCLOUD_ARGS, task_id="t1", project_id="org-\u00e9t\u00e9"), "project_id"),
])
def test_bad_options_fail_before_any_request(monkeypatch, args, option):
    transport, clock = install_fake_runtime(monkeypatch)
    result = run_module(udts_status_main, args)
    assert result["failed"] and result["option"] == option and result["msg"].startswith(option + ": ")
    assert transport.requests == []


@pytest.mark.parametrize("answer", [json_response({"tasks": [], "total_count": 1}), raw_response("down", status=503)])
def test_insecure_settings_give_one_warning_on_success_and_on_failure(monkeypatch, answer):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message: warnings.append(message))
    install_fake_runtime(monkeypatch, *[answer] * 5)
    run_module(rds_tasks_main, dict(HUAWEI_ARGS, validate_certs=False, endpoint="http://rds.example.com", retries=0))
    assert len(warnings) == 2
    assert warnings[0].startswith("validate_certs is false: the API's TLS certificate is not verified")
    assert warnings[1].startswith("endpoint http://rds.example.com uses plain http:// to another machine")


def test_secure_settings_give_no_warning(monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message: warnings.append(message))
    install_fake_runtime(monkeypatch, json_response({"tasks": [], "total_count": 1}))
    run_module(rds_tasks_main, dict(HUAWEI_ARGS, endpoint="http://127.0.0.1:8080"))
    assert warnings == []


def test_check_mode_is_supported(monkeypatch):
    install_fake_runtime(monkeypatch, json_response({"tasks": [{"id": "x"}], "total_count": 1}))
    result = run_module(rds_tasks_main, dict(HUAWEI_ARGS, _ansible_check_mode=True))
    assert result == {"tasks": [{"id": "x"}], "check_mode": True, "changed": False}


def test_missing_requests_fails_with_missing_required_lib(monkeypatch):
    monkeypatch.setattr(_module, "HAS_REQUESTS", False)
    monkeypatch.setattr(_module, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    monkeypatch.setattr(DbTasksModule, "hooks", RuntimeHooks())
    result = run_module(udts_status_main, dict(UCLOUD_ARGS, task_id="t1"))
    assert result["failed"]
    assert result["msg"] == basic.missing_required_lib("requests")
    assert "requests" in result["msg"]
    assert result["exception"] == "Traceback: No module named 'requests'"


def test_real_transport_is_built_from_options(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    built = {}

    def capture():
        module = DbTasksModule({}, DDS, hooks=RuntimeHooks())
        transport = module.connections.transport("huaweicloud")
        built.update(timeout=(transport.connect_timeout, transport.timeout), verify=transport.verify,
                     same=module.connections.transport("huaweicloud") is transport, client_transport=module.client.transport is transport,
                     service=module.client.service)
        module.run(dict)

    result = run_module(capture, dict(HUAWEI_ARGS, timeout=45, ca_bundle=str(bundle)))
    assert result == {"changed": False}
    assert built == {"timeout": (10.0, 45.0), "verify": str(bundle), "same": True, "client_transport": True, "service": "dds"}


def test_module_spec_is_merged_with_connection_and_common_options(monkeypatch):
    seen = {}

    def capture():
        module = DbTasksModule({"name": {"type": "str"}}, UDTS)
        seen.update(module.params)
        module.run(dict)

    install_fake_runtime(monkeypatch)
    run_module(capture, dict(UCLOUD_ARGS, name="n"))
    assert set(seen) == set(UCLOUD_SPEC) | set(COMMON_SPEC) | {"name"}
    assert seen["timeout"] == 30.0 and seen["retries"] == 4 and seen["validate_certs"] is True


def test_default_hooks_send_real_requests():
    assert DbTasksModule.hooks.transport is None
