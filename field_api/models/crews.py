"""Crews, their members and the devices they carry."""
from __future__ import annotations

from datetime import datetime, time

from geoalchemy2 import Geometry
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Time, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schemas import vocab

from .base import Base, UtcDateTime, Versioned, enum_column


class Crew(Versioned, Base):
    __tablename__ = "crew"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    travel_mode: Mapped[str] = enum_column(vocab.TRAVEL_MODES, "travel_mode", default="drive")
    depot = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    shift_start: Mapped[time] = mapped_column(Time, default=time(8, 0))
    shift_end: Mapped[time] = mapped_column(Time, default=time(16, 0))
    max_stops: Mapped[int] = mapped_column(Integer, default=40)
    # False once disbanded: never planned for, and its members' devices are refused.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    members = relationship("CrewMember", back_populates="crew")


class CrewMember(Versioned, Base):
    __tablename__ = "crew_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    crew = relationship(Crew, back_populates="members")


class Device(Versioned, Base):
    __tablename__ = "device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crew_member_id: Mapped[int] = mapped_column(ForeignKey("crew_member.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeviceContact(Base):
    """When a device was last heard from: its latest request that the server answered without an
    error (a download, a poll of the change feed, an upload, a photo). Kept apart from the device's
    row, which an upload locks and whose version a contact must not raise."""

    __tablename__ = "device_contact"

    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
