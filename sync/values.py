"""How the merge compares registry values (the rules are explained in `sync.merge`)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def clean(value: Any) -> Any:
    """The value as it should be written: text NFC-normalised and stripped, blank text → None."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        return value or None
    return value


def _comparable(value: Any) -> tuple:
    value = clean(value)
    if value is None:
        return ("blank",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float, Decimal)):
        return ("num", Decimal(str(value)) if isinstance(value, float) else Decimal(value))
    if isinstance(value, (date, datetime)):
        return ("text", value.isoformat())
    return ("text", str(value))


def _as_number(c: tuple) -> tuple:
    if c[0] == "text":
        try:
            number = Decimal(c[1])
        except InvalidOperation:
            return c
        if number.is_finite():
            return ("num", number)
    return c


def same(a: Any, b: Any) -> bool:
    """Equal for the merge (see the module docstring)."""
    ca, cb = _comparable(a), _comparable(b)
    if {ca[0], cb[0]} == {"num", "text"}:
        ca, cb = _as_number(ca), _as_number(cb)
    return ca == cb


def _loose_text(value: Any) -> str:
    text = unicodedata.normalize("NFKD", str(clean(value) or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def same_in_substance(a: Any, b: Any) -> bool:
    """Equal once case, accents, spacing and punctuation are ignored (text only)."""
    if same(a, b):
        return True
    if isinstance(clean(a), str) and isinstance(clean(b), str):
        return _loose_text(a) == _loose_text(b)
    return False
