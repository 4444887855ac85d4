"""Geometry at the edges: database elements <-> Shapely <-> GeoJSON, always SRID 4326."""
from __future__ import annotations

from geoalchemy2.elements import WKTElement
from geoalchemy2.shape import to_shape
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, and_, func, select, text

SRID = 4326


def to_geojson(element) -> dict | None:
    return None if element is None else mapping(to_shape(element))


def to_element(geometry: BaseGeometry) -> WKTElement:
    return WKTElement(geometry.wkt, srid=SRID)


def ewkt(geometry: BaseGeometry) -> str:
    """The form bulk inserts pass to a geometry column on both backends."""
    return f"SRID={SRID};{geometry.wkt}"


def bbox_polygon(bbox: tuple[float, float, float, float]) -> BaseGeometry:
    return box(*bbox)


def intersects(column, table_name: str, pk_column, area: BaseGeometry, dialect: str) -> ColumnElement:
    """A WHERE clause for rows whose geometry touches `area`, using the spatial index on both backends."""
    shape = func.ST_GeomFromText(area.wkt, SRID)
    clause = func.ST_Intersects(column, shape)
    if dialect == "sqlite":
        # SpatiaLite never uses its R*Tree by itself: the SpatialIndex table must be asked.
        candidates = select(text("ROWID")).select_from(text("SpatialIndex")).where(
            text("f_table_name = :sx_table AND f_geometry_column = :sx_column").bindparams(
                sx_table=table_name, sx_column=column.key
            ),
            text("search_frame = ST_GeomFromText(:sx_area, 4326)").bindparams(sx_area=area.wkt),
        )
        return and_(pk_column.in_(candidates), clause)
    return clause
