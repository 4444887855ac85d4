"""Data for bench/sync.py: crews with one device each, accounts, published 40-stop batches, and the
end-of-day records of every crew (mixed outcomes, some corrections, some conflicting)."""
from __future__ import annotations

import hashlib
import random
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from field_api.auth.tokens import DEVICE_PREFIX, digest
from field_api.geo import ewkt
from field_api.models import (
    Account, Balance, Batch, Crew, CrewMember, Device, DispatchPlan, Meter, PlanRoute, PlanStop, Premise, Reading,
    Sector, WorkItem,
)
from field_api.models.base import utcnow
from field_api.registry.demo_holidays import load_demo_holidays
from shapely.geometry import LineString, Point, box

HMO = ZoneInfo("America/Hermosillo")
DAY = date(2026, 11, 24)
MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=HMO)
STOPS = 40
KINDS = [("cut", "restrict", "cut")] * 4 + [("notice", "cut_warning", "notifier")] * 4 + \
    [("reconnection", "restore", "cut"), ("inspection", "requested", "inspector")]


def signature_image(i: int) -> bytes:
    """Bytes that pass for a JPEG (the server checks the magic number and the sha256, not the pixels)."""
    return b"\xff\xd8\xff\xe0" + f"firma {i} ".encode() * 3000


def token_of(crew_index: int) -> str:
    return f"{DEVICE_PREFIX}bench-{crew_index:04d}"


