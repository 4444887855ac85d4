"""The office's afternoon reports over a year of data: GET /reports/crew-work and
GET /reports/arrears-recovery, timed through the service functions the routes call.

    .venv/bin/python bench/reports.py                      # PostGIS, 50,000 accounts, a year of field work
    .venv/bin/python bench/reports.py --quick              # 5,000 accounts, two months: a smoke run
    .venv/bin/python bench/reports.py --explain day        # and EXPLAIN (ANALYZE, BUFFERS) of a day's reports
    .venv/bin/python bench/reports.py --backend spatialite

Seeds the scratch database `cuadrilla_bench_reports` (dropped and created anew; on SpatiaLite a
file in a temporary directory) with the demo town
and a year of its crews' work (see bench/reports_data.py), runs ANALYZE, then times each report for
the last working day, the last month and the whole year, for all crews (sectors) and for one: one
untimed run, then the median of up to --runs runs, each cell stopped after CELL_BUDGET_S. Each cell
also prints a digest of the report's answer, so that two versions of the code can be checked to
answer alike on the same data.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

from bench.databases import add_database_option, analyze, fresh_engine  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.reports_data import LAST_DAY, seed  # noqa: E402
from field_api.models import Batch, FieldRecord, Premise, WorkEvent  # noqa: E402
from field_api.work import reports  # noqa: E402

TZ = ZoneInfo("America/Hermosillo")
DB = "cuadrilla_bench_reports"
CELL_BUDGET_S = 60.0
# The tables the reports read, whose indexes the bench lists.
REPORT_TABLES = ("work_event", "work_item", "field_record", "payment", "plan_stop", "batch", "change_log")
# The report indexes on tables every upload writes: what they cost the sync merge is measured here.
UPLOAD_INDEXES = {"field_record": "ix_field_record_received_at", "work_event": "ix_work_event_handed_at"}
WRITE_DAYS, WRITE_ROUNDS, UPLOAD_RECORDS = 5, 7, 40


def spans(last_working_day: date, days: int) -> list[tuple[str, date, date]]:
    month = LAST_DAY.replace(day=1)
    first = date.fromordinal(LAST_DAY.toordinal() - days + 1)
    return [("day", last_working_day, last_working_day), ("month", month, LAST_DAY),
            (f"{days} days" if days != 365 else "year", first, LAST_DAY)]


def digest(answer) -> str:
    return hashlib.sha256(json.dumps(answer, sort_keys=True, default=str).encode()).hexdigest()[:10]


def measure(engine, call, runs: int) -> tuple[list[float], object]:
    """One untimed run (its answer is returned), then up to `runs` timed ones within CELL_BUDGET_S."""
    with Session(engine) as session:
        answer = call(session)
    times, started = [], time.perf_counter()
    while len(times) < runs and time.perf_counter() - started < CELL_BUDGET_S:
        with Session(engine) as session:
            t0 = time.perf_counter()
            call(session)
            times.append(time.perf_counter() - t0)
    return times, answer


def size_of(answer) -> str:
    if isinstance(answer, list):
        given = sum(row["given"] for row in answer)
        return f"{len(answer)} crews, {given:,} items given"
    return f"{answer['accounts_pursued']:,} accounts pursued"


def explain(engine, call) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement `call` sends, with its parameters."""
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as session:
            call(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")
        raw.rollback()
    finally:
        raw.close()


def write_cost(engine, last_day: date) -> dict | None:
    """What the report indexes on field_record and work_event cost the rows uploads write: the field
    records and the events the merge wrote (those naming a record) on the last WRITE_DAYS days,
    inserted again under new UUIDs, one executemany per table per UPLOAD_RECORDS records as the merge
    writes an upload, in one transaction rolled back; with the indexes, and with them dropped inside
    the transaction. WRITE_ROUNDS rounds, alternated; medians. PostgreSQL only (its DDL rolls back)."""
    with engine.connect() as conn:
        present = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname = ANY(:n)"),
                                   {"n": list(UPLOAD_INDEXES.values())}))
        if not present:
            return None
        start = reports.day_span(date.fromordinal(last_day.toordinal() - WRITE_DAYS + 1), last_day, TZ)[0]
        records = [dict(r) for r in conn.execute(select(FieldRecord.__table__).where(FieldRecord.received_at >= start)
                                                 .order_by(FieldRecord.id)).mappings()]
        events = [dict(r) for r in conn.execute(select(WorkEvent.__table__).where(
            WorkEvent.at >= start, WorkEvent.details["client_uuid"].as_string().isnot(None)).order_by(WorkEvent.id))
            .mappings()]
    for row in records + events:
        row.pop("id")
    uploads = max(1, len(records) // UPLOAD_RECORDS)
    per = -(-len(events) // uploads)
    times: dict[bool, list[float]] = {True: [], False: []}
    for k in range(WRITE_ROUNDS * 2):
        with_indexes = k % 4 in (0, 3)  # ABBA: neither side always goes first
        for row in records:
            row["client_uuid"] = str(uuid.uuid4())
        with engine.connect() as conn:
            trans = conn.begin()
            if not with_indexes:
                for name in sorted(present):
                    conn.execute(text(f"DROP INDEX {name}"))
            t0 = time.perf_counter()
            for u in range(uploads):
                chunk = records[u * UPLOAD_RECORDS:(u + 1) * UPLOAD_RECORDS if u + 1 < uploads else None]
                conn.execute(FieldRecord.__table__.insert(), chunk)
                if events[u * per:(u + 1) * per]:
                    conn.execute(WorkEvent.__table__.insert(), events[u * per:(u + 1) * per])
            times[with_indexes].append(time.perf_counter() - t0)
            trans.rollback()
    return {"indexes": sorted(present), "records": len(records), "events": len(events), "uploads": uploads,
            "with_s": statistics.median(times[True]), "without_s": statistics.median(times[False])}


def indexes(engine) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name != "postgresql":
            return sorted(name for t in REPORT_TABLES
                          for name in conn.scalars(text(f"SELECT name FROM pragma_index_list('{t}')")))
        return conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = ANY(:t) ORDER BY indexname"),
                            {"t": list(REPORT_TABLES)}).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365, help="calendar days of work, ending on " + str(LAST_DAY))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per cell (their median is printed)")
    parser.add_argument("--quick", action="store_true", help="5,000 accounts, 61 days, 3 runs")
    parser.add_argument("--backend", default="postgis", choices=("postgis", "spatialite"))
    parser.add_argument("--explain", choices=("day", "month", "year"),
                        help="then print the plans of both reports, for all crews and sectors, over that span")
    add_database_option(parser, DB)
    args = parser.parse_args()
    if args.quick:
        args.accounts, args.days, args.runs = 5_000, 61, 3
    if not 1 <= args.days <= 366:
        parser.error("--days: a report covers 1 to 366 days")
    print(f"Machine: {describe()}; backend {args.backend}")
    with tempfile.TemporaryDirectory(prefix="cuadrilla-bench-") as tmp:
        run(args, fresh_engine(args.backend, Path(tmp), args.database))


