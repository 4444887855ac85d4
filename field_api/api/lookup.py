"""One way to fetch a row by id or answer 404 naming it."""
from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import select

from field_api import db


def get_or_404(model, row_id: int, noun: str, lock: bool = False):
    """With `lock`, the row is locked and read afresh, so that of two writes sent with the same
    If-Match the second sees the first's version."""
    if lock:
        row = db.session().scalar(db.locked(select(model).where(model.id == row_id)))
    else:
        row = db.session().get(model, row_id)
    if row is None:
        abort(404, message=f"{noun} {row_id} does not exist.")
    return row
