# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validating task_wait's options leaves the published spec as documented (tests/functional/meta/test_option_docs.py reads it)."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import TASK_WAIT_SPEC, task_wait_spec


def test_validation_does_not_fill_the_defaults_of_the_published_spec():
    for dummy in range(2):
        result = ArgumentSpecValidator(task_wait_spec()).validate({"tasks": [{"provider": "rds", "id": "r1"}]})
        assert result.error_messages == []
        assert result.validated_parameters["ucloud"]["retries"] == 4
    assert TASK_WAIT_SPEC["ucloud"]["default"] == {} and TASK_WAIT_SPEC["huaweicloud"]["default"] == {}
    assert task_wait_spec()["ucloud"]["default"] == {}
