"""Read views of the registry for the office API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas import vocab

from .common import BBox, PageArgs, feature_schemas


class SectorProperties(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    version = fields.Integer()


class SectorListArgs(PageArgs):
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})


class PremiseProperties(Schema):
    id = fields.Integer()
    cadastral_key = fields.String(allow_none=True)
    street = fields.String()
    exterior_number = fields.String()
    interior_number = fields.String(allow_none=True)
    neighborhood = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    municipality = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    land_use = fields.String()
    dwellings = fields.Integer()
    connection_status = fields.String()
    sector_id = fields.Integer(allow_none=True)
    version = fields.Integer()


class PremiseListArgs(PageArgs):
    sector = fields.Integer(validate=validate.Range(min=1), metadata={"description": "sector id"})
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    land_use = fields.String(validate=validate.OneOf(vocab.LAND_USES))
    connection_status = fields.String(validate=validate.OneOf(vocab.CONNECTION_STATUSES))


class AccountProperties(Schema):
    id = fields.Integer()
    number = fields.String()
    holder_name = fields.String()
    tariff_class = fields.String()
    service_status = fields.String()
    protected = fields.Boolean(metadata={"description": "the reason is sensitive and never listed"})
    premise_id = fields.Integer()
    sector_id = fields.Integer(allow_none=True)
    address = fields.String()
    land_use = fields.String()
    amount_owed = fields.Decimal(as_string=True, places=2, metadata={"description": "pesos"})
    months_overdue = fields.Integer()
    last_payment_date = fields.Date(allow_none=True)
    version = fields.Integer()


class AccountListArgs(PageArgs):
    sector = fields.Integer(validate=validate.Range(min=1), metadata={"description": "sector id"})
    bbox = BBox(metadata={"description": "minlon,minlat,maxlon,maxlat"})
    status = fields.String(validate=validate.OneOf(vocab.SERVICE_STATUSES))
    land_use = fields.String(validate=validate.OneOf(vocab.LAND_USES))
    in_arrears = fields.Boolean(metadata={"description": "true: owes money and is overdue"})
    min_months_overdue = fields.Integer(validate=validate.Range(min=0))
    min_amount_owed = fields.Decimal(validate=validate.Range(min=0), metadata={"description": "pesos"})
    protected = fields.Boolean()


SectorFeature, SectorCollection = feature_schemas("Sector", SectorProperties)
PremiseFeature, PremiseCollection = feature_schemas("Premise", PremiseProperties)
AccountFeature, AccountCollection = feature_schemas("Account", AccountProperties)
