# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of ``dbtasks.cloud.task_wait`` (documented in ``plugins/modules/task_wait.py``).

It runs on the controller and never executes a module: it reads UDTS, DDS
and RDS tasks over HTTPS itself, so one wait follows every provider at once
and prints progress lines while it waits. The engine is
``module_utils/_task_wait.py``; this file resolves the options (the task's
own arguments, the ``group/dbtasks.cloud.ucloud`` and
``group/dbtasks.cloud.huaweicloud`` module_defaults, environment variables),
prints and returns.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from ansible.executor import module_common
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.validation import check_type_dict
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.dbtasks.cloud.plugins.module_utils._connection_options import secret_values
from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import DbTasksError, ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._redact import Redactor
from ansible_collections.dbtasks.cloud.plugins.module_utils._response import Notices
from ansible_collections.dbtasks.cloud.plugins.module_utils._runtime import RuntimeHooks
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait import run_task_wait
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import (
    CONNECTION_SPECS,
    group_member,
    merge_connection,
    parse_plan,
    task_wait_spec,
)
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_report import summary_lines
from ansible_collections.dbtasks.cloud.plugins.module_utils._text import MESSAGE_LIMIT, safe_text

# How module_defaults are resolved for an action differs by ansible-core version.
_apply_action_arg_defaults = getattr(module_common, "_apply_action_arg_defaults", None)  # 2.19 and later

display = Display()


class ActionModule(ActionBase):
    """Waits for UDTS, DDS and RDS tasks together; see the module documentation."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True  # it only reads, so check mode runs it as usual
    _supports_async = False

    # Where requests go and how time passes; unit tests replace it.
    hooks: RuntimeHooks | None = None

    def _group_defaults(self, cloud: str) -> dict[str, t.Any]:
        """The module_defaults the info modules of ``cloud``'s action group would get here."""
        member = group_member(cloud)
        defaults: dict[str, t.Any]
        if _apply_action_arg_defaults is not None:
            defaults = _apply_action_arg_defaults(member, self._task, {}, self._templar)
        else:  # 2.17 and 2.18; mypy reads 2.21, where neither this function nor an optional _parent exists
            task: t.Any = self._task
            play = task._parent._play  # pylint: disable=protected-access
            defaults = getattr(module_common, "get_action_args_with_defaults")(member, {}, task.module_defaults, self._templar,
                                                                               action_groups=play._action_groups)  # pylint: disable=protected-access
        return defaults

    def _arguments(self) -> dict[str, t.Any]:
        """The task's arguments with each connection merged over its group's module_defaults; raises ``ParameterError``."""
        args = dict(self._task.args)
        for cloud in CONNECTION_SPECS:
            args[cloud] = merge_connection(self._group_defaults(cloud), _connection_dict(cloud, args.get(cloud)), cloud)
        return args

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        result["changed"] = False
        try:
            args = self._arguments()
        except ParameterError as error:
            return _error_result(result, error.to_fail_kwargs(), Redactor())
        validation = ArgumentSpecValidator(task_wait_spec()).validate(args)
        params = validation.validated_parameters
        redactor = Redactor(_secrets(args) + _secrets(params))
        if validation.error_messages:
            return _error_result(result, {"msg": "Invalid options: " + "; ".join(validation.error_messages)}, redactor)

        def emit(line: str) -> None:
            display.display(_shown(redactor, line))

        notices = Notices()
        try:
            plan = parse_plan(params)
            outcome, warnings = run_task_wait(plan, params, emit, hooks=self.hooks, redactor=redactor, notices=notices)
        except DbTasksError as error:
            return _error_result(result, error.to_fail_kwargs(), redactor, notices.drain())
        result.update(outcome)
        result["msg"] = _shown(redactor, result["msg"])
        if warnings:
            result["warnings"] = [_shown(redactor, warning) for warning in warnings]
        result["summary"] = [_shown(redactor, line) for line in result["summary"]]
        return result


def _error_result(result: dict[str, t.Any], fields: Mapping[str, t.Any], redactor: Redactor,
                  warnings: list[str] | None = None) -> dict[str, t.Any]:
    """``result`` failed with ``fields`` (text redacted) before or instead of a wait: outcome ``error``."""
    result.update((name, redactor.text(value) if isinstance(value, str) else value) for name, value in fields.items())
    result["msg"] = _shown(redactor, result["msg"])
    result.update(failed=True, outcome="error")
    shown = [redactor.text(warning) for warning in warnings or ()]
    if shown:
        result["warnings"] = shown
    result["summary"] = summary_lines(result, shown)
    return result


def _shown(redactor: Redactor, text: str) -> str:
    """A line, message or warning as it is printed: redacted, then one safe line (``safe_text`` is idempotent: the
    engine already made each API value safe where it put it into the text, this catches anything else)."""
    return safe_text(redactor.text(text), MESSAGE_LIMIT)


def _connection_dict(cloud: str, value: t.Any) -> Mapping[str, t.Any] | None:
    """The ``ucloud``/``huaweicloud`` option as a mapping (``key=value`` text is read as Ansible reads it)."""
    if value is None or isinstance(value, Mapping):
        return value
    # Left to the validator, anything else crashes it when an environment variable fills a suboption.
    if isinstance(value, str):
        try:
            parsed: dict[str, t.Any] = check_type_dict(value)
            return parsed
        except TypeError:
            pass
    # The value is not echoed: it may hold keys the redactor could not pick out of it.
    raise ParameterError(cloud, "must be a dictionary of connection options (or key=value text)")


def _secrets(args: Mapping[str, t.Any]) -> list[str]:
    """Every ``no_log`` connection option's value in ``args``, to be masked wherever it might show."""
    found: list[str] = []
    for cloud, spec in CONNECTION_SPECS.items():
        values = args.get(cloud)
        if isinstance(values, Mapping):
            found.extend(secret_values(spec, values))
    return found
