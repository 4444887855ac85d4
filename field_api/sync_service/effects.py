"""What an accepted record's effects (`sync.effects`) become in field_api: rows to write.

Nothing here touches the database: every effect turns into a change in the upload's `RowWriter`
or a row in the `Plan`, and `writes.plan_writer` stores them (on PostgreSQL in two parts).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

from field_api.domain import work_items
from sync import effects as fx
from sync.records import UploadRecord

from .loading import Context

URGENT_PRIORITY = 1_000_000.0


@dataclass
class Plan:
    """Rows to insert for one upload; child rows name their record by "_uuid" until it has an id."""

    records: list[dict] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)
    readings: list[dict] = field(default_factory=list)
    registry_readings: list[dict] = field(default_factory=list)
    acts: list[dict] = field(default_factory=list)
    registrations: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    new_items: list[dict] = field(default_factory=list)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)


def event(item_id: int, kind: str, actor: str, crew_id: int | None, at: datetime, reason: str | None = None,
          **details) -> dict:
    return {"work_item_id": item_id, "kind": kind, "at": at, "actor": actor, "reason": reason,
            "crew_id": crew_id, "details": details or None}


def alert(kind: str, severity: str, message: str, item_id: int | None, account_id: int | None, uuid: str,
          at: datetime, **details) -> dict:
    return {"kind": kind, "severity": severity, "message": message, "work_item_id": item_id,
            "account_id": account_id, "_uuid": uuid, "details": details or None, "created_at": at}


def apply_effects(ctx: Context, plan: Plan, record: UploadRecord, effects: tuple, uuid: str, actor: str,
                  device_id: int, tz: tzinfo, at: datetime) -> None:
    w = ctx.writer
    for e in effects:
        if isinstance(e, fx.SetWorkItemStatus):
            row = w.get("work_item", e.work_item_id)
            previous = row.values["status"]
            work_items.check_transition(previous, e.status)
            w.change("work_item", e.work_item_id, {"status": e.status, "status_reason": f"resultado: {e.outcome}",
                                                   "open_key": None}, "field", uuid)
            plan.events.append(event(e.work_item_id, "status_changed", actor, row.values["assigned_crew_id"], at,
                                     e.outcome, previous=previous, status=e.status, client_uuid=uuid,
                                     device_id=device_id))
        elif isinstance(e, fx.MarkNoticeServed):
            row = w.get("work_item", e.work_item_id)
            w.change("work_item", e.work_item_id, {"served_at": utc(e.served_at_server)}, "field", uuid)
            plan.events.append(event(e.work_item_id, "served", actor, row.values["assigned_crew_id"], at,
                                     served_at=utc(e.served_at_server).isoformat(),
                                     served_at_device=e.served_at_device.isoformat(), client_uuid=uuid,
                                     device_id=device_id))
        elif isinstance(e, fx.SetServiceStatus):
            if w.get("account", e.account_id) is not None:
                w.change("account", e.account_id, {"service_status": e.status}, "field", uuid)
        elif isinstance(e, fx.AppendReading):
            _reading(ctx, plan, e, uuid, tz, at)
        elif isinstance(e, fx.CreateFollowUp):
            plan.new_items.append(_item(
                "notice", "summons_followup", e.account_id, e.premise_id, e.source_work_item_id, uuid, at,
                reason=f"Cita del citatorio dejado en el trabajo {e.source_work_item_id}",
                rule="Ventana fija: cita de citatorio (CFF arts. 134-137)",
                window_start=utc(e.window_start), window_end=utc(e.window_end),
                due_date=e.window_start.astimezone(tz).date()))
        elif isinstance(e, fx.CreateUrgentReconnection):
            crew_id, passed_over = _taker(ctx, "reconnection", e.source_work_item_id)
            plan.new_items.append(_item(
                "reconnection", "restore", e.account_id, e.premise_id, e.source_work_item_id, uuid, at,
                reason=f"Reconexión urgente: se cortó la orden {e.source_work_item_id}, ya cancelada",
                rule="Urgente: corte ejecutado sobre una orden cancelada", window_start=at,
                window_end=utc(e.deadline), due_date=e.deadline.astimezone(tz).date(),
                priority_value=URGENT_PRIORITY, assigned_crew_id=crew_id, urgent=True))
            if crew_id is None:
                skill = work_items.REQUIRED_SKILL["reconnection"]
                plan.alerts.append(alert(
                    "urgent_work_unassigned", "urgent",
                    f"Ninguna cuadrilla pudo recibir la reconexión urgente de la orden {e.source_work_item_id}: "
                    f"{'; '.join(why for _, why in passed_over)}. Asígnela a una cuadrilla activa con la "
                    f"habilidad '{skill}'", e.source_work_item_id, e.account_id, uuid, at,
                    crews_passed_over=[c for c, _ in passed_over]))
        elif isinstance(e, fx.CreateInspection):
            plan.new_items.append(_item(
                "inspection", "illegal_connection", e.account_id, e.premise_id, e.source_work_item_id, uuid, at,
                reason=f"Reconexión no autorizada hallada en el trabajo {e.source_work_item_id}",
                rule="Hallazgo de campo"))
        elif isinstance(e, fx.PendingRegistration):
            p = e.premise
            plan.registrations.append({
                "_uuid": uuid, "work_item_id": e.work_item_id, "local_id": p.local_id, "street": p.street,
                "exterior_number": p.exterior_number, "geom": f"SRID=4326;POINT({p.gps.lon} {p.gps.lat})",
                "gps_accuracy_m": p.gps.accuracy_m, "land_use": p.land_use, "dwellings": p.dwellings,
                "connection_status": p.connection_status, "description": p.description or None,
                "photos": list(p.photos), "status": "pending", "created_at": at})
        elif isinstance(e, fx.VerifyPayment):
            plan.alerts.append(alert("payment_to_verify", "normal", "Pago en sitio: verifique el comprobante",
                                     e.work_item_id, e.account_id, uuid, at, photos=list(e.proof_photos)))
        elif isinstance(e, fx.OfficeAlert):
            plan.alerts.append(alert(e.kind, e.severity, e.message, e.work_item_id, e.account_id, uuid, at))
        # RecordAsItHappened: the record itself is the fact; the item is not moved.


def _taker(ctx: Context, work_type: str, item_id: int) -> tuple[int | None, list[tuple[int, str]]]:
    """The crew to give the work a record about item `item_id` raises, and the crews passed over, with
    why. First the crew that holds the item, or, if the office left it to none, the crew that held it
    last (`loading._last_held`): the record may be a late one, sent by a member since moved to another
    crew, about their old crew's work, and that crew works the area. Then the device's crew, whose
    member did the work. Either only if active and with the skill the work needs; if neither, nobody
    (the office assigns it)."""
    skill = work_items.REQUIRED_SKILL[work_type]
    held = ctx.writer.get("work_item", item_id).values["assigned_crew_id"]
    last = held is None and ctx.last_held.get(item_id) not in (None, ctx.crew_id)
    if held is None:
        held = ctx.last_held.get(item_id)
    passed_over = []
    for crew_id in dict.fromkeys(c for c in (held, ctx.crew_id) if c is not None):
        crew = ctx.crews.get(crew_id)
        if crew is not None and crew.active and skill in crew.skills:
            return crew_id, passed_over
        # The office reads why a crew that no longer holds the order was asked first.
        who = f"la cuadrilla {crew_id}" + (f" ({crew.name})" if crew else "")
        who += ", que tuvo la orden por última vez," if last and crew_id == held else ""
        if crew is None:  # given the order while this upload read the crews
            why = f"{who} cambió durante la sincronización"
        elif not crew.active:
            why = f"{who} está dada de baja"
        else:
            why = f"{who} no tiene integrantes activos con la habilidad '{skill}'"
        passed_over.append((crew_id, why))
    return None, passed_over


def _reading(ctx: Context, plan: Plan, e: fx.AppendReading, uuid: str, tz: tzinfo, at: datetime) -> None:
    meter_id = ctx.meter_ids.get(e.meter_serial)
    plan.readings.append({"_uuid": uuid, "work_item_id": e.work_item_id, "meter_serial": e.meter_serial,
                          "meter_id": meter_id, "value_m3": e.value_m3, "captured_at": utc(e.captured_at_device),
                          "captured_at_server": utc(e.captured_at_server)})
    if meter_id is None:
        plan.alerts.append(alert("unknown_meter", "normal",
                                 f"Lectura de un medidor que no está en el padrón: {e.meter_serial}",
                                 e.work_item_id, None, uuid, at, meter_serial=e.meter_serial, value_m3=e.value_m3))
        return
    plan.registry_readings.append({"meter_id": meter_id, "read_on": e.captured_at_server.astimezone(tz).date(),
                                   "value_m3": e.value_m3, "source": "field", "created_at": at})


def _item(type_: str, subtype: str, account_id, premise_id, source_id: int, uuid: str, at: datetime, *,
          reason: str, rule: str, window_start=None, window_end=None, due_date=None, priority_value: float = 0.0,
          assigned_crew_id: int | None = None, urgent: bool = False) -> dict:
    return {
        "type": type_, "subtype": subtype, "account_id": account_id, "premise_id": premise_id, "reason": reason,
        "priority_value": priority_value, "due_date": due_date, "window_start": window_start,
        "window_end": window_end, "required_skill": work_items.REQUIRED_SKILL[type_], "status": "pending",
        "rule": rule, "assigned_crew_id": assigned_crew_id, "created_by": "sync", "version": 1, "created_at": at,
        "updated_at": at, "open_key": work_items.open_key(type_, subtype, account_id, premise_id, "pending"),
        "_source": source_id, "_uuid": uuid, "_urgent": urgent,
    }
