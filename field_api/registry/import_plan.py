"""From validated rows and a snapshot of the matching database rows to the writes an import needs.

No database access here: `importer` loads the snapshot and executes the plan. Only changed
fields become updates and change-log rows, so re-importing the same file writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

import numpy as np
import shapely

from field_api.changes import change_rows
from field_api.geo import SRID

from .import_rows import ParsedRow

# File column -> table column, for the fields each table takes from a row.
PREMISE_FIELDS = {
    "street": "street", "exterior_number": "exterior_number", "interior_number": "interior_number",
    "neighborhood": "neighborhood", "postal_code": "postal_code", "municipality": "municipality",
    "state": "state", "land_use": "land_use", "dwellings": "dwellings",
}
ACCOUNT_FIELDS = {
    "holder_name": "holder_name", "tariff_class": "tariff_class", "service_status": "service_status",
    "protected": "protected", "protected_reason": "protected_reason",
}
METER_FIELDS = {"meter_brand": "brand", "meter_diameter_mm": "diameter_mm",
                "meter_install_date": "install_date"}
BALANCE_FIELDS = {"amount_owed": "amount_owed_cents", "months_overdue": "months_overdue",
                  "last_payment_date": "last_payment_date"}
# A new account with no tariff in the file gets the one its land use implies.
TARIFF_FOR_LAND_USE = {"domestic": "domestic", "commercial": "commercial", "industrial": "industrial",
                       "public": "public", "mixed": "commercial"}
SAME_POINT = 1e-9  # degrees (0.1 mm): closer than this is the same location, not a move


@dataclass
class Snapshot:
    """The database rows an import matches against, as plain dicts."""

    accounts: dict[str, dict] = field(default_factory=dict)  # by number
    premises: dict[int, dict] = field(default_factory=dict)  # by id; "lon"/"lat" instead of geom
    premise_by_key: dict[str, int] = field(default_factory=dict)  # cadastral key -> id
    meters: dict[str, dict] = field(default_factory=dict)  # by serial
    balances: dict[int, dict] = field(default_factory=dict)  # by account id


@dataclass
class TableWrites:
    inserts: list[dict] = field(default_factory=list)
    # Changed columns -> rows {"id": ..., column: new value}: one executemany per group.
    updates: dict[tuple[str, ...], list[dict]] = field(default_factory=dict)

    def count(self) -> int:
        return len(self.inserts) + sum(len(rows) for rows in self.updates.values())


@dataclass
class Plan:
    premise: TableWrites = field(default_factory=TableWrites)
    account: TableWrites = field(default_factory=TableWrites)
    meter: TableWrites = field(default_factory=TableWrites)
    balance: TableWrites = field(default_factory=TableWrites)
    change_log: list[dict] = field(default_factory=list)
    accounts_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _PremiseState:
    id: int
    old: dict | None  # None for a new premise
    values: dict[str, Any]  # the columns the first row that reached this premise gives
    point: tuple[float, float]
    line: int
    key: str | None
    connection_status: str = "metered"


def point_texts(points: list[tuple[float, float]]) -> list[str]:
    """WKT of many points in one vectorised call (a Point object per row costs seconds at 100k)."""
    if not points:
        return []
    return shapely.to_wkt(shapely.points(np.asarray(points)), rounding_precision=-1).tolist()


class Planner:
    def __init__(self, snapshot: Snapshot, next_ids: dict[str, int], source_ref: str, now: datetime):
        self.snapshot = snapshot
        self.next_ids = dict(next_ids)
        self.source_ref = source_ref
        self.now = now
        self.plan = Plan()
        self.premises: dict[int, _PremiseState] = {}
        self.premise_by_key: dict[str, _PremiseState] = {}

    def _new_id(self, table: str) -> int:
        self.next_ids[table] += 1
        return self.next_ids[table] - 1

    def add(self, row: ParsedRow) -> None:
        account = self.snapshot.accounts.get(row.values["account_number"])
        premise = self._premise(row, account)
        account_id = self._account(row, account, premise.id)
        if row.values.get("meter_serial"):
            self._meter(row, account_id)
        self._balance(row, account_id, self.snapshot.balances.get(account_id) if account else None)

    # Premises: by cadastral key when given, else the account's premise, else a new one.
    def _premise(self, row: ParsedRow, account: dict | None) -> _PremiseState:
        key = row.values.get("cadastral_key")
        state = self.premise_by_key.get(key) if key else None
        if state is None and key in self.snapshot.premise_by_key:
            state = self._existing_premise(self.snapshot.premise_by_key[key], row)
        if state is None and account is not None:
            current = self.premises.get(account["premise_id"]) or \
                self._existing_premise(account["premise_id"], row, keep=False)
            # A premise that already has a different key is another property: do not reuse it.
            if key is None or current.key is None or current.key == key:
                state = current
                self.premises.setdefault(state.id, state)
        if state is None:
            state = self._new_premise(row)
        elif state.line != row.line:
            self._compare_shared(state, row)
        if key and state.key is None:
            state.key = key
        if key:
            self.premise_by_key[key] = state
        return state

    def _existing_premise(self, premise_id: int, row: ParsedRow, keep: bool = True) -> _PremiseState:
        if premise_id in self.premises:
            return self.premises[premise_id]
        old = self.snapshot.premises[premise_id]
        state = _PremiseState(premise_id, old, _premise_values(row), _row_point(row), row.line,
                              old["cadastral_key"])
        if keep:
            self.premises[premise_id] = state
        return state

    def _new_premise(self, row: ParsedRow) -> _PremiseState:
        state = _PremiseState(self._new_id("premise"), None, _premise_values(row), _row_point(row),
                              row.line, None,
                              "metered" if row.values.get("meter_serial") else "unmetered")
        self.premises[state.id] = state
        return state

    def _compare_shared(self, state: _PremiseState, row: ParsedRow) -> None:
        values = _premise_values(row)
        differ = [name for name, value in values.items() if state.values.get(name, value) != value]
        if _moved(state.point, _row_point(row)):
            differ.append("lat/lon")
        if differ:
            self.plan.warnings.append(
                f"row {row.line}: same premise as row {state.line} but different "
                f"{', '.join(differ)}; the values of row {state.line} were kept")

    # Accounts, meters, balances: matched by number, serial and account.
    def _account(self, row: ParsedRow, old: dict | None, premise_id: int) -> int:
        values = {column: row.values[name] for name, column in ACCOUNT_FIELDS.items() if name in row.values}
        if old is None:
            account_id = self._new_id("account")
            land_use = row.values["land_use"]
            self.plan.account.inserts.append({
                "id": account_id, "number": row.values["account_number"],
                "holder_name": values["holder_name"],
                "tariff_class": values.get("tariff_class") or TARIFF_FOR_LAND_USE[land_use],
                "protected": values.get("protected", False),
                "protected_reason": values.get("protected_reason"),
                "service_status": values.get("service_status", "active"),
                "premise_id": premise_id, **self._new_row(),
            })
            return account_id
        values["premise_id"] = premise_id
        if not self._update("account", self.plan.account, old["id"], old, values):
            self.plan.accounts_unchanged += 1
        return old["id"]

    def _meter(self, row: ParsedRow, account_id: int) -> None:
        serial = row.values["meter_serial"]
        values = {column: row.values[name] for name, column in METER_FIELDS.items() if name in row.values}
        values["account_id"] = account_id
        old = self.snapshot.meters.get(serial)
        if old is None:
            self.plan.meter.inserts.append({
                "id": self._new_id("meter"), "serial": serial, "brand": values.get("brand"),
                "diameter_mm": values.get("diameter_mm"), "status": "working",
                "install_date": values.get("install_date"), "account_id": account_id,
                **self._new_row(),
            })
        else:
            self._update("meter", self.plan.meter, old["id"], old, values)

    def _balance(self, row: ParsedRow, account_id: int, old: dict | None) -> None:
        values = {column: row.values[name] for name, column in BALANCE_FIELDS.items() if name in row.values}
        if old is None:
            self.plan.balance.inserts.append({
                "account_id": account_id, "amount_owed_cents": values.get("amount_owed_cents", 0),
                "months_overdue": values.get("months_overdue", 0),
                "last_payment_date": values.get("last_payment_date"), **self._new_row(),
            })
        else:
            self._update("balance", self.plan.balance, account_id, old, values)

    def _new_row(self) -> dict:
        return {"version": 1, "created_at": self.now, "updated_at": self.now}

    def _update(self, entity: str, writes: TableWrites, row_id: int, old: dict, values: dict,
                logged: dict | None = None) -> bool:
        """Queue the changed columns of one row; `logged` overrides how a value is logged."""
        changed = {column: value for column, value in values.items() if old[column] != value}
        if not changed:
            return False
        writes.updates.setdefault(tuple(sorted(changed)), []).append({"id": row_id, **changed})
        logged = logged or {}
        self.plan.change_log.extend(change_rows(
            entity, row_id, old["version"] + 1,
            [(column, *logged.get(column, (old[column], value))) for column, value in sorted(changed.items())],
            "import", self.source_ref, self.now,
        ))
        return True

    def finish(self, locate: Callable[[list[tuple[float, float]]], list[int | None]]) -> Plan:
        """Give new and moved premises their sector, then queue the premise writes."""
        states = list(self.premises.values())
        placed = [s for s in states if s.old is None or _moved((s.old["lon"], s.old["lat"]), s.point)]
        sectors = dict(zip((s.id for s in placed), locate([s.point for s in placed])))
        texts = dict(zip((s.id for s in placed), point_texts([s.point for s in placed])))
        moved = [s for s in placed if s.old is not None]
        old_texts = dict(zip((s.id for s in moved), point_texts([(s.old["lon"], s.old["lat"]) for s in moved])))
        for state in states:
            if state.old is None:
                self._insert_premise(state, sectors[state.id], texts[state.id])
                continue
            values = dict(state.values)
            logged = {}
            if state.key != state.old["cadastral_key"]:
                values["cadastral_key"] = state.key
            if state.id in sectors:
                values["geom"] = f"SRID={SRID};{texts[state.id]}"  # EWKT, as field_api.geo.ewkt writes
                values["sector_id"] = sectors[state.id]
                logged["geom"] = (old_texts[state.id], texts[state.id])
            old = {**state.old, "geom": None}
            self._update("premise", self.plan.premise, state.id, old, values, logged)
        return self.plan

    def _insert_premise(self, state: _PremiseState, sector_id: int | None, wkt: str) -> None:
        values = state.values
        self.plan.premise.inserts.append({
            "id": state.id, "cadastral_key": state.key,
            **{column: values.get(column) for column in PREMISE_FIELDS.values() if column != "dwellings"},
            "dwellings": values.get("dwellings", 1), "geom": f"SRID={SRID};{wkt}",
            "connection_status": state.connection_status, "sector_id": sector_id, **self._new_row(),
        })


def _premise_values(row: ParsedRow) -> dict[str, Any]:
    return {column: row.values[name] for name, column in PREMISE_FIELDS.items() if name in row.values}


def _row_point(row: ParsedRow) -> tuple[float, float]:
    return (row.values["lon"], row.values["lat"])


def _moved(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) > SAME_POINT or abs(a[1] - b[1]) > SAME_POINT
