"""The utility's collection policy: one row, created with the defaults of DESIGN.md on first use."""
from __future__ import annotations

from sqlalchemy.orm import Session

from field_api.models import CollectionPolicy

POLICY_ID = 1


def get_policy(session: Session) -> CollectionPolicy:
    policy = session.get(CollectionPolicy, POLICY_ID)
    if policy is None:
        policy = CollectionPolicy(id=POLICY_ID)
        session.add(policy)
        session.flush()
    return policy
