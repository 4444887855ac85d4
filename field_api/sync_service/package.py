"""A device's day as one package: its crew's batches with every stop, and nothing it does not need.

Per stop: the work, the address, the holder, the amount owed (notices and cuts only), the meter
and its last reading, where the premise should be, and the `version` and values of every field
the crew may correct, for the three-way merge (DESIGN rule 4). Never the reason an account is
protected, nor any other office-only fact (DESIGN rule 8).
"""
from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date, datetime
from typing import Iterable

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import (
    Account, Balance, Batch, Meter, PlanRoute, PlanStop, Premise, Reading, Sector, WorkItem,
)
from field_api.models.base import as_utc
from field_api.registry.queries import address_of
from sync.outcomes import CORRECTABLE_FIELDS

from .feed_order import crew_cursor
from .forms import forms
from .ownership import dispatch_on_contact
from .status import missing_photos_of

FORMAT = "cuadrilla.package/1"
OWED_FOR = ("notice", "cut")
# Not part of the content: they change without the package changing (see `etag_of`).
VOLATILE = ("cursor", "generated_at")


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(c, 6) for c in coords]
    return [_round(c) for c in coords]


def geojson(element) -> dict | None:
    if element is None:
        return None
    from shapely.geometry import mapping

    data = mapping(to_shape(element))
    return {"type": data["type"], "coordinates": _round(data["coordinates"])}


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return as_utc(dt).isoformat()


def _values(row, entity: str) -> dict:
    return {"id": row.id, "version": row.version,
            "values": {f: getattr(row, f) for f in sorted(CORRECTABLE_FIELDS[entity])}}


