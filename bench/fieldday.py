"""A synthetic field day around Caborca, Sonora, without the database.

Stops cluster in neighbourhoods (colonias) around the centre (30.71 N, 112.16 W):
- skills: notices 50 % (notifiers walk), cuts 35 % (cut crews drive), inspections 15 %
  (inspectors drive; some cut crews can also inspect);
- 15 % of stops are summons follow-ups with a hard 30-minute window between 09:00 and 15:00;
  one in three of those is a legal follow-up and required; 1 % are urgent reconnections
  (cut skill, required, no window);
- values: debts in pesos, log-normal (median about 2,500 pesos, heavy tail); inspections carry
  an estimated 800–3,000 pesos of recoverable consumption;
- crews work 08:00–16:00 from the office at the centre, with stop limits from Mexican
  productivity figures (notifier 45 visits, cut crew 30 cuts, inspector 25), so there is more
  work than capacity.
"""
from __future__ import annotations

import math
import random

from routing import Crew, Stop

CENTRE = (-112.16, 30.71)
SERVICE_MIN = {"notify": 6, "cut": 15, "inspect": 20}
MAX_STOPS = {"notifier": 45, "cut": 30, "inspector": 25}


def offset(x_m: float, y_m: float) -> tuple[float, float]:
    return (CENTRE[0] + x_m / (111_320 * math.cos(math.radians(CENTRE[1]))), CENTRE[1] + y_m / 110_574)


def crews_for(n: int) -> list[Crew]:
    """Half notifiers, about a third cut crews (every other one also inspects), the rest inspectors."""
    notifiers = n // 2
    cutters = max(1, round(n * 0.35))
    inspectors = max(1, n - notifiers - cutters)
    office = offset(0, 0)
    crews = []
    for i in range(notifiers):
        crews.append(Crew(f"notifier-{i + 1}", frozenset({"notify"}), *office, *office, 480, 960,
                          MAX_STOPS["notifier"], "walk"))
    for i in range(cutters):
        skills = {"cut", "inspect"} if i % 2 else {"cut"}
        crews.append(Crew(f"cut-{i + 1}", frozenset(skills), *office, *office, 480, 960,
                          MAX_STOPS["cut"], "drive"))
    for i in range(inspectors):
        crews.append(Crew(f"inspector-{i + 1}", frozenset({"inspect"}), *office, *office, 480, 960,
                          MAX_STOPS["inspector"], "drive"))
    return crews


def stops_for(n: int, seed: int) -> list[Stop]:
    rng = random.Random(seed)
    colonias = [(rng.uniform(-3500, 3500), rng.uniform(-3000, 3000)) for _ in range(14)]
    stops = []
    for i in range(n):
        cx, cy = rng.choice(colonias)
        lon, lat = offset(rng.gauss(cx, 450), rng.gauss(cy, 450))
        roll = rng.random()
        window, required = {}, False
        if roll < 0.15:  # summons follow-up: a notice with a fixed hour
            skill = "notify"
            start = rng.randrange(9 * 60, 15 * 60, 30)
            window = {"window_start_min": start, "window_end_min": start + 30}
            required = roll < 0.05
        elif roll < 0.16:  # urgent reconnection
            skill, required = "cut", True
        else:
            skill = rng.choices(["notify", "cut", "inspect"], weights=[41, 35, 15])[0]
        if skill == "inspect":
            value = rng.uniform(800, 3000)
        elif skill == "cut" and required:
            value = 0.0
        else:
            value = rng.lognormvariate(math.log(2500), 0.9)
        stops.append(Stop(f"s{i:04d}", lon, lat, skill, SERVICE_MIN[skill], value=round(value, 2),
                          required=required, **window))
    return stops
