"""Crews and their members, as the office keeps them: the planner reads skills from active members."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.geo import to_element
from field_api.models import Crew, CrewMember

from .inputs import DispatchError

CREW_FIELDS = ("name", "travel_mode", "shift_start", "shift_end", "max_stops")


class CrewConflict(Exception):
    """The change clashes with what is stored: a crew name in use."""


def create_crew(session: Session, values: dict) -> Crew:
    _name_free(session, values["name"])
    crew = Crew(depot=to_element(values["depot"]), **{name: values[name] for name in CREW_FIELDS})
    session.add(crew)
    session.flush()
    return crew


def update_crew(session: Session, crew: Crew, values: dict) -> None:
    if "name" in values and values["name"] != crew.name:
        _name_free(session, values["name"])
    start, end = values.get("shift_start", crew.shift_start), values.get("shift_end", crew.shift_end)
    if start >= end:
        raise DispatchError(f"The shift must end after it starts: {start:%H:%M} to {end:%H:%M}.")
    for name in CREW_FIELDS:
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


def update_member(session: Session, member: CrewMember, values: dict) -> None:
    """Rename, change skills, or take off (the member's devices are refused from then on) or back."""
    if "skills" in values:
        values = {**values, "skills": sorted(set(values["skills"]))}
    for name in ("name", "skills", "active"):
        if name in values:
            setattr(member, name, values[name])
    session.flush()


def _name_free(session: Session, name: str) -> None:
    if session.scalar(select(Crew.id).where(Crew.name == name)) is not None:
        raise CrewConflict(f"A crew named '{name}' exists already.")
