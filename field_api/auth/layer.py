"""The one authorization layer: every API request passes here, and every write is audited."""
from __future__ import annotations

import logging
import re
import uuid
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g, request
from flask_smorest import abort
from sqlalchemy.orm import Session

from field_api import db
from field_api.models import AuditEvent
from field_api.models.base import utcnow
from field_api.sync_service.contact import needs_noting, note_contact

from .principal import ANONYMOUS, Principal, resolve
from .rules import Rule, rule_of

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _is_api(rule) -> bool:
    return rule is not None and rule.rule.startswith(API_PREFIX)


def undeclared_operations(app: Flask) -> list[str]:
    """API operations with no access rule; the app refuses to start with any."""
    missing = []
    for url_rule in app.url_map.iter_rules():
        if not _is_api(url_rule):
            continue
        view = app.view_functions[url_rule.endpoint]
        for method in sorted(url_rule.methods - {"HEAD", "OPTIONS"}):
            if rule_of(view, method) is None:
                missing.append(f"{method} {url_rule.rule}")
    return missing


def check(rule: Rule, principal: Principal) -> None:
    if rule.public:
        return
    if principal.kind == "anonymous":
        abort(401, message="Authentication required: send 'Authorization: Bearer <token>'.",
              headers={"WWW-Authenticate": 'Bearer realm="cuadrilla"'})
    if principal.kind == "user" and principal.role in rule.roles:
        return
    if principal.kind == "api_key" and principal.scopes & rule.scopes:
        return
    if principal.kind == "device" and rule.device:
        return
    who = f"role '{principal.role}'" if principal.kind == "user" else f"{principal.kind} '{principal.name}'"
    abort(403, message=f"{who} may not do this; it needs {rule.describe()}.")


def _before():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.principal = ANONYMOUS
    if not _is_api(request.url_rule) or request.method == "OPTIONS":
        return
    view = current_app.view_functions[request.endpoint]
    rule = rule_of(view, "GET" if request.method == "HEAD" else request.method)
    if rule is None:  # deny by default; start-up already refuses this
        abort(403, message="No access rule is declared for this operation.")
    if not rule.public:
        g.principal = resolve(request, db.session())
    check(rule, g.principal)


def note(reason: str | None = None, target: str | None = None, **details) -> None:
    """Let a write say why it happened and what it touched; the audit row carries it."""
    if reason is not None:
        g.audit_reason = reason
    if target is not None:
        g.audit_target = target
    g.setdefault("audit_details", {}).update(details)


def _after(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if not _is_api(request.url_rule):
        return response
    principal: Principal = g.get("principal", ANONYMOUS)
    if request.method in WRITES:
        _audit(response.status_code)
    if principal.kind == "device" and response.status_code < 400:
        _seen(principal)
    return response


def _seen(device: Principal) -> None:
    """The device was heard from (`contact.note_contact`), in a transaction of its own after the
    answer, so that no request of the device holds the row while it streams a photo or merges an upload.
    Skipped, with no round trip, while the contact read with the token is recent enough to stand."""
    now = utcnow()
    if not needs_noting(device.last_seen_at, now):
        return
    with _after_answer("Could not note the contact of device %s (request %s)", device.id, g.request_id) as session:
        note_contact(session, device.id, now)


TARGET_LENGTH = AuditEvent.__table__.c.target.type.length


def _audit(status_code: int) -> None:
    principal: Principal = g.get("principal", ANONYMOUS)
    target = g.get("audit_target") or ",".join(f"{k}={v}" for k, v in (request.view_args or {}).items())
    target = target[:TARGET_LENGTH]  # a file name, say, may be longer than the column: keep its start
    with _after_answer("Could not write the audit event for request %s", g.request_id) as session:
        session.add(AuditEvent(
            request_id=g.request_id, principal_kind=principal.kind, principal_id=principal.id,
            principal_name=principal.name or g.get("audit_principal_name"),
            action=f"{request.method} {request.url_rule.rule}", target=target or None,
            status_code=status_code, reason=g.get("audit_reason"),
            details=g.get("audit_details") or None,
        ))


@contextmanager
def _after_answer(failure: str, *args) -> Iterator[Session]:
    """A session of its own for a write after the answer, committed at the end. The request's own
    session is finished by now; it is ended first so that SQLite's write lock is free. The answer
    already exists, so a failure here is logged loudly (`failure` % `args`), never fatal."""
    db.close_request_session()
    session = db.new_session()
    try:
        yield session
        session.commit()
    except Exception:
        log.exception(failure, *args)
        session.rollback()
    finally:
        session.close()


def init_app(app: Flask) -> None:
    missing = undeclared_operations(app)
    if missing:
        raise RuntimeError("API operations without an access rule: " + "; ".join(missing))
    app.before_request(_before)
    app.after_request(_after)
