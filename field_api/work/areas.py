"""The filters every work generator shares: where (sector, bbox, polygon), what use, how much."""
from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Select

from field_api.geo import bbox_polygon, intersects
from field_api.models import Balance, Premise


@dataclass(frozen=True)
class AreaFilter:
    sector: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    polygon: BaseGeometry | None = None
    land_uses: tuple[str, ...] = ()
    min_owed_cents: int | None = None
    max_owed_cents: int | None = None

    @classmethod
    def from_args(cls, args: dict) -> "AreaFilter":
        def cents(value):
            return None if value is None else int(value * 100)

        return cls(sector=args.get("sector"), bbox=args.get("bbox"), polygon=args.get("polygon"),
                   land_uses=tuple(args.get("land_use") or ()),
                   min_owed_cents=cents(args.get("min_amount_owed")),
                   max_owed_cents=cents(args.get("max_amount_owed")))

    def apply(self, query: Select, dialect: str, with_balance: bool = True) -> Select:
        if self.sector is not None:
            query = query.where(Premise.sector_id == self.sector)
        for area in (bbox_polygon(self.bbox) if self.bbox else None, self.polygon):
            if area is not None:
                query = query.where(intersects(Premise.geom, "premise", Premise.id, area, dialect))
        if self.land_uses:
            query = query.where(Premise.land_use.in_(self.land_uses))
        if with_balance and self.min_owed_cents is not None:
            query = query.where(Balance.amount_owed_cents >= self.min_owed_cents)
        if with_balance and self.max_owed_cents is not None:
            query = query.where(Balance.amount_owed_cents <= self.max_owed_cents)
        return query
