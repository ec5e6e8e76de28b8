# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: dds_job_info
short_description: List Huawei Cloud DDS task-center jobs, or wait for them to finish
version_added: 0.1.0
description:
  - Lists the jobs of the Huawei Cloud DDS task center (C(GET /v3.1/{project_id}/jobs)), every page of them, filtered by
    status, name, instance and creation time; or returns one job by id (C(GET /v3/{project_id}/jobs?id=)).
  - Every item carries every field the API returned, in snake_case, plus the normalized fields C(id), C(state),
    C(terminal), C(progress_percent) and C(failure_reason) shared with M(dbtasks.cloud.udts_task_info) and
    M(dbtasks.cloud.rds_task_info). DDS C(Running) is C(running), C(Completed) is C(succeeded), C(Failed) is C(failed);
    any other status is C(unknown) with a warning. The full table is in C(docs/states.md).
  - With O(wait=true), polls until the selected jobs have finished.
  - Time range (O(start_time), O(end_time)) - without O(start_time), the 30 days (less one second) before O(end_time);
    without O(end_time), up to now. DDS keeps a month of jobs, so a start further back is moved to 30 days (less one
    second) before now, with a warning; a range that ends before that fails. The API takes less than 30 days per
    request (its limit, read strictly), so a longer range (one that ends in the future) is read as consecutive windows of
    30 days less one second, newest first, and merged without duplicates. O(offset) and O(limit) need one window.
  - Pages hold up to 100 jobs (the API's maximum), so O(limit) is V(1) to V(100).
author:
  - dbtasks.cloud contributors (@dbtasks)
options:
  instance_id:
    description:
      - Only jobs of this DB instance. The API has no such filter, so the module filters the listed jobs; RV(total_count)
        still counts every job of the time range.
    type: str
extends_documentation_fragment:
  - dbtasks.cloud.huaweicloud
  - dbtasks.cloud.common
  - dbtasks.cloud.task_info
  - dbtasks.cloud.task_info.huawei
  - dbtasks.cloud.attributes
  - dbtasks.cloud.attributes.actiongroup_huaweicloud
notes:
  - The module only reads. Only Community Edition jobs of about the last month can be listed (an API restriction).
seealso:
  - module: dbtasks.cloud.rds_task_info
  - module: dbtasks.cloud.udts_task_info
"""

EXAMPLES = r"""
# Ad hoc, with credentials in HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID and HW_REGION_NAME:
#   ansible localhost -m dbtasks.cloud.dds_job_info -a status=Failed
#   ansible localhost -m dbtasks.cloud.dds_job_info -a "instance_id=1f311e6a299345d7bbc878874844e233in02 start_time=-12h"
#   ansible localhost -m dbtasks.cloud.dds_job_info -a "job_id=2f406db7-bdc4-402f-9dc4-2c1b094a5f93 wait=true"

- name: List the failed jobs of the last 30 days
  dbtasks.cloud.dds_job_info:
    status: Failed
  register: failed

- name: Show why they failed
  ansible.builtin.debug:
    msg: "{{ item.name }} on {{ item.instance_name }}: {{ item.failure_reason }}"
  loop: "{{ failed.jobs }}"

- name: Jobs of one instance, as far back as DDS keeps them
  dbtasks.cloud.dds_job_info:
    instance_id: 1f311e6a299345d7bbc878874844e233in02
    start_time: -30d

# start_time and end_time also take ISO 8601 with a time zone ("2026-11-01T00:00:00+08:00"), but DDS keeps a
# month of jobs: an end_time more than 30 days back is refused before any request.
- name: Jobs of one day, from two days back to one day back
  dbtasks.cloud.dds_job_info:
    start_time: -2d
    end_time: -1d

- name: Wait for two jobs, continuing after a failure until both have finished
  dbtasks.cloud.dds_job_info:
    job_ids:
      - 2f406db7-bdc4-402f-9dc4-2c1b094a5f93
      - 5d1e0f2a-demo-4fa1-9c1e-failed000001
    wait: true
    wait_fail_fast: false
    wait_timeout: 600
  register: jobs

- name: Credentials once for every Huawei Cloud module of the collection
  module_defaults:
    group/dbtasks.cloud.huaweicloud:
      access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
      project_id: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_PROJECT_ID') }}"
      region: cn-north-4
  block:
    - name: Running DDS jobs
      dbtasks.cloud.dds_job_info:
        status: Running

    - name: Running RDS tasks
      dbtasks.cloud.rds_task_info:
        status: Running
"""

RETURN = r"""
jobs:
  description:
    - The selected jobs, newest first as the API lists them (in O(job_ids) order when selected by id); V([]) when none match.
    - Every field the API sent, in snake_case (unknown fields included), plus the normalized fields below.
    - With O(wait=true), each job as last seen. A job last read by id has the single-job read's fields (C(created),
      C(ended), C(instance)) instead of the listing's; the normalized fields are the same either way.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The job ID.
      type: str
      sample: 2f406db7-bdc4-402f-9dc4-2c1b094a5f93
    state:
      description: Normalized state, see C(docs/states.md).
      type: str
      choices: [running, succeeded, failed, unknown]
      sample: running
    terminal:
      description: Whether the job has finished (C(succeeded) or C(failed)) and will not change any more.
      type: bool
      sample: false
    progress_percent:
      description: Progress from C(progress), 0 to 100; V(null) when the API gives none (finished jobs).
      type: float
      sample: 74.0
    failure_reason:
      description: C(fail_reason) when not empty, else V(null).
      type: str
      sample: null
    instance_id:
      description:
        - The DB instance (normalized field), from C(instance_id) of the listing or C(instance.id) of the single-job read.
        - O(instance_id) selects by it (the module filters the listed jobs).
      type: str
      sample: 1f311e6a299345d7bbc878874844e233in02
    instance_name:
      description: The DB instance's name (normalized field), from C(instance_name) or C(instance.name); V(null) when unknown.
      type: str
      sample: dds-demo-replicaset
    created_at:
      description:
        - When the job was created, ISO 8601 UTC (normalized field, from the listing's C(created_at), returned as
          C(api_created_at) in the API's form, or the single-job read's C(created)); V(null) when unknown.
      type: str
      sample: "2026-11-22T06:53:56Z"
    ended_at:
      description:
        - When the job ended, ISO 8601 UTC (normalized field, from C(ended_at), returned as C(api_ended_at), or C(ended));
          V(null) until it has ended.
      type: str
      sample: null
    name:
      description: Job name.
      type: str
      sample: RestartReplicaSetInstance
    status:
      description: The API's status.
      type: str
      sample: Running
    progress:
      description: The API's progress text, V("") once finished.
      type: str
      sample: 74%
  sample:
    - id: 2f406db7-bdc4-402f-9dc4-2c1b094a5f93
      name: RestartReplicaSetInstance
      instance_id: 1f311e6a299345d7bbc878874844e233in02
      instance_name: dds-demo-replicaset
      instance_mode: ReplicaSet
      status: Running
      progress: 74%
      fail_reason: ""
      api_created_at: "2026-11-22T06:53:56+0000"
      api_ended_at: ""
      state: running
      terminal: false
      progress_percent: 74.0
      failure_reason: null
      created_at: "2026-11-22T06:53:56Z"
      ended_at: null
total_count:
  description:
    - The number of jobs the API reported for the query, before the O(instance_id) filter; summed over the windows of a
      longer range (jobs counted in two windows once); in the listing that selected the jobs, which a wait does not change.
    - DDS documents C(total_count), but it is often missing (C(docs/api-reference.md)); the listing is complete either way.
  returned: when listing without O(job_id)/O(job_ids), if the API reported it
  type: int
  sample: 4
wait_outcome:
  description:
    - How the wait ended. V(succeeded) when every job succeeded; V(failed) when a job failed (at once with
      O(wait_fail_fast=true)); V(timeout) (in a failed result) when O(wait_timeout) passed first.
    - V(succeeded) also when nothing was selected; check that RV(jobs) is not empty.
  returned: when O(wait=true)
  type: str
  sample: failed
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 15.2
"""

from ansible_collections.dbtasks.cloud.plugins.module_utils._dds import DDS
from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HUAWEI_TASK_SPEC
from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import run_info_module


def main() -> None:
    argument_spec = dict(HUAWEI_TASK_SPEC, instance_id=dict(type="str"))
    run_info_module(DDS, argument_spec)


if __name__ == "__main__":
    main()
