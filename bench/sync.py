"""Offline sync benchmark on PostGIS (issue 5): merge throughput, package size, 50 devices at once.

    .venv/bin/python bench/sync.py                 # 250 crews x 40 records, 50 devices over HTTP
    .venv/bin/python bench/sync.py --crews 25 --devices 10  # a quick run

The merge runs over different crews: the first day on a new database, one upload after another;
then, with statistics as autovacuum keeps them, the next day one after another, in --rounds rounds
(the VM's speed drifts from one minute to the next, so their median is the figure); and again with as
many worker processes as the gunicorn server below has workers, as they take an end-of-day rush. Each
pass is followed by its baseline: the rows it added, inserted again plainly (see `plain_inserts`).

Uses the scratch database `cuadrilla_bench_sync` (dropped and created anew) and serves the app with
gunicorn on 127.0.0.1 only. Every loop is bounded in count and time; the server is stopped at the end.
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import add_database_option, analyze, fresh_engine  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.sync_data import DAY, MORNING, records_of, seed, signature_image, token_of  # noqa: E402
from field_api.models import BatchDelivery, DeviceContact, FieldRecord, Photo, WorkItem  # noqa: E402
from field_api.sync_service.package import build_package, gzipped  # noqa: E402
from field_api.sync_service.upload import process_upload  # noqa: E402
from schemas.sync import UploadSchema  # noqa: E402

TZ = "America/Hermosillo"
DB = "cuadrilla_bench_sync"
DEADLINE_S = 600


_UPLOAD_SCHEMA = UploadSchema()  # one instance, as the route's
_POOL_JOB: dict = {}  # what forked merge workers inherit: the database URL and the uploads


def _worker_init() -> None:
    from field_api.db import make_engine

    _POOL_JOB["maker"] = sessionmaker(make_engine(_POOL_JOB["url"]), expire_on_commit=False)


def _worker_ready(_: int) -> int:
    with _POOL_JOB["maker"]() as session:  # connect before the clock starts
        session.execute(text("SELECT 1"))
    return os.getpid()


def _merge_one(k: int, maker=None) -> dict[str, int]:
    """One crew's end-of-day upload, as the route handles it: validate the body, merge, commit."""
    job = _POOL_JOB
    body = _UPLOAD_SCHEMA.load({"sent_at": job["sent"], "records": job["uploads"][k]})
    with (maker or job["maker"])() as session:
        # Received on the evening of the bench's day, so the device clocks are right: with today's
        # clock as the receipt time, every record would look days off and every notice out of hours.
        result = process_upload(session, job["devices"][k], job["crews"][k], body["sent_at"], body["records"], TZ,
                                received_at=body["sent_at"] + timedelta(seconds=2))
        session.commit()
    statuses: dict[str, int] = {}
    for r in result["results"]:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return statuses


def merge_pass(engine, data, crews: range, stops: int, workers: int) -> dict:
    """Merge the end-of-day uploads of `crews`, one transaction per upload, with `workers` processes at
    once (1: in this process, one after another). Returns the timing and the rows each table gained."""
    uploads = {k: records_of(k, data["items"][k], k * stops, data["rows"], random.Random(11 + k)) for k in crews}
    _POOL_JOB.clear()
    _POOL_JOB.update(url=engine.url.render_as_string(hide_password=False), uploads=uploads, devices=data["devices"],
                     crews=data["crews"], sent=(MORNING + timedelta(hours=9)).isoformat())
    before = _max_ids(engine)
    statuses: dict[str, int] = {}
    if workers == 1:
        maker = sessionmaker(engine, expire_on_commit=False)
        started = time.perf_counter()
        for k in crews:
            for status, n in _merge_one(k, maker).items():
                statuses[status] = statuses.get(status, 0) + n
        merge_s = time.perf_counter() - started
    else:
        engine.dispose()  # no pooled connection crosses the fork
        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
            pool.map(_worker_ready, range(workers), chunksize=1)
            started = time.perf_counter()
            for part in pool.imap_unordered(_merge_one, crews, chunksize=1):
                for status, n in part.items():
                    statuses[status] = statuses.get(status, 0) + n
            merge_s = time.perf_counter() - started
    return {"records": sum(len(u) for u in uploads.values()), "merge_s": merge_s, "statuses": statuses,
            "before": before, "workers": workers}


