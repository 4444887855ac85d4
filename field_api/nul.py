"""NUL characters: PostgreSQL text cannot hold them, so input is checked for them before it is stored."""
from __future__ import annotations

import orjson


def holds_nul(value) -> bool:
    """Whether a string, or any key or value of nested dicts and lists, holds a NUL character."""
    try:  # the usual answer, no, found in C: JSON text spells a NUL as \u0000
        if b"\\u0000" not in orjson.dumps(value):
            return False
    except (TypeError, orjson.JSONEncodeError):  # not JSON data (an int past 64 bits, say): walk it
        pass
    return _walk(value)  # a literal backslash before "u0000" is spelled so too: make sure


def _walk(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_walk(k) or _walk(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_walk(v) for v in value)
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
