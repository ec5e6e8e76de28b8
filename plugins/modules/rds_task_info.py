# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: rds_task_info
short_description: List Huawei Cloud RDS instant tasks, or wait for them to finish
version_added: 0.1.0
description:
  - Lists the instant tasks of Huawei Cloud RDS (C(GET /v3/{project_id}/tasklist)), every page of them, filtered by
    status, name, instance, order and creation time; or returns one task by id (C(GET /v3/{project_id}/jobs?id=)).
  - Every item carries every field the API returned, in snake_case, plus the normalized fields C(id), C(state),
    C(terminal), C(progress_percent) and C(failure_reason) shared with M(dbtasks.cloud.udts_task_info) and
    M(dbtasks.cloud.dds_job_info). RDS C(Running) is C(running), C(Completed) is C(succeeded), C(Failed) is C(failed);
    any other status is C(unknown) with a warning. The full table is in C(docs/states.md).
  - With O(wait=true), polls until the selected tasks have finished.
  - Time range (O(start_time), O(end_time)) - sent as epoch milliseconds. Without either, no time filter is sent and
    every task the API keeps is listed; O(start_time) alone ends now, because the API requires an end with a start;
    O(end_time) alone starts at V(0) (1970-01-01), because the API may require a start with an end.
  - Pages hold up to 50 tasks (the API's maximum), so O(limit) is V(1) to V(50).
author:
  - dbtasks.cloud contributors (@dbtasks)
options:
  instance_id:
    description:
      - Only tasks of this DB instance (filtered by the API).
    type: str
  order_id:
    description:
      - Only tasks of this order (filtered by the API).
    type: str
extends_documentation_fragment:
  - dbtasks.cloud.huaweicloud
  - dbtasks.cloud.common
  - dbtasks.cloud.task_info
  - dbtasks.cloud.task_info.huawei
  - dbtasks.cloud.attributes
  - dbtasks.cloud.attributes.actiongroup_huaweicloud
seealso:
  - module: dbtasks.cloud.dds_job_info
  - module: dbtasks.cloud.udts_task_info
"""

EXAMPLES = r"""
# Ad hoc, with credentials in HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID and HW_REGION_NAME:
#   ansible localhost -m dbtasks.cloud.rds_task_info -a status=Running
#   ansible localhost -m dbtasks.cloud.rds_task_info -a "instance_id=4d00c7e9d22145deb889937a72b59c8ein01 start_time=-1d"
#   ansible localhost -m dbtasks.cloud.rds_task_info -a "job_id=676e9f17f9b74289883a44a47b8101f5 wait=true"

- name: List the running tasks of one instance
  dbtasks.cloud.rds_task_info:
    status: Running
    instance_id: 4d00c7e9d22145deb889937a72b59c8ein01
  register: running

- name: Show them
  ansible.builtin.debug:
    msg: "{{ item.name }} {{ item.progress_percent }}%"
  loop: "{{ running.tasks }}"

- name: Every task of the last 7 days
  dbtasks.cloud.rds_task_info:
    start_time: -7d
  register: last_week

- name: One task, waiting up to 15 minutes for it to finish
  dbtasks.cloud.rds_task_info:
    job_id: 676e9f17f9b74289883a44a47b8101f5
    wait: true
    wait_timeout: 900
  register: restart

- name: Fail the play unless it succeeded
  ansible.builtin.assert:
    that: restart.wait_outcome == 'succeeded'
    fail_msg: "The restart ended {{ restart.wait_outcome }}: {{ restart.tasks[0].failure_reason }}"

- name: Credentials once for every Huawei Cloud module of the collection
  module_defaults:
    group/dbtasks.cloud.huaweicloud:
      access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
      secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
      project_id: "{{ lookup('ansible.builtin.env', 'HUAWEICLOUD_SDK_PROJECT_ID') }}"
      region: cn-north-4
  block:
    - name: Wait for every running task of the instance
      dbtasks.cloud.rds_task_info:
        instance_id: 4d00c7e9d22145deb889937a72b59c8ein01
        status: Running
        wait: true
        wait_fail_fast: false

    - name: The same for DDS
      dbtasks.cloud.dds_job_info:
        status: Running
"""

RETURN = r"""
tasks:
  description:
    - The selected tasks, newest first as the API lists them (in O(job_ids) order when selected by id); V([]) when none match.
    - Every field the API sent, in snake_case (unknown fields included), plus the normalized fields below.
    - With O(wait=true), each task as last seen. A task last read by id has the single-job read's fields (C(created),
      C(ended), C(instance)) and none of the listing's that they replace or that describe an earlier moment (C(create_time),
      C(end_time), C(instance_status)); the normalized fields are the same either way.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The task ID.
      type: str
      sample: 676e9f17f9b74289883a44a47b8101f5
    state:
      description: Normalized state, see C(docs/states.md).
      type: str
      choices: [running, succeeded, failed, unknown]
      sample: running
    terminal:
      description: Whether the task has finished (C(succeeded) or C(failed)) and will not change any more.
      type: bool
      sample: false
    progress_percent:
      description: Progress from C(process), 0 to 100; V(null) when the API gives none (finished tasks).
      type: float
      sample: 58.0
    failure_reason:
      description: C(fail_reason) when not empty, else V(null).
      type: str
      sample: null
    instance_id:
      description:
        - The DB instance (normalized field), from C(instance_id) of the listing or C(instance.id) of the single-job read.
        - O(instance_id) selects by it (sent to the API).
      type: str
      sample: 4d00c7e9d22145deb889937a72b59c8ein01
    instance_name:
      description: The DB instance's name (normalized field), from C(instance_name) or C(instance.name); V(null) when unknown.
      type: str
      sample: rds-demo-mysql
    created_at:
      description: When the task was created, ISO 8601 UTC (normalized field, from C(create_time) or C(created)); V(null) when unknown.
      type: str
      sample: "2026-11-22T06:53:56Z"
    ended_at:
      description:
        - When the task ended, ISO 8601 UTC (normalized field, from C(end_time) or C(ended)); V(null) until it has ended,
          whatever the API puts there (RDS documents C(end_time) as the planned end).
      type: str
      sample: null
    name:
      description: Task name.
      type: str
      sample: RestartInstance
    status:
      description: The API's status.
      type: str
      sample: Running
    process:
      description:
        - The API's progress text in the listing's form, V("58") (also where the single-job read sent V("58%")); V("") once finished.
      type: str
      sample: "58"
  sample:
    - id: 676e9f17f9b74289883a44a47b8101f5
      name: RestartInstance
      instance_id: 4d00c7e9d22145deb889937a72b59c8ein01
      instance_name: rds-demo-mysql
      instance_status: REBOOTING
      order_id: ""
      process: "58"
      fail_reason: ""
      create_time: "2026-11-22T06:53:56+0000"
      end_time: ""
      status: Running
      datastore_type: MySQL
      state: running
      terminal: false
      progress_percent: 58.0
      failure_reason: null
      created_at: "2026-11-22T06:53:56Z"
      ended_at: null
