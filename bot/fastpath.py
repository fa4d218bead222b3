"""Engine start-up patches that change what a turn costs, never what it does (applied by bot.launch).

Rasa 3.6 checks every action server reply with `jsonschema.validate(reply, schema)`, which first checks
the schema itself against its meta-schema and builds a fresh validator: ~40 ms of a ~130 ms turn on this
2-core machine (py-spy). Here the schema is checked once, at the first reply, and its validator kept: the
same reply is accepted or refused with the same error as before. Not a training input (the Makefile
leaves it out, like launch.py): it changes how the engine runs, not the model.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def keep_action_reply_validator() -> None:
    """Replace RemoteAction._validate_action_result by the same check with a validator built once."""
    from jsonschema import ValidationError, exceptions, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    kept: list[Any] = []

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if not kept:
            schema = self.action_response_format_spec()
            cls = validators.validator_for(schema)
            cls.check_schema(schema)  # what jsonschema.validate did on every call
            kept.append(cls(schema))
        error = exceptions.best_match(
            kept[0].iter_errors(result)
        )  # as jsonschema.validate picks it
        if error is None:
            return True
        if not isinstance(
            error, ValidationError
        ):  # pragma: no cover - best_match yields these only
            raise error
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def apply() -> None:
    """Every patch above; called once before Rasa serves."""
    keep_action_reply_validator()
