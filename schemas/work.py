"""Wire contract of work generation, work items, payments, agreements and the collection policy."""
from __future__ import annotations

from datetime import timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import vocab
from .vocab import WORK_STATUSES as STATUSES, WORK_TYPES
from .holidays import StateName
from .common import (
    AMOUNT_FILTER_RANGE, AMOUNT_RANGE, DATE_RANGE, BBox, GeoJSONPolygon, ID_RANGE, Integer, PageArgs, REASON,
)

STAGES = ("reminder", "payment_demand", "cut_warning")


class AreaArgs(Schema):
    sector = Integer(validate=ID_RANGE)
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    polygon = GeoJSONPolygon(metadata={"description": "GeoJSON Polygon or MultiPolygon, [lon, lat]"})
    land_use = fields.List(fields.String(validate=validate.OneOf(vocab.LAND_USES)))
    min_amount_owed = fields.Decimal(validate=AMOUNT_FILTER_RANGE, metadata={"description": "pesos"})
    max_amount_owed = fields.Decimal(validate=AMOUNT_FILTER_RANGE, metadata={"description": "pesos"})


class GenerateArgs(AreaArgs):
    commit = fields.Boolean(load_default=False, metadata={"description": "false previews, true creates"})
    as_of = fields.Date(validate=DATE_RANGE, metadata={"description": "the day the work is for (default: today)"})
    limit = Integer(load_default=100, validate=validate.Range(min=0, max=5000),
                           metadata={"description": "candidates listed in the answer"})
    max_items = Integer(validate=validate.Range(min=1),
                               metadata={"description": "create at most this many, most valuable first"})


class NoticeCampaignArgs(GenerateArgs):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))


class AnomalyArgs(GenerateArgs):
    rule = fields.String(required=True, validate=validate.OneOf(("zero_consumption", "consumption_drop")))


class RequestedInspectionArgs(Schema):
    account_ids = fields.List(Integer(validate=ID_RANGE), required=True,
                              validate=validate.Length(min=1, max=5000))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))
    due_date = fields.Date(validate=DATE_RANGE)
    commit = fields.Boolean(load_default=False)


class VerificationWalkArgs(GenerateArgs):
    due_date = fields.Date(validate=DATE_RANGE)

    @validates_schema
    def needs_an_area(self, data, **kwargs):
        if not any(data.get(k) is not None for k in ("sector", "bbox", "polygon")):
            raise ValidationError("A verification walk needs a sector, a bbox or a polygon.", "sector")


class GenerationSchema(Schema):
    kind = fields.String()
    committed = fields.Boolean()
    selected = Integer(metadata={"description": "accounts or premises that qualify"})
    value = fields.Float(metadata={"description": "pesos owed by the selected accounts"})
    excluded = fields.Dict(keys=fields.String(), values=Integer(),
                           metadata={"description": "how many were left out, by reason"})
    candidates = fields.List(fields.Dict(), metadata={"description": "the first `limit` selected, with the rule"})
    created = Integer()
    created_ids = fields.List(Integer())
    warnings = fields.List(fields.String(), metadata={"description": "what to check before relying on the list"})


class WorkItemProperties(Schema):
    id = Integer()
    type = fields.String()
    subtype = fields.String()
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    account_id = Integer(allow_none=True)
    account_number = fields.String(allow_none=True)
    premise_id = Integer(allow_none=True)
    sector_id = Integer(allow_none=True)
    address = fields.String()
    reason = fields.String()
    rule = fields.String(allow_none=True)
    priority_value = fields.Float()
    due_date = fields.Date(allow_none=True)
    window_start = fields.DateTime(allow_none=True)
    window_end = fields.DateTime(allow_none=True)
    required_skill = fields.String()
    assigned_crew_id = Integer(allow_none=True)
    served_at = fields.DateTime(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    version = Integer()


class WorkItemListArgs(PageArgs):
    type = fields.String(validate=validate.OneOf(tuple(WORK_TYPES)))
    subtype = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    sector = Integer(validate=ID_RANGE)
    bbox = BBox()
    crew = Integer(validate=ID_RANGE)
    account = Integer(validate=ID_RANGE)
    due_before = fields.Date()


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=REASON)


class ReassignSchema(ReasonSchema):
    crew_id = Integer(required=True, allow_none=True, validate=ID_RANGE)


class StatusChangeSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(validate=validate.Length(min=3, max=500))
    served_at = fields.AwareDateTime(default_timezone=timezone.utc,
                                     metadata={"description": "for notices marked done: when it was served"})


class WorkEventSchema(Schema):
    id = Integer()
    kind = fields.String()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    crew_id = Integer(allow_none=True)
    details = fields.Dict(allow_none=True)


