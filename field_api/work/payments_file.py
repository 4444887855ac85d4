"""Reading a payments file (CSV or XLSX) from the billing system. Pure code, no database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from field_api.registry import import_values as v
from field_api.registry.import_columns import choice_for_channels
from field_api.registry.import_files import open_table

from .payments import PaymentIn

# canonical column -> accepted headers (compared without case or accents)
COLUMNS = {
    "reference": ("reference", "referencia", "folio", "recibo"),
    "account_number": ("account_number", "cuenta", "contrato", "numero_cuenta"),
    "amount": ("amount", "importe", "monto", "pago"),
    "paid_on": ("paid_on", "fecha_pago", "fecha_de_pago", "fecha"),
    "channel": ("channel", "canal", "medio"),
}
REQUIRED = ("reference", "account_number", "amount", "paid_on")


@dataclass
class PaymentsFile:
    payments: list[PaymentIn] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_payments(path: str, today: date, sheet: str | None = None) -> PaymentsFile:
    result = PaymentsFile()
    channel = choice_for_channels()
    parsers = {"reference": v.text(64), "account_number": v.text(32), "amount": v.cents,
               "paid_on": v.day(today), "channel": channel}
    seen: dict[str, int] = {}
    with open_table(path, sheet) as table:
        where = {v.fold(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
        index = {where[v.fold(h)]: i for i, h in enumerate(table.header) if h is not None and v.fold(h) in where}
        missing = [name for name in REQUIRED if name not in index]
        if missing:
            result.errors.append(f"missing column(s): {', '.join(missing)} "
                                 f"(accepted headers: {', '.join(a for n in missing for a in COLUMNS[n])})")
            return result
        for row_no, cells in table.records:
            values, bad = {}, []
            for name, i in index.items():
                raw = cells[i] if i < len(cells) else None
                if v.is_blank(raw):
                    if name in REQUIRED:
                        bad.append(f"row {row_no}, column {name}: is empty")
                    continue
                try:
                    values[name] = parsers[name](raw)
                except v.BadValue as exc:
                    bad.append(f"row {row_no}, column {name}: {exc}")
            if not bad and values["amount"] <= 0:
                bad.append(f"row {row_no}, column amount: must be more than zero")
            if not bad and values["reference"] in seen:
                bad.append(f"row {row_no}, column reference: '{values['reference']}' repeats row "
                           f"{seen[values['reference']]}")
            if bad:
                result.errors.extend(bad)
                continue
            seen[values["reference"]] = row_no
            result.payments.append(PaymentIn(values["reference"], values["account_number"], values["amount"],
                                             values["paid_on"], values.get("channel", "import")))
    return result
