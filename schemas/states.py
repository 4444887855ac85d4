"""The 32 federal entities of Mexico, by the names INEGI's catalogue of geostatistical areas gives
them (Marco Geoestadístico, AGEE names), in the order of their INEGI codes 01–32.

These are the names stored in the collection policy's `holiday_state` and used to key each
state's holiday calendar. Note the official forms: "México" is the Estado de México and
"Ciudad de México" the capital; "Coahuila de Zaragoza", "Michoacán de Ocampo" and
"Veracruz de Ignacio de la Llave" carry their full names.
"""
from __future__ import annotations

import unicodedata

STATES: tuple[str, ...] = (
    "Aguascalientes",
    "Baja California",
    "Baja California Sur",
    "Campeche",
    "Coahuila de Zaragoza",
    "Colima",
    "Chiapas",
    "Chihuahua",
    "Ciudad de México",
    "Durango",
    "Guanajuato",
    "Guerrero",
    "Hidalgo",
    "Jalisco",
    "México",
    "Michoacán de Ocampo",
    "Morelos",
    "Nayarit",
    "Nuevo León",
    "Oaxaca",
    "Puebla",
    "Querétaro",
    "Quintana Roo",
    "San Luis Potosí",
    "Sinaloa",
    "Sonora",
    "Tabasco",
    "Tamaulipas",
    "Tlaxcala",
    "Veracruz de Ignacio de la Llave",
    "Yucatán",
    "Zacatecas",
)


def official_state(name: str) -> str | None:
    """`name` as listed in STATES, or None. Only the Unicode form is forgiven: "México" typed with a
    combining accent (NFD, as some keyboards and URLs send it) is the same name."""
    name = unicodedata.normalize("NFC", name)
    return name if name in STATES else None
