"""Three-way merge of registry corrections (DESIGN rule 4).

The base is the value the device saw in its package, "theirs" is what the registry holds now
and "mine" is the crew's new value. Per field:

- **Applied**: the registry still holds the value the device saw → write the new value.
- **NoOp**: the registry already holds the new value (another crew or the office got there).
- **Conflict**, for the office review queue, never applied automatically:
  - *soft*: the office can keep either side without losing anything of substance: the new
    value equals the registry's except for case, accents, spacing or punctuation ("JUAREZ" /
    "Juárez"); or the registry's change since the package was only of that kind; or the crew
    confirmed the value it saw (new == seen) while the office changed it since;
  - *hard*: both sides changed the field to different values, or the row or field is gone.

Comparison: text is Unicode-NFC and stripped; numbers compare by value (5 == 5.0 == "5");
booleans equal only booleans; dates equal their ISO text. **None and blank text are equal**:
devices and imports write an empty input as either, and telling them apart would only make
conflicts that carry no information. A blank new value is written as None.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Iterable, Mapping

from sync.records import Correction


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # the registry has no such row or field


class ConflictKind(str, Enum):
    SOFT = "soft"
    HARD = "hard"


@dataclass(frozen=True)
class Applied:
    correction: Correction
    old: Any  # what the registry held (equal to `seen`)
    new: Any  # the cleaned value to write
    base_version: int  # the row version this was merged against


@dataclass(frozen=True)
class NoOp:
    correction: Correction
    current: Any
    version: int


@dataclass(frozen=True)
class Conflict:
    correction: Correction
    current: Any  # MISSING if the row or field does not exist
    version: int | None
    kind: ConflictKind
    # Stable code: changed_on_both_sides or missing (hard); same_in_substance,
    # cosmetic_registry_change or confirmed_old_value (soft).
    reason: str
    message: str  # Spanish, for the review queue


MergeOutcome = Applied | NoOp | Conflict


@dataclass(frozen=True)
class RegistryRow:
    version: int
    values: Mapping[str, Any]


def row_key(entity: str, entity_id: Any) -> tuple[str, str]:
    """The key of a row in a registry snapshot; ids are compared as text ("12" and 12 alike)."""
    return (entity, str(entity_id))


@dataclass(frozen=True)
class RowUpdate:
    """All applied corrections of one row in one record: write `values` only if the row is
    still at `base_version`, which then becomes `new_version` (one change, one version step,
    as SQLAlchemy's version counter does for one UPDATE)."""

    entity: str
    entity_id: Any
    base_version: int
    new_version: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class MergeResult:
    applied: tuple[Applied, ...] = ()
    noops: tuple[NoOp, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    def row_updates(self) -> list[RowUpdate]:
        """The applied corrections grouped by row, in the order rows were first touched."""
        grouped: dict[tuple[str, str], tuple[Correction, int, dict[str, Any]]] = {}
        for a in self.applied:
            c = a.correction
            first, base, values = grouped.setdefault(row_key(c.entity, c.entity_id), (c, a.base_version, {}))
            values[c.field] = a.new
        return [RowUpdate(c.entity, c.entity_id, base, base + 1, values) for c, base, values in grouped.values()]


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


def merge_correction(correction: Correction, current_value: Any, current_version: int | None) -> MergeOutcome:
    """Merge one correction against the registry's current value of that field.

    Pass `MISSING` as `current_value` when the row or field does not exist.
    """
    c = correction
    if current_value is MISSING or current_version is None:
        return Conflict(c, MISSING, current_version, ConflictKind.HARD, "missing",
                        f"{c.entity} {c.entity_id} no tiene el campo '{c.field}' en el padrón")
    if same(current_value, c.new):
        return NoOp(c, current_value, current_version)
    if same(current_value, c.seen):
        return Applied(c, current_value, clean(c.new), current_version)
    if same_in_substance(current_value, c.new):
        kind, reason = ConflictKind.SOFT, "same_in_substance"
        message = f"El padrón dice {current_value!r} y la cuadrilla {c.new!r}: solo difieren en la forma"
    elif same_in_substance(current_value, c.seen):
        kind, reason = ConflictKind.SOFT, "cosmetic_registry_change"
        message = (f"En la oficina solo se cambió la forma ({c.seen!r} → {current_value!r}); "
                   f"la cuadrilla propone {c.new!r}")
    elif same(c.new, c.seen):
        kind, reason = ConflictKind.SOFT, "confirmed_old_value"
        message = (f"La cuadrilla confirmó {c.seen!r} en campo, pero en la oficina se cambió a "
                   f"{current_value!r} después")
    else:
        kind, reason = ConflictKind.HARD, "changed_on_both_sides"
        message = (f"La cuadrilla vio {c.seen!r} y propone {c.new!r}, pero el padrón ya tiene "
                   f"{current_value!r}")
    return Conflict(c, current_value, current_version, kind, reason, f"{c.entity}.{c.field}: {message}")


def merge_record(corrections: Iterable[Correction], registry_snapshot: Mapping[tuple[str, str], RegistryRow]) -> MergeResult:
    """Merge all corrections of one record against a snapshot keyed by `row_key`.

    Corrections are merged in order against a working copy, so a record that corrects the same
    field twice sees its own first change; all of them share the row's snapshot version (see
    `RowUpdate`). Every correction ends in exactly one of the three lists. The record's
    observations are not touched here and never wait on conflicts.
    """
    working: dict[tuple[str, str], dict[str, Any]] = {}
    applied, noops, conflicts = [], [], []
    for c in corrections:
        key = row_key(c.entity, c.entity_id)
        row = registry_snapshot.get(key)
        if row is None:
            outcome = merge_correction(c, MISSING, None)
        else:
            values = working.setdefault(key, dict(row.values))
            outcome = merge_correction(c, values.get(c.field, MISSING), row.version)
        if isinstance(outcome, Applied):
            working[key][c.field] = outcome.new
            applied.append(outcome)
        elif isinstance(outcome, NoOp):
            noops.append(outcome)
        else:
            conflicts.append(outcome)
    return MergeResult(tuple(applied), tuple(noops), tuple(conflicts))