def plain_inserts(engine, before: dict[str, int], tables: tuple[str, ...]) -> dict:
    """The baseline: the rows a merge pass added to `tables` (read back after it), inserted again
    with one plain executemany per table into a copy of each table with its indexes and defaults but
    not its foreign keys and checks, in one transaction. Nothing is read, decided or updated. Timed
    PLAIN_RUNS times into emptied copies; the median counts."""
    import sqlalchemy as sa

    metadata, batches = sa.MetaData(), []
    with engine.begin() as conn:
        for name in tables:
            table = FieldRecord.metadata.tables[name]
            rows = [dict(r._mapping) for r in conn.execute(select(table).where(table.c.id > before[name])
                                                           .order_by(table.c.id))]
            if not rows:
                continue
            for row in rows:
                row.pop("id")
            conn.execute(text(f"CREATE TABLE bench_plain_{name} (LIKE {name} INCLUDING DEFAULTS INCLUDING INDEXES)"))
            batches.append((table.to_metadata(metadata, name=f"bench_plain_{name}"), rows))
    times = []
    for _ in range(PLAIN_RUNS):  # its median: one run of a second or two varies a lot on a shared VM
        started = time.perf_counter()
        with engine.begin() as conn:  # a plain executemany: faster here than one unnest of 10,000 rows
            for plain, rows in batches:
                conn.execute(plain.insert(), rows)
        times.append(time.perf_counter() - started)
        with engine.begin() as conn:
            for plain, _ in batches:
                conn.execute(text(f"TRUNCATE {plain.name}"))
    with engine.begin() as conn:
        for plain, _ in batches:
            conn.execute(text(f"DROP TABLE {plain.name}"))
    return {"rows": sum(len(rows) for _, rows in batches), "plain_s": sorted(times)[len(times) // 2],
            "runs": times}


PLAIN_RUNS = 3


def rows_written(engine, before: dict[str, int]) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: n for t in WRITTEN_TABLES if (n := conn.scalar(text(f"SELECT count(*) FROM {t} WHERE id > :b"),
                                                                   {"b": before[t]}))}


WRITTEN_TABLES = ("sync_upload", "field_record", "field_record_variant", "record_photo", "field_reading", "reading",
                  "notice_act", "pending_registration", "office_alert", "review_item", "work_item", "work_event",
                  "change_log")


def _max_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {t}")) for t in WRITTEN_TABLES}