def seed(engine, crews: int, stops: int = STOPS, seed_: int = 7) -> dict:
    """`crews` crews with `stops` dispatched items each; returns crew ids, device ids and items by crew."""
    rng = random.Random(seed_)
    now = utcnow()
    n = crews * stops
    with engine.begin() as conn:
        conn.execute(insert(Sector), [{"code": "S1", "name": "Centro", "version": 1, "created_at": now,
                                       "updated_at": now, "geom": ewkt(box(-112.25, 30.65, -112.05, 30.80))}])
        sector_id = conn.scalar(select(Sector.id))
        conn.execute(insert(Premise), [{
            "street": f"Calle {i % 97}", "exterior_number": str(i), "neighborhood": "Centro", "municipality": "Caborca",
            "geom": ewkt(Point(-112.24 + rng.random() * 0.18, 30.66 + rng.random() * 0.13)), "land_use": "domestic",
            "dwellings": 1, "connection_status": "metered", "sector_id": sector_id, "version": 1, "created_at": now,
            "updated_at": now} for i in range(n)])
        premises = conn.scalars(select(Premise.id).order_by(Premise.id)).all()
        conn.execute(insert(Account), [{
            "number": f"B{i:06d}", "holder_name": f"Titular {i}", "tariff_class": "domestic", "protected": False,
            "service_status": "restricted" if KINDS[i % 10][0] == "reconnection" else "active", "premise_id": p,
            "version": 1, "created_at": now, "updated_at": now} for i, p in enumerate(premises)])
        accounts = conn.scalars(select(Account.id).order_by(Account.id)).all()
        conn.execute(insert(Balance), [{"account_id": a, "amount_owed_cents": 150000, "months_overdue": 4,
                                        "version": 1, "created_at": now, "updated_at": now} for a in accounts])
        conn.execute(insert(Meter), [{"serial": f"MB{i:06d}", "status": "working", "account_id": a, "version": 1,
                                      "created_at": now, "updated_at": now} for i, a in enumerate(accounts)])
        meters = conn.scalars(select(Meter.id).order_by(Meter.id)).all()
        conn.execute(insert(Reading), [{"meter_id": m, "read_on": date(2026, 10, 1), "value_m3": 100.0,
                                        "source": "import", "created_at": now} for m in meters])
        conn.execute(insert(Crew), [{"name": f"Cuadrilla {c:04d}", "travel_mode": "drive", "max_stops": stops,
                                     "depot": ewkt(Point(-112.16, 30.71)), "version": 1, "created_at": now,
                                     "updated_at": now} for c in range(crews)])
        crew_ids = conn.scalars(select(Crew.id).order_by(Crew.id)).all()
        conn.execute(insert(CrewMember), [{"crew_id": c, "name": f"Integrante {c}", "skills": ["cut", "notifier"],
                                           "active": True, "version": 1, "created_at": now, "updated_at": now}
                                          for c in crew_ids])
        members = conn.scalars(select(CrewMember.id).order_by(CrewMember.id)).all()
        conn.execute(insert(Device), [{"crew_member_id": m, "label": f"Teléfono {i}", "version": 1,
                                       "token_hash": digest(token_of(i)), "enrolled_at": now, "created_at": now,
                                       "updated_at": now} for i, m in enumerate(members)])
        devices = conn.scalars(select(Device.id).order_by(Device.id)).all()
        conn.execute(insert(WorkItem), [{
            "type": KINDS[i % 10][0], "subtype": KINDS[i % 10][1], "account_id": a, "premise_id": premises[i],
            "reason": "bench", "priority_value": 1000.0, "required_skill": KINDS[i % 10][2], "status": "dispatched",
            "assigned_crew_id": crew_ids[i // stops], "open_key": f"bench:{i}", "version": 1, "created_at": now,
            "updated_at": now} for i, a in enumerate(accounts)])
        items = conn.scalars(select(WorkItem.id).order_by(WorkItem.id)).all()
        conn.execute(insert(DispatchPlan), [{"service_date": DAY, "status": "published", "time_budget_s": 1.0,
                                             "pesos_per_crew_hour": 300.0, "summary": {}, "version": 1,
                                             "created_at": now, "updated_at": now}])
        plan_id = conn.scalar(select(DispatchPlan.id))
        start = datetime(2026, 11, 24, 8, 0, tzinfo=HMO)
        conn.execute(insert(PlanRoute), [{
            "plan_id": plan_id, "crew_id": c, "start_at": start, "end_at": start + timedelta(hours=8),
            "distance_m": 20000, "travel_s": 7200, "value": 40000.0,
            "geom": ewkt(LineString([(-112.16 + 0.001 * k, 30.71 + 0.0007 * k) for k in range(stops + 2)]))}
            for c in crew_ids])
        routes = conn.scalars(select(PlanRoute.id).order_by(PlanRoute.id)).all()
        conn.execute(insert(PlanStop), [{
            "route_id": routes[i // stops], "work_item_id": item, "seq": i % stops + 1,
            "eta": start + timedelta(minutes=12 * (i % stops)), "start_at": start + timedelta(minutes=12 * (i % stops)),
            "departure": start + timedelta(minutes=12 * (i % stops) + 8)} for i, item in enumerate(items)])
        conn.execute(insert(Batch), [{"route_id": r, "crew_id": c, "service_date": DAY, "published_at": now}
                                     for r, c in zip(routes, crew_ids)])
        # A utility set up for the year: its state's calendar is entered (see state_calendar_missing).
        load_demo_holidays(conn, (DAY.year, DAY.year + 1), now)
    by_crew = [items[k * stops:(k + 1) * stops] for k in range(crews)]
    rows = {"premises": premises, "accounts": accounts}
    return {"crews": crew_ids, "devices": devices, "items": by_crew, "rows": rows}


def records_of(crew_index: int, item_ids: list[int], first_item_index: int, rows: dict, rng: random.Random,
               conflict_share: float = 0.05) -> list[dict]:
    """The day's records of one crew, in the wire format: one per stop, outcome by work type."""
    out = []
    for k, item in enumerate(item_ids):
        i = first_item_index + k
        kind = KINDS[i % 10][0]
        at = MORNING + timedelta(minutes=10 * k)
        rec = {"client_uuid": str(uuid.UUID(int=rng.getrandbits(128))), "work_item_id": item, "captured_at":
               at.isoformat(), "gps": {"lon": -112.16, "lat": 30.71, "accuracy_m": 6.0}}
        reading = [{"meter_serial": f"MB{i:06d}", "value_m3": 100.0 + rng.random() * 50}]
        if kind == "cut":
            rec.update(outcome=rng.choice(["restricted", "restricted", "no_access"]), readings=reading)
        elif kind == "reconnection":
            rec.update(outcome="done", readings=reading)
        elif kind == "inspection":
            rec.update(outcome="inspected", readings=reading, inspection={
                "meter_condition": "working", "seal_status": "intact", "tampering": False,
                "illegal_connection": False, "land_use_seen": "domestic", "dwellings": 1, "leak": False})
        else:
            outcome = rng.choice(["served_in_person", "summons_left", "posted_refused"])
            act = {"address_verified_by": "Placa", "property_description": "Casa", "started_at": at.isoformat(),
                   "ended_at": (at + timedelta(minutes=8)).isoformat(),
                   "gps": {"lon": -112.16, "lat": 30.71, "accuracy_m": 6.0}}
            if outcome == "served_in_person":
                image = signature_image(i)
                signature = hashlib.sha256(image).hexdigest()
                act.update(received_by="Titular", relationship="addressee", id_shown="INE", signature_sha256=signature)
                rec["photos"] = [{"sha256": signature, "size": len(image), "content_type": "image/jpeg"}]
            elif outcome == "posted_refused":
                act.update(received_by="Persona que se negó", signature_refused=True)
            rec.update(outcome=outcome, notice_record=act, captured_at=(at + timedelta(minutes=9)).isoformat())
        if k % 4 == 0:  # a correction on every fourth stop; a few saw an outdated value
            seen = "Calle vieja" if rng.random() < conflict_share * 4 else f"Calle {i % 97}"
            rec["corrections"] = [{"entity": "premise", "entity_id": rows["premises"][i], "field": "street",
                                   "seen": seen, "new": f"Calle {i % 97} Norte"}]
        out.append(rec)
    return out
