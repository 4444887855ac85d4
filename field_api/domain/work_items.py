"""Work item kinds and their lifecycle, written down in one place.

pending -> planned -> dispatched -> done | failed, and cancelled from any open state.
A planned or dispatched item may go back one step when a plan is redone or reassigned.
"""
from __future__ import annotations

from schemas.vocab import WORK_STATUSES as STATUSES, WORK_TYPES  # noqa: F401

# The skill a crew member needs to carry out each type of work.
REQUIRED_SKILL = {
    "notice": "notifier",
    "inspection": "inspector",
    "verification": "inspector",
    "cut": "cut",
    "reconnection": "cut",
}

OPEN_STATUSES = ("pending", "planned", "dispatched")
FINAL_STATUSES = ("done", "failed", "cancelled")

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"planned", "cancelled"}),
    "planned": frozenset({"dispatched", "pending", "cancelled"}),
    "dispatched": frozenset({"done", "failed", "cancelled", "planned"}),
    "done": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}


class IllegalTransition(Exception):
    """A work item was asked to move to a state its current state does not allow."""

    def __init__(self, current: str, requested: str):
        self.current = current
        self.requested = requested
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none, it is final"
        super().__init__(
            f"A work item in state '{current}' cannot move to '{requested}'. Allowed: {allowed}."
        )


class InvalidWorkKind(ValueError):
    """A work type or subtype outside the vocabulary."""


def check_transition(current: str, requested: str) -> None:
    if requested not in STATUSES:
        raise IllegalTransition(current, requested)
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition(current, requested)


def check_kind(work_type: str, subtype: str) -> None:
    if work_type not in WORK_TYPES:
        raise InvalidWorkKind(f"Unknown work type '{work_type}'; known: {', '.join(WORK_TYPES)}")
    if subtype not in WORK_TYPES[work_type]:
        known = ", ".join(WORK_TYPES[work_type])
        raise InvalidWorkKind(f"Unknown subtype '{subtype}' for {work_type}; known: {known}")


def kind_of(work_type: str, subtype: str) -> str:
    """Two open items of the same kind for one target are never allowed.

    Notices differ by stage (a reminder and a cut warning are different kinds); for every other
    type the subtype does not matter (a restriction and a suspension are both a cut).
    """
    return f"notice.{subtype}" if work_type == "notice" else work_type


def open_key(work_type: str, subtype: str, account_id: int | None, premise_id: int | None,
             status: str) -> str | None:
    """A value unique among open items (a unique index enforces it); None once the item is final."""
    if status not in OPEN_STATUSES:
        return None
    target = f"a{account_id}" if account_id is not None else f"p{premise_id}"
    return f"{kind_of(work_type, subtype)}:{target}"
