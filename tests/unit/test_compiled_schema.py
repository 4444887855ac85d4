"""The compiled loader answers exactly as marshmallow: same values, same types, same key order, and
marshmallow's own errors for anything it does not take (`schemas/compiled.py`)."""
from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate, validates

from schemas.compiled import CompiledLoader, NotCompilable, _Declined
from schemas.sync import RecordSchema, Scalar
from tests.sync_support import correction, cut, gps, notice

RECORDS = RecordSchema()
LOADER = CompiledLoader(RECORDS)


def typed(value):
    """The value with the type of every part spelled out: 1, 1.0 and True must not pass for equal."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])  # in order: key order counts too
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def answer(load, data):
    """What `load` gives: its result, typed, or ("error", its messages)."""
    try:
        return typed(load(data))
    except ValidationError as err:
        return ("error", err.messages)


def marshmallow_answer(data):
    return answer(RECORDS.load, data)


def loader_answer(data):
    return answer(LOADER.load, data)


def compiled_answer(data):
    """What the compiled path alone gives: its result, or "declined"."""
    try:
        return typed(LOADER.compiled(data))
    except (_Declined, ValidationError):
        return "declined"


VALID = [
    cut(7, 1),
    cut(7, 2, outcome="no_access", reading=None, gps=None),
    cut(7, 3, corrections=[correction("premise", 4, "street", "Calle 1", "Calle 1 Norte"),
                           correction("account", 9, "holder_name", None, 12.5)]),
    notice(8, 4),
    notice(8, 5, outcome="posted_refused", notes="Perro bravo"),
    {**cut(9, 6), "outcome": "inspected", "inspection": {
        "meter_condition": None, "seal_status": "intact", "tampering": False, "illegal_connection": True,
        "land_use_seen": "domestic", "dwellings": 2, "leak": False}},
    {**cut(10, 7), "outcome": "confirmed", "new_premises": [{
        "local_id": "n1", "street": "Calle Nueva", "exterior_number": "12", "gps": gps(), "land_use": None,
        "dwellings": 3, "photos": ["A" * 64]}]},
]


@pytest.mark.parametrize("record", VALID, ids=lambda r: r["outcome"])
def test_a_valid_record_takes_the_compiled_path_and_loads_as_marshmallow_does(record):
    assert compiled_answer(record) == marshmallow_answer(record)
    assert LOADER.load(record) == RECORDS.load(record)


@pytest.mark.parametrize("change", [
    {"work_item_id": True}, {"work_item_id": 1.0}, {"work_item_id": "7"}, {"work_item_id": 0},
    {"gps": {"lon": float("nan"), "lat": 1.0, "accuracy_m": 1.0}},
    {"gps": {"lon": float("inf"), "lat": 1.0, "accuracy_m": 1.0}},
    {"gps": {"lon": 1.0, "lat": 1.0, "accuracy_m": 1.0, "alt": 3.0}},
    {"gps": {"lon": 1.0, "lat": 1.0}}, {"outcome": "exploded"}, {"captured_at": "2026-11-21T10:00:00"},
    {"readings": [{"meter_serial": "M", "value_m3": -1.0}]}, {"readings": "M-1"}, {"extra": 1},
    {"photos": [{"sha256": "a" * 64 + "\n", "size": 1, "content_type": "image/jpeg"}]},
    {"notes": "x" * 2001}, {"client_uuid": "not-a-uuid"},
], ids=repr)
def test_a_record_marshmallow_refuses_is_declined_and_answered_with_marshmallows_messages(change):
    record = {**cut(7, 1), **change}
    assert compiled_answer(record) == "declined"
    with pytest.raises(ValidationError) as raised:
        LOADER.load(record)
    assert raised.value.messages == marshmallow_answer(record)[1]


@pytest.mark.parametrize("change", [
    {"gps": {"lon": 1, "lat": 2, "accuracy_m": 3}},  # ints for floats: marshmallow turns them into floats
    {"readings": [{"meter_serial": "M", "value_m3": 12}]},
    {"inspection": {"meter_condition": "working", "seal_status": "intact", "tampering": "false",
                    "illegal_connection": 0, "land_use_seen": "domestic", "dwellings": 1, "leak": "yes"}},
], ids=repr)
def test_what_the_compiled_path_leaves_out_marshmallow_still_converts(change):
    record = {**cut(7, 1), **change, **({"outcome": "inspected"} if "inspection" in change else {})}
    assert typed(LOADER.load(record)) == marshmallow_answer(record)
    assert marshmallow_answer(record)[0] == "dict"


SPECIALS = [
    None, True, False, 0, 1, -1, 2**40, 1.0, 0.5, -0.0, float("nan"), float("inf"), float("-inf"), "", "1", "0",
    "true", "no", "12.5", "nan", "a" * 64, "A" * 64 + "\n", "2026-11-21T10:00:00", "2026-11-21T10:00:00-07:00",
    str(uuid.UUID(int=5)), "00000000000000000000000000000005", "image/jpeg", "premise", "restricted", [], {}, [1],
    {"extra": 1}]
JUNK = st.one_of(st.sampled_from(SPECIALS), st.text(max_size=3), st.integers(), st.floats())


def _moment():
    return st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                        timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-7))]))


def _bounds(field: fields.Field):
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    lengths = [v for v in field.validators if isinstance(v, validate.Length)]
    return (ranges[0] if ranges else None), (lengths[0] if lengths else None)


def _valid(field: fields.Field):
    """Values within the field's rules (a few of other types that marshmallow converts)."""
    span, length = _bounds(field)
    for v in field.validators:
        if isinstance(v, validate.OneOf):
            return st.sampled_from(list(v.choices))
        if isinstance(v, validate.Regexp):
            return st.text("0123456789abcdefABCDEF", min_size=64, max_size=64)
    if isinstance(field, fields.Nested):
        return _valid_dicts(field.schema)
    if isinstance(field, fields.List):
        return st.lists(_valid(field.inner), max_size=min(3, length.max if length else 3))
    if isinstance(field, fields.Boolean):
        return st.one_of(st.booleans(), st.sampled_from(["true", "no", 1, 0]))
    if isinstance(field, fields.Integer):
        return st.integers(span.min if span else -50, min(span.max, 10**6) if span else 50)
    if isinstance(field, fields.Float):
        low, high = (span.min, span.max) if span else (-1e6, 1e6)
        floats = st.floats(low, high, exclude_max=bool(span) and not span.max_inclusive)
        return st.one_of(floats, floats, st.integers(int(low) + 1, int(high) - 1))
    if isinstance(field, fields.UUID):
        return st.uuids().map(str)
    if isinstance(field, fields.DateTime):
        return _moment().map(datetime.isoformat)
    if isinstance(field, Scalar):
        return st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
    low, high = ((length.min or 0), min(12, length.max or 12)) if length else (0, 12)
    return st.text(min_size=low, max_size=high)