def stop_details(session: Session, item_ids: Iterable[int]) -> dict[int, dict]:
    """What a device needs to work each item offline, by item id."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(WorkItem, Premise, Account, Balance.amount_owed_cents)
        .outerjoin(Premise, WorkItem.premise_id == Premise.id)
        .outerjoin(Account, WorkItem.account_id == Account.id)
        .outerjoin(Balance, Balance.account_id == Account.id)
        .where(WorkItem.id.in_(ids))).all()
    account_ids = sorted({a.id for _, _, a, _ in rows if a is not None})
    meters: dict[int, Meter] = {}
    for meter in session.scalars(select(Meter).where(Meter.account_id.in_(account_ids)).order_by(Meter.id.desc())):
        meters[meter.account_id] = meter  # the oldest meter of an account wins; one per account in practice
    last = _last_readings(session, [m.id for m in meters.values()])
    out = {}
    for item, premise, account, owed in rows:
        stop = {"work_item_id": item.id, "type": item.type, "subtype": item.subtype, "status": item.status,
                "window": [_iso(item.window_start), _iso(item.window_end)] if item.window_start else None,
                "address": address_of(premise) if premise else "", "registry": {}}
        if premise is not None:
            stop["at"] = geojson(premise.geom)["coordinates"]
            stop["sector_id"] = premise.sector_id
            stop["registry"]["premise"] = _values(premise, "premise")
        if account is not None:
            stop["account"] = account.number
            stop["holder"] = account.holder_name
            stop["registry"]["account"] = _values(account, "account")
            if item.type in OWED_FOR:
                stop["owed"] = round((owed or 0) / 100, 2)
            meter = meters.get(account.id)
            if meter is not None:
                stop["meter"] = {"serial": meter.serial, "last_reading": last.get(meter.id)}
                stop["registry"]["meter"] = _values(meter, "meter")
        if item.type == "notice":
            stop["notice_text"] = item.subtype
        out[item.id] = stop
    return out


def _last_readings(session: Session, meter_ids: list[int]) -> dict[int, dict]:
    if not meter_ids:
        return {}
    latest = (select(Reading.meter_id, func.max(Reading.read_on).label("on"))
              .where(Reading.meter_id.in_(meter_ids)).group_by(Reading.meter_id).subquery())
    rows = session.execute(select(Reading.meter_id, Reading.read_on, Reading.value_m3).join(
        latest, (latest.c.meter_id == Reading.meter_id) & (latest.c.on == Reading.read_on)))
    return {m: {"value_m3": v, "on": d.isoformat()} for m, d, v in rows}


def build_package(session: Session, device_id: int, crew_id: int, day: date, generated_at: datetime) -> dict:
    cursor = crew_cursor(session, crew_id)  # before the content, and before this request writes events
    batches = session.scalars(select(Batch).where(Batch.crew_id == crew_id, Batch.service_date == day,
                                                  Batch.superseded_at.is_(None)).order_by(Batch.id)).all()
    routes = {r.id: r for r in session.scalars(select(PlanRoute).where(
        PlanRoute.id.in_([b.route_id for b in batches])))}
    stops = session.scalars(select(PlanStop).where(PlanStop.route_id.in_(list(routes)))
                            .order_by(PlanStop.route_id, PlanStop.seq)).all()
    extra = _assigned_off_route(session, crew_id)
    dispatch_on_contact(session, crew_id, [s.work_item_id for s in stops] + extra, f"device-{device_id}")
    details = stop_details(session, [s.work_item_id for s in stops] + extra)
    moved = set(session.scalars(select(WorkItem.id).where(
        WorkItem.id.in_([s.work_item_id for s in stops]), WorkItem.assigned_crew_id.is_distinct_from(crew_id),
        WorkItem.status.in_(OPEN_STATUSES))))
    by_route: dict[int, list] = {}
    for s in stops:
        stop = {"seq": s.seq, "eta": _iso(s.eta), "start_at": _iso(s.start_at), **details[s.work_item_id]}
        if s.work_item_id in moved:
            stop["reassigned_away"] = True  # the office gave it to another crew: not this crew's to do
        by_route.setdefault(s.route_id, []).append(stop)
    sector_ids = sorted({d["sector_id"] for d in details.values() if d.get("sector_id") is not None})
    sectors = [{"id": s.id, "code": s.code, "name": s.name, "polygon": geojson(s.geom)}
               for s in session.scalars(select(Sector).where(Sector.id.in_(sector_ids)).order_by(Sector.id))]
    return {
        "format": FORMAT, "date": day.isoformat(), "crew_id": crew_id, "device_id": device_id,
        "cursor": cursor, "generated_at": _iso(generated_at),
        "batches": [{"id": b.id, "published_at": _iso(b.published_at),
                     "start_at": _iso(routes[b.route_id].start_at), "end_at": _iso(routes[b.route_id].end_at),
                     "route": geojson(routes[b.route_id].geom), "stops": by_route.get(b.route_id, [])}
                    for b in batches],
        # Open work given to this crew outside its routes (moved here, urgent): the change feed told
        # only the devices that had a cursor from before; a package downloaded later must hold it.
        "assigned": [details[i] for i in extra],
        "sectors": sectors,
        "forms": forms(),
        # Photos of earlier uploads whose bytes never came: a phone that lost them learns it here too.
        "missing_photos": missing_photos_of(session, device_id),
    }


def _assigned_off_route(session: Session, crew_id: int) -> list[int]:
    """The crew's open items that are on none of its active batches' routes, by id."""
    on_routes = (select(PlanStop.work_item_id).join(Batch, Batch.route_id == PlanStop.route_id)
                 .where(Batch.crew_id == crew_id, Batch.superseded_at.is_(None)))
    return list(session.scalars(select(WorkItem.id).where(
        WorkItem.assigned_crew_id == crew_id, WorkItem.status.in_(OPEN_STATUSES),
        WorkItem.id.not_in(on_routes)).order_by(WorkItem.id)))


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str).encode("utf-8")


def etag_of(package: dict) -> str:
    """A strong ETag of the package's content (the cursor and the build time are left out)."""
    content = {k: v for k, v in package.items() if k not in VOLATILE}
    return hashlib.sha256(_json(content)).hexdigest()[:32]


def gzipped(package: dict) -> bytes:
    return gzip.compress(_json(package), compresslevel=9, mtime=0)
