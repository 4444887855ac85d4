"""The rows an upload's plan becomes, before they go to the database (both write paths share them)."""
from __future__ import annotations

from datetime import datetime

from sync.merge import MISSING, Applied

from .effects import event


def strip(rows: list[dict], ids: dict[str, int] | None, key: str = "record_id") -> list[dict]:
    """Rows without their bookkeeping keys ("_..."); with `ids`, "_uuid" becomes the record id."""
    out = []
    for row in rows:
        clean = {k: v for k, v in row.items() if not k.startswith("_")}
        if ids is not None and "_uuid" in row:
            clean[key] = ids.get(row["_uuid"])
        out.append(clean)
    return out


def _value(v) -> dict:
    return {} if v is MISSING else {"value": v}


def review_rows(new: list, record_ids: dict[str, int], at: datetime) -> list[dict]:
    """Rows for the review items this upload opens (or settles at once, when a later record re-merged them)."""
    rows = []
    for r in new:
        c, settled = r.conflict, r.settled
        rows.append({
            "record_id": record_ids[r.client_uuid], "correction_index": c.index, "entity": c.correction.entity,
            "entity_id": int(c.correction.entity_id), "field": c.correction.field,
            "seen": {"value": c.correction.seen}, "new": {"value": c.correction.new},
            "current": _value(c.current), "current_version": c.version, "kind": c.kind.value,
            "reason": c.reason, "message": c.message,
            "status": "open" if settled is None else ("applied" if isinstance(settled, Applied) else "noop"),
            "resolved_at": None if settled is None else at, "resolved_by": None if settled is None else "sync",
            "version": 1, "created_at": at, "updated_at": at,
        })
    return rows


def fresh_items(new_items: list[dict], taken: set[str]) -> list[dict]:
    """The new work items (follow-ups, urgent reconnections, inspections) whose kind is not open yet
    for their target: never a second open item of a kind."""
    taken, rows = set(taken), []
    for row in new_items:
        if row["open_key"] not in taken:
            taken.add(row["open_key"])
            rows.append(row)
    return rows


def created_events(rows: list[dict], ids: dict[str, int], actor: str, at: datetime) -> list[dict]:
    """A `created` event per new item, by "sync": not the device's own act, so its feed shows the work."""
    return [event(ids[row["open_key"]], "created", actor, row["assigned_crew_id"], at, row["reason"],
                  type=row["type"], subtype=row["subtype"], urgent=row["_urgent"],
                  source_work_item_id=row["_source"], client_uuid=row["_uuid"]) for row in rows]
