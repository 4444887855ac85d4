"""What the crew's app needs to fill in a visit offline: notice texts and the outcome forms.

The notice texts are templates the device fills with the stop's own data ({holder}, {account},
{address}, {owed}); the facts of the visit are never pre-filled (the notice record is captured
on site, DESIGN domain rules).
"""
from __future__ import annotations

from sync.notice import RELATIONSHIPS_BY_OUTCOME
from sync.outcomes import CORRECTABLE_FIELDS, OUTCOMES, SEAL_STATUSES

from schemas import vocab

FORMAT = "cuadrilla.forms/1"

NOTICE_TEXTS = {
    "reminder": ("Recordatorio de pago",
                 "Estimado(a) {holder}: la cuenta {account} del domicilio {address} tiene un adeudo de "
                 "${owed}. Le invitamos a pagar en cualquier caja o en línea."),
    "payment_demand": ("Requerimiento de pago",
                       "Se requiere a {holder}, titular de la cuenta {account} ({address}), el pago del adeudo de "
                       "${owed} dentro del plazo que señala la ley, con fundamento en el Código Fiscal aplicable."),
    "cut_warning": ("Aviso de corte",
                    "Se notifica a {holder}, titular de la cuenta {account} ({address}), que por el adeudo de "
                    "${owed} el servicio podrá ser restringido a partir del plazo legal. Evítelo pagando o "
                    "celebrando un convenio de pago."),
    "summons_followup": ("Notificación en cita de citatorio",
                         "En cumplimiento del citatorio dejado previamente, se practica la notificación a {holder}, "
                         "titular de la cuenta {account} ({address})."),
}


def forms() -> dict:
    return {
        "format": FORMAT,
        "notice_texts": {k: {"title": t, "text": x} for k, (t, x) in NOTICE_TEXTS.items()},
        "outcomes": {k: list(v) for k, v in OUTCOMES.items()},
        "relationships": {k: list(v) for k, v in RELATIONSHIPS_BY_OUTCOME.items()},
        "seal_statuses": list(SEAL_STATUSES),
        "meter_statuses": list(vocab.METER_STATUSES),
        "land_uses": list(vocab.LAND_USES),
        "connection_statuses": list(vocab.CONNECTION_STATUSES),
        "correctable": {entity: sorted(fields) for entity, fields in CORRECTABLE_FIELDS.items()},
    }
