"""Log in, refresh, log out; create users and API keys. Small functions over a Session."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from field_api.models import ApiKey, AuthToken, LoginAttempt, OfficeUser
from field_api.models.base import as_utc, utcnow

from .tokens import (
    ACCESS_PREFIX, API_KEY_PREFIX, REFRESH_PREFIX, digest, hash_password, new_token, verify_password,
)

MIN_PASSWORD_LENGTH = 10


class WeakPassword(ValueError):
    """A new password does not meet the minimum."""


class AuthError(Exception):
    """Credentials were refused; the message is safe to show."""


class TooManyAttempts(Exception):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class AccessConflict(Exception):
    """A name is taken, or a request contradicts the current state."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: OfficeUser


@dataclass(frozen=True)
class LoginLimits:
    per_user: int
    per_address: int
    window: timedelta


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def _issue(session: Session, user: OfficeUser, access_ttl: timedelta, refresh_ttl: timedelta,
           session_id: str | None = None) -> TokenPair:
    """A new token pair; refreshed pairs keep their session id so a stolen refresh ends them all."""
    now = utcnow()
    session_id = session_id or uuid.uuid4().hex
    access, refresh = new_token(ACCESS_PREFIX), new_token(REFRESH_PREFIX)
    session.add_all([
        AuthToken(token_hash=digest(access), kind="access", user_id=user.id, session_id=session_id,
                  issued_at=now, expires_at=now + access_ttl),
        AuthToken(token_hash=digest(refresh), kind="refresh", user_id=user.id, session_id=session_id,
                  issued_at=now, expires_at=now + refresh_ttl),
    ])
    return TokenPair(access, refresh, int(access_ttl.total_seconds()), user)


def _check_throttle(session: Session, username: str, address: str, limits: LoginLimits) -> None:
    since = utcnow() - limits.window
    recent = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.attempted_at > since)
    minutes = int(limits.window.total_seconds() // 60)
    if session.scalar(recent.where(LoginAttempt.username == username)) >= limits.per_user:
        raise TooManyAttempts(f"Too many failed logins for this user; try again in {minutes} minutes.",
                              int(limits.window.total_seconds()))
    if session.scalar(recent.where(LoginAttempt.remote_addr == address)) >= limits.per_address:
        raise TooManyAttempts(f"Too many failed logins from this address; try again in {minutes} minutes.",
                              int(limits.window.total_seconds()))


def login(session: Session, username: str, password: str, address: str, limits: LoginLimits,
          access_ttl: timedelta, refresh_ttl: timedelta) -> TokenPair:
    _check_throttle(session, username, address, limits)
    user = session.scalar(select(OfficeUser).where(OfficeUser.username == username))
    # Unknown user and wrong password take the same path and time, and give the same answer.
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or not user.active:
        session.add(LoginAttempt(username=username, remote_addr=address))
        session.commit()
        raise AuthError("Wrong username or password.")
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    return _issue(session, user, access_ttl, refresh_ttl)


def refresh(session: Session, refresh_token: str, access_ttl: timedelta, refresh_ttl: timedelta) -> TokenPair:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == digest(refresh_token)))
    if row is None or row.kind != "refresh":
        raise AuthError("Unknown refresh token.")
    if row.revoked_at is not None:
        # A reused refresh token may be stolen: end the whole session.
        revoke_session(session, row.session_id)
        session.commit()
        raise AuthError("This refresh token was already used or revoked; log in again.")
    if as_utc(row.expires_at) <= utcnow():
        raise AuthError("This refresh token has expired; log in again.")
    user = session.get(OfficeUser, row.user_id)
    if not user.active:
        raise AuthError("This user is disabled.")
    revoke_session(session, row.session_id)
    return _issue(session, user, access_ttl, refresh_ttl, session_id=row.session_id)


def revoke_session(session: Session, session_id: str) -> None:
    session.execute(update(AuthToken).where(AuthToken.session_id == session_id,
                                            AuthToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_user_tokens(session: Session, user_id: int) -> None:
    session.execute(update(AuthToken).where(AuthToken.user_id == user_id,
                                            AuthToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def create_user(session: Session, username: str, full_name: str, role: str, password: str) -> OfficeUser:
    check_password_strength(password)
    if session.scalar(select(OfficeUser.id).where(OfficeUser.username == username)):
        raise AccessConflict(f"The username '{username}' is taken.")
    user = OfficeUser(username=username, full_name=full_name, role=role,
                      password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def create_api_key(session: Session, name: str, scopes: list[str], created_by: str | None) -> tuple[ApiKey, str]:
    """Returns the row and the key itself, which is shown this once and stored only hashed."""
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)):
        raise AccessConflict(f"An API key named '{name}' exists already.")
    key = new_token(API_KEY_PREFIX)
    row = ApiKey(name=name, prefix=key[: len(API_KEY_PREFIX) + 4], key_hash=digest(key),
                 scopes=sorted(set(scopes)), created_by=created_by)
    session.add(row)
    session.flush()
    return row, key
