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
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return None


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
    nothing else is wrong. Walks without recursion, so no nesting overflows Python's stack here."""
    stack, nul = [(value, 1)], None
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return "depth"
            children = item.items() if isinstance(item, dict) else ((None, v) for v in item)
            for k, v in children:
                if k is not None:
                    stack.append((k, depth))
                stack.append((v, depth + 1))
            continue
        fault = _scalar_fault(item)
        if fault == "nul":
            nul = fault  # the last resort: a value whose only fault is NUL still encodes as JSON
        elif fault:
            return fault
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
