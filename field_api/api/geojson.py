"""Turning query pages into GeoJSON for the office API."""
from __future__ import annotations

from typing import Callable

from flask import current_app
from flask_smorest import abort

from field_api.geo import to_geojson
from field_api.registry.queries import Page


def page_size_from(args: dict) -> int:
    """The requested page size, refused with a 422 above the configured maximum."""
    size = args.pop("page_size", None) or current_app.config["PAGE_SIZE_DEFAULT"]
    limit = current_app.config["PAGE_SIZE_MAX"]
    if size > limit:
        abort(422, message=f"page_size may be at most {limit}.",
              errors={"query": {"page_size": [f"Must be at most {limit}."]}})
    return size


def feature(fid: int, geometry, properties: dict) -> dict:
    return {"type": "Feature", "id": fid, "geometry": to_geojson(geometry), "properties": properties}


def feature_collection(page: Page, to_feature: Callable) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [to_feature(row) for row in page.rows],
        "pagination": {
            "page": page.page,
            "page_size": page.page_size,
            "total": page.total,
            "pages": page.pages,
        },
    }
