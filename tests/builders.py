"""Small registry builders for tests: a few hand-made rows whose outcome a person can predict."""
from __future__ import annotations

from datetime import date, datetime, timezone

from shapely.geometry import Point, box

from field_api.geo import to_element
from field_api.models import Account, Balance, Meter, PaymentAgreement, Premise, Reading, Sector, WorkItem


def make_sector(session, code: str, bounds: tuple[float, float, float, float], name: str | None = None) -> Sector:
    sector = Sector(code=code, name=name or code, geom=to_element(box(*bounds)))
    session.add(sector)
    session.flush()
    return sector


def make_account(session, number: str, lon: float, lat: float, *, sector: Sector | None = None,
                 land_use: str = "domestic", months: int = 0, cents: int = 0, status: str = "active",
                 protected: bool = False, premise: Premise | None = None) -> Account:
    """An account with a premise of its own, or at `premise` (a building with several accounts)."""
    premise = premise or Premise(street="Calle 5", exterior_number=number, geom=to_element(Point(lon, lat)),
                                 land_use=land_use, sector=sector, neighborhood=sector.name if sector else None,
                                 municipality="Caborca")
    account = Account(number=number, holder_name=f"Titular {number}",
                      tariff_class="domestic" if land_use == "domestic" else "commercial",
                      service_status=status, premise=premise, protected=protected,
                      protected_reason="pensionado" if protected else None)
    session.add_all([premise, account, Balance(account=account, amount_owed_cents=cents, months_overdue=months)])
    session.flush()
    return account


def served_warning(session, account: Account, served_on: date) -> WorkItem:
    """A cut warning already served, as the field (or the office, on paper) would record it."""
    item = WorkItem(type="notice", subtype="cut_warning", account_id=account.id, premise_id=account.premise_id,
                    reason="Aviso de corte", required_skill="notifier", status="done",
                    served_at=datetime.combine(served_on, datetime.min.time(), timezone.utc).replace(hour=11))
    session.add(item)
    session.flush()
    return item


def agreement(session, account: Account, status: str = "current", start: date = date(2026, 10, 1),
              instalments: int = 6, paid: int = 0) -> PaymentAgreement:
    row = PaymentAgreement(account_id=account.id, total_cents=600000, instalments=instalments,
                           instalments_paid=paid, start_date=start, status=status)
    session.add(row)
    session.flush()
    return row


def meter_with_readings(session, account: Account, serial: str, values: list[float],
                        first: date = date(2026, 5, 1)) -> Meter:
    meter = Meter(serial=serial, account_id=account.id)
    session.add(meter)
    session.flush()
    for i, value in enumerate(values):
        month = first.month + i
        read_on = date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        session.add(Reading(meter_id=meter.id, read_on=read_on, value_m3=value))
    session.flush()
    return meter


def make_crew(session, name: str, skills: list[str], travel_mode: str = "drive",
              depot: tuple[float, float] = (-112.16, 30.71), max_stops: int = 40):
    from field_api.models import Crew, CrewMember

    crew = Crew(name=name, travel_mode=travel_mode, depot=to_element(Point(*depot)), max_stops=max_stops)
    session.add(crew)
    session.flush()
    session.add(CrewMember(crew_id=crew.id, name=f"Integrante de {name}", skills=skills))
    session.flush()
    return crew


def make_item(session, account: Account, type_: str = "cut", subtype: str = "restrict", value: float = 1000.0,
              window: tuple[datetime, datetime] | None = None, status: str = "pending") -> WorkItem:
    from field_api.domain import work_items

    item = WorkItem(type=type_, subtype=subtype, account_id=account.id, premise_id=account.premise_id,
                    reason="prueba", priority_value=value, required_skill=work_items.REQUIRED_SKILL[type_],
                    status=status, window_start=window[0] if window else None,
                    window_end=window[1] if window else None,
                    open_key=work_items.open_key(type_, subtype, account.id, None, status))
    session.add(item)
    session.flush()
    return item
