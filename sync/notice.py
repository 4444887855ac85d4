"""What a notice record (acta de notificación) must hold for each notice outcome.

CFF arts. 134–137: a personal notice is served on the addressee (or legal representative); if
they are absent a summons fixes an hour of the next business day; at that hour it is served on
whoever is present or on a neighbour; if they refuse, it is posted at the entrance and the
refusal recorded. Courts void records pre-filled with facts only known on site, so the facts
must come from the device: times from its clock, a GPS fix, who was there and what was seen.
"""
from __future__ import annotations

from datetime import timedelta

from sync.checks import gps_problems, is_aware, is_blank
from sync.photos import normalise_sha256
from sync.problems import Problem
from sync.records import NoticeRecord, UploadRecord

RELATIONSHIPS_BY_OUTCOME: dict[str, tuple[str, ...]] = {
    "served_in_person": ("addressee", "legal_representative"),
    "served_on_present": ("family", "employee", "tenant", "other"),
    "served_on_neighbour": ("neighbour",),
}
RELATIONSHIPS = tuple(r for rs in RELATIONSHIPS_BY_OUTCOME.values() for r in rs)
SERVED_OUTCOMES = frozenset(RELATIONSHIPS_BY_OUTCOME)
# Outcomes that are a legal act on site and need the full record.
RECORDED_OUTCOMES = SERVED_OUTCOMES | {"posted_refused", "summons_left"}
# One diligence does not take half a day; a longer span means the times were not captured.
MAX_DILIGENCE = timedelta(hours=4)


def notice_problems(record: UploadRecord, manifest: set[str | None]) -> list[Problem]:
    """Problems of the notice record of a notice `record`; `manifest` holds its photo hashes."""
    o, n = record.outcome, record.notice_record
    if o == "address_not_found":
        # Nothing was served, but the office must see where the notifier looked.
        if record.gps is None and (n is None or n.gps is None):
            return [Problem("gps", "notice.no_gps", "Sin domicilio localizado se requiere la posición GPS")]
        return gps_problems(n.gps, "notice_record.gps") if n is not None else []
    if o not in RECORDED_OUTCOMES:
        return []
    if n is None:
        return [Problem("notice_record", "notice.missing", "Este resultado requiere el acta de notificación")]
    p = _captured_facts(n, record)
    if o in SERVED_OUTCOMES:
        p += _served(n, RELATIONSHIPS_BY_OUTCOME[o])
    elif o == "posted_refused":
        if is_blank(n.received_by):
            p.append(Problem("notice_record.received_by", "notice.who_refused",
                             "Anote quién se negó a recibir (nombre o descripción)"))
        if not n.signature_refused or n.signature_sha256 is not None:
            p.append(Problem("notice_record.signature_refused", "notice.refusal_not_recorded",
                             "En una fijación por negativa debe asentarse que se negó a firmar"))
    elif n.relationship is not None and n.relationship not in RELATIONSHIPS:
        p.append(Problem("notice_record.relationship", "notice.bad_relationship",
                         f"Parentesco o relación desconocido: {n.relationship!r}"))
    if n.signature_sha256 is not None and normalise_sha256(n.signature_sha256) not in manifest:
        p.append(Problem("notice_record.signature_sha256", "notice.signature_not_listed",
                         "La imagen de la firma debe estar en la lista de fotos del registro"))
    return p


def _captured_facts(n: NoticeRecord, record: UploadRecord) -> list[Problem]:
    p = []
    if is_blank(n.address_verified_by):
        p.append(Problem("notice_record.address_verified_by", "notice.missing_fact",
                         "Anote cómo se cercioró del domicilio"))
    if is_blank(n.property_description):
        p.append(Problem("notice_record.property_description", "notice.missing_fact",
                         "Anote la descripción del inmueble"))
    if n.gps is None:
        p.append(Problem("notice_record.gps", "notice.no_gps", "El acta requiere la posición GPS"))
    p += gps_problems(n.gps, "notice_record.gps")
    if not (is_aware(n.started_at) and is_aware(n.ended_at)):
        p.append(Problem("notice_record.started_at", "notice.no_times",
                         "El acta requiere hora de inicio y de término, con zona horaria"))
        return p
    if n.ended_at <= n.started_at:
        p.append(Problem("notice_record.ended_at", "notice.bad_times",
                         "La hora de término debe ser posterior a la de inicio"))
    elif n.ended_at - n.started_at > MAX_DILIGENCE:
        p.append(Problem("notice_record.ended_at", "notice.bad_times",
                         f"Una diligencia no dura más de {MAX_DILIGENCE.seconds // 3600} horas"))
    if is_aware(record.device_clock_at_send) and n.ended_at > record.device_clock_at_send:
        p.append(Problem("notice_record.ended_at", "notice.future_times",
                         "La hora de término es posterior al envío: no fue capturada en el sitio"))
    return p


def _served(n: NoticeRecord, relationships: tuple[str, ...]) -> list[Problem]:
    p = []
    if is_blank(n.received_by):
        p.append(Problem("notice_record.received_by", "notice.no_receiver", "Anote el nombre de quien recibe"))
    if n.relationship not in relationships:
        p.append(Problem("notice_record.relationship", "notice.bad_relationship",
                         f"Para este resultado la relación debe ser: {', '.join(relationships)}"))
    if is_blank(n.id_shown) == (not n.id_refused):
        p.append(Problem("notice_record.id_shown", "notice.id_either_or",
                         "Anote la identificación mostrada o que se negó a mostrarla (una de las dos)"))
    if (n.signature_sha256 is None) == (not n.signature_refused):
        p.append(Problem("notice_record.signature_sha256", "notice.signature_either_or",
                         "Capture la firma o asiente que se negó a firmar (una de las dos)"))
    return p