class PaymentInSchema(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    account_number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    amount = fields.Decimal(required=True, places=2, validate=AMOUNT_RANGE,
                            metadata={"description": "pesos, more than zero"})
    paid_on = fields.Date(required=True, validate=DATE_RANGE)
    channel = fields.String(load_default="cashier", validate=validate.OneOf(vocab.PAYMENT_CHANNELS))


class PaymentBatchSchema(Schema):
    payments = fields.List(fields.Nested(PaymentInSchema), required=True, validate=validate.Length(min=1, max=5000))


class PaymentResultSchema(Schema):
    reference = fields.String()
    status = fields.String(metadata={"description": "accepted, duplicate or rejected"})
    reason = fields.String()
    effects = fields.Dict(allow_none=True)


class PaymentBatchResultSchema(Schema):
    results = fields.List(fields.Nested(PaymentResultSchema))


class AgreementInSchema(Schema):
    account_id = Integer(required=True, validate=ID_RANGE)
    total = fields.Decimal(required=True, places=2, validate=AMOUNT_RANGE)
    instalments = Integer(required=True, validate=validate.Range(min=1, max=120))
    start_date = fields.Date(required=True, validate=DATE_RANGE)


class AgreementSchema(Schema):
    id = Integer()
    account_id = Integer()
    total = fields.Decimal(as_string=True, places=2, metadata={"description": "pesos"})
    instalments = Integer()
    instalments_paid = Integer()
    start_date = fields.Date()
    next_due = fields.Date(allow_none=True, metadata={"description": "while current"})
    status = fields.String()
    version = Integer()
    cancelled_work_items = fields.List(Integer(), metadata={
        "description": "on creation: the account's open cut orders the agreement called off"})


class AgreementListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(vocab.AGREEMENT_STATUSES))
    account = Integer(validate=ID_RANGE)


class InstalmentSchema(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    amount = fields.Decimal(required=True, places=2, validate=AMOUNT_RANGE)
    paid_on = fields.Date(required=True, validate=DATE_RANGE)


class BreachCheckArgs(Schema):
    as_of = fields.Date(validate=DATE_RANGE)


class BreachCheckSchema(Schema):
    breached = fields.List(Integer())


class PolicySchema(Schema):
    cut_min_months_overdue = Integer(validate=validate.Range(min=0, max=120))
    cut_min_amount = fields.Decimal(as_string=True, places=2, validate=AMOUNT_FILTER_RANGE,
                                    metadata={"description": "pesos"})
    cut_threshold_rule = fields.String(validate=validate.OneOf(("months_and_amount", "months_or_amount")))
    cut_warning_days = Integer(validate=validate.Range(min=0, max=90))
    domestic_cut_action = fields.String(validate=validate.OneOf(("restrict", "suspend")), metadata={
        "description": "cut action for homes: domestic and mixed-use premises (people live in both)"})
    non_domestic_cut_action = fields.String(validate=validate.OneOf(("restrict", "suspend")), metadata={
        "description": "cut action for commercial, industrial and public premises"})
    exclude_protected = fields.Boolean()
    exclude_current_agreements = fields.Boolean()
    agreement_grace_days = Integer(validate=validate.Range(min=0, max=365))
    reminder_min_months = Integer(validate=validate.Range(min=0, max=120))
    demand_min_months = Integer(validate=validate.Range(min=0, max=120))
    notice_due_days = Integer(validate=validate.Range(min=0, max=90))
    business_day_terms = fields.Boolean(metadata={
        "description": "count cut_warning_days and notice_due_days in business days (weekends, federal days, "
                       "the days of holiday_state and extra_holidays excluded) instead of calendar days"})
    business_open = fields.Time()
    business_close = fields.Time()
    holiday_state = StateName(metadata={"description": "the federal entity whose published holiday calendar "
                                                     "counts (GET /holiday-calendars/{state}/{year})"})
    holiday_calendar_years = fields.List(Integer(), dump_only=True, metadata={
        "description": "the years whose calendar of holiday_state has been published"})
    extra_holidays = fields.List(fields.Date())
    summons_followup_time = fields.Time()
    summons_window_minutes = Integer(validate=validate.Range(min=5, max=240))
    reconnection_deadline_hours = Integer(validate=validate.Range(min=1, max=720))
    drop_ratio = Integer(validate=validate.Range(min=1, max=99),
                                metadata={"description": "percent below the 6-month average that flags a drop"})
    version = Integer(dump_only=True)

    @validates_schema
    def hours_in_order(self, data, **kwargs):
        if "business_open" in data and "business_close" in data and data["business_open"] >= data["business_close"]:
            raise ValidationError("business_open must be before business_close.", "business_close")


class PolicyPatchSchema(PolicySchema):
    """Any subset of the policy settings."""