def _valid_dicts(schema: Schema):
    loaded = schema.load_fields
    return st.fixed_dictionaries({n: _valid(f) for n, f in loaded.items() if f.required},
                                 optional={n: _valid(f) for n, f in loaded.items() if not f.required})


def _places(value, path=()):
    """(path, dict) for every dict in a record, itself included."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _places(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _places(v, (*path, i))


def _edit(value, path, change):
    """A copy of `value` with `change` made to the dict at `path`."""
    if not path:
        return change(value)
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        return [_edit(v, rest, change) if i == head else v for i, v in enumerate(value)]
    return {k: (_edit(v, rest, change) if k == head else v) for k, v in value.items()}


def _records():
    """Records within the rules, and the same with one thing off anywhere in them: a value replaced
    by junk, a key dropped, a key added."""
    valid = _valid_dicts(RECORDS)

    def one_off(record):
        places = list(_places(record))
        keys = st.sampled_from([(path, key) for path, d in places for key in d])
        replaced = st.tuples(keys, JUNK).map(lambda t: _edit(record, t[0][0], lambda d: {**d, t[0][1]: t[1]}))
        dropped = keys.map(lambda pk: _edit(record, pk[0], lambda d: {k: v for k, v in d.items() if k != pk[1]}))
        added = st.tuples(st.sampled_from([p for p, _ in places]), JUNK).map(
            lambda t: _edit(record, t[0], lambda d: {**d, "extra": t[1]}))
        return st.one_of(replaced, replaced, dropped, added)

    return st.one_of(valid, valid.flatmap(one_off))


def test_every_value_of_the_valid_records_swapped_for_junk_is_answered_as_marshmallow_would():
    """Each key of each dict in the records above, given each of SPECIALS, dropped, or joined by a
    stranger: one change at a time, all of them."""
    compared = 0
    for record in VALID:
        for path, d in _places(record):
            changes = [lambda d: {**d, "extra": 1}]
            for key in d:
                changes.append(lambda d, key=key: {k: v for k, v in d.items() if k != key})
                changes += [lambda d, key=key, junk=junk: {**d, key: junk} for junk in SPECIALS]
            for change in changes:
                changed = _edit(record, path, change)
                compiled, expected = compiled_answer(changed), marshmallow_answer(changed)
                assert compiled in ("declined", expected), changed
                assert loader_answer(changed) == expected, changed
                compared += 1
    assert compared > 2000


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records())
def test_any_record_the_compiled_path_answers_is_answered_as_marshmallow_would(record):
    compiled, expected = compiled_answer(record), marshmallow_answer(record)
    if compiled != "declined":
        assert compiled == expected
    assert loader_answer(record) == expected


class _Inner(Schema):
    class Meta:
        unknown = EXCLUDE

    when = fields.AwareDateTime(data_key="at", required=True)
    kind = fields.String(attribute="type", load_default="a")
    tags = fields.List(fields.String(), load_default=list)


class _Trimmed(fields.String):
    """A field with its own deserialize: the compiled path calls it as it is."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        return super().deserialize(value.strip() if isinstance(value, str) else value, attr, data, **kwargs)


