"""Requests whose JSON body or query holds a NUL character are refused with a 422 before anything
reads them: PostgreSQL text cannot store NUL, and without this check a NUL in a login name or an
address reached the database as a 500.

An upload of field records is the exception: each record is checked on its own (a record with
NUL is rejected with its reason, the others are stored), so one bad record never sinks the rest.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from field_api.nul import holds_nul

PER_RECORD_ENDPOINTS = {"sync.Uploads"}


def _refuse_nul():
    where = []
    if any(holds_nul(k) or holds_nul(v) for k, v in request.args.items(multi=True)):
        where.append("query")
    if request.endpoint not in PER_RECORD_ENDPOINTS and request.is_json and holds_nul(request.get_json(silent=True)):
        where.append("json")
    if where:
        from . import error_body

        return jsonify(error_body(422, "El texto no puede contener el carácter NUL (\\u0000).",
                                  {part: ["NUL character (\\u0000) in the text"] for part in where})), 422
    return None


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