def package_phase(engine, data, crew_index: int, stops: int) -> dict:
    with sessionmaker(engine)() as session:
        package = build_package(session, data["devices"][crew_index], data["crews"][crew_index], DAY,
                                MORNING - timedelta(hours=1))
        session.rollback()  # leave the items as they were for the HTTP phase
    body = gzipped(package)
    raw = json.dumps(package, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return {"stops": sum(len(b["stops"]) for b in package["batches"]), "gzip_bytes": len(body), "raw_bytes": len(raw)}


class Server:
    """gunicorn serving the app on a free loopback port; stopped by its own pid."""

    def __init__(self, url: str, workers: int, photo_dir: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "CUADRILLA_DATABASE_URL": url, "CUADRILLA_PHOTO_DIR": photo_dir}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--log-level", "warning", "field_api:create_app()"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        for _ in range(120):
            try:
                urllib.request.urlopen(self.base + "/health", timeout=5)
                return
            except OSError:  # refused, reset or timed out while the workers boot
                time.sleep(0.25)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def call(base, token, method, path, body=None, headers=None, latencies=None, kind=""):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    h = {"Authorization": f"Bearer {token}", **({"Content-Type": "application/json"} if body and not
                                                isinstance(body, bytes) else {}), **(headers or {})}
    request = urllib.request.Request(base + path, data=data, method=method, headers=h)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload, encoding = response.status, response.read(), response.headers.get("Content-Encoding")
    except urllib.error.HTTPError as err:
        status, payload, encoding = err.code, err.read(), None
    latencies.append((kind, time.perf_counter() - started, status))
    if encoding == "gzip":
        payload = gzip.decompress(payload)
    return status, (json.loads(payload) if payload else None)


def device_day(base, index: int, item_ids, first_item: int, rows, latencies, outcome: dict, lock) -> None:
    token = token_of(index)
    rng = random.Random(1000 + index)
    status, package = call(base, token, "GET", f"/sync/package?date={DAY.isoformat()}", latencies=latencies,
                           kind="package")
    assert status == 200 and package["batches"], status
    call(base, token, "GET", "/sync/changes?since=0", latencies=latencies, kind="changes")
    records = records_of(index, item_ids, first_item, rows, rng)
    sent = (MORNING + timedelta(hours=9)).isoformat()
    replies = []
    for part in (records[: len(records) // 2], records[len(records) // 2:]):
        status, reply = call(base, token, "POST", "/sync/uploads", {"sent_at": sent, "records": part},
                             latencies=latencies, kind="upload")
        assert status == 200, (status, reply)
        replies += reply["results"]
    status, resend = call(base, token, "POST", "/sync/uploads", {"sent_at": sent, "records": records[:5]},
                          latencies=latencies, kind="upload")  # a reply that was lost: sent again
    missing = resend["missing_photos"]
    for photo in missing:  # each photo in two halves, as on a flaky network
        image = next(signature_image(first_item + k) for k, r in enumerate(records)
                     if r.get("photos") and r["photos"][0]["sha256"] == photo["sha256"])
        half = len(image) // 2
        for start, chunk in ((0, image[:half]), (half, image[half:])):
            call(base, token, "PUT", f"/sync/photos/{photo['sha256']}", chunk, latencies=latencies, kind="photo",
                 headers={"Content-Type": "image/jpeg",
                          "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{len(image)}"})
    with lock:
        outcome["sent"] += len(records)
        outcome["uuids"] |= {r["client_uuid"] for r in records}
        outcome["duplicates"] += sum(r["status"] == "duplicate" for r in resend["results"])
        outcome["photos"] += len(missing)
        for r in replies:
            outcome["statuses"][r["status"]] = outcome["statuses"].get(r["status"], 0) + 1


def http_phase(engine, data, first_crew: int, devices: int, stops: int, workers: int) -> dict:
    url = engine.url.render_as_string(hide_password=False)
    latencies: list = []
    outcome = {"sent": 0, "uuids": set(), "duplicates": 0, "photos": 0, "statuses": {}}
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="cuadrilla-bench-photos-") as photo_dir:
        server = Server(url, workers, photo_dir)
        errors = []
        try:
            def run(k):
                try:
                    idx = first_crew + k
                    device_day(server.base, idx, data["items"][idx], idx * stops, data["rows"], latencies, outcome,
                               lock)
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(repr(exc))
            threads = [threading.Thread(target=run, args=(k,)) for k in range(devices)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=max(1.0, DEADLINE_S - (time.perf_counter() - started)))
            wall = time.perf_counter() - started
        finally:
            server.stop()
    device_ids = [data["devices"][first_crew + k] for k in range(devices)]
    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(FieldRecord).where(FieldRecord.device_id.in_(device_ids)))
        distinct = conn.scalar(select(func.count(func.distinct(FieldRecord.client_uuid))).where(
            FieldRecord.device_id.in_(device_ids)))
        present = set(conn.scalars(select(FieldRecord.client_uuid).where(FieldRecord.device_id.in_(device_ids))))
        photos_stored = conn.scalar(select(func.count()).select_from(Photo).where(Photo.device_id.in_(device_ids)))
        open_items = conn.scalar(select(func.count()).select_from(WorkItem).where(
            WorkItem.id.in_([i for k in range(devices) for i in data["items"][first_crew + k]]),
            WorkItem.status == "dispatched"))
        heard = conn.scalar(select(func.count()).select_from(DeviceContact).where(
            DeviceContact.device_id.in_(device_ids)))
        delivered = conn.scalar(select(func.count(func.distinct(BatchDelivery.device_id))).where(
            BatchDelivery.device_id.in_(device_ids)))
    return {"wall_s": wall, "latencies": latencies, "errors": errors, "stored": stored, "distinct": distinct,
            "lost": len(outcome["uuids"] - present), "photos_stored": photos_stored, "open_items": open_items,
            "heard": heard, "delivered": delivered, **outcome}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crews", type=int, default=250, help="crews in the end-of-day merge (40 records each)")
    parser.add_argument("--devices", type=int, default=50, help="devices syncing at once over HTTP")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--merge-workers", type=int, default=None,
                        help="processes in the third merge pass (default: as many as gunicorn workers); "
                             "the first two merge one upload after another")
    parser.add_argument("--rounds", type=int, default=3,
                        help="next-day merges one after another, each timed against its own plain insert")
    add_database_option(parser, DB)
    args = parser.parse_args()
    args.merge_workers = args.merge_workers or args.workers
    stops = 40
    print(f"Machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        engine = fresh_engine("postgis", Path(tmp), args.database)
    t0 = time.perf_counter()
    merging = args.crews * (1 + args.rounds + (args.merge_workers > 1))
    data = seed(engine, merging + args.devices, stops)
    analyze(engine)  # statistics of the seeded registry, as autovacuum would have them after an import
    print(f"Seeded {merging + args.devices} crews x {stops} dispatched items in {time.perf_counter() - t0:.1f} s")

    pkg = package_phase(engine, data, merging, stops)
    print(f"Package: {pkg['stops']} stops, {pkg['gzip_bytes']:,} bytes gzipped ({pkg['raw_bytes']:,} raw) = "
          f"{pkg['gzip_bytes'] / pkg['stops']:.0f} bytes/stop (target <= 600)")

    workers, c = args.merge_workers, args.crews
    passes = [(1, "the first day on a new database, one after another")]
    passes += [(1, f"the next day, one after another, round {r + 1} of {args.rounds}") for r in range(args.rounds)]
    if workers > 1:
        passes.append((workers, f"the next day, {workers} worker processes at once"))
    runs = []
    for n, (procs, label) in enumerate(passes):
        m = merge_pass(engine, data, range(n * c, (n + 1) * c), stops, procs)
        # Its own rows, inserted plainly right after it: the same rows, in the same spell of the VM.
        m.update(label=label, same=plain_inserts(engine, m["before"], WRITTEN_TABLES),
                 strict=plain_inserts(engine, m["before"], ("field_record",)), written=rows_written(engine, m["before"]))
        runs.append(m)
        if n == 0:
            analyze(engine)  # as autovacuum has them a minute later: statistics that know the day's records
            engine.dispose()  # and connections that have not planned anything yet
        rate, same, strict = m["records"] / m["merge_s"], m["same"], m["strict"]
        print(f"Merge: {m['records']:,} mixed records in {args.crews} uploads (one transaction each; {label}): "
              f"{m['merge_s']:.2f} s = {rate:,.0f} records/s (target >= 1,000); statuses {m['statuses']}")
        print(f"  ratio to a plain bulk INSERT of the same records' rows: {same['plain_s'] / m['merge_s']:.3f} "
              f"(target >= 0.25; {same['rows']:,} rows in {same['plain_s']:.2f} s); to the {strict['rows']:,} "
              f"field_record rows alone: {strict['plain_s'] / m['merge_s']:.3f} ({strict['plain_s']:.2f} s)")
    rounds = runs[1:1 + args.rounds]
    print(f"Next day, one after another, {len(rounds)} rounds: median {median(r['records'] / r['merge_s'] for r in rounds):,.0f} "
          f"records/s; ratio median {median(r['same']['plain_s'] / r['merge_s'] for r in rounds):.3f} "
          f"(to the field_record rows alone {median(r['strict']['plain_s'] / r['merge_s'] for r in rounds):.3f})")
    print(f"Plain bulk INSERT: one executemany per table into copies with indexes but no foreign keys, in one "
          f"transaction, of the rows the merge pass just before added; each the median of {PLAIN_RUNS} runs")
    written = runs[1]["written"]
    rows = sum(written.values())
    print(f"  the next day's merge added {rows:,} rows ({rows / runs[1]['records']:.1f} per record; updates not "
          f"counted): " + ", ".join(f"{t} {n:,}" for t, n in sorted(written.items(), key=lambda kv: -kv[1])))

    h = http_phase(engine, data, merging, args.devices, stops, args.workers)
    ok = [lat for _, lat, status in h["latencies"] if status < 500]
    uploads = [lat for kind, lat, _ in h["latencies"] if kind == "upload"]
    fivexx = sum(status >= 500 for _, _, status in h["latencies"])
    print(f"HTTP: {args.devices} devices at once against gunicorn ({args.workers} workers) on 127.0.0.1: "
          f"{len(h['latencies'])} requests in {h['wall_s']:.1f} s, {fivexx} 5xx, errors {h['errors'][:3]}")
    print(f"  latency all requests p50 {pct(ok, 50):.0f} ms, p95 {pct(ok, 95):.0f} ms; "
          f"uploads p50 {pct(uploads, 50):.0f} ms, p95 {pct(uploads, 95):.0f} ms")
    print(f"  records sent {h['sent']:,} ({len(h['uuids']):,} UUIDs), stored {h['stored']:,}, distinct "
          f"{h['distinct']:,}, lost {h['lost']}, duplicates answered on resend {h['duplicates']}; statuses "
          f"{h['statuses']}; photos expected {h['photos']}, stored {h['photos_stored']}, items left open {h['open_items']}")
    print(f"  devices heard from {h['heard']} of {args.devices}, sent their batch {h['delivered']} of {args.devices}")
    assert h["stored"] == h["distinct"] == len(h["uuids"]) and h["lost"] == 0, "records lost or duplicated"
    engine.dispose()


if __name__ == "__main__":
    main()