class _Odd(Schema):
    """Options RecordSchema does not use: data_key, attribute, EXCLUDE, callable defaults, custom
    truthy values, a method field, fields with their own deserialize, alone and in a list."""

    inner = fields.Nested(_Inner, required=True)
    count = fields.Integer(load_default=lambda: 3)
    flag = fields.Boolean(truthy={"sí"}, falsy={"no"}, load_default=None)
    raw = fields.Raw()
    stamp = fields.Method(deserialize="to_text")
    numbers = fields.List(fields.Float(allow_nan=True), load_default=None)
    name = _Trimmed(validate=validate.Length(min=1))
    names = fields.List(_Trimmed(validate=validate.Length(max=2)), load_default=list)

    def to_text(self, value):
        return f"<{value}>"


ODD, ODD_LOADER = _Odd(), CompiledLoader(_Odd())


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries(
    {"inner": st.one_of(st.fixed_dictionaries({"at": _moment().map(datetime.isoformat)},
                                              optional={"kind": st.text(max_size=3), "extra": JUNK,
                                                        "tags": st.lists(st.text(max_size=2), max_size=2)}), JUNK)},
    optional={"count": st.one_of(st.integers(), JUNK), "flag": st.sampled_from(["sí", "no", True, None]),
              "raw": JUNK, "stamp": JUNK, "numbers": st.lists(st.floats(), max_size=3),
              "name": st.one_of(st.text(" ab", max_size=3), JUNK),
              "names": st.one_of(st.lists(st.one_of(st.text(" ab", max_size=4), JUNK), max_size=3), JUNK)}))
def test_options_beyond_the_record_schema_load_as_marshmallow_does(data):
    try:
        expected = typed(ODD.load(data))
    except ValidationError as err:
        with pytest.raises(ValidationError) as raised:
            ODD_LOADER.load(data)
        assert raised.value.messages == err.messages
        return
    assert typed(ODD_LOADER.load(data)) == expected
    try:
        assert typed(ODD_LOADER.compiled(data)) == expected
    except _Declined:
        pass


def test_a_schema_with_hooks_many_include_or_a_dotted_attribute_is_not_compiled():
    class WithPostLoad(Schema):
        a = fields.String()

        @post_load
        def make(self, data, **kwargs):
            return data

    class WithPreLoad(Schema):
        a = fields.String()

        @pre_load
        def clean(self, data, **kwargs):
            return data

    class WithValidates(Schema):
        a = fields.String()

        @validates("a")
        def check(self, value, **kwargs):
            pass

    class Parent(Schema):
        child = fields.Nested(WithPostLoad)

    for schema in (WithPostLoad(), WithPreLoad(), WithValidates(), Parent(), RecordSchema(many=True),
                   RecordSchema(unknown=INCLUDE), RecordSchema(partial=True),
                   Schema.from_dict({"a": fields.String(attribute="x.y")})()):
        with pytest.raises(NotCompilable):
            CompiledLoader(schema)
