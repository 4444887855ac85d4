"""The change feed: what happened to a crew's work since a server cursor (DESIGN rule 5).

The cursor is a WorkEvent id and owes nothing to any clock. A device reads `changes` in order and
keeps the last `cursor`: cancellations (with the reason, e.g. paid), items moved away to another
crew, items given to this crew (with all a stop needs), new urgent work, and status changes the
office made. Its own outcomes are not echoed back. Like every sync reply, it lists the photos the
device still owes.

Events are read in `feed_order`: a cursor never passes a change still being written.
"""
from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from field_api.models import WorkEvent, WorkItem

from .feed_order import position_of, settled
from .ownership import dispatch_on_contact
from .package import _iso, stop_details
from .status import missing_photos_of

KINDS = ("cancelled", "reassigned", "created", "status_changed")
PAGE = 500


def change_feed(session: Session, device_id: int, crew_id: int, since: int, limit: int = PAGE) -> dict:
    actor = f"device-{device_id}"
    events = session.scalars(select(WorkEvent).where(
        WorkEvent.crew_id == crew_id, tuple_(WorkEvent.tx, WorkEvent.id) > tuple_(*position_of(session, since)),
        WorkEvent.kind.in_(KINDS), settled(session))
        .order_by(WorkEvent.tx, WorkEvent.id).limit(limit + 1)).all()
    more = len(events) > limit
    events = events[:limit]
    cursor = events[-1].id if events else since
    events = [e for e in events if e.actor != actor]
    changes, arriving = [], set()
    for e in events:
        details = e.details or {}
        change = {"cursor": e.id, "work_item_id": e.work_item_id, "at": _iso(e.at), "reason": e.reason}
        if e.kind == "cancelled":
            change["change"] = "cancelled"
        elif e.kind == "reassigned":
            here = details.get("to_crew") == crew_id
            change["change"] = "assigned" if here else "reassigned_away"
            if here:
                arriving.add(e.work_item_id)
        elif e.kind == "created":
            change["change"] = "new"
            change["urgent"] = bool(details.get("urgent"))
            arriving.add(e.work_item_id)
        else:
            change["change"] = "status"
        changes.append(change)
    ids = {c["work_item_id"] for c in changes}
    mine = set(session.scalars(select(WorkItem.id).where(WorkItem.id.in_(sorted(arriving)),
                                                         WorkItem.assigned_crew_id == crew_id)))
    dispatch_on_contact(session, crew_id, mine, actor)
    stops = stop_details(session, ids)
    for c in changes:
        stop = stops.get(c["work_item_id"], {})
        c["status"] = stop.get("status")
        if c["work_item_id"] in mine and c["change"] in ("assigned", "new"):
            c["stop"] = stop
    # The crew is the member's now: a phone whose member was moved sees it change, and downloads the
    # new crew's package (the cursor goes on; the package holds the new crew's earlier work).
    return {"since": since, "cursor": cursor, "more": more, "crew_id": crew_id, "changes": changes,
            "missing_photos": missing_photos_of(session, device_id)}
