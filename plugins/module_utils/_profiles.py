# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection settings from the profiles the clouds' command line tools keep: the last source, after options and environment.

- UCloud CLI (and ucloud-sdk-go, whose ``external`` package the Terraform provider uses):
  ``~/.ucloud/config.json``, a JSON list of ``{profile, project_id, region, base_url, active, ...}``, and
  ``~/.ucloud/credential.json``, a JSON list of ``{profile, public_key, private_key}``. Without a profile name the
  entry of config.json marked ``active`` is used, else ``default``.
- Huawei Cloud KooCLI (``hcloud``, read by the Terraform provider with ``shared_config_file``): ``~/.hcloud/config.json``,
  ``{current, profiles: [{name, mode, accessKeyId, secretAccessKey, securityToken, region, projectId, ...}]}``.
  Without a profile name the ``current`` one is used.

Key names are matched ignoring case, ``_`` and ``-`` (``projectId``, ``project_id`` and ``ProjectID`` are one key),
since the tools' versions do not agree on a spelling. A profile fills only what options and environment left
unset; the credentials (key pair, or AK/SK/token) come from it only as a whole, never mixed with others. The files
are read when a profile or a file is named, or, when no credentials are set at all, if the default file exists.
``docs/authentication.md`` describes the rules; nothing here sends a request.
"""

from __future__ import annotations

import json
import os
import typing as t
from collections.abc import Mapping

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError

# A profile file is a few KB; anything far larger is not one.
MAX_FILE_BYTES = 1024 * 1024
UCLOUD_CREDENTIALS = ("public_key", "private_key")
HUAWEI_CREDENTIALS = ("access_key", "secret_key", "security_token", "auth_token")
# Profile key (normalized) -> connection option, per file.
UCLOUD_CONFIG_KEYS = {"projectid": "project_id", "region": "region", "baseurl": "base_url"}
UCLOUD_CREDENTIAL_KEYS = {"publickey": "public_key", "privatekey": "private_key"}
HUAWEI_KEYS = {"accesskeyid": "access_key", "accesskey": "access_key", "ak": "access_key",
               "secretaccesskey": "secret_key", "secretkey": "secret_key", "sk": "secret_key",
               "securitytoken": "security_token", "projectid": "project_id", "region": "region"}
HUAWEI_AKSK_MODE = "aksk"
_TRUE = ("true", "yes", "1", "on")


def _key(name: t.Any) -> str:
    return str(name).replace("_", "").replace("-", "").lower()


def _normalized(entry: t.Any) -> dict[str, t.Any]:
    return {_key(name): value for name, value in entry.items()} if isinstance(entry, Mapping) else {}


def _truthy(value: t.Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def _default_path(*parts: str) -> str:
    return os.path.join(os.path.expanduser("~"), *parts)


def read_json(path: str, option: str, about: str) -> t.Any:
    """The parsed JSON file at ``path``; raises ``ParameterError`` naming the file (``about`` says which profile was wanted)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ParameterError(option, "%s: %s does not exist" % (about, path)) from None
    except OSError as error:
        raise ParameterError(option, "%s: cannot read %s: %s" % (about, path, error.strerror or error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise ParameterError(option, "%s: %s is larger than %d bytes, not a profile file" % (about, path, MAX_FILE_BYTES))
    try:
        return json.loads(data.decode("utf-8-sig"))
    except ValueError as error:
        # The position only: the file holds keys, so no part of it is quoted.
        where = "line %d column %d" % (error.lineno, error.colno) if isinstance(error, json.JSONDecodeError) else "its encoding"
        raise ParameterError(option, "%s: %s is not valid JSON (%s)" % (about, path, where)) from None


def _filled(params: Mapping[str, t.Any], values: Mapping[str, t.Any], credentials: tuple[str, ...], take_credentials: bool) -> dict[str, t.Any]:
    """``params`` with each unset option taken from ``values``; the credential options only all together."""
    filled = dict(params)
    for option, value in values.items():
        if value in (None, "") or filled.get(option) not in (None, ""):
            continue
        if option in credentials and not take_credentials:
            continue
        filled[option] = value if isinstance(value, str) else str(value)
    return filled


def _needs_credentials(params: Mapping[str, t.Any], credentials: tuple[str, ...]) -> bool:
    return not any(params.get(option) for option in credentials)


def _pick(entries: t.Any, path: str, option: str, about: str, name_key: str) -> dict[str, dict[str, t.Any]]:
    """{profile name: normalized entry} of a list of profiles."""
    if not isinstance(entries, list):
        raise ParameterError(option, "%s: %s must hold a JSON list of profiles" % (about, path))
    found: dict[str, dict[str, t.Any]] = {}
    for entry in entries:
        normalized = _normalized(entry)
        if normalized.get(name_key) not in (None, ""):
            found.setdefault(str(normalized[name_key]), normalized)
    return found


def _check_credentials(values: Mapping[str, t.Any], required: tuple[str, ...], about: str, path: str) -> None:
    missing = [option for option in required if values.get(option) in (None, "")]
    if missing:
        raise ParameterError("profile", "%s in %s has no %s" % (about, path, " and no ".join(missing)))


def _names(profiles: Mapping[str, t.Any]) -> str:
    return ", ".join(sorted(profiles)) or "none"


def ucloud_profile(params: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """``params`` completed from a UCloud CLI profile, when one is named or needed; raises ``ParameterError``."""
    named = params.get("profile") or None
    config_path, credential_path = params.get("shared_config_file") or None, params.get("shared_credentials_file") or None
    requested = bool(named or config_path or credential_path)
    take_credentials = _needs_credentials(params, UCLOUD_CREDENTIALS)
    if not requested and not take_credentials:
        return dict(params)
    config_file = config_path or _default_path(".ucloud", "config.json")
    credential_file = credential_path or _default_path(".ucloud", "credential.json")
    if not requested and not os.path.exists(credential_file):
        return dict(params)  # no CLI set up here: the options' own "is required" errors follow
    about = "profile %r" % named if named else "the active UCloud CLI profile"
    # Like ucloud-sdk-go: a config.json that is not there is no error unless it was named.
    configs: dict[str, dict[str, t.Any]] = {}
    if config_path or os.path.exists(config_file):
        configs = _pick(read_json(config_file, "shared_config_file", about), config_file, "shared_config_file", about, "profile")
    name = named or next((entry_name for entry_name, entry in configs.items() if _truthy(entry.get("active"))), "default")
    about = "profile %r" % name
    values = {option: configs.get(name, {}).get(key) for key, option in UCLOUD_CONFIG_KEYS.items()}
    if take_credentials:
        credentials = _pick(read_json(credential_file, "shared_credentials_file", about), credential_file, "shared_credentials_file",
                            about, "profile")
        if name not in credentials:
            raise ParameterError("profile", "%s is not in %s (profiles there: %s)" % (about, credential_file, _names(credentials)))
        values.update((option, credentials[name].get(key)) for key, option in UCLOUD_CREDENTIAL_KEYS.items())
        _check_credentials(values, UCLOUD_CREDENTIALS, about, credential_file)
    elif named and name not in configs:
        raise ParameterError("profile", "%s is not in %s (profiles there: %s)" % (about, config_file, _names(configs)))
    return _filled(params, values, UCLOUD_CREDENTIALS, take_credentials)


def _huawei_encrypted(data: Mapping[str, t.Any], entry: Mapping[str, t.Any]) -> bool:
    """Whether KooCLI says it stored the keys encrypted (its setting ``cli-auth-encrypt``), spelled any way."""
    return any("encrypt" in key and _truthy(value) for source in (_normalized(data), entry) for key, value in source.items())


def huawei_profile(params: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """``params`` completed from a Huawei Cloud KooCLI profile, when one is named or needed; raises ``ParameterError``."""
    named = params.get("profile") or None
    path = params.get("shared_config_file") or None
    requested = bool(named or path)
    take_credentials = _needs_credentials(params, HUAWEI_CREDENTIALS)
    if not requested and not take_credentials:
        return dict(params)
    config_file = path or _default_path(".hcloud", "config.json")
    if not requested and not os.path.exists(config_file):
        return dict(params)
    about = "profile %r" % named if named else "the current KooCLI profile"
    data = read_json(config_file, "shared_config_file", about)
    if not isinstance(data, Mapping):
        raise ParameterError("shared_config_file", "%s: %s must hold a JSON object with profiles" % (about, config_file))
    top = _normalized(data)
    profiles = _pick(top.get("profiles") or [], config_file, "shared_config_file", about, "name")
    name = named or str(top.get("current") or "default")
    about = "profile %r" % name
    if name not in profiles:
        raise ParameterError("profile", "%s is not in %s (profiles there: %s)" % (about, config_file, _names(profiles)))
    entry = profiles[name]
    if take_credentials:
        mode = str(entry.get("mode") or HUAWEI_AKSK_MODE)
        if _key(mode) != HUAWEI_AKSK_MODE:
            raise ParameterError("profile", "%s in %s uses mode %s; only AKSK profiles (access key, secret key and an optional "
                                            "security token) can be read" % (about, config_file, mode))
        if _huawei_encrypted(data, entry):
            raise ParameterError("profile", "%s in %s holds encrypted keys; store them unencrypted with "
                                            "'hcloud configure set --cli-auth-encrypt=false', or set the keys another way" % (about, config_file))
    values = {option: entry.get(key) for key, option in HUAWEI_KEYS.items() if entry.get(key) not in (None, "")}
    if take_credentials:
        _check_credentials(values, HUAWEI_CREDENTIALS[:2], about, config_file)
    return _filled(params, values, HUAWEI_CREDENTIALS, take_credentials)
