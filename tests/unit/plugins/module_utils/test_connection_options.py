# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import (
    COMMON_SPEC,
    HUAWEI_SPEC,
    INSECURE_WARNING,
    MAX_TIMEOUT,
    UCLOUD_SPEC,
    huawei_config,
    secret_values,
    transport_settings,
    transport_warnings,
    ucloud_config,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError


def common(**overrides):
    params = {"timeout": 30.0, "retries": 4, "validate_certs": True, "ca_bundle": None}
    params.update(overrides)
    return params


def ucloud(**overrides):
    params = {"public_key": "pub", "private_key": "priv", "project_id": None, "region": None, "base_url": "https://api.ucloud.cn"}
    params.update(overrides)
    return params


def huawei(**overrides):
    params = {"access_key": "ak", "secret_key": "sk", "security_token": None, "auth_token": None,
              "project_id": "p1", "region": "cn-north-4", "endpoint": None, "iam_endpoint": None}
    params.update(overrides)
    return params


def rejected(function, params):
    with pytest.raises(ParameterError) as caught:
        function(params)
    return caught.value


def test_specs_declare_env_fallbacks_and_no_log():
    def envs(spec, name):
        return spec[name]["fallback"][1]
    assert envs(UCLOUD_SPEC, "public_key") == ["UCLOUD_PUBLIC_KEY"]
    assert envs(UCLOUD_SPEC, "private_key") == ["UCLOUD_PRIVATE_KEY"]
    assert envs(UCLOUD_SPEC, "project_id") == ["UCLOUD_PROJECT_ID"]
    assert envs(UCLOUD_SPEC, "region") == ["UCLOUD_REGION"]
    assert envs(UCLOUD_SPEC, "base_url") == ["UCLOUD_API_BASE_URL"]
    assert envs(HUAWEI_SPEC, "access_key") == ["HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"]
    assert envs(HUAWEI_SPEC, "secret_key") == ["HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"]
    assert envs(HUAWEI_SPEC, "security_token") == ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"]
    assert envs(HUAWEI_SPEC, "auth_token") == ["HUAWEICLOUD_SDK_AUTH_TOKEN"]
    assert envs(HUAWEI_SPEC, "project_id") == ["HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"]
    assert envs(HUAWEI_SPEC, "region") == ["HW_REGION_NAME", "HUAWEICLOUD_SDK_REGION"]
    assert envs(HUAWEI_SPEC, "endpoint") == ["HUAWEICLOUD_SDK_ENDPOINT"]
    assert UCLOUD_SPEC["public_key"]["no_log"] is False and HUAWEI_SPEC["access_key"]["no_log"] is False
    no_log = {name for spec in (UCLOUD_SPEC, HUAWEI_SPEC, COMMON_SPEC) for name, option in spec.items() if option.get("no_log")}
    assert no_log == {"private_key", "secret_key", "security_token", "auth_token"}


def test_transport_settings_defaults():
    assert transport_settings(common()) == {"validate_certs": True, "ca_bundle": None, "connect_timeout": 10.0, "timeout": 30.0}
    assert transport_settings(common(timeout=2.5))["connect_timeout"] == 2.5


