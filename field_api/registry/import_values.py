"""Cell parsers for the registry import: one raw cell in, one typed value out, or BadValue.

Pure code (no SQLAlchemy). A cell comes from csv (always str) or openpyxl (str, int, float,
bool, datetime or None); every parser accepts all of them.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable


class BadValue(ValueError):
    """A cell that cannot be used; the message is shown to the person who made the file."""


@lru_cache(maxsize=4096)  # vocabulary cells repeat a handful of words 100k times
def fold(text: str) -> str:
    """Lower case, no accents, words joined by '_': how headers and vocabulary are compared."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace(".", "")  # "C.P." and "No. Ext" read as "cp" and "no_ext"
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def is_blank(raw: Any) -> bool:
    return raw is None or raw == "" or (type(raw) is str and not raw.strip())


def _as_text(raw: Any) -> str:
    if type(raw) is str:  # the common case, first: this runs millions of times
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # spreadsheets turn "10234" into 10234.0
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).strip()


def text(max_len: int) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = _as_text(raw)
        if len(value) > max_len:
            raise BadValue(f"is {len(value)} characters long; at most {max_len} fit")
        return value

    return parse


def postal_code(raw: Any) -> str:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = _as_text(raw).zfill(5)  # a spreadsheet drops the leading zero of 01000
    value = _as_text(raw)
    if not re.fullmatch(r"\d{5}", value):
        raise BadValue(f"'{value}' is not a postal code (five digits)")
    return value


def number(raw: Any) -> float:
    """A coordinate. A lone decimal comma ("30,71") is accepted: it cannot be a thousands mark."""
    source = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else _as_text(raw)
    cleaned = source.replace(",", ".") if isinstance(source, str) and source.count(",") == 1 and "." not in source \
        else source
    try:
        value = float(cleaned)
    except (ValueError, OverflowError):  # OverflowError: a spreadsheet integer of hundreds of digits
        raise BadValue(f"'{source}' is not a number") from None
    if not math.isfinite(value):
        raise BadValue(f"'{raw}' is not a number")
    return value


def integer(low: int, high: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        source = _as_text(raw)
        try:
            value = Decimal(source)
        except InvalidOperation:
            raise BadValue(f"'{source}' is not a whole number") from None
        if not value.is_finite() or value != value.to_integral_value():  # sNaN cannot even be compared
            raise BadValue(f"'{source}' is not a whole number")
        if value < 0 and low >= 0:
            raise BadValue(f"cannot be negative (got {source})")
        if not low <= value <= high:
            raise BadValue(f"must be between {low} and {high} (got {source})")
        return int(value)

    return parse


_PLAIN_AMOUNT = re.compile(r"-?\d+(\.\d+)?")
_GROUPED_AMOUNT = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")  # "1,234.50": comma thousands only
MAX_CENTS = 10**13  # a hundred billion pesos: anything above is a broken export


def cents(raw: Any) -> int:
    """Pesos as exact integer centavos; Decimal all the way so no binary rounding creeps in."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        source = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        source = _as_text(raw).replace("$", "").replace(" ", "")
    if not (_PLAIN_AMOUNT.fullmatch(source) or _GROUPED_AMOUNT.fullmatch(source)):
        raise BadValue(f"'{_as_text(raw)}' is not an amount in pesos (write 1234.50 or 1,234.50)")
    amount = Decimal(source.replace(",", "")) * 100
    if amount != amount.to_integral_value():
        raise BadValue(f"'{_as_text(raw)}' has more than two decimals (centavos)")
    if amount < 0:
        raise BadValue(f"cannot be negative (got {_as_text(raw)})")
    if amount >= MAX_CENTS:
        raise BadValue(f"'{_as_text(raw)}' is too large to be an amount owed")
    return int(amount)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
EARLIEST = date(1900, 1, 1)


def day(today: date) -> Callable[[Any], date]:
    """A calendar date, ISO (2024-01-31) or Mexican order (31/01/2024), not in the future."""

    def parse(raw: Any) -> date:
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        else:
            value = _text_date(_as_text(raw))
        if value > today:
            raise BadValue(f"{value.isoformat()} is in the future")
        if value < EARLIEST:
            raise BadValue(f"{value.isoformat()} is before 1900")
        return value

    return parse


def _text_date(source: str) -> date:
    if match := _ISO.fullmatch(source):
        year, month, dom = (int(g) for g in match.groups())
    elif match := _DMY.fullmatch(source):
        dom, month, year = (int(g) for g in match.groups())
    else:
        raise BadValue(f"'{source}' is not a date (write 2024-01-31 or 31/01/2024)")
    try:
        return date(year, month, dom)
    except ValueError:
        raise BadValue(f"'{source}' is not a real date") from None


_TRUE = {"si", "s", "yes", "y", "true", "verdadero", "1"}
_FALSE = {"no", "n", "false", "falso", "0"}


def yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = fold(_as_text(raw))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadValue(f"'{_as_text(raw)}' is not yes or no (write si/no, true/false or 1/0)")


def choice(what: str, aliases: dict[str, tuple[str, ...]]) -> Callable[[Any], str]:
    """A closed vocabulary: each stored value with the Spanish words that mean it."""
    lookup = {fold(word): value for value, words in aliases.items() for word in (value, *words)}
    accepted = ", ".join(
        f"{value} ({words[0]})" if words and words[0] != value else value
        for value, words in aliases.items()
    )

    def parse(raw: Any) -> str:
        value = lookup.get(fold(_as_text(raw)))
        if value is None:
            raise BadValue(f"'{_as_text(raw)}' is not a {what}; use one of: {accepted}")
        return value

    return parse
