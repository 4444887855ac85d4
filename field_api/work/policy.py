"""The utility's collection policy: one row, created with the defaults of DESIGN.md on first use."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from field_api.models import CollectionPolicy

POLICY_ID = 1
POLICY_ROW = select(CollectionPolicy.__table__).where(CollectionPolicy.__table__.c.id == POLICY_ID)
_COLUMNS = tuple(c.name for c in POLICY_ROW.selected_columns)


def get_policy(session: Session) -> CollectionPolicy:
    policy = session.get(CollectionPolicy, POLICY_ID)
    if policy is not None:
        return policy
    try:
        with session.begin_nested():  # two first requests at once: one inserts, the other reads its row
            session.add(CollectionPolicy(id=POLICY_ID))
    except IntegrityError:
        pass
    return session.get(CollectionPolicy, POLICY_ID, populate_existing=True)


def policy_of(session: Session, row) -> CollectionPolicy:
    """The policy to read, not to change: a copy outside the session, made of a row of POLICY_ROW
    (its columns by position; uploads fetch it along with other statements, and loading it into the
    session cost more than the query). With no row, the policy is created as on first use."""
    return CollectionPolicy(**dict(zip(_COLUMNS, row))) if row is not None else get_policy(session)
