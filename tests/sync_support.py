"""Builders for the sync tests (no tests here): published batches built directly, enrolled devices,
and complete, valid records in the wire format, so each test changes only what it is about."""
from __future__ import annotations

import gzip
import hashlib
import json
import uuid as uuidlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shapely.geometry import LineString

from field_api.auth.tokens import DEVICE_PREFIX, digest, new_token
from field_api.geo import to_element
from field_api.models import Batch, CrewMember, Device, DispatchPlan, PlanRoute, PlanStop
from field_api.models.base import utcnow

HMO = ZoneInfo("America/Hermosillo")
DAY = date(2026, 11, 24)  # a Tuesday
MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=HMO)
SIGNATURE_JPEG = b"\xff\xd8\xff\xe0" + b"firma" * 200
PROOF_JPEG = b"\xff\xd8\xff\xe0" + b"comprobante" * 300


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def uid(n: int) -> str:
    return str(uuidlib.UUID(int=n))


def publish_batch(session, crew, items, day: date = DAY, status: str = "dispatched", plan=None) -> Batch:
    """A published plan with one route for `crew` visiting `items` in order, as the planner leaves it;
    with `plan`, one more route of that plan."""
    if plan is None:
        plan = DispatchPlan(service_date=day, status="published", time_budget_s=1.0, pesos_per_crew_hour=300.0,
                            published_at=utcnow(), summary={})
        session.add(plan)
        session.flush()
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=HMO)
    points = [(-112.16, 30.71)] + [(-112.16 + 0.001 * i, 30.71 + 0.001 * i) for i in range(1, len(items) + 1)]
    route = PlanRoute(plan_id=plan.id, crew_id=crew.id, geom=to_element(LineString(points)), start_at=start,
                      end_at=start + timedelta(hours=8), distance_m=1000 * len(items), travel_s=300 * len(items),
                      value=1000.0)
    session.add(route)
    session.flush()
    for seq, item in enumerate(items, 1):
        eta = start + timedelta(minutes=20 * seq)
        session.add(PlanStop(route_id=route.id, work_item_id=item.id, seq=seq, eta=eta, start_at=eta,
                             departure=eta + timedelta(minutes=10)))
        item.assigned_crew_id = crew.id
        item.status = status
        item.open_key = None if status not in ("pending", "planned", "dispatched") else item.open_key
    batch = Batch(route_id=route.id, crew_id=crew.id, service_date=day, published_at=utcnow())
    session.add(batch)
    session.flush()
    return batch


def enroll_device(session, crew, label: str = "Teléfono 1", revoked: bool = False,
                  member: CrewMember | None = None) -> tuple[Device, str]:
    """A device of `member`, by default the crew's first, with its token (enrolled directly, not over HTTP)."""
    member = member or session.query(CrewMember).filter_by(crew_id=crew.id).order_by(CrewMember.id).first()
    token = new_token(DEVICE_PREFIX)
    device = Device(crew_member_id=member.id, label=label, token_hash=digest(token), enrolled_at=utcnow(),
                    revoked_at=utcnow() if revoked else None)
    session.add(device)
    session.flush()
    return device, token


def gps(lon: float = -112.16, lat: float = 30.71, accuracy_m: float = 8.0) -> dict:
    return {"lon": lon, "lat": lat, "accuracy_m": accuracy_m}


def iso(dt: datetime) -> str:
    return dt.isoformat()


def cut(item_id: int, n: int, outcome: str = "restricted", at: datetime = MORNING, reading=("M-1", 1234.5),
        **extra) -> dict:
    record = {"client_uuid": uid(n), "work_item_id": item_id, "outcome": outcome, "captured_at": iso(at),
              "gps": gps()}
    if reading:
        record["readings"] = [{"meter_serial": reading[0], "value_m3": reading[1]}]
    record.update(extra)
    return record


def notice(item_id: int, n: int, outcome: str = "served_in_person", at: datetime = MORNING, **extra) -> dict:
    act = {"address_verified_by": "Placa con número y nomenclatura", "property_description": "Casa blanca",
           "started_at": iso(at), "ended_at": iso(at + timedelta(minutes=12)), "gps": gps()}
    photos = []
    if outcome in ("served_in_person", "served_on_present", "served_on_neighbour"):
        act.update(received_by="María López", relationship={"served_in_person": "addressee",
                                                            "served_on_present": "family",
                                                            "served_on_neighbour": "neighbour"}[outcome],
                   id_shown="INE 123", signature_sha256=sha(SIGNATURE_JPEG))
        photos = [{"sha256": sha(SIGNATURE_JPEG), "size": len(SIGNATURE_JPEG), "content_type": "image/jpeg"}]
    elif outcome == "posted_refused":
        act.update(received_by="Hombre de 40 años", signature_refused=True)
    record = {"client_uuid": uid(n), "work_item_id": item_id, "outcome": outcome,
              "captured_at": iso(at + timedelta(minutes=13)), "gps": gps(), "notice_record": act, "photos": photos}
    record.update(extra)
    return record


def correction(entity: str, entity_id: int, field: str, seen, new) -> dict:
    return {"entity": entity, "entity_id": entity_id, "field": field, "seen": seen, "new": new}


def upload_body(records: list[dict], sent_at: datetime | None = None) -> dict:
    sent_at = sent_at or MORNING + timedelta(hours=8)
    return {"sent_at": iso(sent_at), "records": records}


def download(client, day: date = DAY, **headers) -> tuple:
    """A device's package for `day`: the response (200, sent gzip-compressed) and the JSON it holds."""
    response = client.get(f"/api/v1/sync/package?date={day}", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip", response.get_json()
    return response, json.loads(gzip.decompress(response.data))
