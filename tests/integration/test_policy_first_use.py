"""The collection policy row is made on first use, also when two requests are first at once."""
import threading

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from field_api.models import CollectionPolicy
from field_api.work.policy import POLICY_ID, POLICY_ROW, get_policy, policy_of


def test_the_policy_is_created_with_the_defaults_on_first_use(session):
    session.execute(delete(CollectionPolicy))
    policy = get_policy(session)
    assert policy.id == POLICY_ID and policy.summons_followup_time.hour == 10


def read_copy(session):
    row = session.execute(POLICY_ROW).first()
    return policy_of(session, tuple(row) if row is not None else None)  # a plain tuple, as the driver gives


def test_a_read_copy_of_the_policy_has_its_stored_values_and_stays_out_of_the_session(session):
    session.execute(delete(CollectionPolicy))
    copy = read_copy(session)  # none yet: made with the defaults
    assert copy.summons_window_minutes == get_policy(session).summons_window_minutes
    get_policy(session).summons_window_minutes, get_policy(session).extra_holidays = 45, ["2026-12-12"]
    session.flush()
    copy = read_copy(session)
    assert copy.summons_window_minutes == 45 and [d.isoformat() for d in copy.holidays()] == ["2026-12-12"]
    assert copy not in session


def test_two_first_uses_at_once_both_get_the_one_policy_row(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: the second never reaches the insert")
    first, second = Session(engine), Session(engine)
    got, errors = [], []
    try:
        first.execute(delete(CollectionPolicy))
        first.commit()
        get_policy(first)  # inserted, not committed: the second request's insert waits on it

        def second_request():
            try:
                got.append(get_policy(second).id)
                second.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        worker = threading.Thread(target=second_request)
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive(), "the second insert should wait for the first transaction"
        first.commit()
        worker.join(timeout=10)
        assert not errors and got == [POLICY_ID]
    finally:
        first.rollback()
        second.rollback()
        first.execute(delete(CollectionPolicy))
        first.commit()
        first.close()
        second.close()
