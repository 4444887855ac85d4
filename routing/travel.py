"""Travel models: how far and how long between points, per travel mode.

The contract is integer matrices — metres and seconds — so that the planner, the schedule it
reports and any independent checker all see exactly the same numbers (no rounding drift).
A road-network service (for example an OSRM `table` call) plugs in by implementing
`TravelModel`, or by precomputing its matrices and handing them to `MatrixTravel`.
"""
from __future__ import annotations

import math
from typing import Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from routing.model import PlanningError

Point = tuple[float, float]  # (lon, lat), GeoJSON order
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
DEFAULT_SPEEDS_KMH = {"walk": 4.5, "drive": 25.0}  # urban driving incl. stops and parking


@runtime_checkable
class TravelModel(Protocol):
    def matrices(self, points: Sequence[Point], mode: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (metres, seconds): two n×n int64 arrays, zero diagonal, for `points`."""
        ...


def haversine_m(points: Sequence[Point]) -> np.ndarray:
    """Great-circle distances in metres (float) between all pairs of (lon, lat) points."""
    arr = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lon, lat = arr[:, 0], arr[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class HaversineTravel:
    """Straight-line distance × a detour factor, at a constant speed per mode.

    Metres are rounded to the nearest metre; seconds are rounded *up* so a plan never promises
    an arrival earlier than the model allows.
    """

    def __init__(self, detour_factor: float = 1.3, speeds_kmh: Mapping[str, float] | None = None):
        if not detour_factor >= 1.0:
            raise PlanningError(f"detour_factor must be >= 1, got {detour_factor}")
        self.detour_factor = detour_factor
        self.speeds_kmh = dict(DEFAULT_SPEEDS_KMH if speeds_kmh is None else speeds_kmh)
        for mode, speed in self.speeds_kmh.items():
            if not speed > 0:
                raise PlanningError(f"speed for travel mode {mode!r} must be positive, got {speed}")

    def __repr__(self) -> str:
        return f"HaversineTravel(detour_factor={self.detour_factor}, speeds_kmh={self.speeds_kmh})"

    def matrices(self, points: Sequence[Point], mode: str) -> tuple[np.ndarray, np.ndarray]:
        if mode not in self.speeds_kmh:
            raise PlanningError(f"travel mode {mode!r} has no speed (known: {sorted(self.speeds_kmh)})")
        metres = haversine_m(points) * self.detour_factor
        speed_ms = self.speeds_kmh[mode] / 3.6
        # Subtract a hair before ceil so 100.0000000001 s (float noise) stays 100 s.
        seconds = np.ceil(metres / speed_ms - 1e-9).clip(min=0)
        return np.rint(metres).astype(np.int64), seconds.astype(np.int64)


class MatrixTravel:
    """Precomputed matrices over a fixed list of points (e.g. from a road-network table).

    `tables[mode] = (metres, seconds)` are n×n arrays in the order of `points`. Points asked
    for later are matched exactly by coordinates; an unknown point is a PlanningError.
    """

    def __init__(self, points: Sequence[Point], tables: Mapping[str, tuple[Sequence, Sequence]]):
        self._index = {}
        for i, p in enumerate(points):
            self._index.setdefault((float(p[0]), float(p[1])), i)
        n = len(points)
        self._tables = {}
        for mode, (metres, seconds) in tables.items():
            m = np.asarray(metres, dtype=np.int64)
            s = np.asarray(seconds, dtype=np.int64)
            if m.shape != (n, n) or s.shape != (n, n):
                raise PlanningError(f"matrices for mode {mode!r} must be {n}×{n}, got {m.shape}, {s.shape}")
            if (m < 0).any() or (s < 0).any():
                raise PlanningError(f"matrices for mode {mode!r} have negative entries")
            if np.diagonal(m).any() or np.diagonal(s).any():
                raise PlanningError(f"matrices for mode {mode!r} need a zero diagonal")
            self._tables[mode] = (m, s)

    def matrices(self, points: Sequence[Point], mode: str) -> tuple[np.ndarray, np.ndarray]:
        if mode not in self._tables:
            raise PlanningError(f"no matrices for travel mode {mode!r}")
        idx = []
        for p in points:
            key = (float(p[0]), float(p[1]))
            if key not in self._index:
                raise PlanningError(f"point {key} is not in the precomputed matrix")
            idx.append(self._index[key])
        sel = np.asarray(idx, dtype=np.intp)
        metres, seconds = self._tables[mode]
        return metres[np.ix_(sel, sel)].copy(), seconds[np.ix_(sel, sel)].copy()


def is_finite_point(lon: object, lat: object) -> bool:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90
