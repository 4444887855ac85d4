"""Registry benchmark: demo town build, 100k-row import and sector-polygon query, on both backends.

    .venv/bin/python bench/registry.py                      # 5k and 1M accounts, both backends
    .venv/bin/python bench/registry.py --large 200000 --backends spatialite

It uses its own scratch databases (a SpatiaLite file under /tmp and the PostgreSQL database
`cuadrilla_bench`), never the test or demo databases.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

from sqlalchemy import func, select  # noqa: E402

from bench.databases import add_database_option, analyze, fresh_engine  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.make_registry_csv import write_registry_csv  # noqa: E402
from field_api.geo import intersects, to_geojson  # noqa: E402
from field_api.models import Account, Premise, Sector  # noqa: E402
from field_api.registry.demo import build_demo_town  # noqa: E402
from field_api.registry.importer import import_registry  # noqa: E402
from field_api.registry.queries import premises_in_polygon_count  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def build(engine, accounts: int, reset: bool) -> float:
    def run():
        with engine.begin() as conn:
            build_demo_town(conn, accounts=accounts, seed=7, reset=reset, progress=False)
    seconds, _ = timed(run)
    analyze(engine)
    return seconds


def polygon_query(engine, repeats: int = 5) -> tuple[float, int, str]:
    """Median time to fetch the premises of the sector with the most premises."""
    with Session(engine) as session:
        sector_id = session.execute(
            select(Premise.sector_id).group_by(Premise.sector_id)
            .order_by(func.count().desc()).limit(1)).scalar()
        sector = session.get(Sector, sector_id)
        polygon = shape(to_geojson(sector.geom))
        # What a verification walk or a map needs: every premise in the polygon, id and lon/lat.
        where = intersects(Premise.geom, "premise", Premise.id, polygon, engine.dialect.name)
        query = select(Premise.id, func.ST_X(Premise.geom), func.ST_Y(Premise.geom)).where(where)
        times, count = [], 0
        for _ in range(repeats):
            seconds, rows = timed(lambda: session.execute(query).all())
            times.append(seconds)
            count = len(rows)
        if count != premises_in_polygon_count(session, polygon):
            raise SystemExit("polygon query and count disagree")
        return statistics.median(times), count, sector.name


def import_csv(engine, csv_path: Path) -> tuple[float, str]:
    def run():
        with engine.begin() as conn:
            return import_registry(conn, str(csv_path), progress=False)
    seconds, report = timed(run)
    if report.errors:
        raise SystemExit(f"import reported errors: {report.describe()}")
    return seconds, report


def account_count(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Account))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="spatialite,postgis")
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    add_database_option(parser, "cuadrilla_bench")
    args = parser.parse_args()

    print(f"Machine: {describe()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cuadrilla-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "registry.csv"
        write_registry_csv(csv_path, rows=args.import_rows, seed=11)
        for backend in args.backends.split(","):
            engine = fresh_engine(backend, workdir, args.database)
            small = build(engine, args.small, reset=False)
            rows.append((backend, f"demo town, {args.small:,} accounts", f"{small:.1f} s"))
            large = build(engine, args.large, reset=True)
            rows.append((backend, f"demo town, {args.large:,} accounts", f"{large:.1f} s"))
            query, count, name = polygon_query(engine)
            rows.append((backend, f"sector-polygon premise query, id+lon/lat ({name}: {count:,} premises) "
                                  f"at {args.large:,} accounts, median of 5", f"{query * 1000:.0f} ms"))
            first, report = import_csv(engine, csv_path)
            rows.append((backend, f"import {args.import_rows:,}-row CSV into {args.large:,} accounts",
                         f"{first:.1f} s"))
            again, _ = import_csv(engine, csv_path)
            rows.append((backend, f"re-import the same {args.import_rows:,} rows (no changes)",
                         f"{again:.1f} s"))
            rows.append((backend, "accounts after import", f"{account_count(engine):,}"))
            engine.dispose()
            print(f"  {backend} done", file=sys.stderr)

    width = max(len(r[1]) for r in rows)
    print(f"\n{'backend':<11} {'measure':<{width}}  result")
    for backend, measure, result in rows:
        print(f"{backend:<11} {measure:<{width}}  {result}")


if __name__ == "__main__":
    main()
