"""The work item lifecycle is written down once and enforced from there."""
import pytest

from field_api.domain.work_items import (
    FINAL_STATUSES, IllegalTransition, InvalidWorkKind, TRANSITIONS, check_kind, check_transition,
)


@pytest.mark.parametrize("current,requested", [
    ("pending", "planned"), ("planned", "dispatched"), ("dispatched", "done"),
    ("dispatched", "failed"), ("pending", "cancelled"), ("dispatched", "cancelled"),
    ("planned", "pending"), ("dispatched", "planned"),
])
def test_allowed_moves_pass(current, requested):
    check_transition(current, requested)


@pytest.mark.parametrize("final", FINAL_STATUSES)
def test_final_states_never_move(final):
    for target in TRANSITIONS:
        with pytest.raises(IllegalTransition, match=f"state '{final}'"):
            check_transition(final, target)


def test_illegal_move_names_current_state_and_what_is_allowed():
    with pytest.raises(IllegalTransition) as err:
        check_transition("pending", "done")
    assert err.value.current == "pending"
    assert "Allowed: cancelled, planned" in str(err.value)


def test_unknown_status_is_illegal():
    with pytest.raises(IllegalTransition):
        check_transition("pending", "lost")


def test_kinds_are_checked_against_the_vocabulary():
    check_kind("cut", "restrict")
    check_kind("notice", "summons_followup")
    with pytest.raises(InvalidWorkKind, match="Unknown subtype 'restrict' for notice"):
        check_kind("notice", "restrict")
    with pytest.raises(InvalidWorkKind, match="Unknown work type 'party'"):
        check_kind("party", "x")
