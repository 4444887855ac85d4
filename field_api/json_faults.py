"""JSON that parses but cannot be stored: found before anything reads it, and made storable when a
refused field record must still be kept.

Python's JSON parser takes lone UTF-16 surrogates ("\\ud800"), integers of any size, NaN and
Infinity, and nesting as deep as its stack allows. None of these fit a database text or JSON
column, so without this check they surfaced as a 500, or as a record that failed on every retry.
"""
from __future__ import annotations

import math
import re

MAX_DEPTH = 32  # a field record nests four levels deep; anything far deeper is not ours
MAX_INT = 2**63 - 1  # the widest integer a JSON column or a bigint holds

_SURROGATE = re.compile("[\ud800-\udfff]")

# Each fault: its problem code, and what it says to the person who sent it.
FAULTS = {
    "nul": ("text.nul", "El texto no puede contener el carácter NUL (\\u0000)"),
    "surrogate": ("text.surrogate", "El texto contiene un carácter UTF-16 suelto (surrogate), que no es Unicode "
                                    "válido"),
    "depth": ("json.depth", f"Los datos anidan más de {MAX_DEPTH} niveles"),
    "integer": ("json.integer", f"Un número entero excede el rango de 64 bits (±{MAX_INT})"),
    "not_finite": ("json.not_finite", "Un número no es finito (NaN o Infinity no son JSON válido)"),
}


def _text_fault(text: str) -> str | None:
    """A surrogate before a NUL: a text with both that was judged "nul" was kept as sent, and could
    not be encoded. ASCII, nearly all text, has no surrogate, and needs no encoding to know it."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "surrogate"
    return "nul" if "\x00" in text else None


def _scalar_fault(item) -> str | None:
    """The fault of a string or number; None for anything else (bool is an int, and in range)."""
    if isinstance(item, str):
        return _text_fault(item)
    if isinstance(item, int):
        return "integer" if not -MAX_INT - 1 <= item <= MAX_INT else None
    if isinstance(item, float):
        return "not_finite" if not math.isfinite(item) else None
    return None


def fault_of(value) -> str | None:
    """Why `value` (parsed JSON) cannot be stored, as a key of FAULTS, or None; "nul" only if
    nothing else is wrong. It recurses at most MAX_DEPTH + 1 calls deep, so no nesting overflows
    Python's stack here. Every field record of an upload passes through it, hence the exact-type
    tests first (what the JSON parser makes) before the general ones."""
    kind = type(value)
    if kind is str:
        return _text_fault(value)
    if kind is dict or kind is list or isinstance(value, (dict, list)):
        return _children_fault(value, MAX_DEPTH)
    return _scalar_fault(value)


def _children_fault(container, depth_left: int) -> str | None:
    if depth_left == 0:
        return "depth"
    nul = None
    pairs = container.items() if isinstance(container, dict) else ((None, v) for v in container)
    for key, item in pairs:
        if key is not None and (fault := _scalar_fault(key)) is not None:
            if fault != "nul":
                return fault
            nul = fault  # the last resort: a value whose only fault is NUL still encodes as JSON
        kind = type(item)
        if kind is str:
            fault = _text_fault(item)
        elif kind is dict or kind is list or isinstance(item, (dict, list)):
            fault = _children_fault(item, depth_left - 1)
        elif kind is not bool:
            fault = _scalar_fault(item)
        else:
            continue
        if fault is not None:
            if fault != "nul":
                return fault
            nul = fault
    return nul


def storable(value, depth: int = 1):
    """`value` made storable: NUL and lone surrogates become U+FFFD, integers beyond 64 bits and
    non-finite numbers their text, and whatever nests beyond MAX_DEPTH the text "…"."""
    if not isinstance(value, (dict, list)):
        if _scalar_fault(value) is None:
            return value
        if isinstance(value, str):
            return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))
        return str(value)  # an integer beyond 64 bits, NaN or Infinity: kept as its text
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {storable(k, depth): storable(v, depth + 1) for k, v in value.items()}
    return [storable(v, depth + 1) for v in value]
