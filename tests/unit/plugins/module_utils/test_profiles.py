# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings from the UCloud CLI and KooCLI profile files, in a temporary HOME."""

from __future__ import annotations

import json

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._profiles import MAX_FILE_BYTES, huawei_profile, ucloud_profile

UCLOUD_CONFIG = [
    {"project_id": "org-default", "region": "cn-bj2", "zone": "cn-bj2-02", "base_url": "https://api.ucloud.cn/", "timeout_sec": 15,
     "profile": "default", "active": False},
    {"project_id": "org-ci", "region": "cn-sh2", "base_url": "http://127.0.0.1:8080", "profile": "ci", "active": True},
]
UCLOUD_CREDENTIALS = [{"public_key": "pub-default", "private_key": "priv-default", "profile": "default"},
                      {"public_key": "pub-ci", "private_key": "priv-ci", "profile": "ci"}]
KOOCLI = {"language": "en", "current": "ci", "profiles": [
    {"name": "default", "mode": "AKSK", "accessKeyId": "AKDEFAULT", "secretAccessKey": "sk-default", "region": "cn-north-4",
     "projectId": "p-default"},
    {"name": "ci", "mode": "AKSK", "accessKeyId": "AKCI", "secretAccessKey": "sk-ci", "securityToken": "token-ci", "region": "cn-east-3",
     "projectId": "p-ci"},
    {"name": "agency", "mode": "ecsAgency", "region": "cn-north-4"},
]}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def write(home, relative, data):
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def ucloud(**params):
    return dict({"public_key": None, "private_key": None, "project_id": None, "region": None, "base_url": None, "profile": None,
                 "shared_config_file": None, "shared_credentials_file": None}, **params)


def huawei(**params):
    return dict({"access_key": None, "secret_key": None, "security_token": None, "auth_token": None, "project_id": None, "region": None,
                 "endpoint": None, "profile": None, "shared_config_file": None}, **params)


def rule_of(function, params):
    with pytest.raises(ParameterError) as raised:
        function(params)
    return raised.value.option, raised.value.rule


def test_ucloud_without_credentials_uses_the_active_profile_of_the_default_files(home):
    write(home, ".ucloud/config.json", UCLOUD_CONFIG)
    write(home, ".ucloud/credential.json", UCLOUD_CREDENTIALS)
    filled = ucloud_profile(ucloud())
    assert {name: filled[name] for name in ("public_key", "private_key", "project_id", "region", "base_url")} == {
        "public_key": "pub-ci", "private_key": "priv-ci", "project_id": "org-ci", "region": "cn-sh2", "base_url": "http://127.0.0.1:8080"}


def test_ucloud_a_named_profile_fills_only_what_options_and_environment_left_unset(home):
    write(home, ".ucloud/config.json", UCLOUD_CONFIG)
    write(home, ".ucloud/credential.json", UCLOUD_CREDENTIALS)
    filled = ucloud_profile(ucloud(profile="default", project_id="org-given"))
    assert (filled["public_key"], filled["private_key"], filled["project_id"], filled["region"]) == ("pub-default", "priv-default", "org-given", "cn-bj2")
    # Keys already set are never mixed with the profile's: the pair comes whole or not at all.
    filled = ucloud_profile(ucloud(profile="default", public_key="pub-given"))
    assert (filled["public_key"], filled["private_key"], filled["region"]) == ("pub-given", None, "cn-bj2")


def test_ucloud_without_a_config_file_the_default_profile_is_used_and_nothing_is_read_when_keys_are_set(home):
    write(home, ".ucloud/credential.json", UCLOUD_CREDENTIALS)
    assert ucloud_profile(ucloud())["public_key"] == "pub-default"
    assert ucloud_profile(ucloud(public_key="a", private_key="b")) == ucloud(public_key="a", private_key="b")
    (home / ".ucloud" / "credential.json").unlink()
    assert ucloud_profile(ucloud()) == ucloud()  # no CLI here: the usual "is required" errors follow


def test_ucloud_files_named_by_path_and_key_spellings_of_any_case(home):
    config = write(home, "elsewhere/conf.json", [{"Profile": "x", "ProjectId": "org-x", "Active": "true"}])
    credentials = write(home, "elsewhere/cred.json", [{"profile": "x", "PublicKey": "pub-x", "private-key": "priv-x"}])
    filled = ucloud_profile(ucloud(shared_config_file=config, shared_credentials_file=credentials))
    assert (filled["public_key"], filled["private_key"], filled["project_id"]) == ("pub-x", "priv-x", "org-x")


