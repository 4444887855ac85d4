"""Wire contract of the states' holiday calendars, and the state name every other schema takes."""
from __future__ import annotations

import unicodedata

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .common import Integer
from .states import STATES

MAX_DAYS = 60  # a gazette declares a dozen or two; more is a wrong file, not a calendar
FIRST_YEAR, LAST_YEAR = 2000, 2099


class StateName(fields.String):
    """One of the 32 federal entities by its INEGI name (schemas.states); an accent typed as a
    combining mark (NFD) is the same name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.OneOf(
            STATES, error="Must be one of the 32 federal entities by their INEGI names: {choices}."))
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))


def _named(value: str) -> None:
    if not value.strip():
        raise ValidationError("Give the day its name as the gazette does, e.g. \"Jueves Santo\".")


class HolidaySchema(Schema):
    day = fields.Date(required=True)
    name = fields.String(required=True, validate=[validate.Length(min=1, max=120), _named],
                         metadata={"description": "as the gazette names it, e.g. Jueves Santo"})


class HolidayCalendarPutSchema(Schema):
    days = fields.List(fields.Nested(HolidaySchema), required=True,
                       validate=validate.Length(max=MAX_DAYS, error=f"At most {MAX_DAYS} days in a year."),
                       metadata={"description": "the year's non-business days besides weekends and the federal "
                                                "ones; an empty list says the state declared none"})

    @validates_schema
    def each_day_once(self, data, **kwargs):
        seen, twice = set(), set()
        for holiday in data.get("days", []):
            (twice if holiday["day"] in seen else seen).add(holiday["day"])
        if twice:
            raise ValidationError(f"Each day at most once; given more than once: "
                                  f"{', '.join(d.isoformat() for d in sorted(twice))}.", "days")


class HolidayCalendarSchema(Schema):
    state = fields.String()
    year = Integer()
    published = fields.Boolean(metadata={"description": "whether the office has entered this year's calendar "
                                                        "(with days or none); if false, only federal days count"})
    days = fields.List(fields.Nested(HolidaySchema))
    version = Integer(allow_none=True)
