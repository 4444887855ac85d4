"""Secrets: password hashing with argon2, and opaque tokens stored only as their SHA-256."""
from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_dummy_hash = _hasher.hash("cuadrilla-timing-equaliser")


def configure(time_cost: int, memory_kib: int) -> None:
    """Set the argon2 cost for new hashes (old hashes keep their own parameters)."""
    global _hasher, _dummy_hash
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_kib):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _dummy_hash = _hasher.hash("cuadrilla-timing-equaliser")

ACCESS_PREFIX = "cua_at_"
REFRESH_PREFIX = "cua_rt_"
API_KEY_PREFIX = "cua_key_"
DEVICE_PREFIX = "cua_dev_"  # an enrolled device (field_api.devices)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
