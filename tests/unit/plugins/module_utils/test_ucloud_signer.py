# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import math
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._ucloud_signer import (
    encode_value,
    flatten_params,
    sign_ucloud_params,
    ucloud_signature,
)
from ansible_collections.dbtasks.cloud.tests.unit.plugins.module_utils.examples import examples

DOC_PRIVATE_KEY = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
DESCRIBE = {"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": 10}
CREATE = {
    "Action": "CreateUHostInstance", "CPU": 2, "ChargeType": "Month", "DiskSpace": 10,
    "ImageId": "f43736e1-65a5-4bea-ad2e-8a46e18883c2", "LoginMode": "Password", "Memory": 2048,
    "Name": "Host01", "Password": "VUNsb3VkLmNu", "Quantity": 1, "Region": "cn-bj2", "Zone": "cn-bj2-04",
}
LIST_UDTS = {"Region": "cn-bj2", "ProjectId": "org-abc", "Limit": 10, "Offset": 0, "Type": "transfer", "Action": "ListUDTSTask"}
GET_UDTS = {"Region": "cn-bj2", "ProjectId": "org-abc", "TaskId": "t1", "Action": "GetUDTSTaskStatus"}

# Every row of the UCloud vectors of docs/api-reference.md (tests/functional/meta/test_api_reference.py compares them).
VECTORS = [
    (DESCRIBE, "ucloudsomeone@example.com1296235120854146120", DOC_PRIVATE_KEY, "cba5cf5ec4d4233d206b1b54951e3787350a642f"),
    (DESCRIBE, "someone@example.com1296235120854146120", DOC_PRIVATE_KEY, "4201919d267504385deb93af19e0197870fed36b"),
    (CREATE, "ucloudsomeone@example.com1296235120854146120", DOC_PRIVATE_KEY, "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"),
    (LIST_UDTS, "my_public_key", "my_private_key", "4b1aaa5d864b14e43ed862022f6655c4be013386"),
    (GET_UDTS, "my_public_key", "my_private_key", "9f2197a6f2cd9bbf3455473c4a47bbb52bc545b6"),
]

# Text that exercises escaping-sensitive and non-ASCII characters.
TRICKY_TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(list(" +&=~*'!/%"))), max_size=12)
KEY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="."), min_size=1, max_size=8)
SCALARS = st.one_of(TRICKY_TEXT, st.integers(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False))
NESTED = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEY_TEXT, inner, max_size=3)), max_leaves=8)
PARAMS = st.dictionaries(KEY_TEXT, NESTED, max_size=6)


def reference_signature(flat, private_key):
    """The formula of docs/api-reference.md, spelled out with an explicit code-point sort key."""
    ordered = sorted(flat.items(), key=lambda pair: [ord(char) for char in pair[0]])
    text = "".join(key + value for key, value in ordered) + private_key
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("params, public_key, private_key, expected", VECTORS)
def test_known_answer_vectors(params, public_key, private_key, expected):
    signed = sign_ucloud_params(params, public_key, private_key)
    assert signed["Signature"] == expected
    assert signed["PublicKey"] == public_key
    assert ucloud_signature(dict(params, PublicKey=public_key), private_key) == expected
    assert {key: value for key, value in signed.items() if key not in ("PublicKey", "Signature")} == {
        key: str(value) for key, value in params.items()}


def test_sdk_docstring_vectors():
    # The examples printed in ucloud-sdk-python3's verify_ac docstring.
    assert ucloud_signature({"foo": "bar"}, "my_private_key") == "634edc1bb957c0d65e5ab5494cf3b7784fbc87af"
    assert ucloud_signature({"foo": "bar", "PublicKey": "my_public_key"}, "my_private_key") == "d4411ab30953fb0bbcb1e7313081f05e4e91a394"


@pytest.mark.parametrize("value, expected", [
    (True, "true"), (False, "false"), (42.0, "42"), (-0.0, "0"), (1.5, "1.5"), (1e-05, "0.00001"),
    (1.5e-07, "0.00000015"), (1e20, "100000000000000000000"), (10 ** 20, "100000000000000000000"),
    (0, "0"), ("", ""), ("a b+c", "a b+c"), (Decimal("1E-7"), "0.0000001"), (Decimal("42.0"), "42"),
    (Decimal("2.50"), "2.50"),
])
def test_encode_value(value, expected):
    assert encode_value(value) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("Infinity")])
