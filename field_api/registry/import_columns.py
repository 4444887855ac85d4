"""The registry import's column mapping: which header means which field, and how it is parsed.

Pure code (no SQLAlchemy). docs/registry-import.md documents the same table for people.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from . import import_values as v

LAND_USE_WORDS = {
    "domestic": ("domestico", "domestica", "habitacional"),
    "commercial": ("comercial",),
    "industrial": ("industrial",),
    "public": ("publico", "publica", "gobierno"),
    "mixed": ("mixto", "mixta"),
}
TARIFF_WORDS = {
    "domestic": ("domestico", "domestica"),
    "domestic_preferential": ("domestico_preferencial", "preferencial"),
    "commercial": ("comercial",),
    "industrial": ("industrial",),
    "public": ("publico", "publica"),
}
STATUS_WORDS = {
    "active": ("activo", "activa"),
    "restricted": ("restringido", "restringida"),
    "suspended": ("suspendido", "suspendida", "cortado"),
    "cancelled": ("cancelado", "cancelada", "canceled", "baja"),
}


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    # Builds the parser; takes "today" so date checks stay pure and testable.
    parser: Callable[[date], Callable[[Any], Any]]
    required: bool = False
    # NOT NULL columns with a default: a blank cell means "not given", never "clear it".
    blank_keeps: bool = False


def _fixed(parse):
    return lambda _today: parse


COLUMNS: tuple[Column, ...] = (
    Column("account_number", ("cuenta", "contrato", "numero_cuenta", "no_cuenta", "num_cuenta",
                              "numero_contrato"), _fixed(v.text(32)), required=True),
    Column("holder_name", ("titular", "nombre", "nombre_titular"), _fixed(v.text(160)), required=True),
    Column("street", ("calle",), _fixed(v.text(120)), required=True),
    Column("exterior_number", ("numero_exterior", "num_ext", "no_ext", "numero_ext", "num_exterior"),
           _fixed(v.text(20)), required=True),
    Column("interior_number", ("numero_interior", "num_int", "no_int", "numero_int", "num_interior"),
           _fixed(v.text(20))),
    Column("neighborhood", ("colonia",), _fixed(v.text(120))),
    Column("postal_code", ("cp", "codigo_postal"), _fixed(v.postal_code)),
    Column("municipality", ("municipio",), _fixed(v.text(120))),
    Column("state", ("estado", "entidad"), _fixed(v.text(60))),
    Column("lat", ("latitud", "latitude"), _fixed(v.number), required=True),
    Column("lon", ("longitud", "longitude", "lng"), _fixed(v.number), required=True),
    Column("land_use", ("uso", "uso_suelo", "clasificacion"),
           _fixed(v.choice("land use", LAND_USE_WORDS)), required=True),
    Column("dwellings", ("viviendas",), _fixed(v.integer(1, 10_000)), blank_keeps=True),
    Column("tariff_class", ("tarifa",), _fixed(v.choice("tariff class", TARIFF_WORDS)), blank_keeps=True),
    Column("service_status", ("estatus", "status", "estado_servicio"),
           _fixed(v.choice("service status", STATUS_WORDS)), blank_keeps=True),
    # A blank key never clears a stored one: the key is how premises are matched.
    Column("cadastral_key", ("clave_catastral",), _fixed(v.text(40)), blank_keeps=True),
    Column("meter_serial", ("medidor", "serie_medidor", "numero_medidor", "num_medidor"),
           _fixed(v.text(40)), blank_keeps=True),
    Column("meter_brand", ("marca", "marca_medidor"), _fixed(v.text(60))),
    Column("meter_diameter_mm", ("diametro", "diametro_mm"), _fixed(v.integer(1, 2_000))),
    Column("meter_install_date", ("fecha_instalacion",), v.day),
    Column("amount_owed", ("adeudo", "saldo"), _fixed(v.cents), blank_keeps=True),
    Column("months_overdue", ("meses_rezago", "meses_adeudo"), _fixed(v.integer(0, 1_200)),
           blank_keeps=True),
    Column("last_payment_date", ("fecha_ultimo_pago",), v.day),
    Column("protected", ("tarifa_preferencial",), _fixed(v.yes_no), blank_keeps=True),
    Column("protected_reason", ("motivo_preferencial",), _fixed(v.text(2_000))),
)
BY_NAME = {column.name: column for column in COLUMNS}
_BY_WORD = {v.fold(word): column for column in COLUMNS for word in (column.name, *column.aliases)}


@dataclass
class HeaderMap:
    """Where each known column sits in a row, and what the file calls it."""

    index: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    width: int = 0  # how many cells the header row has

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


def map_header(cells: list[Any]) -> HeaderMap:
    found = HeaderMap(width=len(cells))
    for position, cell in enumerate(cells):
        label = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not label:
            continue
        column = _BY_WORD.get(v.fold(label))
        if column is None:
            found.unknown.append(label)
        elif column.name in found.index:
            found.errors.append((label, f"columns '{found.labels[column.name]}' and '{label}' both "
                                        f"mean {column.name}; keep only one"))
        else:
            found.index[column.name] = position
            found.labels[column.name] = label
    for column in COLUMNS:
        if column.required and column.name not in found.index:
            names = ", ".join((column.name, *column.aliases))
            found.errors.append((column.name, f"required column '{column.name}' is missing "
                                              f"(accepted names: {names})"))
    return found


CHANNEL_WORDS = {
    "cashier": ("caja", "ventanilla"),
    "bank": ("banco", "transferencia"),
    "online": ("en_linea", "internet"),
    "field": ("campo",),
    "import": ("archivo",),
}


def choice_for_channels():
    """The payment channel vocabulary, for the payments file."""
    return v.choice("payment channel", CHANNEL_WORDS)
