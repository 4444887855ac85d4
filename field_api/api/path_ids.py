"""Ids in paths: `<int:...>` takes 1 to MAX_ID, as the database holds them. Werkzeug's own converter
took any number of digits, and a bigger id reached the database as an overflow, a 500; now it
names nothing, a 404."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from schemas.common import MAX_ID


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Before any route is added: rules bind their converters when they are made."""
    app.url_map.converters["int"] = IdConverter
