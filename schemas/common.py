"""Shared pieces of the wire contract: whole-value patterns, pagination, bounding boxes, GeoJSON shapes."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate


class WholeMatch(validate.Regexp):
    """A Regexp that must match the whole value. marshmallow's `Regexp` uses `re.match`, where `$`
    also matches before a final newline: "abc" and a newline passed `^[a-z]{3}$`. The pattern
    stays as written for the OpenAPI document, where `$` means the end."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Integer(fields.Integer):
    """An integer that refuses 1.5 instead of cutting it to 1, as marshmallow's own does; an integral
    number such as 2.0, or "2" from a query string, still counts."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _stated(value: str) -> None:
    if len(value.strip()) < 3:
        raise ValidationError("Say why in words: blank space is not a reason.")


# A reason a person must give (an override, a cancellation, a review decision): 3 to 500
# characters, at least 3 of them not blank, since the record is worthless without one.
REASON = [validate.Length(min=3, max=500), _stated]


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


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database: a bigger one names nothing
ID_RANGE = validate.Range(1, MAX_ID)

# Money in pesos: centavos are 64-bit integers in the database, and a hundred billion pesos is beyond
# any water bill (the registry import refuses it too).
MAX_PESOS = Decimal(10**11)
AMOUNT_RANGE = validate.Range(min=0, min_inclusive=False, max=MAX_PESOS, max_inclusive=False,
                              error="Must be more than 0 and less than 100,000,000,000 pesos.")
AMOUNT_FILTER_RANGE = validate.Range(min=0, max=MAX_PESOS, error="Must be between 0 and 100,000,000,000 pesos.")
# Days of business (a payment, an agreement, the day work is for): dates are added to and
# subtracted from, so year 1 or 9999 would overflow; this century and the last are plenty.
DATE_RANGE = validate.Range(date(1900, 1, 1), date(2099, 12, 31),
                            error="Must be a date from 1900-01-01 to 2099-12-31.")


class PageArgs(Schema):
    page = Integer(load_default=1, validate=validate.Range(1, MAX_ID))  # times page_size: still 64-bit
    page_size = Integer(
        load_default=None, validate=validate.Range(min=1), metadata={"description": "rows per page"}
    )


class PaginationSchema(Schema):
    page = Integer()
    page_size = Integer()
    total = Integer()
    pages = Integer()


class GeometrySchema(Schema):
    type = fields.String(required=True)
    coordinates = fields.Raw(required=True)


def feature_schemas(name: str, properties: type[Schema]) -> tuple[type[Schema], type[Schema]]:
    """A GeoJSON Feature schema and a paginated FeatureCollection schema for `properties`."""
    feature = Schema.from_dict(
        {
            "type": fields.Constant("Feature"),
            "id": Integer(),
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


class GeoJSONPolygon(fields.Field):
    """A GeoJSON Polygon or MultiPolygon (RFC 7946, [lon, lat]) checked for order and validity."""

    def _deserialize(self, value, attr, data, **kwargs):
        from shapely.geometry import shape
        from shapely.validation import explain_validity

        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValidationError("Expected a GeoJSON Polygon or MultiPolygon object.")
        polygons = value.get("coordinates")
        if value["type"] == "Polygon":
            polygons = [polygons]
        if not isinstance(polygons, list) or not polygons:
            raise ValidationError("Polygon coordinates must be a list of linear rings.")
        for polygon in polygons:
            if not isinstance(polygon, list) or not polygon:
                raise ValidationError("Each polygon needs at least one linear ring.")
            for ring in polygon:
                _check_ring(ring)
        geometry = shape(value)
        if not geometry.is_valid:
            raise ValidationError(f"Polygon is not valid: {explain_validity(geometry)}.")
        return geometry

    def _serialize(self, value, attr, obj, **kwargs):
        from shapely.geometry import mapping

        return None if value is None else mapping(value)


def is_position(value) -> bool:
    """A GeoJSON position: [lon, lat] finite numbers, an altitude allowed."""
    return (isinstance(value, list) and len(value) in (2, 3)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and (isinstance(v, int) or math.isfinite(v))
                    for v in value))


def _check_ring(ring) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError("A linear ring needs at least four positions, the last equal to the first.")
    for position in ring:
        if not is_position(position):
            raise ValidationError("Each position must be [longitude, latitude] numbers (an altitude may follow).")
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    if all(abs(v) <= 90 for v in lons) and any(abs(v) > 90 for v in lats):
        raise ValidationError(
            "Positions look like [latitude, longitude]; GeoJSON order is [longitude, latitude].")
    for lon, lat in zip(lons, lats):
        check_lon_lat(lon, lat, "polygon position")
    if ring[0][:2] != ring[-1][:2]:
        raise ValidationError("A linear ring must be closed: its last position must equal its first.")
