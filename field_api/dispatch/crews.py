"""Crews and their members, as the office keeps them: the planner reads skills from active members
of active crews."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.db import locked
from field_api.domain.work_items import OPEN_STATUSES
from field_api.geo import to_element
from field_api.models import Batch, Crew, CrewMember, PlanStop, WorkItem

from .inputs import DispatchError

CREW_FIELDS = ("name", "travel_mode", "shift_start", "shift_end", "max_stops")
SHOWN_IDS = 10  # work item ids named in a refusal; the rest are counted


class CrewConflict(Exception):
    """The change clashes with what is stored: a crew name in use, or work still on a crew to disband."""


class UnknownCrew(DispatchError):
    """A member's destination that is no crew, or a disbanded one (422)."""


def create_crew(session: Session, values: dict) -> Crew:
    _name_free(session, values["name"])
    crew = Crew(depot=to_element(values["depot"]), active=True,
                **{name: values[name] for name in CREW_FIELDS})
    session.add(crew)
    session.flush()
    return crew


def update_crew(session: Session, crew: Crew, values: dict, today: date) -> None:
    """Change a crew; `"active": False` disbands it, refused while work is still on it (the refusal
    names the crew's batches from `today`, the utility's local date, that hold it)."""
    if "name" in values and values["name"] != crew.name:
        _name_free(session, values["name"])
    start, end = values.get("shift_start", crew.shift_start), values.get("shift_end", crew.shift_end)
    if start >= end:
        raise DispatchError(f"The shift must end after it starts: {start:%H:%M} to {end:%H:%M}.")
    if values.get("active") is False and crew.active:
        _refuse_if_busy(session, crew, today)
    for name in (*CREW_FIELDS, "active"):
        if name in values:
            setattr(crew, name, values[name])
    if "depot" in values:
        crew.depot = to_element(values["depot"])
    session.flush()


def add_member(session: Session, crew: Crew, name: str, skills: list[str]) -> CrewMember:
    member = CrewMember(crew_id=crew.id, name=name, skills=sorted(set(skills)), active=True)
    session.add(member)
    session.flush()
    return member


def lock_crews(session: Session, crew_ids) -> None:
    """Lock the crews `crew_ids` in id order: two requests that lock the same crews (a publish, two
    opposite moves of members at once) then wait for each other instead of deadlocking."""
    session.execute(select(Crew.id).where(Crew.id.in_(sorted(set(crew_ids)))).order_by(Crew.id).with_for_update()).all()


def update_member(session: Session, member: CrewMember, values: dict) -> None:
    """Rename, change skills, take off (the member's devices are refused from then on) or back, or
    move to another crew (`crew_id`): from then on the member's devices work for that crew."""
    if "skills" in values:
        values = {**values, "skills": sorted(set(values["skills"]))}
    if values.get("crew_id", member.crew_id) != member.crew_id:
        _check_destination(session, values["crew_id"])
    for name in ("name", "skills", "active", "crew_id"):
        if name in values:
            setattr(member, name, values[name])
    session.flush()


def _check_destination(session: Session, crew_id: int) -> None:
    # Locked, so that it cannot be disbanded while the member arrives.
    crew = session.scalar(locked(select(Crew).where(Crew.id == crew_id)))
    if crew is None:
        raise UnknownCrew(f"Crew {crew_id} does not exist; a member moves only to an existing crew.")
    if not crew.active:
        raise UnknownCrew(f"Crew {crew_id} ({crew.name}) is inactive; reactivate it before moving members to it.")


def _refuse_if_busy(session: Session, crew: Crew, today: date) -> None:
    """A crew with open work cannot be disbanded: that work would be nobody's. A batch of its own
    that is left with no open work of the crew's (all moved away or finished) does not stop it."""
    open_ids = session.scalars(select(WorkItem.id).where(WorkItem.assigned_crew_id == crew.id,
                                                         WorkItem.status.in_(OPEN_STATUSES))
                               .order_by(WorkItem.id)).all()
    if not open_ids:
        return
    days = session.scalars(
        select(Batch.service_date).join(PlanStop, PlanStop.route_id == Batch.route_id)
        .where(Batch.crew_id == crew.id, Batch.superseded_at.is_(None), Batch.service_date >= today,
               PlanStop.work_item_id.in_(open_ids)).group_by(Batch.service_date).order_by(Batch.service_date)).all()
    shown = ", ".join(map(str, open_ids[:SHOWN_IDS])) + (", ..." if len(open_ids) > SHOWN_IDS else "")
    on = f", on its batches for {', '.join(d.isoformat() for d in days)}" if days else ""
    raise CrewConflict(
        f"Crew {crew.id} ({crew.name}) still has {len(open_ids)} open work item{'s' if len(open_ids) > 1 else ''} "
        f"({shown}){on}. Reassign them to another crew (POST /work-items/{{id}}/reassign) or cancel them "
        "first, then deactivate the crew.")


def _name_free(session: Session, name: str) -> None:
    if session.scalar(select(Crew.id).where(Crew.name == name)) is not None:
        raise CrewConflict(f"A crew named '{name}' exists already.")
