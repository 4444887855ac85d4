"""Read views of the registry for the office API."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from schemas import vocab

from .common import AMOUNT_FILTER_RANGE, Integer, BBox, ID_RANGE, PageArgs, feature_schemas


class SectorProperties(Schema):
    id = Integer()
    code = fields.String()
    name = fields.String()
    version = Integer()


class SectorListArgs(PageArgs):
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})


class PremiseProperties(Schema):
    id = Integer()
    cadastral_key = fields.String(allow_none=True)
    street = fields.String()
    exterior_number = fields.String()
    interior_number = fields.String(allow_none=True)
    neighborhood = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    municipality = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    land_use = fields.String()
    dwellings = Integer()
    connection_status = fields.String()
    sector_id = Integer(allow_none=True)
    version = Integer()


class PremiseListArgs(PageArgs):
    sector = Integer(validate=ID_RANGE, metadata={"description": "sector id"})
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    land_use = fields.String(validate=validate.OneOf(vocab.LAND_USES))
    connection_status = fields.String(validate=validate.OneOf(vocab.CONNECTION_STATUSES))


class AccountProperties(Schema):
    id = Integer()
    number = fields.String()
    holder_name = fields.String()
    tariff_class = fields.String()
    service_status = fields.String()
    protected = fields.Boolean(metadata={"description": "the reason is sensitive and never listed"})
    premise_id = Integer()
    sector_id = Integer(allow_none=True)
    address = fields.String()
    land_use = fields.String()
    amount_owed = fields.Decimal(as_string=True, places=2, metadata={"description": "pesos"})
    months_overdue = Integer()
    last_payment_date = fields.Date(allow_none=True)
    version = Integer()


class AccountListArgs(PageArgs):
    sector = Integer(validate=ID_RANGE, metadata={"description": "sector id"})
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    status = fields.String(validate=validate.OneOf(vocab.SERVICE_STATUSES))
    land_use = fields.String(validate=validate.OneOf(vocab.LAND_USES))
    in_arrears = fields.Boolean(metadata={"description": "true: owes money and is overdue"})
    min_months_overdue = Integer(validate=validate.Range(min=0, max=1200))
    min_amount_owed = fields.Decimal(validate=AMOUNT_FILTER_RANGE, metadata={"description": "pesos"})
    protected = fields.Boolean()


SectorFeature, SectorCollection = feature_schemas("Sector", SectorProperties)
PremiseFeature, PremiseCollection = feature_schemas("Premise", PremiseProperties)
AccountFeature, AccountCollection = feature_schemas("Account", AccountProperties)


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "the billing export, .csv or .xlsx"})


class ImportFormSchema(Schema):
    skip_invalid = fields.Boolean(load_default=False,
                                  metadata={"description": "import the valid rows, report the others"})


class ImportErrorSchema(Schema):
    row = Integer(allow_none=True)
    column = fields.String(allow_none=True)
    message = fields.String()


class ImportReportSchema(Schema):
    message = fields.String(metadata={"description": "one line: what was read, and whether anything changed"})
    file_name = fields.String()
    written = fields.Boolean(metadata={"description": "false: nothing was changed"})
    rows_read = Integer()
    rows_skipped = Integer()
    accounts_created = Integer()
    accounts_updated = Integer()
    accounts_unchanged = Integer()
    premises_created = Integer()
    premises_updated = Integer()
    meters_created = Integer()
    meters_updated = Integer()
    balances_created = Integer()
    balances_updated = Integer()
    changes_logged = Integer()
    errors = fields.List(fields.Nested(ImportErrorSchema))
    warnings = fields.List(fields.String())
    text = fields.String(metadata={"description": "the same report, for people"})
