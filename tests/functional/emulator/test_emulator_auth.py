# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Authentication: the verifiers pinned by the known-answer vectors, then both providers over HTTP."""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import urlsplit

import pytest

from tests.emulator.auth import (
    AuthFailure,
    canonical_request,
    canonical_uri,
    huawei_sign,
    huawei_signature,
    string_to_sign,
    ucloud_encode_value,
    ucloud_flatten,
    ucloud_signature,
    verify_huawei,
)
from tests.emulator.scenario import HuaweiCredentials

KAT_PRIVATE = '46f09bb9fab4f12dfc160dae12273d5332b5debe'
UHOST_CREATE = {'Action': 'CreateUHostInstance', 'CPU': 2, 'ChargeType': 'Month', 'DiskSpace': 10,
                'ImageId': 'f43736e1-65a5-4bea-ad2e-8a46e18883c2', 'LoginMode': 'Password', 'Memory': 2048, 'Name': 'Host01',
                'Password': 'VUNsb3VkLmNu', 'Quantity': 1, 'Region': 'cn-bj2', 'Zone': 'cn-bj2-04'}
UCLOUD_VECTORS = [
    ({'Action': 'DescribeUHostInstance', 'Region': 'cn-bj2', 'Limit': 10}, 'ucloudsomeone@example.com1296235120854146120',
     KAT_PRIVATE, 'cba5cf5ec4d4233d206b1b54951e3787350a642f'),
    ({'Action': 'DescribeUHostInstance', 'Region': 'cn-bj2', 'Limit': 10}, 'someone@example.com1296235120854146120',
     KAT_PRIVATE, '4201919d267504385deb93af19e0197870fed36b'),
    (UHOST_CREATE, 'ucloudsomeone@example.com1296235120854146120', KAT_PRIVATE, '4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65'),
    ({'Region': 'cn-bj2', 'ProjectId': 'org-abc', 'Limit': 10, 'Offset': 0, 'Type': 'transfer', 'Action': 'ListUDTSTask'},
     'my_public_key', 'my_private_key', '4b1aaa5d864b14e43ed862022f6655c4be013386'),
    ({'Region': 'cn-bj2', 'ProjectId': 'org-abc', 'TaskId': 't1', 'Action': 'GetUDTSTaskStatus'},
     'my_public_key', 'my_private_key', '9f2197a6f2cd9bbf3455473c4a47bbb52bc545b6'),
]
HW_HEADERS = {'content-type': 'application/json', 'host': 'service.region.example.com', 'x-sdk-date': '20191115T033655Z'}
HW_PATH = '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs'
HW_QUERY = [('marker', '13551d6b-755d-4757-b956-536f674975c0'), ('limit', '2')]
HW_CANONICAL_HASH = 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a'
HW_SIGNATURE = '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe'
HW_KAT_CREDS = HuaweiCredentials(access_key='QTWAOYTTINDUT2QVKYUC', secret_key='MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc')
HW_KAT_TIME = datetime.datetime(2019, 11, 15, 3, 36, 55, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize('params, public_key, private_key, signature', UCLOUD_VECTORS)
def test_ucloud_known_answer_vectors(params, public_key, private_key, signature):
    assert ucloud_signature(dict(params, PublicKey=public_key), private_key) == signature


def test_ucloud_value_encoding_and_flattening():
    assert [ucloud_encode_value(v) for v in (True, False, 42.0, 1.5, 1e-07, 7)] == ['true', 'false', '42', '1.5', '0.0000001', '7']
    assert ucloud_flatten({'A': {'B': 1}, 'IP': ['x', 'y'], 'L': [{'F': 2}], 'N': None}) == {'A.B': '1', 'IP.0': 'x', 'IP.1': 'y', 'L.0.F': '2'}
    # code point order: 'IP.10' sorts before 'IP.2' and 'CPU' before 'ChargeType'
    params = {'IP': [str(n) for n in range(11)], 'CPU': 1, 'ChargeType': 'Month'}
    text = ''.join(k + v for k, v in sorted(ucloud_flatten(params).items())) + 'pk'
    assert ucloud_signature(params, 'pk') == hashlib.sha1(text.encode()).hexdigest()
    assert text.index('IP.10') < text.index('IP.2') and text.startswith('CPU1ChargeType')


def test_huawei_known_answer_vector():
    canonical = canonical_request('GET', HW_PATH, HW_QUERY, HW_HEADERS, ['content-type', 'host', 'x-sdk-date'],
                                  hashlib.sha256(b'').hexdigest())
    assert hashlib.sha256(canonical.encode()).hexdigest() == HW_CANONICAL_HASH
    assert huawei_signature(HW_KAT_CREDS.secret_key, string_to_sign('20191115T033655Z', canonical)) == HW_SIGNATURE


def _kat_headers(signature=HW_SIGNATURE, access=HW_KAT_CREDS.access_key):
    auth = 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-sdk-date, Signature=%s' % (access, signature)
    return dict(HW_HEADERS, authorization=auth)


def test_huawei_verifier_accepts_the_vector_and_rejects_variants():
    assert verify_huawei(HW_KAT_CREDS, 'GET', HW_PATH, HW_QUERY, _kat_headers(), b'', HW_KAT_TIME, 900) == 'aksk'
    bad = [
        ('signature', _kat_headers(signature='0' * 64), HW_KAT_TIME, 'verify aksk signature fail'),
        ('access key', _kat_headers(access='OTHERAK'), HW_KAT_TIME, 'verify aksk signature fail'),
        ('clock', _kat_headers(), HW_KAT_TIME + datetime.timedelta(minutes=16), 'clock'),
        ('clock ahead', _kat_headers(), HW_KAT_TIME - datetime.timedelta(minutes=16), 'clock'),
    ]
    for label, headers, now, words in bad:
        with pytest.raises(AuthFailure) as caught:
            verify_huawei(HW_KAT_CREDS, 'GET', HW_PATH, HW_QUERY, headers, b'', now, 900)
        assert caught.value.code == 'APIGW.0301' and words in caught.value.message, label
    assert verify_huawei(HW_KAT_CREDS, 'GET', HW_PATH, HW_QUERY, _kat_headers(), b'',
                         HW_KAT_TIME + datetime.timedelta(minutes=14), 900) == 'aksk'


def test_canonical_uri_decodes_then_encodes_each_segment():
    assert canonical_uri('/v3/abc/jobs') == '/v3/abc/jobs/'
    assert canonical_uri('/a%20b/c~d/e%2Bf/') == '/a%20b/c~d/e%2Bf/'


# ---------------------------------------------------------------- over HTTP

def test_ucloud_signature_accepted_by_get_and_post(start_emulator, clients):
    ucloud, huawei, control = clients(start_emulator())
    for method in ('GET', 'POST'):
        answer = ucloud.call('ListUDTSTask', method=method, Limit='5')
        assert answer.status_code == 200 and answer.json()['RetCode'] == 0


@pytest.mark.parametrize('change, code, message', [
    ({'sign': False}, 170, 'Missing signature'),
    ({'private_key': 'wrong'}, 171, 'Signature VerifyAC Error'),
    ({'public_key': 'nobody'}, 172, 'User not exist'),
])
def test_ucloud_auth_failures(start_emulator, clients, change, code, message):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    if 'private_key' in change:
        ucloud.private_key = change['private_key']
    if 'public_key' in change:
        ucloud.public_key = change['public_key']
    answer = ucloud.call('ListUDTSTask', sign=change.get('sign', True))
    assert answer.status_code == 200 and answer.headers['X-UCLOUD-REQUEST-UUID']
    assert answer.json() == {'Action': 'ListUDTSTaskResponse', 'RetCode': code, 'Message': message}
    assert control('GET', 'stats').json()['auth_failures'] == 1


def test_ucloud_action_errors(start_emulator, clients):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    missing = ucloud.session.post(emu.base_url + '/', data={'PublicKey': 'x'})
    assert missing.json()['RetCode'] == 160
    unknown = ucloud.call('DescribeUHostInstance')
    assert unknown.json()['RetCode'] == 161 and 'DescribeUHostInstance' in unknown.json()['Message']
    assert control('GET', 'stats').json()['rejected'] == 2


def test_ucloud_scenario_credentials_override(start_emulator, clients):
    emu = start_emulator({'credentials': {'ucloud': {'public_key': 'pk2', 'private_key': 'sk2'}}})
    ucloud, huawei, control = clients(emu)
    assert ucloud.call('ListUDTSTask').json()['RetCode'] == 172
    ucloud.public_key, ucloud.private_key = 'pk2', 'sk2'
    assert ucloud.call('ListUDTSTask').json()['RetCode'] == 0


def _sdk_date(minutes=0):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)).strftime('%Y%m%dT%H%M%SZ')


