"""Property tests: for any order, duplication and interleaving of uploads and office edits, the
in-memory server built on the pure functions ends with the same registry, stores every
observation exactly once, and accounts for every correction.

What "the same" rests on, and what the generator therefore keeps to:
  - Crews work from the morning package. A crew may edit a field more than once (a chain
    base → v1 → v2, each edit seeing the previous value); crews that edit the same field agree
    on the chain. Crews that disagree are order-dependent by nature (the first to arrive wins,
    the other goes to review): a separate property checks that nothing of theirs is lost.
  - Office edits happen in their own order on the server and write new values (an office
    setting a field back to an old value, A→B→A, makes any value-based merge order-dependent).
The expected registry is computed by an oracle that does not use the merge code.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.business_calendar import fiscal_calendar
from sync.clock import clock_offset, server_time_of
from sync.merge import Applied, Conflict, NoOp, RegistryRow, merge_correction, row_key
from sync.process import RecordStatus
from sync.records import Correction, fingerprint
from tests.unit.test_sync_support import HMO, FakeServer, item, photo, reading, record, uid

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PREMISES = (7, 8)
ACCOUNTS = (501, 502)
FIELDS = ("street", "dwellings")
CHAIN_LENGTH = 3  # a field may be edited up to three times in a row


def chain(premise: int, field: str) -> list:
    if field == "street":
        return [f"Calle {premise}-{k}" for k in range(CHAIN_LENGTH + 1)]
    return list(range(1, CHAIN_LENGTH + 2))


def office_value(field: str, j: int):
    return f"Oficina {j}" if field == "street" else 100 + j


def morning_registry() -> dict:
    registry = {row_key("premise", p): RegistryRow(1, {f: chain(p, f)[0] for f in FIELDS}) for p in PREMISES}
    registry |= {row_key("account", a): RegistryRow(1, {"service_status": "active"}) for a in ACCOUNTS}
    return registry


@st.composite
def chain_edits(draw, crews_of: dict) -> dict[int, list[Correction]]:
    """Corrections by crew: each field of premise p edited along its chain by one or two of the crews
    `crews_of[p]` per link (they agree on the chain), and now and then its morning value confirmed.
    The confirmation is drawn at the top of its range, so that a failing day shrinks away from it."""
    corrections: dict[int, list[Correction]] = {i: [] for crews in crews_of.values() for i in crews}
    for p in PREMISES:
        if not crews_of[p]:
            continue
        for f in FIELDS:
            values = chain(p, f)
            for k in range(draw(st.integers(0, CHAIN_LENGTH))):  # edit k: values[k] -> values[k+1]
                for i in draw(st.lists(st.sampled_from(crews_of[p]), min_size=1, max_size=2, unique=True)):
                    corrections[i].append(Correction("premise", p, f, values[k], values[k + 1]))
            if draw(st.integers(0, 4)) == 4:  # a crew confirms the morning value
                confirm = Correction("premise", p, f, values[0], values[0])
                corrections[draw(st.sampled_from(crews_of[p]))].append(confirm)
    return corrections


@st.composite
def field_days(draw):
    """Records of several crews, office edits, and the order the server sees them in."""
    n = draw(st.integers(1, 7))
    kinds = draw(st.lists(st.sampled_from(["walk", "cut"]), min_size=n, max_size=n))
    walks = [i for i in range(n) if kinds[i] == "walk"]
    corrections = draw(chain_edits({p: walks for p in PREMISES}))
    records, bad = [], set()
    for i in range(n):
        value = draw(st.floats(0, 99_999, allow_nan=False))
        if draw(st.integers(0, 7)) == 0:  # a bad record: rejected for its negative reading
            value = -1.0
            bad.add(uid(i + 1))
        if kinds[i] == "walk":
            fixes = draw(st.permutations(corrections[i]))
            rec = record("corrections" if fixes else "confirmed", n=i + 1, corrections=tuple(fixes),
                         readings=(reading(f"M-{i}", value),))
        else:
            rec = record("restricted", n=i + 1, readings=(reading(f"M-{i}", value),))
        records.append(rec)
    office = draw(st.lists(st.tuples(st.sampled_from(PREMISES), st.sampled_from(FIELDS)), max_size=4))
    sends = [("send", i, copy) for i in range(n) for copy in range(draw(st.integers(1, 3)))]
    events = draw(st.permutations(sends + [("office", None, None)] * len(office)))
    accounts = [draw(st.sampled_from(ACCOUNTS)) for _ in range(n)]
    return records, bad, office, events, accounts


def play(records, office, events, accounts):
    items = {}
    for i, rec in enumerate(records):
        w = item("verification" if rec.outcome in ("corrections", "confirmed") else "cut", n=i + 1,
                 account_id=accounts[i], premise_id=PREMISES[0])
        items[w.id] = w
    s = FakeServer(morning_registry(), items)
    next_office = iter(enumerate(office))
    for kind, i, copy in events:
        if kind == "office":
            j, (p, f) = next(next_office)  # office edits keep their own order
            s.office_edit("premise", p, f, office_value(f, j))
        else:
            rec = records[i]
            if copy:  # a resend: later clock, maybe another spelling of the UUID
                rec = replace(rec, device_clock_at_send=rec.device_clock_at_send + timedelta(minutes=copy),
                              client_uuid=rec.client_uuid.upper() if copy == 2 else rec.client_uuid)
            s.upload(rec)
    return s


def expected_registry(records, bad, office, accounts) -> dict:
    """The oracle: the last office value; else the end of the longest unbroken chain of edits."""
    good = [r for r in records if r.client_uuid not in bad]
    expected = {}
    for p in PREMISES:
        key = row_key("premise", p)
        expected[key] = {}
        for f in FIELDS:
            values = chain(p, f)
            done = {values.index(c.seen) for r in good for c in r.corrections
                    if (c.entity_id, c.field) == (p, f) and c.seen != c.new}
            k = 0
            while k in done:
                k += 1
            office_values = [office_value(f, j) for j, (op, of) in enumerate(office) if (op, of) == (p, f)]
            expected[key][f] = office_values[-1] if office_values else values[k]
    for a in ACCOUNTS:
        cut = any(r.outcome == "restricted" and accounts[r.work_item_id - 101] == a for r in good)
        expected[row_key("account", a)] = {"service_status": "restricted" if cut else "active"}
    return expected


@SETTINGS
@given(field_days())
def test_any_order_of_uploads_resends_and_office_edits_gives_the_same_registry(day):
    records, bad, office, events, accounts = day
    s = play(records, office, events, accounts)
    assert s.values() == expected_registry(records, bad, office, accounts)


@SETTINGS
@given(field_days())
def test_every_observation_is_stored_exactly_once_and_bad_records_never(day):
    records, bad, office, events, accounts = day
    s = play(records, office, events, accounts)
    good = sorted(r.client_uuid for r in records if r.client_uuid not in bad)
    assert sorted(r.client_uuid for r in s.records) == good
    assert sorted(r.client_uuid for r in s.readings) == good
    assert len(s.store) == len(records)
    first_fp = {}
    for reply in s.replies:  # every resend is a duplicate of the first answer
        if reply.client_uuid in first_fp:
            assert reply.status is RecordStatus.DUPLICATE
            assert reply.original.fingerprint == first_fp[reply.client_uuid]
        else:
            first_fp[reply.client_uuid] = reply.fingerprint
            assert reply.status is not RecordStatus.DUPLICATE


@SETTINGS
@given(field_days())
def test_no_correction_is_silently_dropped(day):
    records, bad, office, events, accounts = day
    s = play(records, office, events, accounts)
    expected = {(r.client_uuid, k) for r in records if r.client_uuid not in bad for k in range(len(r.corrections))}
    open_keys = [(u, c.index) for u, c in s.open]
    assert len(open_keys) == len(set(open_keys))
    assert set(s.settled) | set(open_keys) == expected
    assert not set(s.settled) & set(open_keys)
    assert all(isinstance(o, (Applied, NoOp)) for o in s.settled.values())


@SETTINGS
@given(st.permutations([("Hidalgo", 1), ("Allende", 2), ("Morelos", 3), ("Hidalgo", 4)]),
       st.integers(0, 3))
def test_disagreeing_crews_keep_the_first_arrival_and_lose_none_of_the_others(proposals, resend):
    registry = {row_key("premise", 7): RegistryRow(1, {"street": "Juárez", "dwellings": 1})}
    items = {100 + n: item("verification", n=n) for _, n in proposals}
    s = FakeServer(registry, items)
    order = list(proposals) + [proposals[resend]]
    for value, n in order:
        s.upload(record("corrections", n=n, corrections=(Correction("premise", 7, "street", "Juárez", value),)))
    final = s.values()[row_key("premise", 7)]["street"]
    assert final == proposals[0][0]
    assert {final} | {c.correction.new for _, c in s.open} == {v for v, _ in proposals}
    assert len(s.records) == len(proposals)


@SETTINGS
@given(st.booleans(), st.floats(0, 1000, allow_nan=False), st.floats(0, 1000, allow_nan=False))
def test_a_reused_uuid_keeps_whichever_version_came_first(original_first, a, b):
    first = record("confirmed", n=1, readings=(reading("M-1", a),))
    other = replace(first, readings=(reading("M-1", b),))
    s = FakeServer(morning_registry(), {101: item("verification", n=1)})
    sent = [first, other] if original_first else [other, first]
    replies = [s.upload(r) for r in sent]
    assert [r.client_uuid for r in s.records] == [uid(1)]
    assert s.readings[0].value_m3 == sent[0].readings[0].value_m3
    expected_second = RecordStatus.DUPLICATE if fingerprint(first) == fingerprint(other) else RecordStatus.CONFLICT
    assert replies[1].status is expected_second


values = st.one_of(st.none(), st.sampled_from(["", " ", "Juárez", "JUAREZ", "Hidalgo"]),
                   st.integers(-2, 3), st.sampled_from([1.0, 2.5, "1", "2.5"]), st.booleans())


@SETTINGS
@given(values, values, values, st.integers(1, 50))
def test_every_correction_gets_exactly_one_verdict_and_a_repeat_after_applying_is_a_no_op(seen, new, current, v):
    c = Correction("premise", 7, "street", seen, new)
    outcome = merge_correction(c, current, v)
    assert isinstance(outcome, (Applied, NoOp, Conflict))
    if isinstance(outcome, Applied):
        assert isinstance(merge_correction(c, outcome.new, v + 1), NoOp)
    assert isinstance(merge_correction(c, new, v), NoOp)


texts = st.text(alphabet="abcdeáé XYZ", max_size=8)
readings_st = st.lists(st.builds(reading, texts, st.floats(0, 1e5, allow_nan=False)), max_size=4)
photos_st = st.lists(st.builds(photo, st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)), max_size=3)


@SETTINGS
@given(readings_st, photos_st, texts, st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_the_fingerprint_ignores_list_order_and_send_time_but_not_content(readings, photos, notes, delay, rnd):
    rec = record("done", readings=tuple(readings), photos=tuple(photos), notes=notes)
    shuffled = list(readings), list(photos)
    rnd.shuffle(shuffled[0])
    rnd.shuffle(shuffled[1])
    resend = replace(rec, readings=tuple(shuffled[0]), photos=tuple(shuffled[1]),
                     device_clock_at_send=rec.device_clock_at_send + timedelta(seconds=delay))
    assert fingerprint(resend) == fingerprint(rec)
    assert fingerprint(replace(rec, notes=notes + "!")) != fingerprint(rec)
    assert fingerprint(replace(rec, readings=tuple(readings) + (reading("Z", 1.5),))) != fingerprint(rec)


CAL = fiscal_calendar([2025, 2026], tz=HMO)


@SETTINGS
@given(st.dates(date(2025, 1, 1), date(2026, 12, 20)), st.times(), st.integers(0, 15))
def test_a_follow_up_lands_on_the_first_business_day_after_the_visit_within_hours(day, at, extra):
    visit = datetime.combine(day, at, tzinfo=HMO)
    window = CAL.follow_up_window(visit, time(10, 0), 30 + extra)
    target = window.start.date()
    assert target > day and CAL.is_business_day(target)
    assert all(not CAL.is_business_day(day + timedelta(days=k)) for k in range(1, (target - day).days))
    assert CAL.within_business_hours(window.start) and CAL.within_business_hours(window.end)


@SETTINGS
@given(st.datetimes(datetime(2024, 1, 1), datetime(2027, 1, 1)), st.integers(-86_400, 86_400),
       st.integers(0, 86_400))
def test_a_device_time_moved_by_the_measured_offset_lands_on_server_time(server_now, skew_s, age_s):
    received = server_now.replace(tzinfo=timezone.utc)
    device_send = received - timedelta(seconds=skew_s)
    captured_device = device_send - timedelta(seconds=age_s)
    offset = clock_offset(received, device_send)
    assert server_time_of(captured_device, offset) == received - timedelta(seconds=age_s)
    assert server_time_of(device_send, offset) == received
