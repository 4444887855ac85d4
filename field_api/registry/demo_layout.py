"""The demo town's plan: a street grid around Caborca, Sonora, its blocks, lots and sectors.

Pure geometry, no database. Distances are metres on a local plane centred on the town square,
turned into lon/lat with a flat-earth approximation (good to centimetres over a few tens of km).

Sector edges run along street centre lines and every premise sits inside a block, so each
premise lies strictly inside exactly one sector.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from random import Random
from typing import Iterator

from shapely.geometry import Polygon, box

from . import demo_names as names

CENTER_LON, CENTER_LAT = -112.1580, 30.7155  # Caborca's plaza
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTER_LAT))

BLOCK_W, BLOCK_H = 110.0, 70.0  # between street centre lines (a Mexican manzana plus its street)
STREET_HALF = 6.0
LOTS_PER_FACE = 10
OCCUPANCY = 0.75  # share of lots that hold a premise; the rest are baldíos
MIN_COLS, MIN_ROWS = 10, 8  # enough blocks to draw every sector, even for a hamlet
MUNICIPALITY, STATE = "Heroica Caborca", "Sonora"


@dataclass(frozen=True)
class SectorPlan:
    id: int
    code: str
    name: str
    postal_code: str
    cols: tuple[int, int]  # block columns [start, end)
    rows: tuple[int, int]  # block rows [start, end)
    polygon: Polygon


@dataclass(frozen=True)
class Lot:
    lon: float
    lat: float
    street: str
    number: int
    sector: SectorPlan
    block: int  # a running block number, for the cadastral key
    lot: int


class TownLayout:
    """A grid of blocks sized so that `premises` fill about OCCUPANCY of the lots."""

    def __init__(self, premises: int, rng: Random):
        blocks = max(1, math.ceil(premises / (2 * LOTS_PER_FACE * OCCUPANCY)))
        self.rows = max(MIN_ROWS, math.ceil(math.sqrt(blocks * BLOCK_W / BLOCK_H)))
        self.cols = max(MIN_COLS, math.ceil(blocks / self.rows))
        self.x0 = -self.cols * BLOCK_W / 2
        self.y0 = -self.rows * BLOCK_H / 2
        self.lots_total = self.rows * self.cols * 2 * LOTS_PER_FACE
        self._avenues = self._avenue_names()
        self._calles = [self._calle_name(j) for j in range(self.rows + 1)]
        self._plan_sectors(rng)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return (CENTER_LON + (self.x0 + x) / M_PER_DEG_LON, CENTER_LAT + (self.y0 + y) / M_PER_DEG_LAT)

    def _avenue_names(self) -> list[str]:
        centre = self.cols // 2
        by_rank = sorted(range(self.cols + 1), key=lambda i: (abs(i - centre), i))
        result = [""] * (self.cols + 1)
        for rank, i in enumerate(by_rank):
            result[i] = names.AVENUES[rank] if rank < len(names.AVENUES) else f"Avenida {rank + 1}"
        return result

    @staticmethod
    def _calle_name(j: int) -> str:
        if j % 9 == 4 and j // 9 < len(names.ALLEYS):
            return names.ALLEYS[j // 9]
        return f"Calle {j + 1}"

    def _plan_sectors(self, rng: Random) -> None:
        """3–4 bands of rows, each cut into 4–5 sectors at jittered avenues: 12–20 sectors."""
        bands = rng.choice((3, 4))
        row_cuts = _cuts(self.rows, bands, rng)
        plans = []  # (band, rows, cols)
        self._band_starts = row_cuts[:-1]
        self._band_cols: list[list[int]] = []
        for band in range(bands):
            col_cuts = _cuts(self.cols, rng.choice((4, 5)), rng)
            self._band_cols.append(col_cuts[1:])
            for c0, c1 in zip(col_cuts, col_cuts[1:]):
                plans.append((band, (row_cuts[band], row_cuts[band + 1]), (c0, c1)))
        mid_row, mid_col = self.rows // 2, self.cols // 2
        centro = next(i for i, (_, r, c) in enumerate(plans)
                      if r[0] <= mid_row < r[1] and c[0] <= mid_col < c[1])
        others = rng.sample(names.COLONIAS, len(plans) - 1)
        self.sectors: list[SectorPlan] = []
        self._band_sectors: list[list[SectorPlan]] = [[] for _ in range(bands)]
        for index, (band, rows, cols) in enumerate(plans):
            lon0, lat0 = self.lonlat(cols[0] * BLOCK_W, rows[0] * BLOCK_H)
            lon1, lat1 = self.lonlat(cols[1] * BLOCK_W, rows[1] * BLOCK_H)
            sector = SectorPlan(
                id=index + 1, code=f"S{index + 1:02d}",
                name="Centro" if index == centro else others.pop(),
                postal_code="83600" if index == centro else str(83600 + 10 * (index + 1)),
                cols=cols, rows=rows, polygon=box(lon0, lat0, lon1, lat1),
            )
            self.sectors.append(sector)
            self._band_sectors[band].append(sector)
        self.centro = self.sectors[centro]

    def sector_at(self, col: int, row: int) -> SectorPlan:
        band = bisect.bisect_right(self._band_starts, row) - 1
        return self._band_sectors[band][bisect.bisect_right(self._band_cols[band], col)]

    def depot(self) -> tuple[float, float]:
        """The utility's office: the middle of the block nearest the centre of Centro."""
        col = (self.centro.cols[0] + self.centro.cols[1]) // 2
        row = (self.centro.rows[0] + self.centro.rows[1]) // 2
        return self.lonlat((col + 0.5) * BLOCK_W, (row + 0.5) * BLOCK_H)

    def lots(self, count: int, rng: Random) -> Iterator[Lot]:
        """Exactly `count` occupied lots, chosen uniformly in one pass (Knuth's selection sampling)."""
        if count > self.lots_total:
            raise ValueError(f"{count} premises do not fit in {self.lots_total} lots")
        needed, remaining = count, self.lots_total
        lot_w = (BLOCK_W - 2 * STREET_HALF) / LOTS_PER_FACE
        for row in range(self.rows):
            for col in range(self.cols):
                sector = self.sector_at(col, row)
                block = row * self.cols + col + 1
                for face in (0, 1):  # 0: south face, 1: north face
                    for k in range(LOTS_PER_FACE):
                        take = rng.random() * remaining < needed
                        remaining -= 1
                        if not take:
                            continue
                        needed -= 1
                        x = col * BLOCK_W + STREET_HALF + (k + 0.5 + rng.uniform(-0.3, 0.3)) * lot_w
                        setback = STREET_HALF + rng.uniform(6.0, 14.0)
                        y = row * BLOCK_H + (setback if face == 0 else BLOCK_H - setback)
                        street, number = self._address(col, row, face, k)
                        lon, lat = self.lonlat(x, y)
                        yield Lot(lon, lat, street, number, sector, block, face * LOTS_PER_FACE + k + 1)

    def _address(self, col: int, row: int, face: int, k: int) -> tuple[str, int]:
        """Corner lots face the avenues, the others the calles; odd and even sides differ."""
        if k == 0:  # east side of the avenue at this block's west edge
            return self._avenues[col], 100 * row + 11 + 40 * face
        if k == LOTS_PER_FACE - 1:  # west side of the avenue at the east edge
            return self._avenues[col + 1], 100 * row + 12 + 40 * face
        if face == 0:  # north side of the calle below the block
            return self._calles[row], 100 * col + 2 * k + 1
        return self._calles[row + 1], 100 * col + 2 * k + 2


def _cuts(n: int, parts: int, rng: Random) -> list[int]:
    """Split range(n) into `parts` non-empty runs at jittered, roughly even positions."""
    cuts = [0]
    for p in range(1, parts):
        even = n * p / parts
        jitter = rng.uniform(-0.25, 0.25) * n / parts
        cuts.append(min(n - (parts - p), max(cuts[-1] + 1, round(even + jitter))))
    cuts.append(n)
    return cuts
