"""The change feed's order: (writing transaction, id), read up to what is settled.

Ids are drawn when a transaction writes, not when it commits: on PostgreSQL a cancellation still
being written holds a lower id than a change committed after it. A cursor must never pass an event
yet to commit, or the device never hears of it.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, select, text, true
from sqlalchemy.orm import Session

from field_api.models import WorkEvent

# Written by a transaction older than every one still running, or by this one. The snapshot is the
# statement's own, so what is settled and what the statement sees agree. Callers read before they
# write events: this transaction's events come last, after which nothing else may commit first.
_SETTLED_PG = text("(work_event.tx < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint"
                   " OR work_event.tx = (pg_current_xact_id_if_assigned()::text)::bigint)")


class UnknownCursor(LookupError):
    """A `since` that is no event of this server's: the device must download its package again."""

    def __init__(self, since: int):
        super().__init__(f"The cursor {since} is not one this server gave out; download the package again "
                         "and read the changes from its cursor.")


def settled(session: Session) -> ColumnElement[bool]:
    """Events that nothing uncommitted can come before. SQLite's writers take turns, so all are."""
    return _SETTLED_PG if session.get_bind().dialect.name == "postgresql" else true()


def crew_cursor(session: Session, crew_id: int) -> int:
    """Where a package read now leaves the feed: the crew's last settled event (0 if none).

    Read before the package's content, so that a change committed meanwhile is in the package and
    after the cursor (told twice, which a device takes as it is), never in neither."""
    return session.scalar(select(WorkEvent.id).where(WorkEvent.crew_id == crew_id, settled(session))
                          .order_by(WorkEvent.tx.desc(), WorkEvent.id.desc()).limit(1)) or 0


def position_of(session: Session, since: int) -> tuple[int, int]:
    """Where the cursor `since` stands in the feed's order: its event's (tx, id); 0 is the start."""
    if since == 0:
        return (-1, 0)
    tx = session.scalar(select(WorkEvent.tx).where(WorkEvent.id == since))
    if tx is None:
        raise UnknownCursor(since)
    return (tx, since)
