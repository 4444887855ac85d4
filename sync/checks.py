"""Small checks shared by the validators: GPS fixes, numbers, times."""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sync.problems import Problem
from sync.records import GpsFix

MAX_GPS_ACCURACY_M = 10_000.0  # a "fix" worse than 10 km says nothing about the place


def is_finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def is_aware(dt: Any) -> bool:
    return isinstance(dt, datetime) and dt.tzinfo is not None and dt.utcoffset() is not None


def is_blank(text: Any) -> bool:
    return not isinstance(text, str) or not text.strip()


def gps_problems(gps: GpsFix | None, field: str) -> list[Problem]:
    """What is wrong with a GPS fix (nothing for None: whether one is required is not said here)."""
    if gps is None:
        return []
    problems = []
    lon, lat, acc = gps.lon, gps.lat, gps.accuracy_m
    if not (is_finite_number(lon) and -180 <= lon <= 180):
        problems.append(Problem(f"{field}.lon", "gps.out_of_range", "La longitud debe estar entre -180 y 180"))
    if not (is_finite_number(lat) and -90 <= lat <= 90):
        problems.append(Problem(f"{field}.lat", "gps.out_of_range", "La latitud debe estar entre -90 y 90"))
    if lon == 0 and lat == 0:
        problems.append(Problem(field, "gps.no_fix", "La posición (0, 0) indica que el GPS no tenía señal"))
    if not (is_finite_number(acc) and 0 <= acc <= MAX_GPS_ACCURACY_M):
        problems.append(Problem(f"{field}.accuracy_m", "gps.bad_accuracy",
                                f"La precisión debe estar entre 0 y {MAX_GPS_ACCURACY_M:.0f} m"))
    return problems
