"""Data for bench/reports.py: a year of a mid-size utility's field work, on the demo town.

On top of `build_demo_town` (sectors, premises, accounts, balances, crews and their members) it
writes what a year of the office's days leaves behind, with the sizes of DESIGN.md's productivity:
- a published plan for every working day (Monday to Friday), with one route, its stops and a batch
  per notifier, cut and inspection crew (readers read meters, not work items): 40-45 notices,
  20-30 cuts and reconnections, 8-15 inspections and verification walks a day;
- the work items those batches carry, created by the generators one to five days before, with the
  events the services write: created, reassigned to the crew and planned at publish, dispatched at
  08:00, served, then done or failed at the upload that reports it, or cancelled by a payment;
  some items moved to another crew at noon, some left for the next day's batch, summons follow-ups
  planned on the next day, and urgent reconnections raised in the field, never on a batch;
- a field record per visit from a device of the crew (a midday and an evening upload per device,
  some of them the next morning; a few rejected), with the sync uploads they came in;
- a cutter moved to another cut crew in spring, and two notifiers who swap crews late in summer
  (the reports count a record for the crew its sender was in that day);
- the billing feed's payments (most accounts pay each month, those in arrears now and then) with
  their change-log lines, and the change-log lines of done cuts.

Rows are appended in time order, as the service writes them, and loaded with COPY (Core executemany
on SpatiaLite).
"""
from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from operator import itemgetter
from zoneinfo import ZoneInfo

from psycopg import sql
from sqlalchemy import JSON, select, text

from field_api.db import advance_id_sequences
from field_api.models import Account, Balance, Base, Crew, CrewMember, Premise
from field_api.registry.demo import DEMO_AS_OF, build_demo_town
from field_api.registry.demo_names import CREW_KINDS

HMO = ZoneInfo("America/Hermosillo")
LAST_DAY = DEMO_AS_OF - timedelta(days=1)  # the year of work ends the day before the town's as-of date
NO_ITEM = 99_999_999  # what a rejected record names: a work item that does not exist
# Per crew skill: the work it is sent (type, subtype, weight) and its stops a day.
WORK = {
    "notifier": ([("notice", "reminder", 4), ("notice", "payment_demand", 3), ("notice", "cut_warning", 3)], (40, 45)),
    "cut": ([("cut", "restrict", 7), ("cut", "suspend", 1), ("reconnection", "restore", 2)], (20, 30)),
    "inspector": ([("inspection", "requested", 3), ("inspection", "zero_consumption", 2),
                   ("inspection", "consumption_drop", 2), ("inspection", "illegal_connection", 1),
                   ("verification", "walk", 2)], (8, 15)),
}
SKILL_OF = {"notice": "notifier", "cut": "cut", "reconnection": "cut", "inspection": "inspector",
            "verification": "inspector"}
LABELS = {label: skill for skill, (label, *_rest) in CREW_KINDS.items()}
OUTCOMES = {"notice": (("served_in_person", "done", 5), ("posted_refused", "done", 2), ("summons_left", "done", 2),
                       ("address_not_found", "failed", 1)),
            "cut": (("restricted", "done", 7), ("suspended", "done", 1), ("no_access", "failed", 2)),
            "reconnection": (("done", "done", 9), ("no_access", "failed", 1)),
            "inspection": (("inspected", "done", 8), ("no_access", "failed", 2)),
            "verification": (("verified", "done", 9), ("no_access", "failed", 1))}
COPY_ORDER = ("device", "crew_member", "dispatch_plan", "plan_route", "work_item", "plan_stop", "batch",
              "work_event", "sync_upload", "field_record", "payment", "change_log")


def local(day: date, minutes: float) -> datetime:
    """`minutes` after local midnight of `day`, in UTC as the server keeps it."""
    return (datetime.combine(day, time(0), HMO) + timedelta(minutes=minutes)).astimezone(timezone.utc)


def working_days(last: date, days: int) -> list[date]:
    return [d for d in (last - timedelta(days=k) for k in range(days - 1, -1, -1)) if d.weekday() < 5]


def _pick(rng: random.Random, weighted):
    total = sum(w for *_, w in weighted)
    r = rng.random() * total
    for entry in weighted:
        r -= entry[-1]
        if r < 0:
            return entry
    return weighted[-1]


