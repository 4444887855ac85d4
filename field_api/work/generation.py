"""What every work generator returns: a preview, or the committed items."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, null, select, text, union_all
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
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "committed": self.committed, "selected": self.selected,
            "value": self.value_cents / 100, "excluded": self.excluded,
            "candidates": self.candidates, "created": len(self.created_ids),
            "created_ids": self.created_ids, "warnings": self.warnings,
        }


def pesos(cents: int) -> str:
    return f"${cents / 100:,.2f}"


# Rows fetched per statement when details are loaded by id (PostgreSQL allows 65,535 parameters).
DETAIL_CHUNK = 5000


def collect(session: Session, kind: str, rows, exclusions: tuple[str, ...], commit: bool, limit: int,
            max_items: int | None, describe: Callable, to_item: Callable, actor: str, reason: str) -> Generation:
    """Count why rows were excluded, then preview or create the selected ones, most valuable first.

    `rows` is a subquery with `id`, `value_cents` and `outcome` ('selected' or an exclusion's name).
    The rules run once over the whole registry (a materialized CTE answers both the counts and the
    ranking); the details are then read for the chosen ids only.
    """
    from .items import create_items

    if session.get_bind().dialect.name == "postgresql":
        # One big grouping and sort: let them stay in memory instead of spilling to disk.
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    ranked = select(rows.c.id, rows.c.value_cents, rows.c.outcome).cte("ranked").prefix_with("MATERIALIZED")
    wanted = max_items if max_items is not None else (None if commit else limit)
    top = (select(ranked.c.id, ranked.c.value_cents).where(ranked.c.outcome == "selected")
           .order_by(ranked.c.value_cents.desc(), ranked.c.id).limit(wanted).subquery())
    counts_part = select(ranked.c.outcome, func.count().label("n"),
                         func.coalesce(func.sum(ranked.c.value_cents), 0).label("value"),
                         null().label("id")).group_by(ranked.c.outcome)
    top_part = select(null().label("outcome"), null().label("n"), top.c.value_cents, top.c.id)
    counts, best = {}, []
    for outcome, n, value, row_id in session.execute(union_all(counts_part, top_part)):
        if row_id is None:
            counts[outcome] = (n, int(value))
        else:
            best.append((row_id, int(value)))
    best.sort(key=lambda pair: (-pair[1], pair[0]))  # UNION ALL keeps no order
    result = Generation(kind, excluded={name: counts.get(name, (0, 0))[0] for name in exclusions})
    available, available_value = counts.get("selected", (0, 0))
    result.selected = available if max_items is None else min(available, max_items)
    result.value_cents = available_value if result.selected == available else sum(v for _, v in best)
    chosen_ids = [row_id for row_id, _ in best] if commit else [row_id for row_id, _ in best[:limit]]
    chosen = _details(session, rows, chosen_ids)
    result.candidates = [describe(row) for row in chosen[:limit]]
    if commit and chosen:
        result.created_ids = create_items(session, (to_item(row) for row in chosen), actor, reason=reason)
    result.committed = commit
    return result


def _details(session: Session, rows, ids: list[int]) -> list:
    """The full rows of `ids`, in the order given."""
    found = {}
    for start in range(0, len(ids), DETAIL_CHUNK):
        chunk = ids[start:start + DETAIL_CHUNK]
        found.update((row.id, row) for row in session.execute(select(rows).where(rows.c.id.in_(chunk))))
    return [found[i] for i in ids]
