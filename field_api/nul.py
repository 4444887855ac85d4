"""NUL characters: PostgreSQL text cannot hold them, so input is checked for them before it is stored."""
from __future__ import annotations


def holds_nul(value) -> bool:
    """Whether a string, or any key or value of nested dicts and lists, holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


def without_nul(value):
    """The same value with each NUL character replaced by U+FFFD, the replacement character."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value
