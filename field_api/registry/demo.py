"""A deterministic demo town around Caborca, Sonora: `cuadrilla demo --accounts N --seed S`.

The same (accounts, seed, as_of) always gives the same rows; only created_at/updated_at record
when the town was built. The town grows with the number of accounts (a grid of 110 m x 70 m
blocks, three in four lots built), cut into 12–20 rectangular sectors named like colonias.

What it holds:
- premises on the street grid with Spanish addresses and a cadastral key; ~85% domestic,
  ~10% commercial, the rest industrial, public and mixed; tariffs follow land use;
- one account per premise (numbers like "0001234-5"), ~5% protected (tercera edad, pensionado,
  discapacidad) on the preferential tariff, ~25% in arrears with lognormal debts, some of them
  restricted (domestic) or suspended (non-domestic), ~1% cancelled;
- payment agreements for ~15% of the accounts in arrears: current, breached or completed;
- meters on ~94% of accounts with six monthly readings (source "import");
- crews of notifiers, cut crews, inspectors and readers, all leaving from the utility's office
  in Centro, their number scaled with the town;
- an example Sonora holiday calendar for the demo's year and the next, unless the office entered
  one (`demo_holidays`: demo days, not the gazette's).

Planted for the office to find (counts grow with the town, never fewer than two or three):
- ~0.3% premises with a land use but no account and connection_status "none": illegal
  connections a verification walk should discover;
- ~0.05% cancelled accounts whose meter is still "working" and still turning;
- ~0.1% restricted or suspended accounts that consume as if never cut;
- ~1.5% active metered accounts with zero consumption in six months;
- ~1% accounts whose consumption collapses in the last two readings.

Rows are written in chunks with ids chosen here (PostgreSQL's sequences are moved past them at
the end): COPY on PostgreSQL, Core executemany on SQLite. `reset` empties the registry and every
table that references it (work items, their events, plans...) before building.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timezone
from operator import itemgetter
from random import Random

import click
from psycopg import sql
from shapely.geometry import Point
from sqlalchemy import Connection, Table, func, select, text
from tqdm import tqdm

from field_api.db import advance_id_sequences
from field_api.geo import ewkt
from field_api.models import (
    Account, Balance, Base, ChangeLog, Crew, CrewMember, Device, Meter, Payment, PaymentAgreement,
    Premise, Reading, Sector, WorkItem,
)

from . import demo_names as names
from .demo_accounts import RowFactory, plant
from .demo_holidays import DEMO_STATE, load_demo_holidays
from .demo_layout import TownLayout

# Dates are anchored here, not on today, so that a seed always builds the same town.
DEMO_AS_OF = date(2026, 11, 1)
CHUNK_PREMISES = 2000  # about 12k readings per executemany
# What --reset empties, with every table that hangs off these (work events...), found at run time.
REGISTRY_MODELS = (
    Sector, Premise, Account, Balance, Meter, Reading, PaymentAgreement, Payment, WorkItem,
    ChangeLog, Crew, CrewMember, Device,
)
INSERT_ORDER = ("premise", "account", "balance", "payment_agreement", "meter", "reading")
TABLES = {m.__table__.name: m.__table__ for m in REGISTRY_MODELS}


class RegistryNotEmpty(click.ClickException):
    """Raised instead of mixing a demo town into an existing registry."""


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    premises: int
    sectors: int
    meters: int
    readings: int
    agreements: int
    crews: int
    crew_members: int
    arrears: int
    protected: int
    cut: int
    cancelled: int
    illegal: int
    seed: int
    seconds: float
    holiday_years: tuple[int, ...] = ()

    def describe(self) -> str:
        return (
            f"Demo town (seed {self.seed}): {self.accounts:,} accounts on {self.premises:,} premises "
            f"in {self.sectors} sectors; {self.meters:,} meters with {self.readings:,} readings; "
            f"{self.arrears:,} accounts in arrears, {self.agreements:,} payment agreements, "
            f"{self.protected:,} protected, {self.cut:,} restricted or suspended, "
            f"{self.cancelled:,} cancelled; {self.illegal:,} premises with no account; "
            f"{self.crews} crews ({self.crew_members} members)."
            + (f" Example {DEMO_STATE} holiday calendar entered for {', '.join(map(str, self.holiday_years))}."
               if self.holiday_years else "")
            + f" Built in {self.seconds:.1f} s."
        )


def build_demo_town(conn: Connection, accounts: int, seed: int, reset: bool = False,
                    progress: bool = True, *, as_of: date = DEMO_AS_OF) -> DemoSummary:
    """Fill an empty registry (or, with reset, replace it) with a demo town of `accounts`."""
    if accounts < 1:
        raise ValueError("a demo town needs at least one account")
    started = time.perf_counter()
    if reset:
        _empty_registry(conn)
    else:
        _require_empty(conn)
    master = Random(seed)
    # One stream per concern, so a change to how accounts are drawn never moves the streets.
    layout_rng, lots_rng, plant_rng, rows_rng, crew_rng = (
        Random(master.getrandbits(64)) for _ in range(5)
    )
    now = datetime.now(timezone.utc)
    premises, roles = plant(accounts, plant_rng)
    layout = TownLayout(premises, layout_rng)
    _insert(conn, Sector.__table__, [
        {"id": s.id, "code": s.code, "name": s.name, "geom": ewkt(s.polygon),
         "version": 1, "created_at": now, "updated_at": now}
        for s in layout.sectors
    ])
    factory = RowFactory(rows_rng, as_of, now)
    with tqdm(total=premises, unit="premise", desc="Demo town", file=sys.stderr,
              disable=not progress) as bar:
        for position, lot in enumerate(layout.lots(premises, lots_rng)):
            factory.add(position + 1, lot, roles.get(position))
            if (position + 1) % CHUNK_PREMISES == 0:
                _flush(conn, factory)
                bar.update(CHUNK_PREMISES)
        _flush(conn, factory)
        bar.update(premises - bar.n)
    crews, members = _crews(conn, accounts, layout, crew_rng, now)
    advance_id_sequences(conn, [t.name for t in TABLES.values() if "id" in t.c])
    holiday_years = load_demo_holidays(conn, (as_of.year, as_of.year + 1), now)
    c = factory.counts
    return DemoSummary(
        accounts=c["accounts"], premises=premises, sectors=len(layout.sectors), meters=c["meters"],
        readings=factory.ids["reading"], agreements=factory.ids["payment_agreement"],
        crews=crews, crew_members=members, arrears=c["arrears"], protected=c["protected"],
        cut=c["restricted"] + c["suspended"], cancelled=c["cancelled"], illegal=c["illegal"],
        seed=seed, seconds=time.perf_counter() - started, holiday_years=holiday_years,
    )


def crew_counts(accounts: int) -> dict[str, int]:
    """Crews for a month's work at DESIGN.md's productivity, 20 working days, within bounds.

    Readers read every meter monthly (~250 a day); notifiers visit the quarter in arrears
    (~45 a day); cut crews cut about one account in twenty (~30 a day).
    """
    def size(work_per_month: float, per_day: int, least: int, most: int) -> int:
        return min(most, max(least, math.ceil(work_per_month / (20 * per_day))))

    return {
        "notifier": size(0.25 * accounts, 45, 2, 24),
        "cut": size(0.05 * accounts, 30, 1, 16),
        "inspector": size(0.01 * accounts, 10, 1, 8),
        "reader": size(accounts, 250, 1, 24),
    }


def _crews(conn: Connection, accounts: int, layout: TownLayout, rng: Random,
           now: datetime) -> tuple[int, int]:
    depot = ewkt(Point(*layout.depot()))
    stamp = {"version": 1, "created_at": now, "updated_at": now}
    crews, members = [], []
    for skill, count in crew_counts(accounts).items():
        label, mode, max_stops, start, (fewest, most) = names.CREW_KINDS[skill]
        for n in range(1, count + 1):
            crew_id = len(crews) + 1
            crews.append({
                "id": crew_id, "name": f"{label} {n:02d}", "travel_mode": mode, "depot": depot,
                "shift_start": clock(start, 0), "shift_end": clock(start + 8, 0),
                "max_stops": max_stops, **stamp,
            })
            for _ in range(rng.randint(fewest, most)):
                skills = [skill]
                if skill in ("inspector", "cut") or rng.random() < 0.2:
                    skills.append("reader")  # most field staff can also read a meter
                members.append({
                    "id": len(members) + 1, "crew_id": crew_id, "name": names.person(rng),
                    "skills": sorted(set(skills)), "active": True, **stamp,
                })
    _insert(conn, Crew.__table__, crews)
    _insert(conn, CrewMember.__table__, members)
    return len(crews), len(members)


def _flush(conn: Connection, factory: RowFactory) -> None:
    rows = factory.take()
    for name in INSERT_ORDER:
        if conn.dialect.name == "postgresql":
            _copy(conn, TABLES[name], rows.get(name, ()))
        else:
            _insert(conn, TABLES[name], rows.get(name, ()))


def _copy(conn: Connection, table: Table, rows: list[dict]) -> None:
    """COPY is several times faster than INSERT on PostgreSQL; PostGIS parses EWKT text itself."""
    if not rows:
        return
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    values = itemgetter(*columns)
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(values(row))


def _insert(conn: Connection, table: Table, rows) -> None:
    if rows:
        conn.execute(table.insert(), list(rows))


def registry_tables() -> list[Table]:
    """The registry's tables and all the tables that reference them, children first."""
    wanted = {m.__table__ for m in REGISTRY_MODELS}
    ordered = Base.metadata.sorted_tables  # parents before children
    for table in ordered:
        if any(fk.column.table in wanted for fk in table.foreign_keys):
            wanted.add(table)
    return [t for t in reversed(ordered) if t in wanted]


def _require_empty(conn: Connection) -> None:
    busy = [t.name for t in registry_tables()
            if conn.execute(select(text("1")).select_from(t).limit(1)).first() is not None]
    if not busy:
        return
    accounts = conn.scalar(select(func.count()).select_from(Account.__table__)) or 0
    if accounts:
        raise RegistryNotEmpty(
            f"The registry already holds {accounts:,} accounts; use --reset to replace them"
        )
    raise RegistryNotEmpty(
        f"The registry is not empty (rows in: {', '.join(sorted(busy))}); use --reset to replace them"
    )


def _empty_registry(conn: Connection) -> None:
    tables = registry_tables()
    if conn.dialect.name == "postgresql":
        # One TRUNCATE is fast; without CASCADE it refuses if a table unknown to the models
        # still points at these.
        conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables)))
        return
    for table in tables:
        conn.execute(table.delete())


