"""Rows for one premise of the demo town: its account, balance, agreement, meter and readings.

Pure Python, no database: `RowFactory.add` appends plain dicts to `rows`, keyed by table name,
ready for a Core executemany. Ids are handed out here so related rows reference each other
without round trips.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from random import Random

from . import demo_names as names
from .demo_layout import MUNICIPALITY, STATE, Lot

LAND_USES = (("domestic", 0.85), ("commercial", 0.10), ("industrial", 0.015),
             ("public", 0.015), ("mixed", 0.02))
TARIFF = {"domestic": "domestic", "commercial": "commercial", "industrial": "industrial",
          "public": "public", "mixed": "commercial"}  # mixed use is billed as commercial
# Monthly consumption (median m3, lognormal sigma) and tariff (fixed pesos, pesos per m3).
CONSUMPTION = {"domestic": (18, 0.45), "commercial": (30, 0.7), "industrial": (250, 0.8),
               "public": (90, 0.6), "mixed": (26, 0.5)}
PRICE = {"domestic": (80, 12), "commercial": (150, 25), "industrial": (400, 35),
         "public": (120, 15), "mixed": (150, 25)}
# Sonoran summers push consumption up by a third.
SEASON = {1: 0.8, 2: 0.8, 3: 0.9, 4: 1.0, 5: 1.15, 6: 1.3, 7: 1.35, 8: 1.3, 9: 1.2, 10: 1.05,
          11: 0.9, 12: 0.8}
DIAMETERS = {"domestic": ((13, 0.9), (19, 0.1)), "mixed": ((13, 0.8), (19, 0.2)),
             "commercial": ((13, 0.5), (19, 0.35), (25, 0.15)), "public": ((19, 0.5), (25, 0.5)),
             "industrial": ((19, 0.3), (25, 0.7))}
READINGS = 6
ARREARS_SHARE = 0.25
PROTECTED_SHARE_OF_DOMESTIC = 0.05 / 0.85  # about 5% of all accounts
METERED_SHARE = 0.94
CANCELLED_SHARE = 0.008
AGREEMENT_SHARE = 0.15  # of the accounts in arrears

# Planted findings, by premise position: (role, share of accounts, at least).
PLANTS = (
    ("illegal", 0.003, 2),              # draws water, no account, connection "none"
    ("cancelled_consuming", 0.0005, 2),  # cancelled account whose meter still turns
    ("cut_but_consuming", 0.001, 2),    # restricted/suspended, consumption as if never cut
    ("zero_use", 0.015, 3),             # active, metered, not one m3 in six months
    ("sharp_drop", 0.01, 3),            # consumption collapses in the last two readings
)


def plant(accounts: int, rng: Random) -> tuple[int, dict[int, str]]:
    """The number of premises, and the planted role of some premise positions."""
    counts = [(role, max(least, round(share * accounts))) for role, share, least in PLANTS]
    premises = accounts + counts[0][1]
    picks = iter(rng.sample(range(premises), sum(n for _, n in counts)))
    return premises, {next(picks): role for role, n in counts for _ in range(n)}


def months_back(day: date, months: int, on_day: int | None = None) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, on_day or min(day.day, 28))


def check_digit(number: int) -> int:
    """Luhn check digit, as billing systems print after the account number."""
    total = 0
    for i, ch in enumerate(reversed(str(number))):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def _weighted(rng: Random, pairs) -> object:
    r = rng.random()
    for value, weight in pairs:
        r -= weight
        if r < 0:
            return value
    return pairs[-1][0]


class RowFactory:
    def __init__(self, rng: Random, as_of: date, now: datetime):
        self.rng, self.as_of, self.now = rng, as_of, now
        self.stamp = {"version": 1, "created_at": now, "updated_at": now}
        self.ids = Counter(account=0, meter=0, reading=0, payment_agreement=0)
        self.account_seq = 1000
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self._days: dict[int, list[tuple[int, date, float]]] = {}

    def _reading_days(self, day: int) -> list[tuple[int, date, float]]:
        if day not in self._days:
            dates = [(back, months_back(self.as_of, back, day)) for back in range(READINGS, 0, -1)]
            self._days[day] = [(back, d, SEASON[d.month]) for back, d in dates]
        return self._days[day]

    def take(self) -> dict[str, list[dict]]:
        rows, self.rows = self.rows, defaultdict(list)
        return rows

    def _next(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, premise_id: int, lot: Lot, role: str | None) -> None:
        rng = self.rng
        land_use = _weighted(rng, LAND_USES)
        # Every planted account needs a meter to show its anomaly.
        metered = role not in (None, "illegal") or rng.random() < METERED_SHARE
        status = "none" if role == "illegal" else ("metered" if metered else "unmetered")
        dwellings = rng.randint(2, 4) if land_use == "domestic" and rng.random() < 0.08 else 1
        interior = f"Local {rng.randint(1, 6)}" if land_use == "commercial" and rng.random() < 0.3 else None
        premise = {
            "id": premise_id, "cadastral_key": f"17-{lot.sector.id:03d}-{lot.block:06d}-{lot.lot:02d}",
            "street": lot.street, "exterior_number": str(lot.number), "interior_number": interior,
            "neighborhood": lot.sector.name, "postal_code": lot.sector.postal_code,
            "municipality": MUNICIPALITY, "state": STATE,
            "geom": f"SRID=4326;POINT({lot.lon:.7f} {lot.lat:.7f})", "land_use": land_use,
            "dwellings": dwellings, "connection_status": status, "sector_id": lot.sector.id,
            **self.stamp,
        }
        self.rows["premise"].append(premise)
        if role == "illegal":
            self.counts["illegal"] += 1
            return
        self._account(premise, lot, role, metered)

    def _account(self, premise: dict, lot: Lot, role: str | None, metered: bool) -> None:
        rng, land_use = self.rng, premise["land_use"]
        account_id = self._next("account")
        self.account_seq += rng.randint(1, 3)  # gaps: numbers of contracts long gone
        median, sigma = CONSUMPTION[land_use]
        mean_m3 = rng.lognormvariate(math.log(median), sigma) * premise["dwellings"]
        if role == "sharp_drop":
            mean_m3 = max(mean_m3, 12.0)  # a drop must stand out after rounding to whole m3
        protected = (land_use == "domestic" and role != "cut_but_consuming"
                     and rng.random() < PROTECTED_SHARE_OF_DOMESTIC)
        fixed, per_m3 = PRICE[land_use]
        bill_cents = round((fixed + per_m3 * mean_m3) * (50 if protected else 100))

        in_arrears = role == "cut_but_consuming" or rng.random() < ARREARS_SHARE
        months = min(60, 1 + int(rng.lognormvariate(0.6, 0.9))) if in_arrears else 0
        if role == "cut_but_consuming":
            months = max(months, rng.randint(6, 18))
        owed = round(months * bill_cents * rng.uniform(1.0, 1.12))
        # A current agreement would shield the planted cut account from the cut it got.
        agreement = (self._agreement(account_id, owed, bill_cents)
                     if in_arrears and role != "cut_but_consuming" else None)

        service = "active"
        if role == "cancelled_consuming" or (role is None and rng.random() < CANCELLED_SHARE):
            service = "cancelled"
        elif role == "cut_but_consuming" or (
            role is None and in_arrears and months >= 3 and not protected and agreement != "current"
            and rng.random() < (0.5 if months >= 6 else 0.15)
        ):
            service = "restricted" if land_use in ("domestic", "mixed") else "suspended"
        if service == "cancelled" and role is None:
            premise["connection_status"] = "none"  # meter removed, connection closed

        self.rows["account"].append({
            "id": account_id, "number": f"{self.account_seq:07d}-{check_digit(self.account_seq)}",
            "holder_name": names.holder(rng, land_use, lot.sector.name),
            "tariff_class": "domestic_preferential" if protected else TARIFF[land_use],
            "protected": protected,
            "protected_reason": rng.choice(names.PROTECTED_REASONS) if protected else None,
            "service_status": service, "premise_id": premise["id"], **self.stamp,
        })
        self.rows["balance"].append({
            "account_id": account_id, "amount_owed_cents": owed, "months_overdue": months,
            "last_payment_date": self._last_payment(months), **self.stamp,
        })
        counts = self.counts
        counts["accounts"] += 1
        counts["arrears"] += in_arrears
        counts["protected"] += protected
        counts[service] += 1
        if role:
            counts[role] += 1
        if metered:
            self._meter(account_id, land_use, lot, service, role, mean_m3)

    def _last_payment(self, months: int) -> date | None:
        rng = self.rng
        if months == 0:
            return self.as_of - timedelta(days=rng.randint(1, 35))
        if months >= 24 and rng.random() < 0.3:
            return None  # never paid, or paid before the billing system was migrated
        return self.as_of - timedelta(days=30 * months + rng.randint(0, 25))

    def _agreement(self, account_id: int, owed: int, bill_cents: int) -> str | None:
        rng = self.rng
        if rng.random() >= AGREEMENT_SHARE:
            return None
        status = _weighted(rng, (("current", 0.5), ("breached", 0.4), ("completed", 0.1)))
        instalments = rng.randint(3, 12)
        if status == "current":
            since = rng.randint(1, instalments - 1)
            paid = since
        elif status == "breached":
            since = rng.randint(3, instalments + 6)
            paid = rng.randint(0, max(0, min(since, instalments) - 2))
        else:  # an earlier debt, paid off; the account fell behind again since
            since = instalments + rng.randint(1, 12)
            paid = instalments
        total = owed * rng.uniform(1.0, 1.5) if status != "completed" else bill_cents * rng.randint(3, 18)
        self.rows["payment_agreement"].append({
            "id": self._next("payment_agreement"), "account_id": account_id,
            "total_cents": round(total / 100) * 100, "instalments": instalments,
            "instalments_paid": paid, "start_date": months_back(self.as_of, since, rng.randint(1, 28)),
            "status": status, **self.stamp,
        })
        self.counts["agreement_" + status] += 1
        return status

    def _meter(self, account_id: int, land_use: str, lot: Lot, service: str, role: str | None,
               mean_m3: float) -> None:
        rng = self.rng
        meter_id = self._next("meter")
        brand, prefix = rng.choice(names.METER_BRANDS)
        installed = self.as_of - timedelta(days=rng.randint(240, 17 * 365))
        removed_months_ago = rng.randint(1, 12) if service == "cancelled" and role is None else 0
        self.rows["meter"].append({
            "id": meter_id, "serial": f"{prefix}{installed.year % 100:02d}{meter_id:07d}",
            "brand": brand, "diameter_mm": _weighted(rng, DIAMETERS[land_use]),
            "status": "removed" if removed_months_ago else "working", "install_date": installed,
            "account_id": account_id, **self.stamp,
        })
        age_months = (self.as_of - installed).days / 30.4
        value = round(mean_m3 * age_months * rng.uniform(0.6, 1.0))
        factor = 1.0
        if role is None:
            factor = {"restricted": 0.25, "suspended": 0.0}.get(service, 1.0)
        readings, reading_id = self.rows["reading"], self.ids["reading"]
        # (months back, date, seasonal factor), oldest first; each sector has its reading day.
        for back, read_on, season in self._reading_days(3 + (lot.sector.id * 3) % 20):
            if back < removed_months_ago:
                break  # no readings once the meter was taken out
            if back < READINGS:  # the first reading only sets the register
                use = mean_m3 * season * rng.uniform(0.8, 1.2) * factor
                if role == "zero_use":
                    use = 0.0
                elif role == "sharp_drop" and back <= 2:
                    use *= rng.uniform(0.03, 0.15)
                value += round(use)
            reading_id += 1
            readings.append({
                "id": reading_id, "meter_id": meter_id, "read_on": read_on,
                "value_m3": float(value), "source": "import", "created_at": self.now,
            })
        self.ids["reading"] = reading_id
        self.counts["meters"] += 1
