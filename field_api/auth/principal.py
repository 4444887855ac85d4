"""Who is calling: read from the Authorization or X-API-Key header, checked against the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Request
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.models import ApiKey, AuthToken, OfficeUser
from field_api.models.base import as_utc, utcnow

from .tokens import DEVICE_PREFIX, digest


@dataclass(frozen=True)
class Principal:
    kind: str  # user | api_key | device | anonymous
    id: int | None = None
    name: str | None = None
    role: str | None = None
    scopes: frozenset[str] = frozenset()
    session_id: str | None = None
    # For devices: the crew member the device is scoped to, that member's crew, and the device's
    # latest contact noted before this request.
    crew_member_id: int | None = None
    crew_id: int | None = None
    last_seen_at: datetime | None = None


ANONYMOUS = Principal("anonymous")


def _unauthorized(message: str):
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="cuadrilla"'})


def resolve(request: Request, session: Session) -> Principal:
    header = request.headers.get("Authorization")
    key = request.headers.get("X-API-Key")
    if header and key:
        _unauthorized("Send either an Authorization header or an X-API-Key header, not both.")
    if key:
        return _api_key(session, key)
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
            _unauthorized("Malformed Authorization header: use 'Bearer <access token>'.")
        if token.strip().startswith(DEVICE_PREFIX):
            from field_api.devices.tokens import device_principal

            return device_principal(session, token.strip(), _unauthorized)
        return _user(session, token.strip())
    return ANONYMOUS


def _user(session: Session, token: str) -> Principal:
    row = session.execute(
        select(AuthToken, OfficeUser).join(OfficeUser, AuthToken.user_id == OfficeUser.id)
        .where(AuthToken.token_hash == digest(token))
    ).first()
    if row is None:
        _unauthorized("Unknown access token.")
    token_row, user = row
    if token_row.kind != "access":
        _unauthorized("A refresh token cannot be used as an access token; call /auth/refresh.")
    if token_row.revoked_at is not None:
        _unauthorized("This access token was revoked; log in again.")
    if as_utc(token_row.expires_at) <= utcnow():
        _unauthorized("This access token has expired; refresh it or log in again.")
    if not user.active:
        _unauthorized("This user is disabled.")
    return Principal("user", user.id, user.username, user.role, session_id=token_row.session_id)


def _api_key(session: Session, key: str) -> Principal:
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(key.strip())))
    if row is None:
        _unauthorized("Unknown API key.")
    if row.revoked_at is not None:
        _unauthorized("This API key was revoked.")
    return Principal("api_key", row.id, row.name, scopes=frozenset(row.scopes))
