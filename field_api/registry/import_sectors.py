"""Which sector polygon holds a point: sectors loaded once, then an STRtree query in Python."""
from __future__ import annotations

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import Connection, select

from field_api.models import Sector


class SectorLocator:
    def __init__(self, sectors: list[tuple[int, shapely.Geometry]]):
        # Sorted by id so that a point on a shared border goes to the lower id, every time.
        self.ids = [sector_id for sector_id, _ in sorted(sectors, key=lambda s: s[0])]
        geometries = [geom for _, geom in sorted(sectors, key=lambda s: s[0])]
        self.tree = shapely.STRtree(geometries) if geometries else None

    def locate(self, points: list[tuple[float, float]]) -> list[int | None]:
        """The sector id for each (lon, lat), or None where no sector holds it."""
        found: list[int | None] = [None] * len(points)
        if self.tree is None or not points:
            return found
        # The tree prepares each polygon, so the "intersects" test is the fast prepared one.
        point_index, sector_index = self.tree.query(shapely.points(np.asarray(points)), predicate="intersects")
        for p, s in sorted(zip(point_index.tolist(), sector_index.tolist()), reverse=True):
            found[p] = self.ids[s]  # reverse order: the lowest sector index is written last
        return found


def load_sector_locator(conn: Connection) -> SectorLocator:
    table = Sector.__table__
    rows = conn.execute(select(table.c.id, table.c.geom)).all()
    return SectorLocator([(row.id, to_shape(row.geom)) for row in rows])
