# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenario files (YAML) and synthetic task generation; see docs/emulator.md for the format."""

from __future__ import annotations

import dataclasses
import random
import zlib
from collections.abc import Mapping
from typing import Any

import yaml

from . import credentials
from .model import FAILURE_STATUSES, HUAWEI_STATUSES, SUCCESS_STATUSES, UDTS_STATUSES, Step, Task

PROVIDERS = ('udts', 'dds', 'rds')
UDTS_TYPES = ('full', 'incremental', 'full+incremental')
TOP_KEYS = {'credentials', 'udts', 'dds', 'rds', 'faults', 'options'}
TASK_KEYS = {
    'udts': {'id', 'name', 'type', 'created', 'max_retry_count', 'total_rows', 'expect', 'lifecycle', 'status'},
    'dds': {'id', 'name', 'instance_id', 'instance_name', 'created', 'expect', 'lifecycle', 'status'},
    'rds': {'id', 'name', 'instance_id', 'instance_name', 'order_id', 'created', 'expect', 'lifecycle', 'status'},
}
STEP_KEYS = {'status', 'duration', 'progress', 'fail_reason', 'failed_message', 'instance_status'}


class ScenarioError(ValueError):
    """A scenario file breaks a rule; the message names the place and the rule."""


@dataclasses.dataclass
class UCloudCredentials:
    public_key: str = credentials.UCLOUD_PUBLIC_KEY
    private_key: str = credentials.UCLOUD_PRIVATE_KEY


@dataclasses.dataclass
class HuaweiCredentials:
    access_key: str = credentials.HUAWEI_ACCESS_KEY
    secret_key: str = credentials.HUAWEI_SECRET_KEY
    project_id: str = credentials.HUAWEI_PROJECT_ID
    token: str = credentials.HUAWEI_TOKEN
    security_token: str = credentials.HUAWEI_SECURITY_TOKEN
    security_token_required: bool = False


@dataclasses.dataclass
class Options:
    speed: float = 1.0
    udts_total_count: bool = True
    max_clock_skew: float = 900.0


@dataclasses.dataclass
class Scenario:
    ucloud: UCloudCredentials = dataclasses.field(default_factory=UCloudCredentials)
    huawei: HuaweiCredentials = dataclasses.field(default_factory=HuaweiCredentials)
    options: Options = dataclasses.field(default_factory=Options)
    tasks: dict[str, list[Task]] = dataclasses.field(default_factory=lambda: {name: [] for name in PROVIDERS})
    faults: list[Mapping[str, Any]] = dataclasses.field(default_factory=list)


def _fill(target: Any, data: Any, where: str) -> None:
    if data is None:
        return
    if not isinstance(data, Mapping):
        raise ScenarioError('%s must be a mapping' % where)
    for key, value in data.items():
        if not hasattr(target, key):
            raise ScenarioError('%s: unknown key %r' % (where, key))
        default = getattr(target, key)
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ScenarioError('%s.%s must be true or false' % (where, key))
        if isinstance(default, float) and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            raise ScenarioError('%s.%s must be a number > 0' % (where, key))
        if isinstance(default, str) and not (isinstance(value, str) and value):
            raise ScenarioError('%s.%s must be a non-empty string' % (where, key))
        setattr(target, key, float(value) if isinstance(default, float) else value)