class Year:
    """Builds every row in memory, in the order the service would have written them."""

    def __init__(self, conn, days: int, seed: int):
        self.rng = random.Random(seed)
        self.now = datetime.now(timezone.utc)
        self.days = working_days(LAST_DAY, days)
        self.rows: dict[str, list] = defaultdict(list)
        self.ids: dict[str, int] = defaultdict(int)
        premise_of = dict(conn.execute(select(Account.id, Account.premise_id)).all())
        self.premise_of = premise_of
        balances = dict(conn.execute(select(Balance.account_id, Balance.amount_owed_cents)).all())
        self.owed = balances
        self.arrears = sorted(a for a, cents in balances.items() if cents > 0)
        self.accounts = sorted(premise_of)
        self.premises = conn.scalars(select(Premise.id).order_by(Premise.id)).all()
        crews = conn.execute(select(Crew.id, Crew.name).order_by(Crew.id)).all()
        self.skill = {c: LABELS[name.rsplit(" ", 1)[0]] for c, name in crews}
        self.crews = [c for c, _ in crews if self.skill[c] in WORK]
        members = conn.execute(select(CrewMember.id, CrewMember.crew_id).order_by(CrewMember.id)).all()
        self.members = members
        # member -> [(from day, crew)], the crew they were in from that day on
        self.timeline = {m: [(date.min, c)] for m, c in members}
        self.items: dict[int, list] = {}
        self.uploads: dict[tuple, list] = {}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # --- crews and devices ---------------------------------------------------------------------

    def devices_and_moves(self) -> None:
        for m, _ in self.members:  # one phone per member; its id is the member's
            self.rows["device"].append((m, m, f"Teléfono {m}", None, self.now, None, 1, self.now, self.now))
        by_skill = defaultdict(list)
        for m, c in self.members:
            by_skill[self.skill[c]].append((m, c))
        moves = []
        cutters = by_skill["cut"]
        movable = [(m, c) for m, c in cutters if sum(1 for _, k in cutters if k == c) > 1]
        if movable and len({c for _, c in cutters}) > 1:  # a cutter joins another cut crew in spring
            m, c = movable[0]
            moves.append((m, c, next(k for _, k in cutters if k != c), self.days[len(self.days) // 3]))
        notifiers = by_skill["notifier"]
        if len(notifiers) > 1:  # two notifiers swap crews late in the summer
            (m1, c1), (m2, c2) = notifiers[0], notifiers[1]
            day = self.days[2 * len(self.days) // 3]
            moves += [(m1, c1, c2, day), (m2, c2, c1, day)]
        for m, old, new, day in moves:
            self.timeline[m].append((day, new))
            at = local(day - timedelta(days=1), 17 * 60)  # the office moves them the evening before
            self.rows["change_log"].append((at, "crew_member", m, "crew_id", str(old), str(new),
                                            len(self.timeline[m]), "office", "supervisor1"))
            self.rows["crew_member_now"].append((m, new))

    def crew_of(self, member: int, day: date) -> int:
        return [c for since, c in self.timeline[member] if since <= day][-1]

    def phones(self, day: date) -> dict[int, list[int]]:
        out = defaultdict(list)
        for m, _ in self.members:
            out[self.crew_of(m, day)].append(m)
        return out

    # --- work items and events -----------------------------------------------------------------

    def new_item(self, type_: str, subtype: str, created_at: datetime, crew: int | None, actor: str,
                 source: int | None = None, record: str | None = None) -> int:
        """An item the generators made, or (`source`) one the sync raised for a record about `source`."""
        rng, details = self.rng, {"type": type_, "subtype": subtype}
        if source is not None:
            account, premise, value = self.items[source][3:6]
            details.update(urgent=type_ == "reconnection", source_work_item_id=source, client_uuid=record)
        elif type_ == "verification":
            account, premise, value = None, rng.choice(self.premises), 50.0
        elif type_ == "inspection":
            account = rng.choice(self.accounts)
            premise, value = self.premise_of[account], 200.0
        else:
            account = rng.choice(self.arrears)
            premise = self.premise_of[account]
            value = round(self.owed[account] / 100 * rng.uniform(0.8, 1.2), 2) if type_ != "reconnection" else 0.0
        i = self.next_id("work_item")
        # id, type, subtype, account, premise, value, status, crew, served_at, created_at, updated_at
        self.items[i] = [i, type_, subtype, account, premise, value, "pending", crew, None, created_at, created_at]
        self.event(created_at, i, "created", actor, "generación" if crew is None else "sync", crew, details)
        return i

    def event(self, at: datetime, item: int, kind: str, actor: str, reason: str | None, crew: int | None,
              details: dict | None) -> None:
        self.rows["work_event"].append((at, item, kind, actor, reason, crew, json.dumps(details) if details else None))

    def status(self, at: datetime, item: int, status: str, actor: str, reason: str | None, **details) -> None:
        row = self.items[item]
        kind = "cancelled" if status == "cancelled" else "status_changed"
        self.event(at, item, kind, actor, reason, row[7], {"previous": row[6], "status": status, **details})
        row[6], row[10] = status, at

    def reassign(self, at: datetime, item: int, crew: int, actor: str, reason: str) -> None:
        row = self.items[item]
        before = row[7]
        details = {"from_crew": before, "to_crew": crew}
        if before is not None:
            self.event(at, item, "reassigned", actor, reason, before, details)
        row[7], row[10] = crew, at
        self.event(at, item, "reassigned", actor, reason, crew, details)

    # --- one working day -----------------------------------------------------------------------

    def day(self, d: date, nxt: date | None, queue: dict, urgent: dict) -> None:
        rng, last = self.rng, nxt is None
        plan = self.next_id("dispatch_plan")
        published = local(d - timedelta(days=1), 18 * 60 + 30)
        self.rows["dispatch_plan"].append((plan, d, "published", 5.0, 300.0, "despachador1", published, None,
                                           "{}", 1, published - timedelta(minutes=20), published))
        phones = self.phones(d)
        crews = [c for c in self.crews if phones.get(c)]
        finished: list[tuple] = []  # (crew, item, minute of the visit, outcome, status)
        for c in crews:
            kinds, (low, high) = WORK[self.skill[c]]
            n = rng.randint(low, high)
            stops, queue[c] = queue[c][:n], queue[c][n:]
            for _ in range(n - len(stops)):
                type_, subtype, _ = _pick(rng, kinds)
                made = local(d - timedelta(days=rng.randint(1, 5)), 7 * 60 + 30 + rng.random() * 60)
                stops.append(self.new_item(type_, subtype, made, None, "generacion"))
            route = self.next_id("plan_route")
            start = local(d, 8 * 60)
            self.rows["plan_route"].append((route, plan, c, _LINE, start, start + timedelta(hours=8), 18000,
                                            5400, float(n * 900)))
            self.rows["batch"].append((self.next_id("batch"), route, c, d, published, None))
            span = 480 / n
            for seq, item in enumerate(stops, 1):
                eta = start + timedelta(minutes=seq * span)
                self.rows["plan_stop"].append((self.next_id("plan_stop"), route, item, seq, eta, eta,
                                               eta + timedelta(minutes=span * 0.6)))
                row = self.items[item]
                if row[7] != c:
                    self.reassign(published, item, c, "despachador1", f"plan {plan}")
                if row[6] == "pending":
                    self.status(published, item, "planned", "despachador1", f"plan {plan}")
                if row[6] == "planned":
                    self.status(local(d, 8 * 60 - 10 + rng.random() * 20), item, "dispatched", f"device:{c}",
                                "entregado al dispositivo")
                finished.append(self.visit(c, item, d, 8 * 60 + seq * span, last, queue))
            for item, minute in urgent.pop(c, ()):  # raised in the field yesterday, on no batch
                for status in ("planned", "dispatched"):  # taken in the morning's download
                    self.status(local(d, 8 * 60 - 5), item, status, f"device:{c}", "entregado al dispositivo")
                finished.append((c, item, minute, "done", "done"))
        self.field_day(d, nxt, [f for f in finished if f is not None], phones, queue, urgent)

    def visit(self, c: int, item: int, d: date, minute: float, last: bool, queue: dict):
        """What became of a stop: called off, moved, left for tomorrow, or visited (returned)."""
        rng, row = self.rng, self.items[item]
        type_ = row[1]
        if last and minute > 14 * 60:
            return None  # the afternoon of the report's day: not reached yet
        r = rng.random()
        if type_ in ("notice", "cut") and r < 0.06:  # the account paid: the payment calls it off
            self.status(local(d, 8 * 60 + rng.random() * 420), item, "cancelled", "pagos",
                        "Pagado: referencia del banco")
            if type_ == "cut" and rng.random() < 0.1:  # the offline crew had already cut: recorded as done
                return (c, item, minute, "restricted", None)
            return None
        if r < 0.08 and len(others := [k for k in self.crews if self.skill[k] == self.skill[c] and k != c]) > 0:
            self.reassign(local(d, 12 * 60), item, rng.choice(others), "despachador1", "Apoyo a otra cuadrilla")
            return (row[7], item, 17 * 60, *self.outcome(type_))
        if r < 0.12 and not last:
            queue[c].append(item)  # not reached: first on tomorrow's batch
            return None
        return (c, item, minute, *self.outcome(type_))

    def outcome(self, type_: str) -> tuple[str, str]:
        outcome, status, _ = _pick(self.rng, OUTCOMES[type_])
        return outcome, status

    def field_day(self, d: date, nxt: date | None, finished: list, phones: dict, queue: dict, urgent: dict) -> None:
        """The records of the day's visits, in a midday and an evening upload per device."""
        rng = self.rng
        noon = {m: 13 * 60 + rng.random() * 60 for ms in phones.values() for m in ms}
        evening = {m: 17 * 60 + rng.random() * 90 for ms in phones.values() for m in ms}
        late = {m for m in evening if nxt is not None and rng.random() < 0.03}
        carried = {c: self.rng.choice(ms) for c, ms in phones.items()}
        for c, item, minute, outcome, status in finished:
            m = carried[c] if self.skill[c] != "cut" else rng.choice(phones[c])
            if minute < noon[m]:
                received = local(d, noon[m])
            elif m in late:
                received = local(d + timedelta(days=1), 7 * 60 + 40)
            else:
                received = local(d, max(evening[m], minute + 5))
            record = self.record(m, d, received, item, outcome, minute, "accepted")
            row = self.items[item]
            if status is not None and row[6] not in ("done", "failed", "cancelled"):
                if row[1] == "notice" and status == "done" and outcome != "summons_left":
                    row[8] = local(d, minute)
                    self.event(received, item, "served", f"device:{m}", None, row[7],
                               {"served_at": row[8].isoformat(), "client_uuid": record, "device_id": m})
                self.status(received, item, status, f"device:{m}", f"resultado: {outcome}", client_uuid=record,
                            device_id=m)
                if outcome == "summons_left" and nxt is not None:  # the follow-up, planned tomorrow
                    queue[c].insert(0, self.new_item("notice", "summons_followup", received, c, "sync", item, record))
            elif status is None and nxt is not None:  # cut after it was called off: urgent reconnection
                fix = self.new_item("reconnection", "restore", received, c, "sync", item, record)
                urgent.setdefault(c, []).append((fix, 9 * 60 + rng.random() * 120))
            if outcome in ("restricted", "suspended"):
                self.rows["change_log"].append((received, "account", row[3], "service_status", "active", outcome,
                                                2, "field", record))
        for m in noon:  # now and then a record about work the device does not have
            if self.skill[self.crew_of(m, d)] in WORK and rng.random() < 0.02:
                self.record(m, d, local(d, evening[m]) if m not in late else local(nxt, 7 * 60 + 40), NO_ITEM,
                            "restricted", evening[m] - 30, "rejected")

    def record(self, m: int, d: date, received: datetime, item: int, outcome: str, minute: float,
               status: str) -> str:
        rng = self.rng
        key = (m, received)
        if key not in self.uploads:
            offset = rng.choice((0.0, 0.0, 0.0, 1.5, -2.0, 3600.0))
            self.uploads[key] = [m, received, received - timedelta(seconds=2 + offset), offset, 0]
        upload = self.uploads[key]
        upload[4] += 1
        client = str(uuid.UUID(int=rng.getrandbits(128)))
        captured = local(d, minute) - timedelta(seconds=upload[3])
        lon, lat = -112.2 + rng.random() * 0.15, 30.66 + rng.random() * 0.12
        payload = {"client_uuid": client, "work_item_id": item, "captured_at": captured.isoformat(),
                   "gps": {"lon": round(lon, 6), "lat": round(lat, 6), "accuracy_m": 6.0}, "outcome": outcome}
        if outcome in ("served_in_person", "posted_refused", "summons_left"):
            payload["notice_record"] = {"address_verified_by": "Placa con número oficial",
                                        "property_description": "Casa de un piso, portón negro",
                                        "started_at": captured.isoformat(), "received_by": "Titular",
                                        "relationship": "addressee"}
        body = json.dumps(payload, separators=(",", ":"))
        problems = json.dumps([{"field": "work_item_id", "message": "Unknown work item."}]) \
            if status == "rejected" else None
        message = "El trabajo no existe." if status == "rejected" else None
        self.rows["field_record"].append((received, client, m, key, item, outcome, status,
                                          hashlib.sha256(body.encode()).hexdigest(), message, problems, captured,
                                          upload[2], upload[3], local(d, minute),
                                          None if status == "rejected" else "dispatched", lon, lat, 6.0, body))
        return client

    # --- payments ------------------------------------------------------------------------------

    def payments(self) -> None:
        """The billing feed: each account pays its monthly bill most months, those in arrears now and then."""
        rng = self.rng
        first, last = self.days[0], LAST_DAY
        months, m = [], date(first.year, first.month, 1)
        while m <= last:
            months.append(m)
            m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        arrears = set(self.arrears)
        for month in months:
            for account in self.accounts:
                late = account in arrears
                if rng.random() >= (0.2 if late else 0.85):
                    continue
                day = month + timedelta(days=rng.randint(0, 27))
                if not first <= day <= last:
                    continue
                cents = rng.randint(15_000, 60_000) if not late else min(self.owed[account],
                                                                         rng.randint(30_000, 400_000))
                self.rows["payment"].append((day, account, cents, rng.choice(("cashier", "bank", "online"))))

    # --- writing -------------------------------------------------------------------------------

    def finish(self) -> dict[str, list[tuple]]:
        """The rows per table, with ids in time order where the service writes them so."""
        out = {}
        out["device"] = self.rows["device"]
        out["dispatch_plan"] = self.rows["dispatch_plan"]
        out["plan_route"] = self.rows["plan_route"]
        out["plan_stop"] = self.rows["plan_stop"]
        out["batch"] = self.rows["batch"]
        out["work_item"] = [
            (i, t, s, a, p, "bench", v, None, None, None, SKILL_OF[t], st,
             "resultado" if st in ("done", "failed") else None, crew, served, None, "generacion",
             None if st in ("done", "failed", "cancelled") else f"bench:{i}", 1, made, upd)
            for i, t, s, a, p, v, st, crew, served, made, upd in self.items.values()]
        events = sorted(self.rows["work_event"], key=itemgetter(0))
        out["work_event"] = [(n, item, kind, at, actor, reason, crew, details)
                             for n, (at, item, kind, actor, reason, crew, details) in enumerate(events, 1)]
        uploads = sorted(self.uploads.items(), key=lambda kv: kv[0][1])
        upload_id = {key: n for n, (key, _) in enumerate(uploads, 1)}
        out["sync_upload"] = [(upload_id[key], m, received, sent, offset, n, json.dumps({"accepted": n}))
                              for key, (m, received, sent, offset, n) in uploads]
        records = sorted(self.rows["field_record"], key=itemgetter(0))
        out["field_record"] = [(n, client, m, upload_id[key], item, outcome, status, fp, message, problems,
                                captured, sent, received, offset, at_server, at_receipt, lon, lat, acc, body)
                               for n, (received, client, m, key, item, outcome, status, fp, message, problems,
                                       captured, sent, offset, at_server, at_receipt, lon, lat, acc, body)
                               in enumerate(records, 1)]
        payments = sorted(self.rows["payment"], key=itemgetter(0))
        out["payment"], log = [], list(self.rows["change_log"])
        for n, (day, account, cents, channel) in enumerate(payments, 1):
            at = datetime.combine(day + timedelta(days=1), time(13), timezone.utc)  # the feed's nightly file
            ref = f"BANCO-{n:09d}"
            out["payment"].append((n, ref, account, cents, day, channel, at, None, "billing",
                                   json.dumps({"cancelled_work_items": [], "reconnection_work_item": None})))
            log += [(at, "balance", account, "amount_owed_cents", "0", "0", 2, "payment_feed", ref),
                    (at, "balance", account, "last_payment_date", None, day.isoformat(), 2, "payment_feed", ref)]
        log.sort(key=itemgetter(0))
        out["change_log"] = [(n, e, eid, f, old, new, v, src, ref, at)
                             for n, (at, e, eid, f, old, new, v, src, ref) in enumerate(log, 1)]
        out["crew_member"] = self.rows["crew_member_now"]
        return out


_LINE = "SRID=4326;LINESTRING(-112.16 30.71,-112.15 30.72)"
COLUMNS = {
    "device": "id crew_member_id label token_hash enrolled_at revoked_at version created_at updated_at",
    "dispatch_plan": "id service_date status time_budget_s pesos_per_crew_hour created_by published_at "
                     "replan_of_id summary version created_at updated_at",
    "plan_route": "id plan_id crew_id geom start_at end_at distance_m travel_s value",
    "plan_stop": "id route_id work_item_id seq eta start_at departure",
    "batch": "id route_id crew_id service_date published_at superseded_at",
    "work_item": "id type subtype account_id premise_id reason priority_value due_date window_start window_end "
                 "required_skill status status_reason assigned_crew_id served_at rule created_by open_key version "
                 "created_at updated_at",
    "work_event": "id work_item_id kind at actor reason crew_id details",
    "sync_upload": "id device_id received_at device_sent_at clock_offset_s records counts",
    "field_record": "id client_uuid device_id upload_id work_item_id outcome status fingerprint message problems "
                    "captured_at device_sent_at received_at clock_offset_s captured_at_server "
                    "item_status_at_receipt gps_lon gps_lat gps_accuracy_m payload",
    "payment": "id reference account_id amount_cents paid_on channel created_at agreement_id source effects",
    "change_log": "id entity entity_id field old_value new_value version source source_ref changed_at",
}


def _load(conn, table: str, rows: list[tuple]) -> None:
    """COPY on PostgreSQL (PostGIS parses the EWKT itself); Core executemany on SpatiaLite."""
    columns = COLUMNS[table].split()
    if conn.dialect.name != "postgresql":
        t = Base.metadata.tables[table]
        as_json = [isinstance(t.c[c].type, JSON) for c in columns]  # written above as JSON text, for COPY
        for start in range(0, len(rows), 20_000):
            conn.execute(t.insert(), [{c: json.loads(v) if j and v is not None else v for c, j, v in
                                       zip(columns, as_json, row)} for row in rows[start:start + 20_000]])
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table),
                                                         sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def seed(engine, accounts: int, days: int, seed_: int = 7) -> dict:
    """The demo town of `accounts` and `days` calendar days of work ending on LAST_DAY; rows per table."""
    with engine.begin() as conn:
        build_demo_town(conn, accounts=accounts, seed=seed_, progress=False)
    with engine.begin() as conn:
        year = Year(conn, days, seed_)
        year.devices_and_moves()
        queue, urgent = defaultdict(list), {}
        for k, d in enumerate(year.days):
            year.day(d, year.days[k + 1] if k + 1 < len(year.days) else None, queue, urgent)
        year.payments()
        rows = year.finish()
        for member, crew in rows.pop("crew_member"):
            conn.execute(text("UPDATE crew_member SET crew_id = :c, version = version + 1 WHERE id = :m"),
                         {"c": crew, "m": member})
        for table in COPY_ORDER:
            if table in rows:
                _load(conn, table, rows[table])
        advance_id_sequences(conn, [t for t in COPY_ORDER if t in rows])
    counts = {t: len(rows[t]) for t in COPY_ORDER if t in rows}
    counts["account"] = len(year.accounts)
    counts["working_days"] = len(year.days)
    counts["last_working_day"] = year.days[-1]
    return counts
