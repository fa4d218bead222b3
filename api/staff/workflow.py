"""The case state machine, read from data/workflow.yml: which action a role may take in which state."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, model_validator

from api.auth.models import ROLES
from api.complaints.models import STATES

DATA_FILE = Path(__file__).resolve().parent / "data" / "workflow.yml"
ANY = "*"
Field_ = Literal["note", "satisfaction", "extension_days", "departments", "result"]
FIELD_NAMES = {
    "note": "说明",
    "satisfaction": "满意度",
    "extension_days": "延期天数",
    "departments": "部门",
    "result": "办理结果",
}


class Transition(BaseModel):
    """One action of the table."""

    label: str
    from_: list[str] = Field(alias="from")
    to: str | None
    roles: list[str]
    lead_only: bool = False
    requires: list[Field_] = []
    dissatisfied: bool = False

    def starts_in(self, state: str) -> bool:
        """True if the action may be taken in `state`."""
        return ANY in self.from_ or state in self.from_


class SatisfactionScale(BaseModel):
    """Where 不满意 ends on the 1–5 回访 scale."""

    dissatisfied_max: int = Field(ge=1, le=4)

    def satisfied(self, score: int) -> bool:
        """True if a 回访 score counts as satisfied in 满意率."""
        return score > self.dissatisfied_max


class Workflow(BaseModel):
    """The whole reviewed table."""

    source: str
    confirmed: bool
    states: list[str]
    satisfaction: SatisfactionScale
    actions: dict[str, Transition]

    @model_validator(mode="after")
    def _consistent(self) -> Workflow:
        """States match the store's, every from/to names a state, every role exists."""
        if tuple(self.states) != STATES:
            raise ValueError(f"states must be exactly {STATES}")
        for name, t in self.actions.items():
            for state in [*t.from_, *([t.to] if t.to else [])]:
                if state != ANY and state not in self.states:
                    raise ValueError(f"{name}: unknown state {state!r}")
            for role in t.roles:
                if role not in ROLES:
                    raise ValueError(f"{name}: unknown role {role!r}")
        return self


class TransitionRefused(Exception):
    """Base: the action cannot be taken; `detail` is the Chinese reason."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class IllegalTransition(TransitionRefused):
    """The action does not start in the case's state (409)."""


class RoleNotAllowed(TransitionRefused):
    """The account's role (or department) may not take this action (403)."""


class MissingField(TransitionRefused):
    """A field the action requires was not given (422)."""


@lru_cache
def load_workflow(path: Path = DATA_FILE) -> Workflow:
    """Parse and validate the data file once per process."""
    return Workflow.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _quoted(states: list[str]) -> str:
    """「办理中」「延期」."""
    return "".join(f"「{s}」" for s in states)


def check(
    *,
    action: str,
    state: str,
    role: str,
    is_lead: bool,
    given: set[str],
    satisfaction: int | None = None,
) -> Transition:
    """The transition for `action` from `state` by `role`, or raise why it is refused.

    `satisfaction` is the family's 回访 score of this round (given now or recorded), for 重办.
    """
    wf = load_workflow()
    table = wf.actions
    transition = table.get(action)
    if transition is None:
        raise MissingField(f"未知操作：{action}")
    if not transition.starts_in(state):
        target = transition.to or state
        raise IllegalTransition(
            f"工单当前为「{state}」，不能执行「{transition.label}」"
            f"（{_quoted(transition.from_)}→「{target}」）"
        )
    if role not in transition.roles:
        raise RoleNotAllowed(f"当前账号无权执行「{transition.label}」")
    if role == "department" and transition.lead_only and not is_lead:
        raise RoleNotAllowed(f"只有主办部门可以执行「{transition.label}」")
    missing = [f for f in transition.requires if f not in given]
    if missing:
        raise MissingField(
            f"「{transition.label}」需要填写：{'、'.join(FIELD_NAMES[m] for m in missing)}"
        )
    if transition.dissatisfied:
        limit = wf.satisfaction.dissatisfied_max
        if satisfaction is None:
            raise MissingField(f"「{transition.label}」需要填写：满意度（家属不满意时才能重办）")
        if satisfaction > limit:
            raise IllegalTransition(
                f"家属满意度为 {satisfaction}/5，不能执行「{transition.label}」"
                f"（仅在满意度不高于 {limit} 时重办）"
            )
    return transition


def allowed(
    *, state: str, role: str, is_lead: bool, satisfaction: int | None = None
) -> list[tuple[str, str]]:
    """(action, label) pairs this account may take now, in table order.

    `satisfaction` is the recorded 回访 score: a satisfied family hides 重办.
    """
    wf = load_workflow()
    out = []
    for name, t in wf.actions.items():
        if not t.starts_in(state) or role not in t.roles:
            continue
        if t.dissatisfied and satisfaction is not None and wf.satisfaction.satisfied(satisfaction):
            continue
        if role == "department" and t.lead_only and not is_lead:
            continue
        out.append((name, t.label))
    return out