def test_ca_bundle_must_exist(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    assert transport_settings(common(ca_bundle=str(bundle)))["ca_bundle"] == str(bundle)
    assert str(rejected(transport_settings, common(ca_bundle=str(tmp_path / "missing.pem")))).startswith("ca_bundle: ")


@pytest.mark.parametrize("overrides, option", [
    (dict(timeout=0.0), "timeout"),
    (dict(timeout=-1.0), "timeout"),
    (dict(timeout=float("nan")), "timeout"),
    (dict(timeout=float("inf")), "timeout"),
    (dict(timeout=1e10), "timeout"),
    (dict(timeout=MAX_TIMEOUT + 0.5), "timeout"),
    (dict(retries=-1), "retries"),
    (dict(retries=11), "retries"),
])
def test_common_rules(overrides, option):
    err = rejected(transport_settings, common(**overrides))
    assert err.option == option and str(err).startswith(option + ": ")


def test_retries_bounds_accepted():
    transport_settings(common(retries=0))
    transport_settings(common(retries=10))
    assert transport_settings(common(timeout=MAX_TIMEOUT))["timeout"] == MAX_TIMEOUT


def test_timeout_bound_is_named_in_the_message():
    assert "at most 300" in str(rejected(transport_settings, common(timeout=1e10)))


def test_ca_bundle_with_validate_certs_false_is_contradictory(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    err = rejected(transport_settings, common(validate_certs=False, ca_bundle=str(bundle)))
    assert err.option == "ca_bundle" and "validate_certs=false" in str(err)


@pytest.mark.parametrize("overrides, url_option, expected", [
    ({}, "base_url", []),
    (dict(validate_certs=False), "base_url", [INSECURE_WARNING]),
    (dict(base_url="http://127.0.0.1:8080"), "base_url", []),
    (dict(base_url="http://127.8.0.1"), "base_url", []),
    (dict(base_url="http://[::1]:80/"), "base_url", []),
    (dict(base_url="http://localhost:1"), "base_url", []),
    (dict(base_url="http://api.localhost"), "base_url", []),
    (dict(base_url="https://api.ucloud.cn"), "base_url", []),
    (dict(endpoint=None), "endpoint", []),
])
def test_transport_warnings_quiet_or_insecure(overrides, url_option, expected):
    assert transport_warnings(dict(common(), **overrides), url_option) == expected


@pytest.mark.parametrize("url", ["http://api.ucloud.cn", "http://10.0.0.5:8080", "http://{service}.example.com", "HTTP://192.168.1.1"])
def test_plain_http_to_another_machine_is_a_warning(url):
    warnings = transport_warnings(dict(common(), endpoint=url), "endpoint")
    assert len(warnings) == 1 and warnings[0].startswith("endpoint %s uses plain http://" % url) and "unencrypted" in warnings[0]


def test_ucloud_config_built():
    config = ucloud_config(ucloud(project_id="org-1", base_url="http://127.0.0.1:8080"))
    assert (config.public_key, config.private_key, config.project_id, config.region, config.base_url) == (
        "pub", "priv", "org-1", None, "http://127.0.0.1:8080")


@pytest.mark.parametrize("overrides, option, words", [
    (dict(public_key=None), "public_key", "UCLOUD_PUBLIC_KEY"),
    (dict(private_key=""), "private_key", "UCLOUD_PRIVATE_KEY"),
    (dict(private_key="priv\n"), "private_key", "whitespace"),
    (dict(private_key="pr iv"), "private_key", "whitespace"),
    (dict(public_key="pub\x00"), "public_key", "control characters"),
    (dict(project_id="org-1\n"), "project_id", "whitespace"),
    (dict(base_url="api.ucloud.cn"), "base_url", "http"),
    (dict(base_url="ftp://api.ucloud.cn"), "base_url", "http"),
    (dict(base_url="https://api.ucloud.cn/?x=1"), "base_url", "query"),
    (dict(base_url="https://api.ucloud.cn?"), "base_url", "? or #"),
    (dict(base_url="https://api.ucloud.cn/#"), "base_url", "? or #"),
    (dict(project_id="org-\u00e9"), "project_id", "printable ASCII"),
    (dict(private_key="priv\u20ac"), "private_key", "printable ASCII"),
    (dict(public_key="\u043a\u043b\u044e\u0447"), "public_key", "printable ASCII"),
    (dict(base_url="http://[::1"), "base_url", "http://[::1"),
    (dict(base_url="http://127.0.0.1:99999"), "base_url", "port"),
    (dict(base_url="http://127.0.0.1:port/"), "base_url", "port"),
    (dict(base_url="http://user:pw@api.ucloud.cn"), "base_url", "user name or password"),
])
def test_ucloud_rules(overrides, option, words):
    err = rejected(ucloud_config, ucloud(**overrides))
    assert err.option == option and str(err).startswith(option + ": ") and words in str(err)


@pytest.mark.parametrize("url", ["http://user:hunter2@127.0.0.1:1", "ftp://user:hunter2@host", "http://user:hunter2@[::1"])
def test_url_rules_do_not_echo_a_password(url):
    # requests would also send it as Basic auth, overriding the Huawei signature.
    err = rejected(huawei_config, huawei(endpoint=url))
    assert err.option == "endpoint" and "hunter2" not in str(err)


def test_whitespace_rule_does_not_echo_the_secret():
    err = rejected(ucloud_config, ucloud(private_key=" topsecret"))
    assert "topsecret" not in str(err)


def test_without_project_id_ak_sk_and_a_region_are_enough():
    config = huawei_config(huawei(project_id=None, iam_endpoint="http://127.0.0.1:1/"))
    assert (config.project_id, config.region, config.iam_url()) == (None, "cn-north-4", "http://127.0.0.1:1")
    assert huawei_config(huawei(project_id=None, region="eu-west-101")).iam_url() == "https://iam.eu-west-101.myhuaweicloud.eu"


@pytest.mark.parametrize("project_id", ["0123456789abcdef0123456789ABCDEF", "p1", "proj_1-a", "x" * 64])
def test_huawei_project_ids_accepted(project_id):
    assert huawei_config(huawei(project_id=project_id)).project_id == project_id


def test_huawei_config_variants():
    config = huawei_config(huawei(security_token="sts"))
    assert (config.access_key, config.secret_key, config.security_token, config.auth_token) == ("ak", "sk", "sts", None)
    config = huawei_config(huawei(access_key=None, secret_key=None, auth_token="tok", region=None, endpoint="http://127.0.0.1:1"))
    assert (config.access_key, config.auth_token, config.region, config.endpoint) == (None, "tok", None, "http://127.0.0.1:1")


@pytest.mark.parametrize("overrides, option, words", [
    (dict(access_key=None, secret_key=None), "access_key", "auth_token"),
    (dict(secret_key=None), "secret_key", "HUAWEICLOUD_SDK_SK / HW_SECRET_KEY"),
    (dict(access_key=None), "access_key", "together with secret_key"),
    (dict(access_key=None, secret_key=None, security_token="sts"), "access_key", "required"),
    (dict(auth_token="tok"), "access_key", "cannot be combined with auth_token"),
    (dict(access_key=None, secret_key=None, auth_token="tok", security_token="sts"), "security_token", "auth_token"),
    (dict(auth_token="tok\n", access_key=None, secret_key=None), "auth_token", "whitespace"),
    (dict(auth_token="to\nk", access_key=None, secret_key=None), "auth_token", "whitespace"),
    (dict(security_token="sts\r\npart"), "security_token", "whitespace"),
    (dict(project_id=" p1"), "project_id", "whitespace"),
    (dict(project_id="p\n1"), "project_id", "whitespace"),
    (dict(project_id=None, region=None, endpoint="http://127.0.0.1:1"), "project_id",
     "unless region is set (the project of the region is then looked up); set it or the environment variable "
     "HUAWEICLOUD_SDK_PROJECT_ID / HW_PROJECT_ID"),
    (dict(project_id=None, access_key=None, secret_key=None, auth_token="tok"), "project_id", "with auth_token"),
    (dict(project_id=None, iam_endpoint="iam.example.com"), "iam_endpoint", "http"),
    (dict(project_id="."), "project_id", "32 hex digits"),
    (dict(project_id=".."), "project_id", "32 hex digits"),
    (dict(project_id="a/b"), "project_id", "32 hex digits"),
    (dict(project_id="a%2f"), "project_id", "32 hex digits"),
    (dict(project_id="p" * 65), "project_id", "at most 64"),
    (dict(project_id="\u043f\u0440\u043e\u0435\u043a\u0442"), "project_id", "printable ASCII"),
    (dict(project_id="cn-north-4"), "project_id", "project name"),
    (dict(auth_token="tok\u00e9n", access_key=None, secret_key=None), "auth_token", "printable ASCII"),
    (dict(security_token="sts\u20ac"), "security_token", "printable ASCII"),
    (dict(secret_key="\u00e9"), "secret_key", "printable ASCII"),
    (dict(endpoint="http://127.0.0.1:1#"), "endpoint", "? or #"),
    (dict(endpoint="http://127.0.0.1:1?"), "endpoint", "? or #"),
    (dict(endpoint="http://127.0.0.1:1/x?"), "endpoint", "? or #"),
    (dict(region=None), "region", "unless endpoint is set"),
    (dict(region="CN North 4"), "region", "cn-north-4"),
    (dict(endpoint="dds.example.com"), "endpoint", "http"),
    (dict(endpoint="https://[fe80::1/"), "endpoint", "https://[fe80::1/"),
    (dict(endpoint="https://user@{service}.example.com"), "endpoint", "user name or password"),
])
def test_huawei_rules(overrides, option, words):
    err = rejected(huawei_config, huawei(**overrides))
    assert err.option == option and str(err).startswith(option + ": ") and words in str(err)


def test_secret_values_lists_no_log_options_only():
    spec = dict(UCLOUD_SPEC, **COMMON_SPEC)
    assert secret_values(spec, dict(ucloud(), **common())) == ["priv"]
