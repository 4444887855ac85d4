"""Wire contract of crews and their members: who goes out, with which skills, from where and when."""
from __future__ import annotations

from datetime import time

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import vocab
from .common import ID_RANGE, Integer, check_lon_lat, is_position

NAME = validate.Length(min=1, max=80)
MEMBER_NAME = validate.Length(min=1, max=120)
MAX_STOPS = validate.Range(1, 500)
SKILLS = validate.And(validate.Length(min=1, max=len(vocab.SKILLS)),
                      validate.ContainsOnly(vocab.SKILLS, error="Skills must be among: {choices}."))


class GeoJSONPoint(fields.Field):
    """A GeoJSON Point (RFC 7946, [lon, lat]), loaded as a shapely Point."""

    def _deserialize(self, value, attr, data, **kwargs):
        from shapely.geometry import Point

        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        if not isinstance(value, dict) or value.get("type") != "Point":
            raise ValidationError("Expected a GeoJSON Point object.")
        position = value.get("coordinates")
        if not is_position(position):
            raise ValidationError("Point coordinates must be [longitude, latitude] numbers.")
        check_lon_lat(position[0], position[1], "depot")
        return Point(position[0], position[1])

    def _serialize(self, value, attr, obj, **kwargs):
        from shapely.geometry import mapping

        return None if value is None else mapping(value)


def _shift_in_order(data: dict) -> None:
    if "shift_start" in data and "shift_end" in data and data["shift_start"] >= data["shift_end"]:
        raise ValidationError("The shift must end after it starts.", "shift_end")


class CrewMemberSchema(Schema):
    id = Integer(dump_only=True)
    crew_id = Integer(dump_only=True)
    name = fields.String(required=True, validate=MEMBER_NAME)
    skills = fields.List(fields.String(), required=True, validate=SKILLS,
                         metadata={"description": "what the member may do: " + ", ".join(vocab.SKILLS)})
    active = fields.Boolean(dump_only=True)
    version = Integer(dump_only=True)


class CrewMemberUpdateSchema(Schema):
    name = fields.String(validate=MEMBER_NAME)
    skills = fields.List(fields.String(), validate=SKILLS)
    active = fields.Boolean(metadata={"description": "false takes the member off the crew's skills, and "
                                                     "their devices are refused until it is true again"})
    crew_id = Integer(validate=ID_RANGE, metadata={
        "description": "moves the member to this (active) crew, with their skills; their devices then download "
                       "and write for that crew only"})


class CrewSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(required=True, validate=NAME)
    travel_mode = fields.String(load_default="drive", validate=validate.OneOf(vocab.TRAVEL_MODES),
                                metadata={"description": "notifiers walk, cut crews drive"})
    depot = GeoJSONPoint(required=True, metadata={"description": "GeoJSON Point where the day starts and ends"})
    shift_start = fields.Time(load_default=time(8, 0), metadata={"description": "local time, HH:MM"})
    shift_end = fields.Time(load_default=time(16, 0), metadata={"description": "local time, HH:MM"})
    max_stops = Integer(load_default=40, validate=MAX_STOPS)
    members = fields.List(fields.Nested(CrewMemberSchema), dump_only=True)
    skills = fields.List(fields.String(), dump_only=True, metadata={"description": "of its active members"})
    active = fields.Boolean(dump_only=True, metadata={"description": "false once disbanded: not planned for, "
                                                                     "and its members' devices are refused"})
    version = Integer(dump_only=True)

    @validates_schema
    def shift_in_order(self, data, **kwargs):
        _shift_in_order(data)


class CrewUpdateSchema(Schema):
    name = fields.String(validate=NAME)
    travel_mode = fields.String(validate=validate.OneOf(vocab.TRAVEL_MODES))
    depot = GeoJSONPoint()
    shift_start = fields.Time()
    shift_end = fields.Time()
    max_stops = Integer(validate=MAX_STOPS)
    active = fields.Boolean(metadata={"description": "false disbands the crew (refused while it has open work); "
                                                     "true brings it back"})

    @validates_schema
    def shift_in_order(self, data, **kwargs):
        _shift_in_order(data)


class CrewListArgs(Schema):
    active = fields.Boolean(metadata={"description": "only active (plannable) crews, or only disbanded ones"})