def test_encode_value_rejects_non_finite_numbers(value):
    with pytest.raises(ValueError, match="finite"):
        encode_value(value)


def test_flatten_nested_lists_and_dicts():
    params = {
        "Action": "X", "Skip": None, "IP": ["10.0.0.1", None, "10.0.0.3"],
        "Disks": [{"Type": "SSD", "Size": 20.0, "Tags": {"A": True, "B": None}}],
        "Grid": [[1, 2], []], "Empty": {},
    }
    assert flatten_params(params) == {
        "Action": "X", "IP.0": "10.0.0.1", "IP.2": "10.0.0.3", "Disks.0.Type": "SSD", "Disks.0.Size": "20",
        "Disks.0.Tags.A": "true", "Grid.0.0": "1", "Grid.0.1": "2",
    }


def test_flatten_rejects_keys_that_collide():
    with pytest.raises(ValueError, match="IP.0"):
        flatten_params({"IP.0": "a", "IP": ["b"]})


def test_code_point_order():
    flat = {"IP.2": "b", "IP.10": "a", "ChargeType": "Month", "CPU": "2"}
    expected_text = "CPU2ChargeTypeMonthIP.10aIP.2bkey"
    assert ucloud_signature(flat, "key") == hashlib.sha1(expected_text.encode()).hexdigest()


@pytest.mark.parametrize("public_key, private_key", [("", "SECRET-PRIVATE-1"), ("PUBLIC-1", "")])
def test_missing_keys_are_refused_without_echoing_them(public_key, private_key):
    with pytest.raises(ValueError, match="public key and private key are required") as raised:
        sign_ucloud_params({"Action": "X"}, public_key, private_key)
    assert "SECRET-PRIVATE-1" not in str(raised.value) and "PUBLIC-1" not in str(raised.value)


@settings(max_examples=examples(200), deadline=None)
@given(params=PARAMS, private_key=TRICKY_TEXT)
def test_signature_follows_the_reference_formula(params, private_key):
    flat = flatten_params({key: value for key, value in params.items() if key != "Signature"})
    assert ucloud_signature(params, private_key) == reference_signature(flat, private_key)


@settings(max_examples=examples(200), deadline=None)
@given(params=PARAMS)
def test_flatten_paths_lead_back_to_their_leaves(params):
    flat = flatten_params(params)
    leaves = 0
    for path, text in flat.items():
        node = params
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        assert encode_value(node) == text
        leaves += 1
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in flat.items())
    assert leaves == _count_leaves(params)


def _count_leaves(value):
    if isinstance(value, dict):
        return sum(_count_leaves(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_leaves(item) for item in value)
    return 0 if value is None else 1


@settings(max_examples=examples(200), deadline=None)
@given(params=PARAMS, public_key=TRICKY_TEXT.filter(bool), private_key=TRICKY_TEXT.filter(bool), seed=st.integers(0, 2 ** 32))
def test_deterministic_order_independent_and_signature_key_ignored(params, public_key, private_key, seed):
    signed = sign_ucloud_params(params, public_key, private_key)
    items = list(params.items())
    random.Random(seed).shuffle(items)
    shuffled = dict(items, Signature="stale", PublicKey="someone-else")
    assert sign_ucloud_params(shuffled, public_key, private_key) == signed
    assert ucloud_signature(signed, private_key) == signed["Signature"]
    assert len(signed["Signature"]) == 40 and set(signed["Signature"]) <= set("0123456789abcdef")


@settings(max_examples=examples(200), deadline=None)
@given(params=PARAMS, private_key=TRICKY_TEXT)
def test_any_change_of_a_value_changes_the_signature(params, private_key):
    flat = flatten_params(params)
    baseline = ucloud_signature(flat, private_key)
    for key in flat:
        assert ucloud_signature(dict(flat, **{key: flat[key] + "x"}), private_key) != baseline
    assert ucloud_signature(flat, private_key + "x") != baseline


@settings(max_examples=examples(300), deadline=None)
@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_floats_never_use_scientific_notation(number):
    text = encode_value(number)
    assert "e" not in text.lower()
    assert float(text) == number
    assert ("." in text) == (not number.is_integer())
