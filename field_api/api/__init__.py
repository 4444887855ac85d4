"""The HTTP API: flask-smorest setup, blueprints, and the one place domain errors become 4xx."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, send_from_directory
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import InternalServerError

from field_api.auth.service import AccessConflict, AuthError, TooManyAttempts, WeakPassword
from field_api.dispatch.crews import CrewConflict
from field_api.dispatch.inputs import DispatchError
from field_api.dispatch.publish import PlanStateError
from field_api.domain.work_items import IllegalTransition, InvalidWorkKind
from field_api.registry.registrations import RegistrationDecided, RegistrationIncomplete
from field_api.sync_service.feed_order import UnknownCursor
from field_api.work.agreements import AgreementError
from field_api.work.inspections import UnknownAccounts

log = logging.getLogger(__name__)
PREFIX = "/api/v1"

# Domain errors and the status each one gets.
DOMAIN_ERRORS: dict[type[Exception], int] = {
    IllegalTransition: 409,
    InvalidWorkKind: 422,
    AccessConflict: 409,
    WeakPassword: 422,
    AuthError: 401,
    TooManyAttempts: 429,
    UnknownAccounts: 422,
    AgreementError: 409,
    DispatchError: 422,
    PlanStateError: 409,
    CrewConflict: 409,
    RegistrationDecided: 409,
    RegistrationIncomplete: 422,
    UnknownCursor: 422,
}


CHANGED_MEANWHILE = "The data changed while this request was handled; reload and retry."
# PostgreSQL's deadlock and serialization failures: a concurrent request won, and a retry may not.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def _extra_headers(exc: Exception) -> dict:
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, AuthError):
        return {"WWW-Authenticate": 'Bearer realm="cuadrilla"'}
    return {}


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    from http import HTTPStatus

    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _summary(errors: dict, prefix: str = "") -> list[str]:
    """Flatten marshmallow's nested errors into 'location.field: message' lines."""
    lines = []
    for key, value in errors.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.extend(_summary(value, path + "."))
        else:
            messages = value if isinstance(value, list) else [value]
            lines.append(f"{path}: {' '.join(str(m) for m in messages)}")
    return lines


class CuadrillaApi(Api):
    """flask-smorest's Api, with a `message` in every error body, not only in some."""

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if "message" not in payload:
            if payload.get("errors"):
                payload["message"] = "Invalid request: " + "; ".join(_summary(payload["errors"]))
            else:
                payload["message"] = error.description
        return payload, code, headers


def _register_error_handlers(app: Flask) -> None:
    for exc_type, status in DOMAIN_ERRORS.items():
        def handler(exc, status=status):
            return jsonify(error_body(status, str(exc))), status, _extra_headers(exc)

        app.register_error_handler(exc_type, handler)

    @app.errorhandler(IntegrityError)
    def integrity(exc):
        # Two offices racing to create the same open work, or a duplicate key slipping past a check.
        log.warning("Integrity error: %s", exc.orig)
        return jsonify(error_body(409, "The change conflicts with data stored meanwhile; reload and retry.")), 409

    @app.errorhandler(StaleDataError)
    def stale(exc):
        # A row changed between its read and its versioned UPDATE: a concurrent request won.
        log.warning("Stale row: %s", exc)
        return jsonify(error_body(409, CHANGED_MEANWHILE)), 409

    @app.errorhandler(OperationalError)
    def operational(exc):
        if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:  # the other transaction went on
            log.warning("Transaction lost a race: %s", exc.orig)
            return jsonify(error_body(409, CHANGED_MEANWHILE)), 409
        if "database is locked" in str(exc.orig):  # SQLite: another writer held it past the busy timeout
            log.warning("Database busy: %s", exc.orig)
            return jsonify(error_body(503, "The database is busy with another change; retry in a few "
                                           "seconds.")), 503, {"Retry-After": "5"}
        return unexpected(exc)

    @app.errorhandler(Exception)
    def unexpected(exc):
        # HTTP errors have their own, more specific handler; this one sees only real bugs.
        log.exception("Unhandled error")
        return jsonify(error_body(500, InternalServerError.description)), 500


def create_api(app: Flask) -> Api:
    api = CuadrillaApi(app)
    from field_api.auth.rules import SECURITY_SCHEMES

    from .accounts.routes import blp as accounts
    from .agreements.routes import blp as agreements
    from .crews.routes import blp as crews
    from .holiday_calendars.routes import blp as holiday_calendars
    from .payments.routes import blp as payments
    from .plans.routes import blp as plans
    from .policy.routes import blp as policy
    from .registry_imports.routes import blp as registry_imports
    from .reports.routes import blp as reports
    from .work_generation.routes import blp as work_generation
    from .work_items.routes import blp as work_items
    from .api_keys.routes import blp as api_keys
    from .audit.routes import blp as audit
    from .auth.routes import blp as auth
    from .health.routes import blp as health
    from .premises.routes import blp as premises
    from .sectors.routes import blp as sectors
    from .users.routes import blp as users

    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for blp in (health, auth, users, api_keys, audit, sectors, premises, accounts, registry_imports, policy,
                holiday_calendars, work_generation, work_items, payments, agreements, crews, plans, reports):
        api.register_blueprint(blp, url_prefix=PREFIX + blp.url_prefix)
    from .sync_blueprints import SYNC_BLUEPRINTS  # devices, the device protocol, the review queue
    for blp in SYNC_BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=PREFIX + blp.url_prefix)
    return api


def init_app(app: Flask) -> None:
    from field_api.auth import layer

    from . import json_guard, path_ids

    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    path_ids.init_app(app)
    app.extensions["cuadrilla_api"] = create_api(app)
    _register_error_handlers(app)
    layer.init_app(app)
    json_guard.init_app(app)  # after the access layer has named the request, before any view

    import swagger_ui_bundle

    # Swagger UI is served from the installed package, so the docs work on a closed intranet.
    @app.route("/api/swagger-ui-assets/<path:filename>")
    def swagger_ui_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.route("/")
    def index():
        return jsonify(
            name="Cuadrilla",
            docs="/api/docs",
            openapi="/api/openapi.json",
            sectors=PREFIX + "/sectors",
            premises=PREFIX + "/premises",
            accounts=PREFIX + "/accounts",
        )
