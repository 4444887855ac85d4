"""Three-way merge of registry corrections (DESIGN rule 4).

The base is the value the device saw in its package, "theirs" is what the registry holds now
and "mine" is the crew's new value. Per field:

- **Applied**: the registry still holds the value the device saw → write the new value.
- **NoOp**: the registry already holds the new value (another crew or the office got there).
- **Conflict**, for the office review queue; never written over a value the crew did not see
  (`remerge` retries open conflicts after later field corrections, see there):
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

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Iterable, Mapping, Sequence

from sync.records import Correction
from sync.values import clean, same, same_in_substance


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
    index: int | None = None  # position of the correction in its record (set by merge_record)


@dataclass(frozen=True)
class NoOp:
    correction: Correction
    current: Any
    version: int
    index: int | None = None


@dataclass(frozen=True)
class Conflict:
    correction: Correction
    current: Any  # MISSING if the row or field does not exist
    version: int | None
    kind: ConflictKind
    # Stable code: changed_on_both_sides, missing or changed_since_review (hard);
    # same_in_substance, cosmetic_registry_change or confirmed_old_value (soft).
    reason: str
    message: str  # Spanish, for the review queue
    index: int | None = None


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
    # What to write: per row, the final value of every field an applied correction touched.
    row_updates: tuple[RowUpdate, ...] = ()


@dataclass(frozen=True)
class Remerged:
    outcomes: tuple[MergeOutcome, ...]  # one per conflict given to `remerge`, in the same order
    row_updates: tuple[RowUpdate, ...] = ()


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


def merge_record(corrections: Iterable[Correction],
                 registry_snapshot: Mapping[tuple[str, str], RegistryRow]) -> MergeResult:
    """Merge all corrections of one record against a snapshot keyed by `row_key`.

    Corrections are merged in order against a working copy, so a record that corrects the same
    field twice sees its own first change; all of them share the row's snapshot version (see
    `RowUpdate`). Every correction ends in exactly one of the three lists, with its `index` in
    the record. The record's observations are not touched here and never wait on conflicts.
    """
    working: dict[tuple[str, str], dict[str, Any]] = {}
    outcomes = [replace(o, index=i) for i, o in enumerate(_merge_in_order(list(corrections), registry_snapshot,
                                                                          working))]
    return MergeResult(
        applied=tuple(o for o in outcomes if isinstance(o, Applied)),
        noops=tuple(o for o in outcomes if isinstance(o, NoOp)),
        conflicts=tuple(o for o in outcomes if isinstance(o, Conflict)),
        row_updates=_row_updates(outcomes, registry_snapshot, working),
    )


def remerge(open_conflicts: Sequence[Conflict],
            registry_snapshot: Mapping[tuple[str, str], RegistryRow]) -> Remerged:
    """Try open conflicts again against the registry as it is now.

    Call it after applying field corrections, with the open conflicts of the fields they wrote.
    Offline edits that arrive out of order then end as if they had arrived in order: a crew's
    second edit of a field (seen = its own first new value) conflicts if it comes first, and
    applies as soon as the first edit has, as ODK Central's backlog of entity updates does.
    Conflicts are retried until none more applies, so chains of any length resolve.
    Not meant for after office edits: the office settles its conflicts by review, explicitly.
    """
    working: dict[tuple[str, str], dict[str, Any]] = {}
    results: list[MergeOutcome] = list(open_conflicts)
    pending = list(range(len(results)))
    while pending:
        outcomes = _merge_in_order([results[i].correction for i in pending], registry_snapshot, working)
        still = []
        for i, outcome in zip(pending, outcomes):
            results[i] = replace(outcome, index=open_conflicts[i].index)
            if isinstance(outcome, Conflict):
                still.append(i)
        if len(still) == len(pending):
            break
        pending = still
    return Remerged(tuple(results), _row_updates(results, registry_snapshot, working))


def resolve(conflict: Conflict, accept_field_value: bool, current_value: Any,
            current_version: int | None) -> MergeOutcome:
    """The office's decision on a conflict: accept the crew's value, or keep the registry's.

    Accepting writes the crew's value only over the value the reviewer was shown
    (`conflict.current`); if the registry changed again meanwhile, it is a new hard conflict
    ("changed_since_review") for another look, never a silent overwrite.
    """
    c = conflict.correction
    if not accept_field_value or (current_value is not MISSING and same(current_value, c.new)):
        return NoOp(c, current_value, current_version, conflict.index)
    if current_value is MISSING or current_version is None or not same(current_value, conflict.current):
        return Conflict(c, current_value, current_version, ConflictKind.HARD, "changed_since_review",
                        f"{c.entity}.{c.field}: el padrón cambió a {current_value!r} mientras se revisaba",
                        conflict.index)
    return Applied(c, current_value, clean(c.new), current_version, conflict.index)


def _merge_in_order(corrections: list[Correction], snapshot: Mapping[tuple[str, str], RegistryRow],
                    working: dict[tuple[str, str], dict[str, Any]]) -> list[MergeOutcome]:
    """Merge in order; applied values go into `working` (row values on top of the snapshot)."""
    outcomes = []
    for c in corrections:
        key = row_key(c.entity, c.entity_id)
        row = snapshot.get(key)
        if row is None:
            outcome = merge_correction(c, MISSING, None)
        else:
            values = working.setdefault(key, dict(row.values))
            outcome = merge_correction(c, values.get(c.field, MISSING), row.version)
            if isinstance(outcome, Applied):
                values[c.field] = outcome.new
        outcomes.append(outcome)
    return outcomes


def _row_updates(outcomes: Iterable[MergeOutcome], snapshot: Mapping[tuple[str, str], RegistryRow],
                 working: dict[tuple[str, str], dict[str, Any]]) -> tuple[RowUpdate, ...]:
    """One update per touched row, with the working copy's final values (not the last applied
    outcome's: retries may apply a chain's links in any order of the outcome list)."""
    touched: dict[tuple[str, str], tuple[Correction, list[str]]] = {}
    for o in outcomes:
        if isinstance(o, Applied):
            c = o.correction
            first, fields = touched.setdefault(row_key(c.entity, c.entity_id), (c, []))
            if c.field not in fields:
                fields.append(c.field)
    return tuple(
        RowUpdate(c.entity, c.entity_id, snapshot[key].version, snapshot[key].version + 1,
                  {f: working[key][f] for f in fields})
        for key, (c, fields) in touched.items()
    )
