"""Three-way merge of registry corrections: applied, no-op, or a typed conflict for review."""
from datetime import date

import pytest

from sync.merge import (
    MISSING, Applied, Conflict, ConflictKind, NoOp, RegistryRow, merge_correction, merge_record,
    remerge, resolve, row_key,
)
from sync.records import Correction
from sync.values import same


def fix(field="street", seen="Juárez", new="Hidalgo", entity="premise", entity_id=7):
    return Correction(entity, entity_id, field, seen, new)


def test_a_correction_applies_when_the_registry_still_holds_what_the_crew_saw():
    outcome = merge_correction(fix(), "Juárez", 3)
    assert outcome == Applied(fix(), "Juárez", "Hidalgo", 3)


def test_a_correction_is_a_no_op_when_the_registry_already_holds_the_new_value():
    assert merge_correction(fix(), "Hidalgo", 4) == NoOp(fix(), "Hidalgo", 4)


def test_both_sides_changing_the_field_differently_is_a_hard_conflict():
    outcome = merge_correction(fix(), "Morelos", 4)
    assert isinstance(outcome, Conflict) and outcome.kind is ConflictKind.HARD
    assert outcome.reason == "changed_on_both_sides" and outcome.current == "Morelos" and outcome.version == 4
    assert "Juárez" in outcome.message and "Hidalgo" in outcome.message and "Morelos" in outcome.message


def test_a_difference_only_of_case_accents_or_spacing_is_a_soft_conflict():
    outcome = merge_correction(fix(new="Av. Hidalgo"), "AV  HIDALGO", 4)
    assert isinstance(outcome, Conflict) and outcome.kind is ConflictKind.SOFT
    assert outcome.reason == "same_in_substance"


def test_a_cosmetic_office_change_against_a_real_crew_change_is_soft():
    outcome = merge_correction(fix(seen="juarez", new="Hidalgo"), "Juárez", 4)
    assert outcome.kind is ConflictKind.SOFT and outcome.reason == "cosmetic_registry_change"


def test_a_crew_confirming_the_old_value_after_an_office_change_is_soft():
    outcome = merge_correction(fix(seen="Juárez", new="Juárez"), "Morelos", 4)
    assert outcome.kind is ConflictKind.SOFT and outcome.reason == "confirmed_old_value"


def test_a_correction_of_a_missing_row_or_field_is_a_hard_conflict():
    outcome = merge_correction(fix(), MISSING, None)
    assert outcome.kind is ConflictKind.HARD and outcome.reason == "missing" and outcome.current is MISSING


@pytest.mark.parametrize("a, b", [
    ("  Juárez ", "Juárez"), ("Jua\u0301rez", "Juárez"), (5, 5.0), (5, "5"), ("2.50", 2.5),
    (None, ""), (None, "   "), (date(2024, 1, 2), "2024-01-02"), (True, True),
])
def test_values_that_the_merge_takes_as_equal(a, b):
    assert same(a, b) and same(b, a)


@pytest.mark.parametrize("a, b", [
    ("Juárez", "juárez"), ("007", "7"), (True, 1), (False, 0), (None, 0), (None, False), ("5", "5.0"),
    (2.5, 2.51),
])
def test_values_that_the_merge_keeps_apart(a, b):
    assert not same(a, b) and not same(b, a)


def test_a_blank_new_value_is_written_as_none_and_text_is_stripped():
    assert merge_correction(fix(field="interior_number", seen="B", new="  "), "B", 1).new is None
    assert merge_correction(fix(new="  Hidalgo "), "Juárez", 1).new == "Hidalgo"


def test_numbers_sent_as_text_merge_against_numbers():
    outcome = merge_correction(fix(field="dwellings", seen="1", new=3), 1, 2)
    assert isinstance(outcome, Applied) and outcome.new == 3


SNAPSHOT = {
    row_key("premise", 7): RegistryRow(3, {"street": "Juárez", "dwellings": 1, "land_use": "domestic"}),
    row_key("meter", 9): RegistryRow(5, {"serial": "M-9", "status": "working"}),
}


def test_a_record_is_merged_field_by_field_and_nothing_is_dropped():
    corrections = [
        fix(),  # applies
        fix(field="dwellings", seen=1, new=2),  # applies
        fix(field="land_use", seen="domestic", new="domestic"),  # no-op
        fix(entity="meter", entity_id=9, field="status", seen="damaged", new="stopped"),  # conflict
        fix(entity="meter", entity_id=404, field="status", seen="working", new="stopped"),  # missing row
        fix(field="no_such_field", seen=None, new="x"),  # missing field
    ]
    result = merge_record(corrections, SNAPSHOT)
    assert [a.correction.field for a in result.applied] == ["street", "dwellings"]
    assert [n.correction.field for n in result.noops] == ["land_use"]
    assert [(c.correction.entity_id, c.reason) for c in result.conflicts] == [
        (9, "changed_on_both_sides"), (404, "missing"), (7, "missing")]
    assert len(result.applied) + len(result.noops) + len(result.conflicts) == len(corrections)