def _number(value: Any, where: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ScenarioError('%s must be a number >= %s' % (where, minimum))
    return float(value)


def _step(provider: str, data: Any, where: str, last: bool) -> Step:
    if not isinstance(data, Mapping) or 'status' not in data:
        raise ScenarioError('%s must be a mapping with a status' % where)
    unknown = set(data) - STEP_KEYS
    if unknown:
        raise ScenarioError('%s: unknown keys %s' % (where, sorted(unknown)))
    allowed = UDTS_STATUSES if provider == 'udts' else HUAWEI_STATUSES
    if data['status'] not in allowed:
        raise ScenarioError('%s.status must be one of %s' % (where, sorted(allowed)))
    if last and data.get('duration') is not None:
        raise ScenarioError('%s is the final state and takes no duration' % where)
    if not last and data.get('duration') is None:
        raise ScenarioError('%s needs a duration (only the last step is final)' % where)
    duration = None if last else _number(data['duration'], where + '.duration')
    progress = data.get('progress')
    if progress is not None:
        pair = progress if isinstance(progress, list) else [progress, progress]
        if len(pair) != 2:
            raise ScenarioError('%s.progress must be [from, to] in percent' % where)
        progress = tuple(_number(value, where + '.progress', 0.0) for value in pair)
        if max(progress) > 100:
            raise ScenarioError('%s.progress must stay within 0..100' % where)
    if 'instance_status' in data and provider != 'rds':
        raise ScenarioError('%s.instance_status is for rds tasks only' % where)
    reason = data.get('fail_reason', data.get('failed_message', ''))
    return Step(status=data['status'], duration=duration, progress=progress, fail_reason=str(reason or ''),
                instance_status=data.get('instance_status'))


def _task(provider: str, data: Any, where: str, index: int) -> Task:
    if not isinstance(data, Mapping) or not isinstance(data.get('id'), str) or not data['id']:
        raise ScenarioError('%s must be a mapping with a string id' % where)
    unknown = set(data) - TASK_KEYS[provider]
    if unknown:
        raise ScenarioError('%s: unknown keys %s (allowed: %s)' % (where, sorted(unknown), sorted(TASK_KEYS[provider])))
    if ('lifecycle' in data) == ('status' in data):
        raise ScenarioError('%s needs exactly one of lifecycle (list of steps) or status (a final state)' % where)
    raw_steps = data['lifecycle'] if 'lifecycle' in data else [{'status': data['status']}]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError('%s.lifecycle must be a non-empty list' % where)
    steps = tuple(_step(provider, step, '%s.lifecycle[%d]' % (where, number), number == len(raw_steps) - 1)
                  for number, step in enumerate(raw_steps))
    task_id = data['id']
    if provider == 'udts' and data.get('type') not in UDTS_TYPES:
        raise ScenarioError('%s.type must be one of %s' % (where, list(UDTS_TYPES)))
    if provider != 'udts' and not data.get('name'):
        raise ScenarioError('%s.name (the job name, e.g. RestartInstance) is required' % where)
    expect = data.get('expect')
    final = steps[-1].status
    if expect not in (None, 'success', 'failure'):
        raise ScenarioError('%s.expect must be success or failure' % where)
    if (expect == 'success' and final not in SUCCESS_STATUSES) or (expect == 'failure' and final not in FAILURE_STATUSES):
        raise ScenarioError('%s.expect is %s but the final state is %s' % (where, expect, final))
    created = data.get('created', 0)
    if isinstance(created, bool) or not isinstance(created, (int, float)):
        raise ScenarioError('%s.created must be a number of seconds relative to the start' % where)
    return Task(provider=provider, id=task_id, name=str(data.get('name', task_id)), type=str(data.get('type', '')),
                created=float(created), steps=steps, instance_id=str(data.get('instance_id', 'inst-' + task_id)),
                instance_name=str(data.get('instance_name', 'instance-' + task_id)), order_id=str(data.get('order_id', '')),
                max_retry_count=int(_number(data.get('max_retry_count', 0), where + '.max_retry_count')),
                total_rows=int(_number(data.get('total_rows', 100000 + zlib.crc32(task_id.encode()) % 900000), where + '.total_rows')),
                expect=expect, index=index)


def load_scenario(source: Any = None) -> Scenario:
    """Build a Scenario from a YAML file path, an already parsed mapping, or None (defaults, no tasks)."""
    data: Any = source
    if isinstance(source, str):
        try:
            with open(source, encoding='utf-8') as handle:
                data = yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as exc:
            raise ScenarioError('cannot read scenario %s: %s' % (source, exc))
    scenario = Scenario()
    if data is None:
        return scenario
    if not isinstance(data, Mapping) or set(data) - TOP_KEYS:
        raise ScenarioError('a scenario is a mapping with the keys %s' % sorted(TOP_KEYS))
    credentials = data.get('credentials') or {}
    if not isinstance(credentials, Mapping) or set(credentials) - {'ucloud', 'huawei'}:
        raise ScenarioError('credentials has the keys ucloud and huawei')
    _fill(scenario.ucloud, credentials.get('ucloud'), 'credentials.ucloud')
    huawei = credentials.get('huawei') or {}
    _fill(scenario.huawei, huawei, 'credentials.huawei')
    if 'security_token' in huawei and 'security_token_required' not in huawei:
        scenario.huawei.security_token_required = True
    _fill(scenario.options, data.get('options'), 'options')
    seen: dict[str, str] = {}
    for provider in PROVIDERS:
        entries = data.get(provider) or []
        if not isinstance(entries, list):
            raise ScenarioError('%s must be a list of tasks' % provider)
        for number, entry in enumerate(entries):
            task = _task(provider, entry, '%s[%d]' % (provider, number), number)
            # DDS and RDS share GET /v3/{project_id}/jobs?id=, so an id must be unique across providers
            if task.id in seen:
                raise ScenarioError('%s[%d].id %s is already used in %s' % (provider, number, task.id, seen[task.id]))
            seen[task.id] = provider
            scenario.tasks[provider].append(task)
    faults = data.get('faults') or []
    if not isinstance(faults, list):
        raise ScenarioError('faults must be a list of fault objects')
    scenario.faults = list(faults)
    return scenario


def parse_generate(text: str | None) -> dict[str, int]:
    """``udts=N,dds=N,rds=N`` (any subset) -> counts per provider."""
    counts = {name: 0 for name in PROVIDERS}
    for part in filter(None, (text or '').split(',')):
        name, _sep, value = part.partition('=')
        if name.strip() not in counts or not value.strip().isdigit():
            raise ScenarioError('--generate takes udts=N,dds=N,rds=N, got %r' % part)
        counts[name.strip()] = int(value)
    return counts


DDS_NAMES = ('RestartReplicaSetInstance', 'CreateMongoDB', 'ResizeInstanceVolume', 'ModifyInstancePort', 'EnableSsl', 'UpgradeDatabaseVersion')
RDS_NAMES = ('CreateMysqlSingleHAInstance', 'RestartInstance', 'ResizeFlavor', 'RestoreToNewInstance', 'ModifyPort', 'SwitchSsl')
DAY = 86400.0


def _synthetic(provider: str, rng: random.Random, number: int, index: int) -> Task:
    roll = rng.random()
    created = -rng.uniform(120.0, 29 * DAY)
    duration = rng.uniform(30.0, 3600.0)
    if provider == 'udts':
        kind = rng.choice(UDTS_TYPES)
        task_id = 'udts-%s%04d' % (''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for position in range(4)), number)
        success = 'Done' if kind == 'full' else 'Synced'
        final = success if roll < 0.8 else rng.choice(('Failed', 'FailedUnrecoverable', 'Stopped'))
        running = 'Dumping' if kind != 'incremental' else 'Syncing'
        name, instance, order = 'synthetic-%d' % number, '', ''
    else:
        kind, final, running = '', 'Completed' if roll < 0.8 else 'Failed', 'Running'
        task_id = '%032x' % rng.getrandbits(128)
        name = rng.choice(DDS_NAMES if provider == 'dds' else RDS_NAMES)
        instance = '%032xin0%d' % (rng.getrandbits(128), 1 + number % 3)
        order = 'CS%010dSYN' % number if provider == 'rds' and roll < 0.3 else ''
    if roll > 0.94:
        # a few still running at start; they finish later in scenario time
        created, duration = -rng.uniform(60.0, 600.0), rng.uniform(900.0, 7200.0)
    reason = 'synthetic failure %d' % number if final in FAILURE_STATUSES else ''
    steps = (Step(status=running, duration=duration, progress=(0.0, 100.0)), Step(status=final, fail_reason=reason))
    return Task(provider=provider, id=task_id, name=name, type=kind, created=created, steps=steps,
                instance_id=instance, instance_name='synthetic-instance-%d' % (number % 50) if instance else '',
                order_id=order, max_retry_count=3 if provider == 'udts' else 0, total_rows=rng.randint(1000, 10 ** 7),
                index=index)


def generate_tasks(counts: Mapping[str, int], seed: int = 0, first_index: int = 100000) -> dict[str, list[Task]]:
    """N synthetic tasks per provider over the last 29 days, mostly final; deterministic for a seed."""
    generated: dict[str, list[Task]] = {}
    for provider in PROVIDERS:
        rng = random.Random('%s:%s' % (seed, provider))
        generated[provider] = [_synthetic(provider, rng, number, first_index + number)
                               for number in range(counts.get(provider, 0))]
    return generated
