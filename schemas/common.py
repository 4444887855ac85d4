"""Shared pieces of the wire contract: pagination, bounding boxes, GeoJSON shapes."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

LON_RANGE = (-180.0, 180.0)
LAT_RANGE = (-90.0, 90.0)


class BBox(fields.Field):
    """`minlon,minlat,maxlon,maxlat` in WGS84, RFC 7946 order (longitude first)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = str(value).split(",")
        if len(parts) != 4:
            raise ValidationError("bbox needs four comma-separated numbers: minlon,minlat,maxlon,maxlat.")
        try:
            minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
        except ValueError:
            raise ValidationError("bbox values must be numbers: minlon,minlat,maxlon,maxlat.") from None
        check_lon_lat(minlon, minlat, "bbox")
        check_lon_lat(maxlon, maxlat, "bbox")
        if minlon >= maxlon or minlat >= maxlat:
            raise ValidationError("bbox minimums must be smaller than maximums: minlon,minlat,maxlon,maxlat.")
        return (minlon, minlat, maxlon, maxlat)


def check_lon_lat(lon: float, lat: float, what: str = "coordinate") -> None:
    """Refuse out-of-range values; a latitude-first pair is the usual cause."""
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1]) or not (LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValidationError(
            f"{what} has longitude {lon} / latitude {lat} out of range; "
            "GeoJSON order is [longitude, latitude]."
        )


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(
        load_default=None, validate=validate.Range(min=1), metadata={"description": "rows per page"}
    )


class PaginationSchema(Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class GeometrySchema(Schema):
    type = fields.String(required=True)
    coordinates = fields.Raw(required=True)


def feature_schemas(name: str, properties: type[Schema]) -> tuple[type[Schema], type[Schema]]:
    """A GeoJSON Feature schema and a paginated FeatureCollection schema for `properties`."""
    feature = Schema.from_dict(
        {
            "type": fields.Constant("Feature"),
            "id": fields.Integer(),
            "geometry": fields.Nested(GeometrySchema, allow_none=True),
            "properties": fields.Nested(properties),
        },
        name=f"{name}Feature",
    )
    collection = Schema.from_dict(
        {
            "type": fields.Constant("FeatureCollection"),
            "features": fields.List(fields.Nested(feature)),
            "pagination": fields.Nested(PaginationSchema),
        },
        name=f"{name}FeatureCollection",
    )
    return feature, collection
