"""A field day drawn from the demo town of Caborca, Sonora (`cuadrilla demo`, seed 7).

The stops are premises of demo accounts in arrears, with their debts as values; the town is
built once in a throw-away SpatiaLite file. What each stop asks for is drawn as below:
- skills: notices 50 % (notifiers walk), cuts 35 % (cut crews drive), inspections 15 %
  (inspectors drive; some cut crews can also inspect);
- 15 % of stops are summons follow-ups with a hard 30-minute window between 09:00 and 15:00;
  one in three of those is a legal follow-up and required; 1 % are urgent reconnections
  (cut skill, required, no window);
- values: the account's debt in pesos (lognormal in the demo town); inspections carry an
  estimated 800–3,000 pesos of recoverable consumption;
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


def demo_town_debtors(accounts: int = 8000, seed: int = 7) -> list[tuple[float, float, float]]:
    """(lon, lat, pesos owed) of every account in arrears in a freshly built demo town."""
    import tempfile

    from sqlalchemy import func, select

    from field_api import migrate
    from field_api.db import make_engine
    from field_api.models import Account, Balance, Premise
    from field_api.registry.demo import build_demo_town

    with tempfile.TemporaryDirectory(prefix="cuadrilla-fieldday-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/town.sqlite")
        migrate.upgrade(engine)
        with engine.begin() as conn:
            build_demo_town(conn, accounts=accounts, seed=seed, progress=False)
            rows = conn.execute(
                select(func.ST_X(Premise.geom), func.ST_Y(Premise.geom), Balance.amount_owed_cents)
                .join(Account, Account.premise_id == Premise.id).join(Balance, Balance.account_id == Account.id)
                .where(Balance.amount_owed_cents > 0).order_by(Account.id)).all()
        engine.dispose()
    return [(lon, lat, cents / 100) for lon, lat, cents in rows]


_DEBTORS: list[tuple[float, float, float]] = []


def stops_for(n: int, seed: int) -> list[Stop]:
    if not _DEBTORS:
        _DEBTORS.extend(demo_town_debtors())
    rng = random.Random(seed)
    if n > len(_DEBTORS):
        raise SystemExit(f"the demo town has {len(_DEBTORS)} accounts in arrears; ask for fewer stops")
    stops = []
    for i, (lon, lat, owed) in enumerate(rng.sample(_DEBTORS, n)):
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
            value = owed
        stops.append(Stop(f"s{i:04d}", lon, lat, skill, SERVICE_MIN[skill], value=round(value, 2),
                          required=required, **window))
    return stops