def test_huawei_aksk_and_token(start_emulator, clients):
    ucloud, huawei, control = clients(start_emulator())
    assert huawei.get('/v3/{project_id}/tasklist').status_code == 200
    assert huawei.get('/v3/{project_id}/tasklist', token='emulator-token').status_code == 200
    wrong = huawei.get('/v3/{project_id}/tasklist', token='stale-token')
    assert wrong.status_code == 401 and wrong.json()['error_code'] == 'APIGW.0307' and wrong.headers['X-Request-Id']


@pytest.mark.parametrize('kwargs, words', [
    ({'secret_key': 'wrong'}, 'verify aksk signature fail'),
    ({'access_key': 'WRONGAK0000000000000'}, 'verify aksk signature fail'),
    ({'sdk_date': _sdk_date(-20)}, 'clock'),
    ({'sdk_date': _sdk_date(+20)}, 'clock'),
    ({'sdk_date': '2024-01-01T00:00:00Z'}, 'X-Sdk-Date'),
    ({'security_token': 'not-the-token'}, 'verify aksk signature fail'),
])
def test_huawei_auth_failures(start_emulator, clients, kwargs, words):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    answer = huawei.get('/v3/{project_id}/tasklist', **kwargs)
    assert answer.status_code == 401 and answer.headers['X-Request-Id']
    assert answer.json()['error_code'] == 'APIGW.0301' and words in answer.json()['error_msg']
    assert control('GET', 'stats').json()['auth_failures'] == 1


