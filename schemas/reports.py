"""Wire contract of the office reports: work done by each crew, and the share of arrears recovered.

The descriptions here are the definitions of the figures; the README repeats them in words.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from .common import DATE_RANGE, ID_RANGE, Integer

MAX_DAYS = 366
DAYS = "the utility's local days (setting TIMEZONE)"


class ReportRangeArgs(Schema):
    from_ = fields.Date(required=True, data_key="from", validate=DATE_RANGE,
                        metadata={"description": f"first day of the report, inclusive; {DAYS}"})
    to = fields.Date(required=True, validate=DATE_RANGE,
                     metadata={"description": f"last day of the report, inclusive; at most {MAX_DAYS} days "
                                              "after `from`"})

    @validates_schema
    def range_in_order(self, data, **kwargs):
        if "from_" not in data or "to" not in data:
            return
        if data["to"] < data["from_"]:
            raise ValidationError(f"to ({data['to']}) is before from ({data['from_']}).", "to")
        days = (data["to"] - data["from_"]).days + 1
        if days > MAX_DAYS:
            raise ValidationError(f"A report covers at most {MAX_DAYS} days; from {data['from_']} to {data['to']} "
                                  f"is {days} days.", "to")


class CrewWorkArgs(ReportRangeArgs):
    crew = Integer(validate=ID_RANGE, metadata={"description": "only this crew"})


class ArrearsArgs(ReportRangeArgs):
    sector = Integer(validate=ID_RANGE, metadata={"description": "only accounts whose premise is in this sector"})
    pursued_since = fields.Date(
        validate=DATE_RANGE,
        metadata={"description": "count only collection work created on or after this day (default: all "
                                 "collection work created on or before `to`); not after `to`"})

    @validates_schema
    def since_before_to(self, data, **kwargs):
        if data.get("pursued_since") and data.get("to") and data["pursued_since"] > data["to"]:
            raise ValidationError(f"pursued_since ({data['pursued_since']}) is after to ({data['to']}).",
                                  "pursued_since")


class WorkCountsSchema(Schema):
    planned = Integer(metadata={"description": "items on the crew's published batches for days in the range "
                                               "(a batch later replaced by a re-plan still counts; each item once)"})
    given = Integer(metadata={"description": "items the crew was given in the range: the planned ones, and, "
                                             "if never on one of its batches, those reassigned to it or created "
                                             "for it (urgent work raised in the field) on those days; each item "
                                             "once. given = done + failed + cancelled + open + moved"})
    done = Integer(metadata={"description": "given items now done, finished by this crew: the crew of the device "
                                            "whose field record finished the item (its member's crew when the "
                                            "record came in; whenever it was synced, and even "
                                            "if the item had been reassigned meanwhile), or, when the office set "
                                            "the status, the crew the item was assigned to then"})
    failed = Integer(metadata={"description": "given items now failed (no access, refused...), by this crew as "
                                              "for done"})
    cancelled = Integer(metadata={"description": "given items called off (a payment, the office) while they were "
                                                 "this crew's"})
    open = Integer(metadata={"description": "given items still pending, planned or dispatched, and still this "
                                            "crew's"})
    moved = Integer(metadata={"description": "given items that left the crew: reassigned to another crew, or "
                                             "finished or called off while another crew's"})
    share_done = fields.Float(allow_none=True, metadata={"description": "done / given, from 0 to 1 (4 decimals); "
                                                                       "null when nothing was given"})


class WorkByTypeSchema(WorkCountsSchema):
    type = fields.String(metadata={"description": "work type: notice, cut, reconnection, inspection, verification"})


class CrewWorkSchema(WorkCountsSchema):
    crew_id = Integer()
    crew_name = fields.String(allow_none=True)
    records_received = Integer(metadata={"description": "field records the server received in the range (by "
                                                        "server clock) from the crew's devices, whatever their "
                                                        "status; a resent duplicate is not a new record"})
    records_rejected = Integer(metadata={"description": "of those, rejected (the reason is on each record)"})
    by_type = fields.List(fields.Nested(WorkByTypeSchema))


class CrewWorkReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    timezone = fields.String(metadata={"description": "the time zone whose days the range names"})
    crews = fields.List(fields.Nested(CrewWorkSchema),
                        metadata={"description": "crews given work or sending field records in the range, by name"})


PESOS = "pesos, two decimals"


class RecoveryFiguresSchema(Schema):
    accounts_pursued = Integer(metadata={"description": (
        "accounts with collection work created on or before `to` (and on or after `pursued_since` when given): "
        "a cut order, or a reminder, payment demand or cut warning; summons follow-ups and other work do not "
        "count, and neither does what became of the work (done, failed, cancelled)")})
    owed_when_pursued = fields.Decimal(as_string=True, places=2, metadata={"description": (
        f"{PESOS}: for each pursued account, the largest debt recorded on its collection work, i.e. the balance "
        "the generator read when it created the item (the item's priority_value); summed over the accounts")})
    paid_in_range = fields.Decimal(as_string=True, places=2, metadata={"description": (
        f"{PESOS}: payments of the pursued accounts with paid_on from `from` to `to`, agreement instalments "
        "included")})
    share_recovered = fields.Float(allow_none=True, metadata={"description": (
        "paid_in_range / owed_when_pursued (4 decimals); null when nothing was owed. It can pass 1 when "
        "accounts also paid bills issued after they were pursued")})
    accounts_paying = Integer(metadata={"description": "pursued accounts that paid anything in the range"})
    accounts_paid_in_full = Integer(metadata={"description": (
        "pursued accounts whose payments in the range reach what they owed when pursued")})
    reconnections_ordered = Integer(metadata={"description": (
        "reconnection work items created in the range (local days) for pursued accounts")})


class SectorRecoverySchema(RecoveryFiguresSchema):
    sector_id = Integer(allow_none=True, metadata={"description": "null: premises in no sector"})
    sector_code = fields.String(allow_none=True)
    sector_name = fields.String(allow_none=True)


class ArrearsReportSchema(RecoveryFiguresSchema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    pursued_since = fields.Date(allow_none=True)
    sector = Integer(allow_none=True, metadata={"description": "the sector filter, if any"})
    timezone = fields.String(metadata={"description": "the time zone whose days the range names"})
    by_sector = fields.List(fields.Nested(SectorRecoverySchema),
                            metadata={"description": "the same figures per sector of the account's premise, by "
                                                     "code; the totals above are their sums"})
