"""Work item kinds and their lifecycle, written down in one place.

pending -> planned -> dispatched -> done | failed, and cancelled from any open state.
A planned or dispatched item may go back one step when a plan is redone or reassigned.
"""
from __future__ import annotations

WORK_TYPES: dict[str, tuple[str, ...]] = {
    "notice": ("reminder", "payment_demand", "cut_warning", "summons_followup"),
    "inspection": ("requested", "zero_consumption", "consumption_drop", "illegal_connection"),
    "verification": ("walk",),
    "cut": ("restrict", "suspend"),
    "reconnection": ("restore",),
}

# The skill a crew member needs to carry out each type of work.
REQUIRED_SKILL = {
    "notice": "notifier",
    "inspection": "inspector",
    "verification": "inspector",
    "cut": "cut",
    "reconnection": "cut",
}

STATUSES = ("pending", "planned", "dispatched", "done", "failed", "cancelled")
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