@pytest.mark.parametrize('options', [{'strict': True}, {'skew_message': 'gateway'}])
@pytest.mark.parametrize('kwargs', [{'secret_key': 'wrong'}, {'sdk_date': _sdk_date(-20)}, {'sdk_date': _sdk_date(+20)},
                                    {'sdk_date': '2024-01-01T00:00:00Z'}, {'security_token': 'not-the-token'}])
def test_huawei_auth_failures_in_the_gateways_own_words(start_emulator, clients, options, kwargs):
    """The pessimistic reading: a stale X-Sdk-Date gets the very answer a wrong key gets."""
    ucloud, huawei, control = clients(start_emulator({'options': options}))
    answer = huawei.get('/v3/{project_id}/tasklist', **kwargs)
    assert answer.status_code == 401
    assert answer.json() == {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information: verify aksk signature fail'}


def test_huawei_sdk_date_within_fifteen_minutes_is_accepted(start_emulator, clients):
    ucloud, huawei, control = clients(start_emulator())
    assert huawei.get('/v3/{project_id}/tasklist', sdk_date=_sdk_date(-14)).status_code == 200
    assert huawei.get('/v3/{project_id}/tasklist', sdk_date=_sdk_date(14)).status_code == 200


def test_huawei_missing_or_malformed_authorization(start_emulator, clients):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    url = emu.base_url + '/v3/0123456789abcdef0123456789abcdef/tasklist'
    assert huawei.session.get(url).json()['error_code'] == 'APIGW.0301'
    garbled = huawei.session.get(url, headers={'Authorization': 'SDK-HMAC-SHA256 Access=x', 'X-Sdk-Date': _sdk_date()})
    assert garbled.status_code == 401 and 'malformed' in garbled.json()['error_msg']


def test_huawei_security_token_optional_by_default_but_must_be_signed(start_emulator, clients):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    assert huawei.get('/v3/{project_id}/tasklist', security_token='emulator-security-token').status_code == 200
    # the right token, sent but left out of SignedHeaders
    unsigned = huawei.session.get(emu.base_url + '/v3/0123456789abcdef0123456789abcdef/tasklist',
                                  headers=_resign_without_token(huawei))
    assert unsigned.status_code == 401


def _resign_without_token(huawei):
    date = _sdk_date()
    base = {'Host': urlsplit(huawei.base_url).netloc, 'Content-Type': 'application/json'}
    auth = huawei_sign('GET', '/v3/0123456789abcdef0123456789abcdef/tasklist', [], base, b'',
                       huawei.creds.access_key, huawei.creds.secret_key, date)
    return dict(base, Authorization=auth, **{'X-Sdk-Date': date, 'X-Security-Token': 'emulator-security-token'})


def test_huawei_required_security_token(start_emulator, clients):
    emu = start_emulator({'credentials': {'huawei': {'security_token': 'sts-123'}}})
    ucloud, huawei, control = clients(emu)
    missing = huawei.get('/v3/{project_id}/tasklist')
    assert missing.status_code == 401 and 'X-Security-Token is required' in missing.json()['error_msg']
    assert huawei.get('/v3/{project_id}/tasklist', security_token='emulator-security-token').status_code == 401
    assert huawei.get('/v3/{project_id}/tasklist', security_token='sts-123').status_code == 200


def test_huawei_project_must_match(start_emulator, clients):
    emu = start_emulator()
    ucloud, huawei, control = clients(emu)
    other = huawei.get('/v3/ffffffffffffffffffffffffffffffff/tasklist')
    assert other.status_code == 403 and other.json()['error_code'] == 'APIGW.0302'
    header = huawei.get('/v3/{project_id}/tasklist', headers={'X-Project-Id': 'ffffffffffffffffffffffffffffffff'})
    assert header.status_code == 403
    assert control('GET', 'stats').json()['auth_failures'] == 2
