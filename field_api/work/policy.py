"""The utility's collection policy: one row, created with the defaults of DESIGN.md on first use."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from field_api.models import CollectionPolicy

POLICY_ID = 1
_ROW = select(CollectionPolicy.__table__).where(CollectionPolicy.__table__.c.id == POLICY_ID)


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


def read_policy(session: Session) -> CollectionPolicy:
    """The policy to read, not to change: a copy outside the session, read with a plain query
    (loading it into the session costs more than the query itself on every upload)."""
    row = session.connection().execute(_ROW).first()
    return CollectionPolicy(**row._mapping) if row is not None else get_policy(session)
