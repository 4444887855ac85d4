"""Follow-up rules: what an accepted record makes happen (effects from `sync.effects`).

Observations (readings, the service status a cut left, a served notice, premises found) are
facts and take effect whatever state the work item is in now. Only the work item's own status
depends on it: an item that is no longer dispatched (cancelled, re-planned or finished while the
device was offline) is not moved; the outcome is recorded as it happened (DESIGN rule 6).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sync.business_calendar import BusinessCalendar
from sync.clock import clock_offset, server_time_of
from sync.effects import (
    HOUSEHOLD_LAND_USES, AppendReading, CreateFollowUp, CreateInspection, CreateUrgentReconnection, Effect,
    MarkNoticeServed, OfficeAlert, PendingRegistration, RecordAsItHappened, SetServiceStatus, SetWorkItemStatus,
    SyncPolicy, VerifyPayment, WorkItemView,
)
from sync.notice import RECORDED_OUTCOMES, SERVED_OUTCOMES
from sync.outcomes import DONE_OUTCOMES
from sync.records import UploadRecord

_CUT_DONE = {"restricted": "restricted", "suspended": "suspended"}
# The outcomes whose effects may give a crew new work (an urgent reconnection): field_api reads the
# crews' facts for an upload only when one of its records has one of them.
CREW_WORK_OUTCOMES = frozenset(_CUT_DONE)


def effects_of(record: UploadRecord, work_item: WorkItemView, calendar: BusinessCalendar,
               policy: SyncPolicy, *, received_at: datetime) -> list[Effect]:
    """The effects of a valid, first-seen `record` received by the server at `received_at`.

    Device times become server estimates through the clock offset measured on this upload.
    A calendar that cannot answer (no time zone, a year it does not know) becomes an urgent
    office alert, not an error: the record is accepted and a person schedules the follow-up.
    """
    offset = clock_offset(received_at, record.device_clock_at_send)
    o, item, uuid = record.outcome, work_item, record.client_uuid
    open_item = item.status == "dispatched"
    out: list[Effect] = []
    if open_item:
        out.append(SetWorkItemStatus(item.id, "done" if o in DONE_OUTCOMES else "failed", o))
    else:
        out.append(RecordAsItHappened(item.id, item.status, o))
        out.append(_not_open_alert(record, item))
    captured = server_time_of(record.captured_at, offset)
    out += [AppendReading(r.meter_serial.strip(), r.value_m3, record.captured_at, captured, item.id, uuid)
            for r in record.readings]
    if item.work_type == "notice":
        out += _notice(record, item, calendar, policy, offset, open_item)
    elif item.work_type == "cut":
        out += _cut(record, item, policy, received_at)
    elif item.work_type == "reconnection" and item.account_id is not None:
        if o == "done":
            out.append(SetServiceStatus(item.account_id, "active", item.id, uuid))
        else:
            out.append(OfficeAlert("reconnection_not_possible", "urgent",
                                   "No se pudo reconectar una cuenta que debe tener servicio",
                                   item.id, item.account_id))
    elif item.work_type == "inspection" and record.inspection is not None:
        f = record.inspection
        if f.tampering or f.illegal_connection:
            out.append(OfficeAlert("tampering_found", "normal",
                                   "La inspección encontró manipulación o toma clandestina",
                                   item.id, item.account_id))
        if f.leak:
            out.append(OfficeAlert("leak_found", "info", "La inspección encontró una fuga",
                                   item.id, item.account_id))
    elif item.work_type == "verification":
        out += [PendingRegistration(np_, item.id, uuid) for np_ in record.new_premises]
        if o in ("demolished", "not_found"):
            out.append(OfficeAlert(f"premise_{o}", "info", "Predio demolido o no encontrado en el recorrido: "
                                   "revise el padrón", item.id, item.account_id))
    return out


def _not_open_alert(record: UploadRecord, item: WorkItemView) -> OfficeAlert:
    why = f" ({item.status_reason})" if item.status_reason else ""
    return OfficeAlert("outcome_on_closed_item", "normal",
                       f"Llegó el resultado '{record.outcome}' de un trabajo en estado '{item.status}'{why}; "
                       "se registró tal como ocurrió", item.id, item.account_id)


def _notice(record: UploadRecord, item: WorkItemView, calendar: BusinessCalendar, policy: SyncPolicy,
            offset: timedelta, open_item: bool) -> list[Effect]:
    o, n, out = record.outcome, record.notice_record, []
    if o in RECORDED_OUTCOMES and n is not None and n.started_at is not None:
        started = server_time_of(n.started_at, offset)
        try:
            in_hours = calendar.within_business_hours(started)
        except ValueError as exc:  # a calendar that does not cover the date: ask a person
            out.append(_calendar_alert(item, exc))
            in_hours = True
        if not in_hours:
            out.append(OfficeAlert("notice_outside_business_hours", "normal",
                                   "La diligencia se hizo fuera de días u horas hábiles (hora del servidor)",
                                   item.id, item.account_id))
        if o in SERVED_OUTCOMES or o == "posted_refused":
            out.append(MarkNoticeServed(item.id, n.started_at, started))
    if o == "summons_left" and open_item:
        # The appointment is counted from the visit's date; with the server estimate, a
        # device clock hours off near midnight cannot move it by a day.
        visit = server_time_of((n.started_at if n and n.started_at else record.captured_at), offset)
        try:
            window = calendar.follow_up_window(visit, policy.summons_followup_time, policy.summons_window_minutes)
        except ValueError as exc:
            return out + [_calendar_alert(item, exc)]
        out.append(CreateFollowUp(item.id, item.account_id, item.premise_id, window.start, window.end))
        out += _unpublished_state_year(item, policy, window.start)
    return out


def _unpublished_state_year(item: WorkItemView, policy: SyncPolicy, appointment: datetime) -> list[Effect]:
    """An appointment in a year whose state calendar nobody entered may fall on a state holiday,
    which would void the notice: a person must check it."""
    years = policy.state_calendar_years
    if years is None or appointment.year in years:
        return []
    return [OfficeAlert("state_calendar_missing", "normal",
                        f"La cita del citatorio ({appointment:%Y-%m-%d %H:%M}) se fijó sin el calendario de días "
                        f"inhábiles de {policy.holiday_state} para {appointment.year}: publíquelo y confirme que "
                        "la cita cae en día hábil", item.id, item.account_id)]


def _calendar_alert(item: WorkItemView, exc: ValueError) -> OfficeAlert:
    # The record is still accepted: a settings problem must not cost a crew its work.
    return OfficeAlert("calendar_unavailable", "urgent",
                       f"No se pudo calcular con el calendario hábil ({exc}); programe la cita a mano",
                       item.id, item.account_id)


def _cut(record: UploadRecord, item: WorkItemView, policy: SyncPolicy, received_at: datetime) -> list[Effect]:
    o, out = record.outcome, []
    if o in _CUT_DONE and item.account_id is not None:
        out.append(SetServiceStatus(item.account_id, _CUT_DONE[o], item.id, record.client_uuid))
        if item.status == "cancelled":
            deadline = received_at + timedelta(hours=policy.reconnection_deadline_hours)
            out.append(CreateUrgentReconnection(item.account_id, item.premise_id, item.id, deadline))
            out.append(OfficeAlert("cut_after_cancellation", "urgent",
                                   "Se ejecutó un corte cancelado mientras la cuadrilla estaba sin señal; "
                                   "se generó una reconexión urgente", item.id, item.account_id))
        if o == "suspended" and item.land_use in HOUSEHOLD_LAND_USES and policy.domestic_cut_action == "restrict":
            out.append(OfficeAlert("domestic_suspended", "urgent",
                                   "Se suspendió el servicio de una vivienda: la política es solo restringir",
                                   item.id, item.account_id))
    elif o == "paid_on_site":
        out.append(VerifyPayment(item.account_id, item.id, tuple(p.sha256 for p in record.photos)))
    elif o == "already_cut":
        out.append(OfficeAlert("found_already_cut", "info",
                               "El servicio ya estaba cortado: revise el estado de la cuenta",
                               item.id, item.account_id))
    elif o == "illegal_reconnection_found":
        out.append(OfficeAlert("illegal_reconnection", "normal", "Se encontró una reconexión no autorizada",
                               item.id, item.account_id))
        out.append(CreateInspection(item.account_id, item.premise_id, item.id))
    return out