total_count:
  description:
    - The number of tasks the API reported for the query (with O(offset)/O(limit), for the whole query, not the page),
      in the listing that selected the tasks; a wait does not change it.
  returned: when listing without O(job_id)/O(job_ids), if the API reported it
  type: int
  sample: 3
wait_outcome:
  description:
    - How the wait ended. V(succeeded) when every task succeeded; V(failed) when a task failed (at once with
      O(wait_fail_fast=true)); V(timeout) (in a failed result) when O(wait_timeout) passed first.
    - V(succeeded) also when nothing was selected; check that RV(tasks) is not empty.
  returned: when O(wait=true)
  type: str
  sample: succeeded
elapsed:
  description: Seconds spent waiting.
  returned: when O(wait=true)
  type: float
  sample: 27.4
"""

from ansible_collections.dbtasks.cloud.plugins.module_utils._huawei_tasks import HUAWEI_TASK_SPEC
from ansible_collections.dbtasks.cloud.plugins.module_utils._info_module import run_info_module
from ansible_collections.dbtasks.cloud.plugins.module_utils._rds import RDS


def main() -> None:
    argument_spec = dict(HUAWEI_TASK_SPEC, instance_id=dict(type="str"), order_id=dict(type="str"))
    run_info_module(RDS, argument_spec)


if __name__ == "__main__":
    main()