@pytest.mark.parametrize("files, params, option, rule", [
    ({}, {"profile": "ci"}, "shared_credentials_file", "profile 'ci': {home}/.ucloud/credential.json does not exist"),
    ({".ucloud/credential.json": UCLOUD_CREDENTIALS}, {"profile": "nope"}, "profile",
     "profile 'nope' is not in {home}/.ucloud/credential.json (profiles there: ci, default)"),
    ({".ucloud/credential.json": UCLOUD_CREDENTIALS}, {"shared_config_file": "{home}/missing.json"}, "shared_config_file",
     "the active UCloud CLI profile: {home}/missing.json does not exist"),
    ({".ucloud/credential.json": '[{"profile": "default", "public_key": "pub", "private_key": "SECRET",'}, {"profile": "default"},
     "shared_credentials_file", "profile 'default': {home}/.ucloud/credential.json is not valid JSON (line 1 column 70)"),
    ({".ucloud/credential.json": {"profile": "default"}}, {"profile": "default"}, "shared_credentials_file",
     "profile 'default': {home}/.ucloud/credential.json must hold a JSON list of profiles"),
    ({".ucloud/credential.json": [{"profile": "default", "public_key": "pub"}]}, {"profile": "default"}, "profile",
     "profile 'default' in {home}/.ucloud/credential.json has no private_key"),
    ({".ucloud/config.json": UCLOUD_CONFIG}, {"profile": "other", "public_key": "a", "private_key": "b"}, "profile",
     "profile 'other' is not in {home}/.ucloud/config.json (profiles there: ci, default)"),
])
def test_ucloud_a_missing_or_unreadable_profile_is_an_error_naming_the_file_and_profile(home, files, params, option, rule):
    for relative, data in files.items():
        write(home, relative, data)
    params = {name: value.format(home=home) if isinstance(value, str) else value for name, value in params.items()}
    found = rule_of(ucloud_profile, ucloud(**params))
    assert found == (option, rule.format(home=home))
    assert "SECRET" not in found[1]


def test_huawei_without_credentials_uses_the_current_koocli_profile(home):
    write(home, ".hcloud/config.json", KOOCLI)
    filled = huawei_profile(huawei(endpoint="http://127.0.0.1:8080/{service}"))
    assert {name: filled[name] for name in ("access_key", "secret_key", "security_token", "project_id", "region", "endpoint")} == {
        "access_key": "AKCI", "secret_key": "sk-ci", "security_token": "token-ci", "project_id": "p-ci", "region": "cn-east-3",
        "endpoint": "http://127.0.0.1:8080/{service}"}


def test_huawei_a_named_profile_never_mixes_its_keys_with_a_token_or_keys_set_elsewhere(home):
    write(home, ".hcloud/config.json", KOOCLI)
    filled = huawei_profile(huawei(profile="default", auth_token="tok", region="eu-west-101"))
    assert (filled["access_key"], filled["secret_key"], filled["auth_token"], filled["project_id"], filled["region"]) == (
        None, None, "tok", "p-default", "eu-west-101")
    # Without a name and with credentials set, the default file is not consulted at all.
    assert huawei_profile(huawei(access_key="A", secret_key="S")) == huawei(access_key="A", secret_key="S")


@pytest.mark.parametrize("data, params, option, rule", [
    (None, {"profile": "ci"}, "shared_config_file", "profile 'ci': {home}/.hcloud/config.json does not exist"),
    (KOOCLI, {"profile": "prod"}, "profile", "profile 'prod' is not in {home}/.hcloud/config.json (profiles there: agency, ci, default)"),
    (dict(KOOCLI, current="gone"), {}, "profile", "profile 'gone' is not in {home}/.hcloud/config.json (profiles there: agency, ci, default)"),
    (KOOCLI, {"profile": "agency"}, "profile", "profile 'agency' in {home}/.hcloud/config.json uses mode ecsAgency; only AKSK profiles"),
    (dict(KOOCLI, authEncrypt="true"), {}, "profile", "profile 'ci' in {home}/.hcloud/config.json holds encrypted keys; store them"),
    ([KOOCLI], {"profile": "ci"}, "shared_config_file", "profile 'ci': {home}/.hcloud/config.json must hold a JSON object with profiles"),
    ({"profiles": [{"name": "x", "accessKeyId": "AK"}]}, {"profile": "x"}, "profile", "profile 'x' in {home}/.hcloud/config.json has no secret_key"),
])
def test_huawei_a_missing_or_unusable_profile_is_an_error_naming_the_file_and_profile(home, data, params, option, rule):
    if data is not None:
        write(home, ".hcloud/config.json", data)
    found = rule_of(huawei_profile, huawei(**params))
    assert found[0] == option and found[1].startswith(rule.format(home=home)), found


def test_a_file_too_large_to_be_a_profile_is_refused(home):
    write(home, ".hcloud/config.json", " " * (MAX_FILE_BYTES + 1))
    assert rule_of(huawei_profile, huawei(profile="x"))[1] == "profile 'x': %s/.hcloud/config.json is larger than %d bytes, not a profile file" % (
        home, MAX_FILE_BYTES)
