"""Requests whose JSON body or query no column could store are refused before anything reads them:
NUL characters (PostgreSQL text cannot hold them), lone UTF-16 surrogates, integers beyond 64 bits,
NaN and Infinity, nesting deeper than any of our bodies (`field_api.json_faults`). Without this
check each reached the database, or Python's stack, as a 500.

An upload of field records is the exception: each record is checked on its own (a record that
cannot be stored is rejected with its reason, the others are stored), so one bad record never
sinks the rest. Its body is still refused when it cannot even be parsed for nesting too deep.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from field_api.json_faults import FAULTS, fault_of

PER_RECORD_ENDPOINTS = {"sync.Uploads"}


def _refuse(status: int, message: str, errors: dict):
    from . import error_body

    return jsonify(error_body(status, message, errors)), status


def _refuse_unstorable():
    faults = {}
    if fault := fault_of([[k, v] for k, v in request.args.items(multi=True)]):
        faults["query"] = fault
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # the parser's own stack, before any walk of ours
            return _refuse(400, "El JSON anida demasiados niveles para leerlo.", {"json": ["nested too deeply"]})
        if request.endpoint not in PER_RECORD_ENDPOINTS and (fault := fault_of(body)):
            faults["json"] = fault
    if faults:
        message = "; ".join(dict.fromkeys(FAULTS[f][1] for f in faults.values())) + "."
        return _refuse(422, message, {part: [FAULTS[f][1]] for part, f in faults.items()})
    return None


def init_app(app: Flask) -> None:
    app.before_request(_refuse_unstorable)
