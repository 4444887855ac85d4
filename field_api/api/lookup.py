"""One way to fetch a row by id or answer 404 naming it."""
from __future__ import annotations

from flask_smorest import abort

from field_api import db


def get_or_404(model, row_id: int, noun: str):
    row = db.session().get(model, row_id)
    if row is None:
        abort(404, message=f"{noun} {row_id} does not exist.")
    return row
