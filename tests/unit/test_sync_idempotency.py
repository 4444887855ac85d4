"""Client UUIDs: a new record is processed, a resend is a duplicate, reused UUIDs conflict."""
import uuid
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.idempotency import DecisionKind, PreviousResult, decide, normalise_uuid
from tests.unit.test_sync_support import uid

U = uid(42)


def previous(fp="f" * 64, status="accepted", **kw):
    return PreviousResult(U, fp, status, reply={"status": status, "review_id": None}, **kw)


def test_a_uuid_never_seen_is_processed():
    decision = decide(U, "f" * 64, None)
    assert decision.kind is DecisionKind.PROCESS and decision.process
    assert decision.original is None and decision.message is None


def test_the_same_uuid_and_content_is_a_duplicate_with_the_original_reply():
    prior = previous()
    decision = decide(U, "f" * 64, prior)
    assert decision.kind is DecisionKind.DUPLICATE and not decision.process
    assert decision.original is prior and decision.original.reply["status"] == "accepted"


def test_a_resend_of_a_rejected_record_gets_the_same_rejection():
    decision = decide(U, "f" * 64, previous(status="rejected"))
    assert decision.kind is DecisionKind.DUPLICATE and decision.original.status == "rejected"


def test_the_same_uuid_with_other_content_is_a_conflict_with_a_clear_message():
    when = datetime(2025, 3, 4, 15, 20, tzinfo=timezone.utc)
    decision = decide(U, "0" * 64, previous(received_at=when))
    assert decision.kind is DecisionKind.CONFLICT
    assert U in decision.message and "otro contenido" in decision.message
    assert "2025-03-04 15:20" in decision.message and "identificador nuevo" in decision.message
    assert decision.original.fingerprint == "f" * 64


def test_uuids_are_compared_whatever_their_case_or_braces():
    decision = decide("{" + U.upper() + "}", "f" * 64, previous())
    assert decision.kind is DecisionKind.DUPLICATE and decision.client_uuid == U


def test_a_previous_result_of_another_uuid_is_a_caller_error():
    with pytest.raises(ValueError, match="belongs to"):
        decide(uid(7), "f" * 64, previous())


@pytest.mark.parametrize("text, expected", [
    (U, U), (U.upper(), U), (" " + U + " ", U), ("not-a-uuid", None), ("", None), (None, None),
])
def test_normalise_uuid_gives_one_spelling_or_none(text, expected):
    assert normalise_uuid(text) == expected


@given(st.uuids().map(str) | st.uuids().map(lambda u: "{" + str(u).upper() + "}") | st.text(max_size=40))
def test_normalise_uuid_spells_any_text_as_parsing_it_would(text):
    try:
        parsed = str(uuid.UUID(text.strip()))
    except ValueError:
        parsed = None
    assert normalise_uuid(text) == parsed
