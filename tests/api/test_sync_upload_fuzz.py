"""Uploads with one to three values anywhere in a record made hostile, on both backends.

test_sync_bad_input.py holds one case per known fault; test_no_input_is_a_500.py varies the top-level
fields of every operation. Here Hypothesis reaches every nested field of complete records (cuts
with readings, corrections and photos; served notices; inspections; verification walks with a
correction and a new premise), replaces it, drops it or adds a key beside it, and sends the hostile
record next to a good one. Whatever the value, the rules of the sync protocol hold:
- the upload answers 200, one result per record, each a status the protocol knows, a rejection
  with a reason, never a "send it again later" (a value that fails every time would then be sent
  for ever);
- the good record is stored whatever its neighbour holds;
- every record with a readable UUID is stored once, and the same upload sent again answers each of
  them `duplicate` with its first status.

It found an outcome holding a NUL, which a refused record copied to its column: PostgreSQL's text
takes no NUL, so the record came back "send it again later" on every send. 3,000 examples a backend
found nothing more; 150 run each time.
"""
from __future__ import annotations

import copy
import itertools
import json
import uuid as uuidlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from field_api.models import FieldRecord, Premise
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import make_item
from tests.sync_support import MORNING, correction, cut, gps, notice, publish_batch, sha, uid, upload_body

UPLOADS = "/api/v1/sync/uploads"
STATUSES = {"accepted", "conflict", "rejected"}
PHOTO = b"\xff\xd8\xff\xe0" + b"prueba" * 50
HOSTILE = [None, True, -1, 0, 2**31, 2**63, 2**64, 10**30, -10**30, 1e308, -1e308, float("nan"), float("inf"),
           0.1, "", " ", "\x00", "a\x00b", "\ud800", "\U0001f4a7", "x" * 5000, "9999-12-31T23:59:59-12:00",
           "0001-01-01T00:00:00+14:00", "2026-11-24T09:00:00", "2026-02-30T09:00:00-07:00", "ab" * 32,
           "AB" * 32 + "\n", "1e400", [], [None], [[[]]], {}, {"value": 1}, json.loads("[" * 60 + "]" * 60)]
_numbers = itertools.count(1)  # UUIDs unique across the examples of a run: each example adds records


@pytest.fixture
def day(field_day, session):
    """The sync fixture's day, and a verification walk for the notifiers."""
    walk = make_item(session, field_day["accounts"][4], "verification", "walk")
    publish_batch(session, field_day["notifiers"], [walk])
    session.commit()
    return {**field_day, "walk": walk, "streets": {item.id: session.get(Premise, item.premise_id).street
                                                   for item in [*field_day["cuts"], walk]}}


def base_record(kind: str, day: dict, n: int, which: int) -> dict:
    """A complete, valid record of each kind the fixture's devices can send, numbered `n`, about its
    `which`-th item of that kind."""
    if kind == "cut":
        item = day["cuts"][which % 3]
        street = day["streets"][item.id]
        return cut(item.id, n, reading=(f"M-{which % 3}", 150.0 + n), notes="Medidor en la banqueta",
                   corrections=[correction("premise", item.premise_id, "street", street, street),
                                correction("meter", day["meters"][which % 3].id, "brand", None, None)],
                   photos=[{"sha256": sha(PHOTO), "size": len(PHOTO), "content_type": "image/jpeg"}])
    if kind == "notice":
        return notice(day["notices"][which % 2].id, n)
    if kind == "walk":
        walk = day["walk"]
        return {"client_uuid": uid(n), "work_item_id": walk.id, "outcome": "confirmed",
                "captured_at": MORNING.isoformat(), "gps": gps(),
                "corrections": [correction("premise", walk.premise_id, "street", day["streets"][walk.id],
                                           day["streets"][walk.id])],
                "new_premises": [{"local_id": f"N-{n}", "street": "Calle Nueva", "exterior_number": "12",
                                  "gps": gps(-112.15, 30.72), "land_use": "domestic", "dwellings": 1,
                                  "photos": [sha(PHOTO)]}]}
    findings = {"meter_condition": "working", "seal_status": "intact", "tampering": False,
                "illegal_connection": False, "land_use_seen": "domestic", "dwellings": 2, "leak": False}
    return {"client_uuid": uid(n), "work_item_id": day["inspection"].id, "outcome": "inspected",
            "captured_at": (MORNING + timedelta(minutes=30)).isoformat(), "gps": gps(), "inspection": findings,
            "readings": [{"meter_serial": "M-5", "value_m3": 130.0}]}


def paths(value, at=(), depth=5):
    """Every path into a JSON value, down to `depth` steps: dict keys and list positions, the value
    itself first."""
    yield at
    if len(at) == depth:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*at, key), depth)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, (*at, i), depth)


def mutated(record: dict, draw) -> dict:
    """The record with one to three changes."""
    record = copy.deepcopy(record)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in paths(record) if p]))
        *parent_path, last = path
        parent = record
        for step in parent_path:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if how == "replace" or (how == "drop" and isinstance(parent, list)):
            parent[last] = hostile(draw)
        elif how == "drop":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "client_uuid", "\x00", "n" * 200]))] = hostile(draw)
        else:
            parent.append(hostile(draw))
    return record


def hostile(draw):
    """One of HOSTILE, copied: a list a later change appends to must not change HOSTILE itself."""
    return copy.deepcopy(draw(st.sampled_from(HOSTILE)))


def readable_uuid(record: dict) -> str | None:
    """The record's UUID as the server stores it, if it has one."""
    try:
        return str(uuidlib.UUID(record["client_uuid"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def stored(session, uuid: str) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(FieldRecord).where(FieldRecord.client_uuid == uuid))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_a_record_hostile_anywhere_is_judged_on_its_own_and_once_and_never_answered_retry(day, session, data):
    draw = data.draw
    kind, hostile_first = draw(st.sampled_from(["cut", "notice", "inspection", "walk"])), draw(st.booleans())
    device = day["cutter" if kind == "cut" else "notifier"]
    n, m = next(_numbers), next(_numbers)
    which = draw(st.integers(0, 5))
    bad, good = mutated(base_record(kind, day, n, which), draw), base_record(kind, day, m, which + 1)
    records = [bad, good] if hostile_first else [good, bad]
    body = upload_body(records, MORNING + timedelta(hours=8))

    response = device.post(UPLOADS, json=body)

    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == 2
    for result in results:
        assert result["status"] in STATUSES and not result.get("retry"), result
        if result["status"] == "rejected":
            assert result["message"] and result["problems"], result
    good_result = results[1 if hostile_first else 0]
    assert good_result["client_uuid"] == uid(m) and stored(session, uid(m)) == 1, good_result
    bad_uuid = readable_uuid(bad)
    if bad_uuid:
        assert stored(session, bad_uuid) == 1
    again = device.post(UPLOADS, json=body)
    assert again.status_code == 200, again.get_json()
    for first, second in zip(results, again.get_json()["results"]):
        if first["client_uuid"] == uid(m) or bad_uuid:
            assert (second["status"], second["original_status"]) == ("duplicate", first["status"]), (first, second)
        else:  # no UUID to find it by: judged again, alike
            assert second["status"] == first["status"] == "rejected", (first, second)
    assert stored(session, uid(m)) == 1 and (not bad_uuid or stored(session, bad_uuid) == 1)
