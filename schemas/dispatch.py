"""Wire contract of dispatch: plan requests, plan previews with GeoJSON routes, publishing."""
from datetime import timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .vocab import WORK_TYPES
from .common import Integer, DATE_RANGE, ID_RANGE


class SelectionSchema(Schema):
    types = fields.List(fields.String(validate=validate.OneOf(tuple(WORK_TYPES))), validate=validate.Length(min=1))
    sector = Integer(validate=ID_RANGE)
    due_before = fields.Date()
    limit = Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class PlanRequestSchema(Schema):
    service_date = fields.Date(required=True, validate=DATE_RANGE)
    work_item_ids = fields.List(Integer(validate=ID_RANGE), validate=validate.Length(max=5000))
    select = fields.Nested(SelectionSchema, metadata={"description": "open work to choose from, instead of ids"})
    crew_ids = fields.List(Integer(validate=ID_RANGE), validate=validate.Length(
        min=1, max=1000, error="Give {min} to {max} crew ids, or leave crew_ids out to plan for every crew."),
        metadata={"description": "leave out for every crew"})
    time_budget_s = fields.Float(load_default=10.0, validate=validate.Range(min=0.5, max=120))
    pesos_per_crew_hour = fields.Float(load_default=300.0,
                                       validate=validate.Range(min=0, max=100000, min_inclusive=False),
                                       metadata={"description": "what an hour of crew travel costs"})

    @validates_schema
    def one_selection(self, data, **kwargs):
        if ("work_item_ids" in data) == ("select" in data):
            raise ValidationError("Give either work_item_ids or select.", "work_item_ids")


class ReplanSchema(Schema):
    now = fields.AwareDateTime(default_timezone=timezone.utc, metadata={
        "description": "default: now; a moment before the plan's day re-plans from the day's start"})
    add_work_item_ids = fields.List(Integer(validate=ID_RANGE), load_default=list,
                                    validate=validate.Length(max=5000))
    fixed_work_item_ids = fields.List(Integer(validate=ID_RANGE), load_default=list,
                                      validate=validate.Length(max=5000))
    time_budget_s = fields.Float(load_default=10.0, validate=validate.Range(min=0.5, max=120))


class PlanListArgs(Schema):
    service_date = fields.Date(validate=DATE_RANGE)
    status = fields.String(validate=validate.OneOf(("draft", "published", "superseded", "discarded")))


class PlanSchema(Schema):
    id = Integer()
    service_date = fields.Date()
    status = fields.String()
    created_by = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    replan_of_id = Integer(allow_none=True)
    summary = fields.Dict(metadata={"description": "value covered, km, hours, unassigned with reasons, and "
                                                   "warnings to check before publishing (e.g. the state's "
                                                   "holiday calendar of the year was never entered)"})
    routes = fields.Dict(metadata={"description": "GeoJSON FeatureCollection: one LineString per crew"})
    batches = fields.List(fields.Dict(), metadata={"description": "after publishing: one per crew"})
    version = Integer()


PROGRESS_STATES = ("done", "failed", "cancelled", "open", "moved", "late")


class ProgressCountsSchema(Schema):
    done = Integer()
    failed = Integer()
    cancelled = Integer()
    open = Integer(metadata={"description": "still to do, its planned departure not yet past"})
    moved = Integer(metadata={"description": "reassigned to another crew since"})
    late = Integer(metadata={"description": "still to do after its planned departure"})


class ProgressStopSchema(Schema):
    seq = Integer()
    work_item_id = Integer()
    type = fields.String()
    eta = fields.DateTime()
    state = fields.String(metadata={"description": " | ".join(PROGRESS_STATES)})
    visited_at = fields.DateTime(allow_none=True, metadata={
        "description": "field time (device clock corrected by its offset) of the latest record about the stop"})


class ProgressCrewSchema(Schema):
    crew_id = Integer()
    crew_name = fields.String()
    batch_id = Integer(allow_none=True)
    counts = fields.Nested(ProgressCountsSchema)
    last_sync_at = fields.DateTime(allow_none=True, metadata={"description": "the crew's devices' latest upload"})
    last_seen_at = fields.DateTime(allow_none=True, metadata={
        "description": "the crew's devices' latest request answered without an error (download, poll, upload)"})
    downloaded_at = fields.DateTime(allow_none=True, metadata={
        "description": "when the batch was first sent to a device; null while no phone has the route"})
    last_fix = fields.Dict(allow_none=True, metadata={
        "description": "where the crew was last seen: the GPS fix of its latest visit (at, work_item_id, "
                       "accuracy_m, point as GeoJSON)"})
    stops = fields.List(fields.Nested(ProgressStopSchema))


class PlanProgressSchema(Schema):
    plan_id = Integer()
    service_date = fields.Date()
    status = fields.String()
    as_of = fields.DateTime()
    totals = fields.Nested(ProgressCountsSchema)
    crews = fields.List(fields.Nested(ProgressCrewSchema))
