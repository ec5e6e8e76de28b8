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
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_files import REPORT_FILES, SUCCESS_OUTCOMES, check_path, write_reports
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_names import OptionNames
from ansible_collections.dbtasks.cloud.plugins.module_utils._task_wait_options import (
    CONNECTION_SPECS,
    TASK_WAIT_SPEC,
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
        names = OptionNames(_text(self._task.args.get("variable_prefix")))
        warnings = names.misspelled(task_vars or {}, [option for option in TASK_WAIT_SPEC if option != "variable_prefix"])
        # Reports are written however the wait ends, also when options next to them were rejected.
        files = {option: _text(self._task.args.get(option)) for option in REPORT_FILES}
        redactor = Redactor()
        notices = Notices()
        try:
            outcome, wait_warnings = self._wait(names, files, redactor, notices)
            warnings.extend(wait_warnings)
        except DbTasksError as error:
            fields = (names.error(error) if isinstance(error, ParameterError) else error).to_fail_kwargs()
            outcome = {name: redactor.text(value) if isinstance(value, str) else value for name, value in fields.items()}
            outcome.update(failed=True, outcome="error")
            # The connections' warnings (insecure settings) that the failed run had no chance to show.
            warnings.extend(notices.drain())
        outcome["msg"] = _shown(redactor, outcome["msg"])
        outcome["success"] = outcome["outcome"] in SUCCESS_OUTCOMES
        shown = [_shown(redactor, warning) for warning in warnings]
        report = dict(outcome, summary=[_shown(redactor, line) for line in summary_lines(outcome, shown)])
        shown.extend(_shown(redactor, warning) for warning in write_reports(report, files["junit_file"], files["json_file"]))
        # Also in the summary: a caller that hides the result (no_log) still shows the summary.
        outcome["summary"] = [_shown(redactor, line) for line in summary_lines(outcome, shown)]
        result.update(outcome)
        if shown:
            result["warnings"] = shown
        return result

    def _wait(self, names: OptionNames, files: dict[str, str | None], redactor: Redactor,
              notices: Notices) -> tuple[dict[str, t.Any], list[str]]:
        """Validate the options, then wait: ``(result, warnings)``; raises ``DbTasksError`` before or instead of a wait."""
        args = self._arguments()
        # A fresh spec each time: the validator fills the dict defaults of the spec it is given.
        validation = ArgumentSpecValidator(names.spec(task_wait_spec())).validate(names.wrap(args))
        params = names.unwrap(validation.validated_parameters)
        redactor.add(*_secrets(args), *_secrets(params))
        if validation.error_messages:
            raise DbTasksError("Invalid %s: %s" % ("variables" if names.prefix else "options", "; ".join(validation.error_messages)))
        for option in REPORT_FILES:
            files[option] = params.get(option)
            check_path(option, files[option])

        def emit(line: str) -> None:
            display.display(_shown(redactor, line))

        return run_task_wait(parse_plan(params), params, emit, hooks=self.hooks, redactor=redactor, notices=notices)


def _text(value: t.Any) -> str | None:
    """A string argument as given, before validation; anything else is left to the validator."""
    return value if isinstance(value, str) and value else None


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
