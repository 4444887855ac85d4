"""Outcome codes per type of work, what each record must carry, and `validate`.

A record that fails validation is rejected on its own, with the problems as its reason; the
other records of the upload go on (DESIGN rule 2). Messages are Spanish: crews read them.
The work types are those of `field_api.domain.work_items.WORK_TYPES` (a unit test keeps the
two in step; `sync` may not import `field_api`).
"""
from __future__ import annotations

from typing import Any

from schemas import vocab
from sync.checks import gps_problems, is_aware, is_finite_number
from sync.idempotency import normalise_uuid
from sync.notice import notice_problems
from sync.photos import normalise_sha256, photo_problems
from sync.problems import Problem
from sync.records import InspectionFindings, NewPremise, UploadRecord
from sync.values import clean

OUTCOMES: dict[str, tuple[str, ...]] = {
    "notice": ("served_in_person", "served_on_present", "served_on_neighbour", "posted_refused",
               "summons_left", "address_not_found"),
    "cut": ("restricted", "suspended", "paid_on_site", "no_access", "already_cut", "illegal_reconnection_found"),
    "reconnection": ("done", "not_possible"),
    "inspection": ("inspected", "no_access"),
    "verification": ("confirmed", "corrections", "vacant", "demolished", "not_found"),
}
# Outcomes after which the work item is finished ("done"); the others leave it "failed".
DONE_OUTCOMES = frozenset({
    "served_in_person", "served_on_present", "served_on_neighbour", "posted_refused", "summons_left",
    "restricted", "suspended", "paid_on_site", "already_cut", "done", "inspected",
    "confirmed", "corrections", "vacant", "demolished", "not_found",
})
SEAL_STATUSES = ("intact", "broken", "missing", "not_installed")
# Meter registers of homes and shops roll over at 99,999 or 999,999 m³.
MAX_READING_M3 = 1_000_000
MAX_DWELLINGS = 500

# What a crew may correct in the registry, and what a valid new value is.
CORRECTABLE_FIELDS: dict[str, dict[str, tuple]] = {
    "premise": {
        "street": ("text", 120, True), "exterior_number": ("text", 20, True),
        "interior_number": ("text", 20, False), "neighborhood": ("text", 120, False),
        "postal_code": ("text", 10, False), "land_use": ("enum", vocab.LAND_USES),
        "dwellings": ("int", 1, MAX_DWELLINGS), "connection_status": ("enum", vocab.CONNECTION_STATUSES),
    },
    "account": {"holder_name": ("text", 160, True)},
    "meter": {
        "serial": ("text", 40, True), "brand": ("text", 60, False),
        "diameter_mm": ("int", 10, 300), "status": ("enum", vocab.METER_STATUSES),
    },
}


def value_problem(entity: str, field: str, value: Any) -> str | None:
    """Why `value` cannot be written to `entity.field`, or None if it can."""
    spec = CORRECTABLE_FIELDS[entity][field]
    if spec[0] == "text":
        text = clean(value)  # measured as written: NFC can lengthen text (U+FB2C is three code points)
        if text is None:
            return "no puede quedar vacío" if spec[2] else None
        if not isinstance(text, str):
            return "debe ser texto"
        return f"admite a lo más {spec[1]} caracteres" if len(text) > spec[1] else None
    if spec[0] == "enum":
        return None if value in spec[1] else f"debe ser uno de: {', '.join(spec[1])}"
    ok = isinstance(value, int) and not isinstance(value, bool) and spec[1] <= value <= spec[2]
    return None if ok else f"debe ser un entero entre {spec[1]} y {spec[2]}"


def validate(record: UploadRecord, work_type: str, *, has_meter: bool = True) -> list[Problem]:
    """Everything wrong with `record` as an outcome of a `work_type` item (empty if nothing).

    `has_meter` says whether the item's premise has a meter; readings are required at a cut,
    a reconnection and an inspection of a working or stopped meter only when it does.
    """
    if work_type not in OUTCOMES:
        return [Problem("work_type", "work_type.unknown", f"Tipo de trabajo desconocido: {work_type!r}")]
    p: list[Problem] = []
    if normalise_uuid(record.client_uuid) is None:
        p.append(Problem("client_uuid", "uuid.invalid", "El identificador del registro no es un UUID"))
    if record.outcome not in OUTCOMES[work_type]:
        known = ", ".join(OUTCOMES[work_type])
        p.append(Problem("outcome", "outcome.unknown",
                         f"Resultado {record.outcome!r} desconocido para {work_type}; válidos: {known}"))
    if not (is_aware(record.captured_at) and is_aware(record.device_clock_at_send)):
        p.append(Problem("captured_at", "time.naive", "Las horas del dispositivo deben llevar zona horaria"))
    elif record.captured_at > record.device_clock_at_send:
        p.append(Problem("captured_at", "time.after_send", "La hora de captura es posterior a la de envío"))
    p += gps_problems(record.gps, "gps")
    p += _reading_problems(record)
    manifest = {normalise_sha256(ph.sha256) for ph in record.photos}
    for i, photo in enumerate(record.photos):
        p += photo_problems(photo, f"photos.{i}")
    p += _correction_problems(record)
    p += _new_premise_problems(record, work_type, manifest)
    if record.notice_record is not None and work_type != "notice":
        p.append(Problem("notice_record", "notice.not_a_notice", "Solo las notificaciones llevan acta"))
    if record.inspection is not None and work_type != "inspection":
        p.append(Problem("inspection", "inspection.not_an_inspection", "Solo las inspecciones llevan hallazgos"))
    if work_type == "notice" and record.outcome in OUTCOMES["notice"]:
        p += notice_problems(record, manifest)
    p += _type_problems(record, work_type, has_meter)
    return p


