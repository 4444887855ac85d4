"""Work-list benchmark: cut candidates and a notice campaign on a large demo town (PostGIS by default).

    .venv/bin/python bench/worklists.py                        # 1M accounts on PostGIS
    .venv/bin/python bench/worklists.py --accounts 100000 --backend spatialite

Builds the demo town in the scratch database `cuadrilla_bench_work`, then times, on the same data:
the cut-warning campaign (preview and commit), and after marking those warnings served five days
earlier, the cut list (preview and commit). Previews are the median of three runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as clock, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

from sqlalchemy import func, select, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.databases import add_database_option, analyze, fresh_engine  # noqa: E402
from bench.machine import describe  # noqa: E402
from field_api.models import Account, WorkItem  # noqa: E402
from field_api.registry.demo import build_demo_town  # noqa: E402
from field_api.work import cuts, notices  # noqa: E402
from field_api.work.areas import AreaFilter  # noqa: E402
from field_api.work.policy import get_policy  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_preview(engine, make) -> tuple[float, object]:
    runs = []
    for _ in range(3):
        with Session(engine) as session:
            seconds, result = timed(lambda: make(session, False))
            session.rollback()
        runs.append(seconds)
    return statistics.median(runs), result


def commit(engine, make) -> tuple[float, object]:
    with Session(engine) as session:
        seconds, result = timed(lambda: make(session, True))
        session.commit()
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--backend", default="postgis", choices=("postgis", "spatialite"))
    add_database_option(parser, "cuadrilla_bench_work")
    args = parser.parse_args()
    print(f"Machine: {describe()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cuadrilla-bench-") as tmp:
        engine = fresh_engine(args.backend, Path(tmp), args.database)
        seconds, _ = timed(lambda: _build(engine, args.accounts))
        analyze(engine)
        rows.append(("build demo town (setup, not a target)", f"{seconds:.1f} s", f"{args.accounts:,} accounts"))
        today = date.today()

        def campaign(session, do_commit):
            return notices.notice_campaign(session, get_policy(session), AreaFilter(), today, do_commit, "bench",
                                           stage="cut_warning")

        def cut_list(session, do_commit):
            return cuts.cut_candidates(session, get_policy(session), AreaFilter(), today, do_commit, "bench",
                                       tz=ZoneInfo("America/Hermosillo"))

        seconds, result = median_preview(engine, campaign)
        rows.append(("notice campaign (cut warning), preview", f"{seconds:.2f} s", f"{result.selected:,} selected"))
        seconds, result = commit(engine, campaign)
        rows.append(("notice campaign (cut warning), commit", f"{seconds:.2f} s", f"{len(result.created_ids):,} created"))
        _serve_warnings(engine, today - timedelta(days=5))
        analyze(engine)
        seconds, result = median_preview(engine, cut_list)
        excluded = ", ".join(f"{k} {v:,}" for k, v in result.excluded.items() if v)
        rows.append(("cut candidates, preview", f"{seconds:.2f} s", f"{result.selected:,} selected; {excluded}"))
        seconds, result = commit(engine, cut_list)
        rows.append(("cut candidates, commit", f"{seconds:.2f} s", f"{len(result.created_ids):,} created"))
        with Session(engine) as session:
            total = session.scalar(select(func.count()).select_from(Account))
        engine.dispose()
    print(f"\nBackend: {args.backend}, {total:,} accounts")
    width = max(len(r[0]) for r in rows)
    for measure, result, note in rows:
        print(f"{measure:<{width}}  {result:>9}  {note}")


def _build(engine, accounts: int) -> None:
    with engine.begin() as conn:
        build_demo_town(conn, accounts=accounts, seed=7, reset=False, progress=False)


def _serve_warnings(engine, served_on: date) -> None:
    """As if the notifiers had served every warning of the campaign five days ago."""
    served_at = datetime.combine(served_on, clock(11), timezone.utc)
    with engine.begin() as conn:
        conn.execute(update(WorkItem).where(WorkItem.type == "notice", WorkItem.subtype == "cut_warning")
                     .values(status="done", served_at=served_at, open_key=None))


if __name__ == "__main__":
    main()