def run(args, engine) -> None:
    t0 = time.perf_counter()
    counts = seed(engine, args.accounts, args.days)
    analyze(engine)
    print(f"Seeded in {time.perf_counter() - t0:.0f} s: {counts['working_days']} working days to "
          f"{counts['last_working_day']}; " + ", ".join(f"{t} {n:,}" for t, n in counts.items()
                                                          if t not in ("working_days", "last_working_day")))
    with Session(engine) as session:
        crew = session.scalar(select(Batch.crew_id).group_by(Batch.crew_id).order_by(func.count().desc(),
                                                                                      Batch.crew_id).limit(1))
        sector = session.scalar(select(Premise.sector_id).where(Premise.sector_id.isnot(None))
                                .group_by(Premise.sector_id).order_by(func.count().desc()).limit(1))
    print("Indexes on " + ", ".join(REPORT_TABLES) + ": " + ", ".join(indexes(engine)))
    cells = []
    for name, scope, call_of in (
            ("crew-work", "all crews", lambda a, b: lambda s: reports.crew_work(s, a, b, TZ)),
            ("crew-work", f"crew {crew}", lambda a, b: lambda s: reports.crew_work(s, a, b, TZ, crew)),
            ("arrears-recovery", "all sectors", lambda a, b: lambda s: reports.arrears_recovery(s, a, b, TZ)),
            ("arrears-recovery", f"sector {sector}",
             lambda a, b: lambda s: reports.arrears_recovery(s, a, b, TZ, sector))):
        for span, first, last in spans(counts["last_working_day"], args.days):
            times, answer = measure(engine, call_of(first, last), args.runs)
            cells.append((name, scope, f"{span} ({first} to {last})", statistics.median(times) * 1000,
                          min(times) * 1000, len(times), size_of(answer), digest(answer)))
            print(f"  {name}, {scope}, {span}: {cells[-1][3]:.1f} ms", file=sys.stderr)
    print(f"\nMedian of up to {args.runs} runs after one untimed run, in ms (min in brackets):")
    width = [max(len(str(c[k])) for c in cells) for k in range(3)]
    for name, scope, span, med, low, n, size, mark in cells:
        print(f"{name:<{width[0]}}  {scope:<{width[1]}}  {span:<{width[2]}}  {med:9.1f} ({low:.1f}, {n} runs)  "
              f"{size}; answer {mark}")
    cost = write_cost(engine, counts["last_working_day"]) if engine.dialect.name == "postgresql" else None
    if cost:
        extra = (cost["with_s"] - cost["without_s"]) / cost["records"] * 1e6
        print(f"\nInserting {cost['records']:,} field records and the {cost['events']:,} work events the merge wrote "
              f"with them ({WRITE_DAYS} days), in {cost['uploads']} uploads of {UPLOAD_RECORDS}: "
              f"{cost['with_s'] * 1000:.0f} ms with {', '.join(cost['indexes'])}, {cost['without_s'] * 1000:.0f} ms "
              f"without them ({extra:+.1f} us a record; medians of {WRITE_ROUNDS} rounds each, alternated)")
    if args.explain and engine.dialect.name == "postgresql":
        which = {"day": 0, "month": 1, "year": 2}[args.explain]
        first, last = spans(counts["last_working_day"], args.days)[which][1:]
        for label, call in (("crew-work", lambda s: reports.crew_work(s, first, last, TZ)),
                            ("arrears-recovery", lambda s: reports.arrears_recovery(s, first, last, TZ))):
            print(f"\n=== {label}, {first} to {last} ===\n")
            explain(engine, call)
    engine.dispose()


if __name__ == "__main__":
    main()