def test_the_applied_corrections_of_a_row_become_one_versioned_update():
    result = merge_record([fix(), fix(field="dwellings", seen=1, new=2)], SNAPSHOT)
    (update,) = result.row_updates
    assert (update.entity, update.entity_id, update.base_version, update.new_version) == ("premise", 7, 3, 4)
    assert dict(update.values) == {"street": "Hidalgo", "dwellings": 2}


def test_a_record_correcting_a_field_twice_sees_its_own_first_change():
    result = merge_record([fix(), fix(seen="Hidalgo", new="Morelos")], SNAPSHOT)
    assert [a.new for a in result.applied] == ["Hidalgo", "Morelos"]
    assert dict(result.row_updates[0].values) == {"street": "Morelos"}


def test_merging_does_not_change_the_snapshot():
    merge_record([fix()], SNAPSHOT)
    assert SNAPSHOT[row_key("premise", 7)].values["street"] == "Juárez"


def test_entity_ids_sent_as_text_find_their_row():
    assert merge_record([fix(entity_id="7")], SNAPSHOT).applied


def test_outcomes_carry_the_position_of_their_correction_in_the_record():
    result = merge_record([fix(field="land_use", seen="domestic", new="domestic"), fix(seen="X"), fix()], SNAPSHOT)
    assert [o.index for o in result.noops + result.conflicts + result.applied] == [0, 1, 2]


def test_a_second_offline_edit_that_arrived_first_applies_once_the_first_has():
    second = fix(seen="Hidalgo", new="Morelos")  # the first edit was Juárez → Hidalgo
    (waiting,) = merge_record([second], SNAPSHOT).conflicts
    after_first = {row_key("premise", 7): RegistryRow(4, {**SNAPSHOT[row_key("premise", 7)].values,
                                                           "street": "Hidalgo"})}
    (outcome,) = remerge([waiting], after_first).outcomes
    assert isinstance(outcome, Applied) and outcome.new == "Morelos" and outcome.base_version == 4
    assert outcome.index == waiting.index == 0


def test_remerge_resolves_chains_that_arrived_in_reverse_order():
    chain = [fix(seen="B", new="C"), fix(seen="C", new="D"), fix(seen="A", new="B")]
    snapshot = {row_key("premise", 7): RegistryRow(1, {"street": "B"})}
    waiting = [merge_correction(c, "A", 1) for c in chain[:2]]
    remerged = remerge(waiting, snapshot)
    assert [type(o) for o in remerged.outcomes] == [Applied, Applied]
    (update,) = remerged.row_updates
    assert dict(update.values) == {"street": "D"} and (update.base_version, update.new_version) == (1, 2)


def test_remerge_writes_the_end_of_a_chain_whatever_the_order_of_the_waiting_list():
    snapshot = {row_key("premise", 7): RegistryRow(1, {"street": "B"})}
    waiting = [merge_correction(fix(seen="C", new="D"), "A", 1), merge_correction(fix(seen="B", new="C"), "A", 1)]
    remerged = remerge(waiting, snapshot)
    assert [o.new for o in remerged.outcomes] == ["D", "C"]
    assert dict(remerged.row_updates[0].values) == {"street": "D"}


def test_remerge_keeps_a_real_disagreement_open_and_closes_one_the_registry_now_agrees_with():
    snapshot = {row_key("premise", 7): RegistryRow(5, {"street": "Hidalgo"})}
    disagree = merge_correction(fix(seen="Juárez", new="Morelos"), "Hidalgo", 4)
    agree_now = merge_correction(fix(seen="Juárez", new="Hidalgo"), "Allende", 4)
    still, closed = remerge([disagree, agree_now], snapshot).outcomes
    assert isinstance(still, Conflict) and still.current == "Hidalgo" and still.version == 5
    assert isinstance(closed, NoOp)


def test_the_office_accepting_the_crew_value_writes_it_over_the_value_it_was_shown():
    conflict = merge_correction(fix(), "Morelos", 4)
    outcome = resolve(conflict, True, "Morelos", 4)
    assert isinstance(outcome, Applied)
    assert (outcome.old, outcome.new, outcome.base_version) == ("Morelos", "Hidalgo", 4)


def test_the_office_keeping_the_registry_changes_nothing():
    conflict = merge_correction(fix(), "Morelos", 4)
    assert isinstance(resolve(conflict, False, "Morelos", 4), NoOp)


def test_accepting_after_the_registry_moved_again_asks_for_another_look():
    conflict = merge_correction(fix(), "Morelos", 4)
    outcome = resolve(conflict, True, "Allende", 5)
    assert isinstance(outcome, Conflict) and outcome.reason == "changed_since_review"
    assert outcome.current == "Allende"
    assert isinstance(resolve(conflict, True, "Hidalgo", 5), NoOp)
