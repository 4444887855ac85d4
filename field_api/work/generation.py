"""What every work generator returns: a preview, or the committed items."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session


@dataclass
class Generation:
    kind: str
    selected: int = 0
    value_cents: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    committed: bool = False

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "committed": self.committed, "selected": self.selected,
            "value": self.value_cents / 100, "excluded": self.excluded,
            "candidates": self.candidates, "created": len(self.created_ids),
            "created_ids": self.created_ids,
        }


def pesos(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def collect(session: Session, kind: str, rows, exclusions: tuple[str, ...], commit: bool, limit: int,
            max_items: int | None, describe: Callable, to_item: Callable, actor: str, reason: str) -> Generation:
    """Count why rows were excluded, then preview or create the selected ones, most valuable first.

    `rows` is a subquery with `id`, `value_cents` and `outcome` ('selected' or an exclusion's name).
    """
    from .items import create_items

    per_outcome = session.execute(
        select(rows.c.outcome, func.count(), func.coalesce(func.sum(rows.c.value_cents), 0))
        .group_by(rows.c.outcome)
    ).all()
    counts = {outcome: (n, int(value)) for outcome, n, value in per_outcome}
    result = Generation(kind, excluded={name: counts.get(name, (0, 0))[0] for name in exclusions})
    available, available_value = counts.get("selected", (0, 0))
    result.selected = available if max_items is None else min(available, max_items)
    best_first = (select(rows).where(rows.c.outcome == "selected")
                  .order_by(rows.c.value_cents.desc(), rows.c.id).limit(result.selected))
    if result.selected == available:
        result.value_cents = available_value
    else:  # only the most valuable max_items are taken
        top = best_first.subquery()
        result.value_cents = int(session.scalar(select(func.coalesce(func.sum(top.c.value_cents), 0))))
    chosen = session.execute(best_first if commit else best_first.limit(min(limit, result.selected))).all()
    result.candidates = [describe(row) for row in chosen[:limit]]
    if commit and chosen:
        result.created_ids = create_items(session, (to_item(row) for row in chosen), actor, reason=reason)
    result.committed = commit
    return result