def _reading_problems(record: UploadRecord) -> list[Problem]:
    p, serials = [], set()
    for i, r in enumerate(record.readings):
        if not isinstance(r.meter_serial, str) or not r.meter_serial.strip():
            p.append(Problem(f"readings.{i}.meter_serial", "reading.no_meter", "Falta el número de medidor"))
        elif r.meter_serial.strip() in serials:
            p.append(Problem(f"readings.{i}.meter_serial", "reading.repeated", "Dos lecturas del mismo medidor"))
        else:
            serials.add(r.meter_serial.strip())
        if not (is_finite_number(r.value_m3) and 0 <= r.value_m3 < MAX_READING_M3):
            p.append(Problem(f"readings.{i}.value_m3", "reading.out_of_range",
                             f"La lectura debe estar entre 0 y {MAX_READING_M3:,} m³"))
    return p


def _correction_problems(record: UploadRecord) -> list[Problem]:
    p = []
    for i, c in enumerate(record.corrections):
        where = f"corrections.{i}"
        fields = CORRECTABLE_FIELDS.get(c.entity)
        if fields is None or c.field not in fields:
            p.append(Problem(where, "correction.not_allowed",
                             f"La cuadrilla no puede corregir {c.entity}.{c.field}"))
            continue
        why = value_problem(c.entity, c.field, c.new)
        if why:
            p.append(Problem(f"{where}.new", "correction.bad_value", f"{c.entity}.{c.field} {why}"))
    return p


def _new_premise_problems(record: UploadRecord, work_type: str, manifest: set) -> list[Problem]:
    if record.new_premises and work_type != "verification":
        return [Problem("new_premises", "premise.not_a_walk",
                        "Solo un recorrido de verificación registra predios nuevos")]
    p, ids = [], set()
    for i, np_ in enumerate(record.new_premises):
        p += _one_new_premise(np_, f"new_premises.{i}", manifest)
        if np_.local_id in ids:
            p.append(Problem(f"new_premises.{i}.local_id", "premise.repeated", "Predio nuevo repetido"))
        ids.add(np_.local_id)
    return p


def _one_new_premise(np_: NewPremise, where: str, manifest: set) -> list[Problem]:
    p = []
    for name in ("local_id", "street", "exterior_number"):
        value = getattr(np_, name)
        if not isinstance(value, str) or not value.strip():
            p.append(Problem(f"{where}.{name}", "premise.missing", f"Falta {name}"))
    if np_.gps is None:
        p.append(Problem(f"{where}.gps", "premise.no_gps", "Un predio nuevo necesita su posición"))
    p += gps_problems(np_.gps, f"{where}.gps")
    for name, value in (("land_use", np_.land_use), ("dwellings", np_.dwellings),
                        ("connection_status", np_.connection_status)):
        why = None if value is None else value_problem("premise", name, value)
        if why:
            p.append(Problem(f"{where}.{name}", "premise.bad_value", f"{name} {why}"))
    if any(normalise_sha256(s) not in manifest for s in np_.photos):
        p.append(Problem(f"{where}.photos", "premise.photo_not_listed",
                         "Foto que no está en la lista del registro"))
    return p


def _type_problems(record: UploadRecord, work_type: str, has_meter: bool) -> list[Problem]:
    o, p = record.outcome, []
    needs_reading = has_meter and (
        (work_type == "cut" and o in ("restricted", "suspended"))
        or work_type == "reconnection"
        or (work_type == "inspection" and record.inspection is not None
            and record.inspection.meter_condition in ("working", "stopped"))
    )
    if needs_reading and not record.readings:
        p.append(Problem("readings", "reading.required", "Este resultado requiere la lectura del medidor"))
    if work_type == "cut" and o == "paid_on_site" and not record.photos:
        p.append(Problem("photos", "photo.proof_required", "El pago en sitio requiere foto del comprobante"))
    if work_type == "inspection":
        if o == "inspected" and record.inspection is None:
            p.append(Problem("inspection", "inspection.missing", "Faltan los hallazgos de la inspección"))
        elif record.inspection is not None:
            p += _findings_problems(record.inspection)
    if work_type == "verification":
        if o == "corrections" and not record.corrections:
            p.append(Problem("corrections", "verification.no_corrections",
                             "El resultado 'corrections' requiere correcciones"))
        if o == "confirmed" and record.corrections:
            p.append(Problem("corrections", "verification.confirmed_with_corrections",
                             "Un predio confirmado no lleva correcciones; use el resultado 'corrections'"))
    return p


def _findings_problems(f: InspectionFindings) -> list[Problem]:
    p = []
    if f.meter_condition is not None and f.meter_condition not in vocab.METER_STATUSES:
        p.append(Problem("inspection.meter_condition", "inspection.bad_value",
                         f"Estado de medidor desconocido: {f.meter_condition!r}"))
    if f.seal_status not in SEAL_STATUSES:
        p.append(Problem("inspection.seal_status", "inspection.bad_value",
                         f"Estado de sello desconocido: {f.seal_status!r}"))
    if f.land_use_seen not in vocab.LAND_USES:
        p.append(Problem("inspection.land_use_seen", "inspection.bad_value",
                         f"Uso de suelo desconocido: {f.land_use_seen!r}"))
    if value_problem("premise", "dwellings", f.dwellings):
        p.append(Problem("inspection.dwellings", "inspection.bad_value",
                         f"Viviendas: entero entre 1 y {MAX_DWELLINGS}"))
    for name in ("tampering", "illegal_connection", "leak"):
        if not isinstance(getattr(f, name), bool):
            p.append(Problem(f"inspection.{name}", "inspection.bad_value", f"{name} debe ser sí o no"))
    return p
