"""Validation of registry import rows: pure functions, no database.

Every rule that can be checked from the file alone is checked here, before anything is
written, so a bad file changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, NamedTuple

from .import_columns import COLUMNS, HeaderMap
from .import_values import BadValue, is_blank

# Mexico, with a margin: a point outside is a typo, a swap, or a missing location.
MEXICO_LAT = (14.0, 33.0)
MEXICO_LON = (-119.0, -86.0)


class RowError(NamedTuple):
    row: int | None  # the file's line (CSV) or sheet row (XLSX); the header is row 1
    column: str | None  # as the file names it
    message: str


@dataclass
class ParsedRow:
    line: int
    # Canonical column name -> parsed value, only for columns the row gives.
    values: dict[str, Any]


@dataclass
class Validation:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    invalid_rows: int = 0


def _in_mexico(lat: float, lon: float) -> bool:
    return MEXICO_LAT[0] <= lat <= MEXICO_LAT[1] and MEXICO_LON[0] <= lon <= MEXICO_LON[1]


def point_problem(lat: float, lon: float) -> str | None:
    """Why (lat, lon) cannot be a premise in Mexico, or None."""
    if _in_mexico(lat, lon):
        return None
    if _in_mexico(lon, lat) or (abs(lat) > 90 and abs(lon) <= 90):
        return f"latitude and longitude look swapped (latitude {lat}, longitude {lon})"
    if abs(lat) > 90:
        return f"latitude {lat} is outside -90..90"
    if abs(lon) > 180:
        return f"longitude {lon} is outside -180..180"
    if lat == 0 and lon == 0:
        return "0, 0 is not a location (missing coordinates?)"
    if _in_mexico(lat, -lon):
        return f"longitude {lon} is outside Mexico; is its minus sign missing?"
    return f"latitude {lat}, longitude {lon} is outside Mexico"


class RowValidator:
    """Checks one row at a time, remembering keys so duplicates within the file are caught."""

    def __init__(self, header: HeaderMap, today: date | None = None):
        today = today or date.today()
        self.header = header
        # Plain tuples: this loop runs for every cell of every row.
        self.columns = [(c.name, header.index[c.name], c.parser(today), c.required, c.blank_keeps,
                         header.label(c.name)) for c in COLUMNS if c.name in header.index]
        self.first_line: dict[str, dict[str, int]] = {"account_number": {}, "meter_serial": {}}

    def check(self, line: int, cells: list[Any]) -> tuple[ParsedRow | None, list[RowError]]:
        errors: list[RowError] = []
        values: dict[str, Any] = {}
        width = len(cells)
        for name, position, parse, required, blank_keeps, label in self.columns:
            raw = cells[position] if position < width else None
            if type(raw) is str:
                raw = raw.strip()
            if raw is None or raw == "":
                if required:
                    errors.append(RowError(line, label, "is required but empty"))
                elif not blank_keeps:
                    values[name] = None
                continue
            try:
                values[name] = parse(raw)
            except BadValue as exc:
                errors.append(RowError(line, label, str(exc)))
        if any(not is_blank(c) for c in cells[self.header.width:]):
            errors.append(RowError(line, None, f"has {len(cells)} values but the header has "
                                               f"{self.header.width} columns (an unquoted comma "
                                               "or semicolon?)"))
        errors.extend(self._row_rules(line, values))
        errors.extend(self._duplicates(line, values))
        return (None if errors else ParsedRow(line, values)), errors

    def _row_rules(self, line: int, values: dict[str, Any]) -> list[RowError]:
        errors = []
        lat, lon = values.get("lat"), values.get("lon")
        if lat is not None and lon is not None and (problem := point_problem(lat, lon)):
            errors.append(RowError(line, self.header.label("lat"), problem))
        if values.get("protected") is True and not values.get("protected_reason"):
            errors.append(RowError(line, self.header.label("protected_reason"),
                                   "a protected account needs a reason (protected_reason / "
                                   "motivo_preferencial)"))
        return errors

    def _duplicates(self, line: int, values: dict[str, Any]) -> list[RowError]:
        errors = []
        for name, what in (("account_number", "account number"), ("meter_serial", "meter serial")):
            key = values.get(name)
            if not key:
                continue
            first = self.first_line[name].setdefault(key, line)
            if first != line:
                errors.append(RowError(line, self.header.label(name),
                                       f"{what} {key} is already on row {first}"))
        return errors


def validate_rows(header: HeaderMap, records: Iterable[tuple[int, list[Any]]],
                  today: date | None = None) -> Validation:
    """Validate (row number, cells) records; blank rows are skipped and not counted."""
    validator = RowValidator(header, today)
    result = Validation()
    for line, cells in records:
        if all(is_blank(c) for c in cells):
            continue
        result.rows_read += 1
        row, errors = validator.check(line, cells)
        if row is None:
            result.invalid_rows += 1
            result.errors.extend(errors)
        else:
            result.rows.append(row)
    return result
